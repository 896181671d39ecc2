import numpy as np
import pytest

from stillmotion.cinemagraph.transfer import average_video_flow, fit_into_region, video_velocity
from stillmotion.errors import InputError
from stillmotion.io import open_writer

from .helpers import periodic_texture


@pytest.fixture(scope="module")
def moving_video(tmp_path_factory):
    """A 128x64 mp4 at 24 fps of a texture sliding right by 2 px per frame."""
    path = tmp_path_factory.mktemp("video") / "slide.mp4"
    tex = periodic_texture(64, 256, 64, seed=4)
    with open_writer(path, fps=24, width=128, height=64) as writer:
        for t in range(12):
            writer.write(np.roll(tex, 2 * t, axis=1)[:, :128])
    return path


def test_average_flow_of_a_sliding_texture(moving_video):
    flow, fps = average_video_flow(moving_video)
    assert fps == pytest.approx(24)
    inner = flow[8:-8, 16:-16].reshape(-1, 2)
    np.testing.assert_allclose(np.median(inner, axis=0), (2.0, 0.0), atol=0.25)


def test_velocity_fitted_into_the_region(moving_video):
    region = np.zeros((100, 200), bool)
    region[40:72, 50:114] = True  # 64x32: half the video's size
    vel = video_velocity(moving_video, region)
    assert np.all(vel[~region] == 0)
    # 2 px/frame * 24 fps = 48 px/s in the video, scaled by 0.5 into the region
    np.testing.assert_allclose(np.median(vel[48:64, 60:104].reshape(-1, 2), axis=0), (24.0, 0.0), atol=3.0)


def test_fit_keeps_directions_when_aspects_differ():
    flow = np.zeros((10, 10, 2), np.float32)
    flow[..., 0], flow[..., 1] = 1.0, 1.0
    region = np.zeros((30, 60), bool)
    region[:, :] = True
    out = fit_into_region(flow, region)
    np.testing.assert_allclose(out[15, 30], (6.0, 6.0), atol=1e-4)  # uniform scale 6 (cover), 45 degrees kept


def test_bad_videos(tmp_path):
    with pytest.raises(InputError, match="not found"):
        average_video_flow(tmp_path / "missing.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    with pytest.raises(InputError, match="cannot read video"):
        average_video_flow(junk)
