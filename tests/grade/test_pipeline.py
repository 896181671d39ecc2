import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.grade import GradeConfig, Grader, grade_frame, parse_grade
from stillmotion.grade import colour, lens
from stillmotion.grade.pipeline import focus_at, shot_state


def photo(h=60, w=90):
    rng = np.random.default_rng(11)
    return rng.random((h, w, 3), dtype=np.float32)


def test_neutral_config_is_identity():
    image = photo()
    np.testing.assert_allclose(grade_frame(image, None, config=GradeConfig()), image, atol=1e-6)


def test_colour_controls_do_what_they_say():
    grey = np.full((4, 4, 3), 0.5, np.float32)
    brighter = grade_frame(grey, None, config=GradeConfig(exposure_ev=1.0))
    lin = colour.srgb_to_linear(brighter)
    np.testing.assert_allclose(lin, 2 * colour.srgb_to_linear(grey), rtol=1e-4)
    warm = grade_frame(grey, None, config=GradeConfig(temperature=0.5))
    assert warm[0, 0, 0] > 0.5 > warm[0, 0, 2]
    ramp = np.linspace(0, 1, 11, dtype=np.float32)[None, :, None].repeat(3, 2)
    s = colour.contrast_curve(ramp, 0.5)
    assert s[0, 0, 0] == 0 and abs(s[0, 5, 0] - 0.5) < 1e-6 and abs(s[0, 10, 0] - 1) < 1e-6
    assert s[0, 2, 0] < ramp[0, 2, 0] and s[0, 8, 0] > ramp[0, 8, 0]
    mono = grade_frame(photo(), None, config=GradeConfig(saturation=0.0))
    np.testing.assert_allclose(mono[..., 0], mono[..., 2], atol=1e-6)
    lifted = colour.lift_gamma_gain(np.zeros((1, 1, 3), np.float32), lift=(0.1, 0, 0), gamma=(1, 1, 1), gain=(1, 1, 1))
    np.testing.assert_allclose(lifted[0, 0], (0.1, 0, 0), atol=1e-6)


def test_vignette_letterbox_and_aberration():
    white = np.ones((90, 160, 3), np.float32) * 0.8
    v = grade_frame(white, None, config=GradeConfig(vignette=0.5))
    assert abs(v[45, 80, 0] - 0.8) < 0.01 and v[0, 0, 0] < 0.65
    boxed = lens.letterbox(white, aspect=2.39)
    rows = np.nonzero(boxed[:, 80, 0] > 0)[0]
    assert abs(160 / (rows.max() - rows.min() + 1) - 2.39) < 0.1 and boxed[0].max() == 0
    # a white dot near the right edge: red moves outwards, blue inwards, green stays
    dot = np.zeros((101, 201, 3), np.float32)
    dot[50, 180] = 1.0
    ca = lens.chromatic_aberration(dot, amount_pct=4.0)
    col = lambda c: float((ca[50, :, c] * np.arange(201)).sum() / ca[50, :, c].sum())  # noqa: E731
    assert col(0) > col(1) + 1.0 and col(2) < col(1) - 1.0 and abs(col(1) - 180) < 1e-6


def test_dof_needs_depth():
    with pytest.raises(InputError, match="depth"):
        grade_frame(photo(), None, config=GradeConfig(dof_radius_pct=1.0))


def _ramp_depth(h=60, w=90):
    return np.tile(np.linspace(0.0, 1.0, w, dtype=np.float32), (h, 1))


@pytest.mark.parametrize("cut", [np.s_[:20], np.s_[:, :50], np.s_[..., None, None]])
def test_a_depth_map_of_another_size_is_refused(cut):
    # a depth map of 20 rows was used for the frame's first 20 (the rest got garbage), 3-D ones crashed
    with pytest.raises(InputError, match=r"the depth map has shape \(.*\), the frame is 60x90"):
        grade_frame(photo(), _ramp_depth()[cut], config=GradeConfig(dof_radius_pct=1.0))


def test_a_depth_map_with_a_channel_axis_is_the_same_map():
    config = GradeConfig(dof_radius_pct=1.0)
    np.testing.assert_array_equal(grade_frame(photo(), _ramp_depth()[..., None], config=config),
                                  grade_frame(photo(), _ramp_depth(), config=config))  # fmt: skip


@pytest.mark.parametrize("grade", [lambda c, i, d: grade_frame(i, d, config=c), lambda c, i, d: Grader(c, frame_count=1)(i, d)])
def test_unknown_depth_is_filled_and_never_blacks_out_the_frame(grade):
    # NaN depth made NaN pixels, written as black: 1 in 6 rows of NaN blacked out those rows, all-NaN the frame
    config = GradeConfig(dof_radius_pct=2.0, focus=(1.0, 1.0))
    image, depth = photo(), _ramp_depth()
    holes = depth.copy()
    holes[:10] = np.nan
    out = grade(config, image, holes)
    assert np.isfinite(out).all()
    # filled from the rows below, the top rows blur as those rows do
    np.testing.assert_allclose(out[12:], grade(config, image, depth)[12:], atol=0.02)
    assert np.abs(out[:10] - image[:10]).mean() > 0.01
    np.testing.assert_array_equal(grade(config, image, np.full_like(depth, np.nan)), image)  # nothing known: sharp


