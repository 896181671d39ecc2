import cv2
import numpy as np
import pytest

from stillmotion.cli import main


@pytest.mark.parametrize("bar_px", [0, 24])
def test_water_flows_while_the_camera_moves(tmp_path, capsys, bar_px):
    """Also with black pillarbox bars baked into the photo: the shot cuts them away, the water still
    flows where the mask (drawn on the whole photo, bars included) says."""
    rng = np.random.default_rng(3)
    photo = cv2.GaussianBlur((rng.random((96, 128, 3)) * 255).astype(np.uint8), (0, 0), 1.0)
    mask = np.zeros((96, 128), np.uint8)
    mask[50:90, 20:110] = 255
    bars = ((0, 0), (bar_px, bar_px))
    cv2.imwrite(str(tmp_path / "photo.png"), np.pad(photo, (*bars, (0, 0))))
    cv2.imwrite(str(tmp_path / "water.png"), np.pad(mask, bars))
    common = ["--motion", "static", "--duration", "0.5", "--fps", "12", "--quiet"]
    assert main(["animate", str(tmp_path / "photo.png"), "-o", f"{tmp_path}/still/", *common]) == 0
    code = main(["animate", str(tmp_path / "photo.png"), "-o", f"{tmp_path}/flow/", *common,
                 "--loop-mask", str(tmp_path / "water.png"), "--hint", f"{64 + bar_px},70,30,0"])  # fmt: skip
    assert code == 0
    still = [cv2.imread(str(p)) for p in sorted((tmp_path / "still").glob("*.png"))]
    flow = [cv2.imread(str(p)) for p in sorted((tmp_path / "flow").glob("*.png"))]
    assert len(flow) == len(still) == 6
    assert flow[0].shape == (96, 128, 3) and flow[0][:, :2].mean() > 40  # the picture, without its bars
    near_water = cv2.dilate(mask, np.ones((9, 9), np.uint8)) > 0  # 'static' breathes by a pixel or two
    inside = cv2.erode(mask, np.ones((9, 9), np.uint8)) > 0
    for t, (a, b) in enumerate(zip(still, flow)):
        assert np.array_equal(a[~near_water], b[~near_water])  # the rest is the camera move alone
        if t >= 2:
            assert np.abs(a.astype(int) - b)[inside].mean() > 5  # the water flows
            left_end = inside.copy()
            left_end[:, 32:] = False  # where the mask begins: the field is not shifted or squeezed
            assert np.abs(a.astype(int) - b)[left_end].mean() > 5


def test_bad_loop_mask_is_refused_before_work(tmp_path, capsys):
    cv2.imwrite(str(tmp_path / "photo.png"), np.full((40, 60, 3), 128, np.uint8))
    cv2.imwrite(str(tmp_path / "water.png"), np.full((30, 60), 255, np.uint8))
    code = main(["animate", str(tmp_path / "photo.png"), "-o", str(tmp_path / "o.mp4"),
                 "--loop-mask", str(tmp_path / "water.png"), "--hint", "5,5,1,1"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "loop mask" in err and "60x30" in err
    assert not (tmp_path / "o.mp4").exists()


def test_no_motion_for_the_flow_names_only_animates_own_options(tmp_path, capsys):
    # animate said "give --hint/--hints, --material or --motion-from", an option only loop has
    cv2.imwrite(str(tmp_path / "photo.png"), np.full((40, 60, 3), 128, np.uint8))
    cv2.imwrite(str(tmp_path / "water.png"), np.full((40, 60), 255, np.uint8))
    common = ["animate", str(tmp_path / "photo.png"), "-o", str(tmp_path / "o.mp4")]
    for flow in (["--anchor", "3,3"], ["--loop-mask", str(tmp_path / "water.png")]):
        assert main([*common, *flow]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].endswith(" --hint/--hints or --material"), err
    assert not (tmp_path / "o.mp4").exists()
    # loop has --motion-from, and says so
    assert main(["loop", str(tmp_path / "photo.png"), "-o", str(tmp_path / "o.mp4"), "--anchor", "3,3"]) == 2
    assert capsys.readouterr().err == "error: nothing to animate: give --hint/--hints, --material or --motion-from\n"


def test_flow_speed_without_any_flow_option_is_a_warning(tmp_path, caplog):
    rng = np.random.default_rng(0)
    cv2.imwrite(str(tmp_path / "photo.png"), (rng.random((48, 64, 3)) * 255).astype(np.uint8))
    common = ["animate", str(tmp_path / "photo.png"), "--motion", "static", "--duration", "0.25", "--fps", "8"]
    assert main([*common, "-o", f"{tmp_path}/a/", "--flow-speed", "2", "--quiet"]) == 0
    assert "--flow-speed does nothing without --loop-mask" in caplog.text
    caplog.clear()
    assert main([*common, "-o", f"{tmp_path}/b/", "--quiet"]) == 0
    assert "--flow-speed" not in caplog.text


def test_a_flow_speed_beyond_the_limit_is_named_by_its_option(tmp_path, capsys):
    cv2.imwrite(str(tmp_path / "photo.png"), np.full((48, 64, 3), 90, np.uint8))
    argv = ["animate", str(tmp_path / "photo.png"), "-o", f"{tmp_path}/a/", "--material", "water", "--flow-speed", "25"]
    assert main(argv) == 2
    assert capsys.readouterr().err == "error: --flow-speed must be a factor in 0..20, got 25\n"


@pytest.mark.parametrize("flow", [["--material", "water"], ["--hint", "64,70,30,0"]])
def test_a_material_preset_is_fitted_to_the_shot_arrows_are_not(tmp_path, monkeypatch, flow):
    # as for `loop`: a preset's speed is fitted to the moving region and the loop's length (here the shot's)
    from stillmotion.cinemagraph import camera

    calls = []
    real = camera.pace

    def spy(field, **options):
        calls.append(options)
        return real(field, **options)

    monkeypatch.setattr(camera, "pace", spy)
    rng = np.random.default_rng(3)
    photo = cv2.GaussianBlur((rng.random((96, 128, 3)) * 255).astype(np.uint8), (0, 0), 1.0)
    cv2.imwrite(str(tmp_path / "photo.png"), photo)
    mask = np.zeros((96, 128), np.uint8)
    mask[50:90, 20:110] = 255
    cv2.imwrite(str(tmp_path / "water.png"), mask)
    code = main(["animate", str(tmp_path / "photo.png"), "-o", f"{tmp_path}/flow/", "--motion", "static", "--quiet",
                 "--duration", "0.5", "--fps", "12", "--loop-mask", str(tmp_path / "water.png"), *flow])  # fmt: skip
    assert code == 0
    assert calls == [{"frame_count": 6, "speed": 1.0, "fit": flow[0] == "--material"}]
