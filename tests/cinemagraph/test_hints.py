import json

import pytest

from stillmotion.cinemagraph.hints import Anchor, Hint, MotionHints, load_hints, parse_anchor, parse_hint
from stillmotion.errors import InputError


def test_parse_hint_and_anchor():
    assert parse_hint("10, 20,-3,4.5") == Hint(10, 20, -3, 4.5)
    assert parse_anchor("7,8") == Anchor(7, 8)
    for bad in ("1,2,3", "a,b,c,d", "1,2,3,nan"):
        with pytest.raises(InputError, match="--hint"):
            parse_hint(bad)


def test_load_hints_both_forms(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"hints": [{"x": 1, "y": 2, "dx": 3, "dy": 4}, [5, 6, 7, 8]], "anchors": [[9, 10]]}))
    hints = load_hints(path)
    assert hints.hints == (Hint(1, 2, 3, 4), Hint(5, 6, 7, 8))
    assert hints.anchors == (Anchor(9, 10),)
    path.write_text(json.dumps([[1, 2, 3, 4]]))
    assert load_hints(path).hints == (Hint(1, 2, 3, 4),)


@pytest.mark.parametrize("text", ["{", '{"arrows": []}', '{"hints": [[1, 2]]}', '{"anchors": [{"x": 1}]}',
                                  '{"hints": [[400, 300, NaN, 5]]}', '[[1, 2, 1e400, 0]]', '{"anchors": [[NaN, 1]]}'])
def test_load_hints_rejects_bad_files(tmp_path, text):
    path = tmp_path / "h.json"
    path.write_text(text)
    with pytest.raises(InputError, match="hints file"):
        load_hints(path)


def test_hints_must_be_finite_in_python_too():
    with pytest.raises(InputError, match="must be finite"):
        Hint(1, 2, float("nan"), 0)
    with pytest.raises(InputError, match="must be finite"):
        Anchor(float("inf"), 0)


def test_hints_outside_the_photo_are_refused():
    MotionHints((Hint(0, 0, 1, 1), Hint(99, 49, 1, 1))).check_inside(100, 50)
    with pytest.raises(InputError, match=r"hint at \(100, 10\) is outside the photo, which is 100x50"):
        MotionHints((Hint(100, 10, 1, 1),)).check_inside(100, 50)
    with pytest.raises(InputError, match="anchor"):
        MotionHints(anchors=(Anchor(-1, 3),)).check_inside(100, 50)


def test_scaled_hints():
    scaled = MotionHints((Hint(10, 20, 2, 4),), (Anchor(4, 6),)).scaled(0.5)
    assert scaled.hints == (Hint(5, 10, 1, 2),) and scaled.anchors == (Anchor(2, 3),)


def test_clamped_hints_stay_on_the_photo():
    hints = MotionHints((Hint(49.7, -0.2, 3, 4), Hint(10, 10, 1, 1)), (Anchor(50.2, 31.6),)).clamped(50, 32)
    assert hints.hints == (Hint(49, 0, 3, 4), Hint(10, 10, 1, 1)) and hints.anchors == (Anchor(49, 31),)


def test_arrows_longer_than_the_diagonal_per_second_are_refused():
    MotionHints((Hint(1, 1, 80, 60),)).check_fits(80, 60)  # exactly the diagonal
    with pytest.raises(InputError, match="moves 100.1 px per second, more than 100"):
        MotionHints((Hint(1, 1, 80, 60.1),)).check_fits(80, 60)
    with pytest.raises(InputError, match="outside the photo"):
        MotionHints((Hint(80, 1, 1, 1),)).check_fits(80, 60)


def test_hints_may_be_plain_tuples():
    """``MotionHints(hints=[(400, 300, 0, 20)])`` was "AttributeError: 'tuple' object has no attribute 'x'"."""
    from stillmotion.cinemagraph.hints import Anchor, Hint, MotionHints
    from stillmotion.errors import InputError

    hints = MotionHints(hints=[(400, 300, 0, 20)], anchors=[(10, 20)])
    assert hints.hints == (Hint(400.0, 300.0, 0.0, 20.0),) and hints.anchors == (Anchor(10.0, 20.0),)
    assert hints.scaled(0.5).hints == (Hint(200.0, 150.0, 0.0, 10.0),)
    with pytest.raises(InputError, match=r"a hint is a Hint or \(x, y, dx, dy\) numbers, got \(1, 2\)"):
        MotionHints(hints=[(1, 2)])
    with pytest.raises(InputError, match="an anchor|a anchor"):
        MotionHints(anchors=["here"])
