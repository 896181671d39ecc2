"""Files in and out. Everything is converted to the data contracts of :mod:`stillmotion.types` here."""

from .atomic import atomic_output
from .depth_file import read_depth, write_depth
from .image import read_image, write_image
from .video import open_writer, output_kind

__all__ = ["atomic_output", "open_writer", "output_kind", "read_depth", "read_image", "write_depth", "write_image"]
