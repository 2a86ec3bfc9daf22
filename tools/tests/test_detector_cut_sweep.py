"""The cut sweep's detector is the bundled one: the frozen convolutions read back in order give
the package's detections at every cut, and at the package's own cut its activations and the
float64 reference's Score-CAM of a box."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from detector_cut_sweep import PACKAGE, PLAN, Cut, score_cam
from evaluate_detections import BoxScore
from scorecam_reference import as_float64
from scorecam_reference import score_cam as reference_score_cam

FIXTURES = Path(__file__).resolve().parents[2] / "src/test/resources/detector"


@pytest.fixture(scope="module")
def package():
    return torch.jit.load(str(PACKAGE / "model.pt")).eval()


@pytest.fixture(scope="module")
def canvas():
    pixels = np.asarray(Image.open(FIXTURES / "two-garments.png").convert("RGB"), dtype=np.float32) / 255
    return torch.from_numpy(pixels).permute(2, 0, 1)[None]


@pytest.mark.parametrize("layer", range(len(PLAN)))
def test_every_cut_gives_the_packages_detections(package, canvas, layer):
    x = torch.cat([canvas, torch.rand(1, 3, 128, 128, generator=torch.Generator().manual_seed(layer))])
    with torch.no_grad():
        assert torch.allclose(Cut(package, layer)(x), package(x), atol=1e-5)


def test_the_packages_cut_has_its_activations_and_the_references_score_cam(package, canvas):
    cut = Cut(package, 5)
    with torch.no_grad():
        assert torch.allclose(cut.features(canvas), package.features(canvas), atol=1e-6)
        row = package(canvas)[0, 0]
    ours = score_cam(BoxScore(cut, row[:4], row[5], "logit", "overlap"), canvas)
    own_copy = as_float64(torch.jit.load(str(PACKAGE / "model.pt")).eval())   # casts its graph's constants
    reference = reference_score_cam(BoxScore(own_copy, row[:4].double(), row[5], "logit", "overlap"),
                                    canvas.double(), 0, model_is_float64=True).saliency
    assert ours.max() == 1 and (ours.float() - reference.float()).abs().max() < 1e-3
