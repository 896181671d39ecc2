"""Finishing a shot: grade every rendered frame and, if asked, write a contact-sheet preview.

:class:`Finisher` is what the animate loop calls once per frame with the renderer's image and inverse
depth; it keeps only the three frames the preview needs (never the clip). Grading is the costly part
(depth of field, grain, the colour LUT: tens of milliseconds a frame and more), so ``animate`` grades
frames on the renderer's worker threads (:meth:`Finisher.grade`) and keeps them for the preview in
order (:meth:`Finisher.keep`).
"""

from __future__ import annotations

import logging
import os

import numpy as np

from ..errors import OutputError
from .config import GradeConfig
from .pipeline import Grader

log = logging.getLogger(__name__)

PREVIEW_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")


class Finisher:
    """``finisher(image, inverse_depth, index) -> frame``; ``finisher.close()`` writes the preview.

    ``grade`` None leaves frames untouched. ``preview`` is a PNG/JPEG path for the contact sheet of
    the first, middle and last frames plus ``preview_depth`` (inverse depth, larger = nearer; by default
    the first frame's rendered inverse depth, framed like the frames).
    """

    def __init__(
        self,
        grade: GradeConfig | None,
        *,
        frame_count: int,
        preview: str | os.PathLike | None = None,
        preview_depth: np.ndarray | None = None,
        title: str = "",
        inputs: tuple = (),
    ) -> None:
        check_preview_path(preview)
        self.frame_count = max(1, int(frame_count))
        self.grader = Grader(grade, frame_count=self.frame_count) if grade is not None and grade != GradeConfig() else None
        self.preview = preview
        self.preview_depth = preview_depth
        self.title = title
        self.inputs = inputs
        self._keep = {0: None, (self.frame_count - 1) // 2: None, self.frame_count - 1: None}
        if self.grader is not None:
            log.info("grade: %s", describe(grade))

    def __call__(self, image: np.ndarray, inverse_depth: np.ndarray | None, index: int) -> np.ndarray:
        frame = self.grade(image, inverse_depth, index)
        self.keep(frame, inverse_depth, index)
        return frame

    def grade(self, image: np.ndarray, inverse_depth: np.ndarray | None, index: int) -> np.ndarray:
        """The finished frame ``index``. Safe on several threads at once once frame 0 has been graded
        (:attr:`needs_first_frame`): the grade fixes its focus and depth range on the first frame."""
        return self.grader(image, inverse_depth, index) if self.grader is not None else image

    @property
    def needs_first_frame(self) -> bool:
        """Whether frame 0 must be graded before the others (on one thread) for the grade to be fixed."""
        return self.grader is not None and self.grader.state is None and self.grader.config.needs_depth

    def keep(self, frame: np.ndarray, inverse_depth: np.ndarray | None, index: int) -> None:
        """Note a finished frame for the preview (call in frame order, on one thread)."""
        if self.preview is not None and index in self._keep:
            self._keep[index] = frame.astype(np.float32) / 255.0 if frame.dtype == np.uint8 else frame.copy()
            if index == 0 and self.preview_depth is None and inverse_depth is not None:
                self.preview_depth = inverse_depth.copy()  # the first frame's depth: same framing as the frames

    def close(self) -> None:
        """Write the preview sheet (atomically) if one was asked for."""
        if self.preview is None:
            return
        from ..io import write_image
        from .preview import shot_sheet

        if any(f is None for f in self._keep.values()):
            log.warning("preview: not every frame was rendered; no sheet written")
            return
        # by index, as the sheet labels them (a 2-frame clip's middle is frame 0, its list's middle frame 1)
        count = self.frame_count
        first, middle, last = self._keep[0], self._keep[(count - 1) // 2], self._keep[count - 1]
        depth = self.preview_depth if self.preview_depth is not None else np.zeros(first.shape[:2], np.float32)
        write_image(self.preview, shot_sheet(first, middle, last, depth, frame_count=self.frame_count, title=self.title),
                    inputs=self.inputs)  # fmt: skip
        log.info("preview: wrote %s", self.preview)


def check_preview_path(preview: str | os.PathLike | None, *, output: str | os.PathLike | None = None,
                       inputs: tuple = ()) -> None:  # fmt: skip
    """Refuse, before any work, a preview path that is not an image file, cannot be written, is one of
    ``inputs``, or would overwrite the run's ``output`` (or a frame in its folder of frames)."""
    if preview is None:
        return
    if os.path.splitext(str(preview))[1].lower() not in PREVIEW_EXTENSIONS:
        raise OutputError(f"--preview must be an image ({', '.join(PREVIEW_EXTENSIONS)}), got {str(preview)!r}")
    from ..io import check_output, check_separate_outputs

    check_output(preview, inputs=tuple(p for p in inputs if p is not None))
    check_separate_outputs(("the output", output), ("--preview", preview))


def describe(config: GradeConfig) -> str:
    """The non-default fields of a grade, ``key=value`` style, for logs."""
    default = GradeConfig()
    parts = [f"{k}={v}" for k, v in vars(config).items() if getattr(default, k) != v]
    return ", ".join(parts) or "neutral"
