import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.grade.lut import Lut3D, apply_lut, apply_lut_fast, parse_cube, read_cube

INTERPOLATIONS = ("trilinear", "tetrahedral")


def cube_text(fn, size, *, domain=None, title="test") -> str:
    """Write a .cube file the way editors do: header, comments, red fastest."""
    lines = [f'TITLE "{title}"', "# a comment line", f"LUT_3D_SIZE {size}"]
    if domain:
        lines += [f"DOMAIN_MIN {domain[0]} {domain[0]} {domain[0]}", f"DOMAIN_MAX {domain[1]} {domain[1]} {domain[1]}"]
    lo, hi = domain or (0.0, 1.0)
    axis = np.linspace(lo, hi, size)
    for b in axis:
        for g in axis:
            for r in axis:
                out = fn(np.array([r, g, b]))
                lines.append(f"{out[0]:.6f} {out[1]:.6f} {out[2]:.6f}  # row")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def photo():
    rng = np.random.default_rng(3)
    return rng.random((37, 53, 3), dtype=np.float32)


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("apply", [apply_lut, apply_lut_fast])
def test_identity_lut_changes_nothing(tmp_path, photo, interpolation, apply):
    path = tmp_path / "identity.cube"
    path.write_text(cube_text(lambda c: c, 17))
    lut = read_cube(path)
    assert lut.size == 17 and lut.title == "test"
    out = apply(photo, lut, interpolation=interpolation)
    assert out.dtype == np.float32 and out.shape == photo.shape
    np.testing.assert_allclose(out, photo, atol=2e-6)


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("apply", [apply_lut, apply_lut_fast])
def test_channel_swap_lut_swaps_channels(photo, interpolation, apply):
    lut = parse_cube(cube_text(lambda c: c[[2, 0, 1]], 5))  # out = (B, R, G)
    out = apply(photo, lut, interpolation=interpolation)
    np.testing.assert_allclose(out, photo[..., [2, 0, 1]], atol=2e-6)


def test_domain_is_respected(photo):
    # A LUT over [0, 2] that halves: inputs in [0, 1] map to x / 2 (linear, so exact under interpolation).
    lut = parse_cube(cube_text(lambda c: c / 2.0, 3, domain=(0.0, 2.0)))
    assert lut.domain_max == (2.0, 2.0, 2.0)
    for interpolation in INTERPOLATIONS:
        np.testing.assert_allclose(apply_lut_fast(photo, lut, interpolation=interpolation), photo / 2, atol=2e-6)


def test_resolves_input_range_is_the_domain_and_unknown_keywords_are_said(photo, caplog):
    """``LUT_3D_INPUT_RANGE 0 2`` (Resolve's keyword) was skipped silently: a LUT over [0, 2] applied
    as if over [0, 1], the picture twice as bright; a misspelt ``DOMAIN_MAXX`` was skipped silently too."""
    text = cube_text(lambda c: c / 2.0, 3, domain=(0.0, 2.0))
    resolve = text.replace("DOMAIN_MIN 0.0 0.0 0.0\nDOMAIN_MAX 2.0 2.0 2.0", "LUT_3D_INPUT_RANGE 0.0 2.0")
    assert "LUT_3D_INPUT_RANGE" in resolve and "DOMAIN" not in resolve
    lut = parse_cube(resolve)
    assert lut.domain_min == (0.0, 0.0, 0.0) and lut.domain_max == (2.0, 2.0, 2.0)
    np.testing.assert_allclose(apply_lut_fast(photo, lut), photo / 2, atol=2e-6)
    with caplog.at_level("WARNING"):
        parse_cube(text.replace("DOMAIN_MAX 2.0 2.0 2.0", "DOMAIN_MAXX 2.0 2.0 2.0"), source="LUT x.cube")
    assert "LUT x.cube: line 5: DOMAIN_MAXX is not a keyword this reader knows; ignored" in caplog.text


