import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.io.flo import read_flo, unknown_flow_mask, write_flo


def test_round_trip_keeps_values_and_layout(tmp_path):
    rng = np.random.default_rng(0)
    flow = rng.normal(size=(7, 11, 2)).astype(np.float32) * 20
    path = tmp_path / "f.flo"
    write_flo(path, flow)
    back = read_flo(path)
    assert back.shape == (7, 11, 2) and back.dtype == np.float32
    np.testing.assert_array_equal(back, flow)
    raw = path.read_bytes()
    assert np.frombuffer(raw[:4], "<f4")[0] == np.float32(202021.25)
    assert tuple(np.frombuffer(raw[4:12], "<i4")) == (11, 7)  # width first
    assert np.frombuffer(raw[12:20], "<f4")[1] == flow[0, 0, 1]  # u, v interleaved


def test_only_a_flo_name_is_written(tmp_path):
    """.flo data was written under any name, a .png one too."""
    from stillmotion.errors import OutputError

    with pytest.raises(OutputError, match="must end in .flo"):
        write_flo(tmp_path / "f.png", np.zeros((4, 5, 2), np.float32))
    assert not any(tmp_path.iterdir())
    write_flo(tmp_path / "F.FLO", np.zeros((4, 5, 2), np.float32))
    assert read_flo(tmp_path / "F.FLO").shape == (4, 5, 2)


@pytest.mark.parametrize(
    "payload",
    [b"", b"PIEH", np.array([1.0], "<f4").tobytes() + np.array([2, 2], "<i4").tobytes() + bytes(32),
     np.array([202021.25], "<f4").tobytes() + np.array([2, 2], "<i4").tobytes() + bytes(31),
     np.array([202021.25], "<f4").tobytes() + np.array([-3, 2], "<i4").tobytes()],
    ids=["empty", "short", "bad-magic", "truncated", "negative-size"],
)  # fmt: skip
def test_corrupt_files_raise_input_error(tmp_path, payload):
    path = tmp_path / "bad.flo"
    path.write_bytes(payload)
    with pytest.raises(InputError, match="corrupt|shorter"):
        read_flo(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_flo(tmp_path / "nope.flo")


def test_unknown_marker():
    flow = np.zeros((2, 2, 2), np.float32)
    flow[0, 1, 0] = 1.7e9
    flow[1, 0, 1] = np.nan
    assert unknown_flow_mask(flow).tolist() == [[False, True], [True, False]]


def test_reads_real_ground_truth(shared_data):
    flow = read_flo(shared_data("middlebury_flow", "Urban2", "flow10.flo"))
    assert flow.shape == (480, 640, 2)
    # documented range of Urban2's u component
    assert -21.5 < flow[..., 0].min() < -21 and 6 < flow[..., 0].max() < 6.5
