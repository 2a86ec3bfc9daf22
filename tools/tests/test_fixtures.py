"""The committed demo package and goldens agree with the contract and with the reference."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from PIL import Image

from scorecam_reference import load_package, score_cam

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src/main/resources/demo-model/fashion-cnn"
GOLDEN = REPO / "src/test/resources/golden"


def read_f32(path, shape):
    data = np.fromfile(path, dtype="<f4")
    assert data.size == int(np.prod(shape)), path
    return torch.from_numpy(data.reshape(shape))


def test_demo_package_follows_the_contract():
    meta = yaml.safe_load((DEMO / "model.yaml").read_text())
    assert meta["name"] == "fashion-cnn"
    assert meta["input"] == {"width": 96, "height": 96, "mean": [0.0] * 3, "std": [1.0] * 3,
                             "resize": "stretch"}
    assert meta["labels"][0] == "T-shirt/top" and meta["labels"][9] == "Ankle boot"
    assert meta["batch-size"] == 64 and meta["target-layer"]
    model = torch.jit.load(str(DEMO / "model.pt"))
    x = torch.rand(2, 3, 96, 96)
    with torch.no_grad():
        assert model.features(x).shape == (2, 64, 12, 12)
        torch.testing.assert_close(model.head(model.features(x)), model(x))


@pytest.mark.parametrize("name", ["quadrants", "fashion-cnn"])
def test_every_golden_file_is_there(name):
    """A missing or cut golden fails here, for every case (the recomputation below samples)."""
    manifest = json.loads((GOLDEN / name / "manifest.json").read_text())
    h, w = manifest["saliencyShape"]
    assert manifest["cases"]
    for case in manifest["cases"]:
        sizes = {case["input"]: 3 * h * w, case["saliency"]: h * w,
                 case["weights"]: manifest["channels"]}
        for file, floats in sizes.items():
            assert (GOLDEN / name / file).stat().st_size == 4 * floats, file
        if "sourcePng" in case:
            assert (REPO / case["sourcePng"]).is_file()
    assert (REPO / manifest["package"] / "model.pt").is_file()


@pytest.mark.parametrize("name", ["quadrants", "fashion-cnn"])
def test_goldens_are_consistent(name):
    manifest = json.loads((GOLDEN / name / "manifest.json").read_text())
    model, _ = load_package(REPO / manifest["package"])
    shape = manifest["inputShape"]
    for case in manifest["cases"][:3]:        # recomputing every case is slow; 3 suffice
        x = read_f32(GOLDEN / name / case["input"], shape)[None]
        if "sourcePng" in case:               # identity resize: tensor == pixel / 255
            pixels = np.asarray(Image.open(REPO / case["sourcePng"]).convert("RGB"))
            expected = torch.from_numpy(pixels.astype(np.float32) / 255).permute(2, 0, 1)
            assert torch.equal(x[0], expected)
        result = score_cam(model, x, case["target"], case["score"])
        saliency = read_f32(GOLDEN / name / case["saliency"], manifest["saliencyShape"])
        weights = read_f32(GOLDEN / name / case["weights"], [manifest["channels"]])
        torch.testing.assert_close(saliency, result.saliency.float(), rtol=0, atol=1e-6)
        torch.testing.assert_close(weights, result.weights.float(), rtol=1e-5, atol=1e-7)
        assert case["liveChannels"] == result.live_channels


@pytest.mark.parametrize("name", ["quadrants", "fashion-cnn"])
def test_every_method_golden_file_is_there(name):
    """methods.json (tools/make_method_goldens.py): every case's files, at their sizes."""
    shapes = json.loads((GOLDEN / name / "manifest.json").read_text())
    h, w = shapes["saliencyShape"]
    methods = json.loads((GOLDEN / name / "methods.json").read_text())
    # scorecam's cases here are its channel weightings, beside its own goldens of the defaults
    assert {case["method"] for case in methods["cases"]} == {
        "scorecam", "faster-scorecam", "sscam", "iscam", "gradcam", "gradcam++", "eigencam", "ablation-cam",
        "recipro-cam", "layercam", "hirescam"}
    for case in methods["cases"]:
        # Recipro-CAM's weights are its cell scores: one per head pass, one per cell of the grid
        weights = case["headPasses"] if case["method"] == "recipro-cam" else shapes["channels"]
        sizes = {case["input"]: 3 * h * w, case["saliency"]: h * w, case["weights"]: weights}
        for file, floats in sizes.items():
            assert (GOLDEN / name / file).stat().st_size == 4 * floats, file