def test_interpolation_properties():
    # out R = r * g is multilinear: trilinear reproduces it exactly anywhere; tetrahedral on a grey
    # input only uses the cell's two diagonal corners, so it interpolates linearly between them.
    lut = Lut3D.from_function(lambda c: np.stack([c[..., 0] * c[..., 1], c[..., 1], c[..., 2]], -1), size=3)
    colour = np.array([[[0.2, 0.7, 0.4]]], np.float32)
    np.testing.assert_allclose(apply_lut(colour, lut, interpolation="trilinear")[..., 0], 0.2 * 0.7, atol=1e-6)
    grey = np.full((2, 2, 3), 0.3, np.float32)
    tet = apply_lut(grey, lut, interpolation="tetrahedral")
    diagonal = 0.0 + (0.3 / 0.5) * (0.25 - 0.0)  # between (0,0,0) -> 0 and (.5,.5,.5) -> .25
    np.testing.assert_allclose(tet[..., 0], diagonal, atol=1e-6)
    assert abs(apply_lut(grey, lut, interpolation="trilinear")[0, 0, 0] - 0.09) < 1e-6
    np.testing.assert_allclose(apply_lut_fast(colour, lut, interpolation="tetrahedral"), apply_lut(colour, lut, interpolation="tetrahedral"), atol=1e-6)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("0 0 0\n", "LUT_3D_SIZE"),
        ("LUT_3D_SIZE 2\n0 0 0\n", "expected 8"),
        ("LUT_1D_SIZE 4\n", "1D"),
        ("LUT_3D_SIZE two\n", "line 1"),
        ("LUT_3D_SIZE 2\n" + "0 0 x\n" * 8, "three numbers"),
        ("LUT_3D_SIZE 2\nDOMAIN_MIN 1 1 1\nDOMAIN_MAX 0 0 0\n" + "0 0 0\n" * 8, "DOMAIN_MIN"),
        ("LUT_3D_SIZE 2\n" + "0 0 0\n" * 7 + "nan 0 1\n", "three finite numbers"),  # was "found 7" rows
        ("LUT_3D_SIZE 2\n" + "NaN NaN NaN\n" * 8, "three finite numbers"),  # was "found 0"
        # "DOMAIN_MIN must be below DOMAIN_MAX in every channel" for a line of two numbers
        ("LUT_3D_SIZE 2\nDOMAIN_MIN 0 0\n" + "0 0 0\n" * 8, "DOMAIN_MIN needs three numbers \\(r g b\\), line 2"),
    ],
)
def test_bad_cube_files_are_one_line_input_errors(text, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        parse_cube(text)
    assert "\n" not in str(info.value)


def test_missing_lut_file(tmp_path):
    with pytest.raises(InputError, match="cannot read LUT"):
        read_cube(tmp_path / "nope.cube")


@pytest.mark.parametrize("apply", [apply_lut, apply_lut_fast])
def test_8_bit_images_are_scaled_to_unit_floats(photo, apply):
    # an 8-bit image was looked up as values 0..255, all beyond the domain: every pixel came out 1.0
    lut = parse_cube(cube_text(lambda c: c[[2, 0, 1]], 5))
    u8 = np.round(photo * 255).astype(np.uint8)
    out = apply(u8, lut)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, apply(u8 / np.float32(255), lut), atol=1e-6)


@pytest.mark.parametrize("apply", [apply_lut, apply_lut_fast])
def test_nan_pixels_are_refused(apply):
    # apply_lut indexed the table at -2**31 (IndexError), apply_lut_fast returned NaN
    lut = parse_cube(cube_text(lambda c: c, 3))
    image = np.full((4, 4, 3), 0.5, np.float32)
    image[1, 2] = np.nan
    with pytest.raises(InputError, match="NaN or infinite"):
        apply(image, lut)
    image[1, 2] = np.inf
    with pytest.raises(InputError, match="NaN or infinite"):
        apply(image, lut)


def test_a_cube_file_with_a_byte_order_mark_is_read(tmp_path, photo):
    # Windows editors save UTF-8 with a BOM: its first line was not read as LUT_3D_SIZE
    path = tmp_path / "bom.cube"
    path.write_text("LUT_3D_SIZE 2\n" + cube_text(lambda c: c[[2, 0, 1]], 2).split("LUT_3D_SIZE 2\n")[1], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfLUT_3D_SIZE")
    np.testing.assert_allclose(apply_lut(photo, read_cube(path)), photo[..., [2, 0, 1]], atol=2e-6)


@pytest.mark.parametrize("interpolation", ["trilinear", "tetrahedral"])
def test_a_graded_lone_lut_uses_the_interpolation_asked_for(photo, interpolation):
    # grade_frame read a lone user LUT tetrahedrally whatever lut_interp said
    from stillmotion.grade import GradeConfig
    from stillmotion.grade.pipeline import bake_colour, grade_frame

    lut = parse_cube(cube_text(lambda c: np.stack([c[0] ** 2, np.sqrt(c[1]), c[0] * c[2]]), 3))
    config = GradeConfig(lut_path="unused.cube", lut_interpolation=interpolation)
    baked = bake_colour(config, lut)
    assert baked is lut
    graded = grade_frame(photo, None, config=config, lut=lut, baked=baked)
    np.testing.assert_allclose(graded, apply_lut(photo, lut, interpolation=interpolation), atol=1e-5)
    other = "tetrahedral" if interpolation == "trilinear" else "trilinear"
    assert np.abs(graded - apply_lut(photo, lut, interpolation=other)).max() > 1e-3


def test_a_graded_lone_lut_at_half_strength_is_mixed_in(photo):
    # a lone LUT was handed to the frames as the baked grade, which applied it at full strength
    from stillmotion.grade import GradeConfig
    from stillmotion.grade.pipeline import bake_colour, grade_frame

    lut = parse_cube(cube_text(lambda c: np.stack([c[0] ** 2, np.sqrt(c[1]), c[0] * c[2]]), 3))
    config = GradeConfig(lut_path="unused.cube", lut_strength=0.5)
    graded = grade_frame(photo, None, config=config, lut=lut, baked=bake_colour(config, lut))
    full = apply_lut(photo, lut, interpolation=config.lut_interpolation)
    np.testing.assert_allclose(graded, photo + 0.5 * (full - photo), atol=1e-5)
