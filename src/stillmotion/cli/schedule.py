"""``stillmotion schedule "SCHEDULE" --frames N``: preview a Deforum keyframe schedule."""

from __future__ import annotations

from ..errors import InputError
from . import _stdout

NAME = "schedule"
HELP = "print the value of a Deforum keyframe schedule at each frame, one per line"


def add_arguments(parser) -> None:
    parser.add_argument("schedule", help='keyframe string, e.g. "0:(1.0), 30:(1.04+0.02*sin(2*3.14*t/30))"; '
                        'one that starts with "-" goes last, after "--": --frames 30 -- "-0.5*t"')  # fmt: skip
    parser.add_argument("--frames", type=int, required=True, help="number of frames (max_frames)")
    parser.add_argument("--seed", type=int, default=-1, help="value of the variable s in expressions")
    parser.add_argument("--index", action="store_true", help="print 'frame value' pairs")


#: The same limit as a Deforum settings file's max_frames.
MAX_FRAMES = 100_000


def run(args) -> int:
    from ..generate.schedule import schedule_values

    if not 1 <= args.frames <= MAX_FRAMES:
        raise InputError(f"--frames must be within 1..{MAX_FRAMES} (as Deforum's max_frames), got {args.frames}")
    values = schedule_values(args.schedule, args.frames, seed=args.seed)
    values = [v + 0.0 for v in values]  # -0.0 printed as "-0"
    lines = (f"{i} {v:.10g}" if args.index else f"{v:.10g}" for i, v in enumerate(values))
    _stdout.write("\n".join(lines) + "\n")
    return 0
