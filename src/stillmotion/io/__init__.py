"""Files in and out. Everything is converted to the data contracts of :mod:`stillmotion.types` here."""

from ._checks import check_separate_outputs
from .atomic import atomic_output, check_output, output_group
from .depth_file import read_depth, write_depth
from .depth_fill import fill_invalid
from .depth_match import match_depth
from .image import MAX_PIXELS, check_image_output, photo_bits, read_image, write_image
from .video import check_clip_output, open_writer, output_kind

__all__ = [
    "MAX_PIXELS",
    "atomic_output",
    "check_clip_output",
    "check_image_output",
    "check_output",
    "check_separate_outputs",
    "fill_invalid",
    "match_depth",
    "open_writer",
    "output_group",
    "output_kind",
    "photo_bits",
    "read_depth",
    "read_image",
    "write_depth",
    "write_image",
]