def test_a_frame_holding_nan_is_refused():
    image = photo()
    image[5, 7, 1] = np.nan
    with pytest.raises(InputError, match="the frame holds NaN or infinite values"):
        grade_frame(image, None, config=GradeConfig())


def test_a_first_frame_without_known_depth_still_fixes_the_grade():
    """Its state stayed None: every later frame measured its own depth range (the grade pumped) and ran the
    face search again."""
    image = photo()
    depth = np.tile(np.linspace(0, 1, 90, dtype=np.float32), (60, 1))
    grader = Grader(parse_grade("dof=2"), frame_count=3)
    np.testing.assert_array_equal(grader(image, np.full_like(depth, np.nan), 0), image)  # nothing known: sharp
    assert grader.state is not None
    fixed = grader.state
    grader(image, depth, 1)
    assert grader.state is fixed


def test_focus_pull_moves_smoothly_from_start_to_end():
    config = parse_grade("focus=0.9>0.1")
    state = shot_state(np.random.default_rng(0).random((20, 20)).astype(np.float32))
    values = [focus_at(config, state, t) for t in np.linspace(0, 1, 11)]
    assert values[0] == pytest.approx(0.9) and values[-1] == pytest.approx(0.1)
    assert np.all(np.diff(values) < 0) and abs(np.diff(values)[0]) < abs(np.diff(values)[5])  # eased


def test_grader_is_stable_over_frames_except_grain():
    image = photo()
    depth = np.tile(np.linspace(0, 1, 90, dtype=np.float32), (60, 1))
    grader = Grader(parse_grade("film,grain=0,dof=2"), frame_count=5)
    frames = [grader(image, depth, i) for i in range(3)]
    np.testing.assert_array_equal(frames[0], frames[2])
    grainy = Grader(parse_grade("film,dof=2"), frame_count=5)
    assert np.abs(grainy(image, depth, 0) - grainy(image, depth, 1)).mean() > 1e-3


def test_grader_reads_the_lut_and_reports_missing_files(tmp_path):
    with pytest.raises(InputError, match="cannot read LUT"):
        Grader(GradeConfig(lut_path=str(tmp_path / "missing.cube")), frame_count=1)
    size = 2
    rows = [f"{b} {g} {r}" for b in (0, 1) for g in (0, 1) for r in (0, 1)]  # out = (b, g, r): swap R and B
    (tmp_path / "swap.cube").write_text(f"LUT_3D_SIZE {size}\n" + "\n".join(rows) + "\n")
    image = photo()
    out = Grader(parse_grade(f"lut={tmp_path / 'swap.cube'}"), frame_count=1)(image)
    np.testing.assert_allclose(out, image[..., ::-1], atol=1e-5)


def test_baked_colour_lut_matches_the_exact_transform():
    from stillmotion.grade.lut import apply_lut_fast
    from stillmotion.grade.pipeline import bake_colour, colour_transform

    rng = np.random.default_rng(4)
    pixels = rng.random((200, 200, 3), dtype=np.float32)
    for name in ("film", "teal_orange", "noir", "dream"):
        config = parse_grade(name)
        baked = bake_colour(config)
        exact = colour_transform(pixels, config=config)
        approx = apply_lut_fast(pixels, baked, interpolation="tetrahedral")
        # clipping kinks make the worst pixel ~1e-2 off; on average the bake is exact to 8-bit precision
        assert np.abs(approx - exact).max() < 0.015 and np.abs(approx - exact).mean() < 2e-4
    assert bake_colour(GradeConfig()) is None


def test_8_and_16_bit_frames_are_graded_as_unit_floats():
    # an 8-bit frame was taken as values 0..255, clipped to white: a neutral grade gave a mean of 0.89
    image = photo()
    u8 = np.round(image * 255).astype(np.uint8)
    out = grade_frame(u8, None, config=GradeConfig())
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, u8 / np.float32(255), atol=1e-6)
    u16 = np.round(image * 65535).astype(np.uint16)
    film = parse_grade("film")
    np.testing.assert_allclose(grade_frame(u16, None, config=film), grade_frame(u16 / np.float32(65535), None, config=film),
                               atol=1e-5)  # fmt: skip


def test_the_vignette_darkens_the_corners_of_the_picture_the_bars_leave():
    """``scope`` vignetted the whole frame before its bars: the visible picture's corners were barely
    darker than its middle."""
    from stillmotion.grade import lens
    from stillmotion.grade.config import GradeConfig
    from stillmotion.grade.pipeline import grade_frame

    frame = np.full((360, 640, 3), 0.6, np.float32)
    rows, _ = lens.letterbox_bars(640, 360, aspect=2.39)
    out = grade_frame(frame, None, config=GradeConfig(vignette=0.4, letterbox_aspect=2.39))
    corner, middle = out[rows + 1, 1, 0], out[180, 320, 0]
    plain = grade_frame(frame, None, config=GradeConfig(vignette=0.4))
    assert corner / middle == pytest.approx(plain[1, 1, 0] / plain[180, 320, 0], abs=0.02), "as dark as a frame's corner"
    assert out[: rows].max() == 0.0 and out[360 - rows :].max() == 0.0
