"""The faithfulness reference on the quadrants model, where every probability is known: class c's
logit is the sum of quadrant c's 4 grid cells (8x8 mean of the colour sum, plus 1), so on an
all-ones image every class scores 16 (p = 1/4) and a zeroed quadrant scores 4."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from faithfulness_reference import faithfulness, gaussian_blur
from scorecam_reference import load_package

REPO = Path(__file__).resolve().parents[2]


def quadrant_map(q):
    saliency = np.zeros((32, 32), dtype=np.float32)
    r, c = divmod(q, 2)
    saliency[16 * r:16 * r + 16, 16 * c:16 * c + 16] = 1
    return saliency


def p(own, others):
    return 1 / (1 + 3 * math.exp(others - own))


def test_the_reference_gives_the_analytic_probabilities():
    model, _ = load_package(REPO / "src/test/resources/models/quadrants")
    x = torch.ones(1, 3, 32, 32)
    right = faithfulness(model, x, quadrant_map(1), target=1, steps=4)
    wrong = faithfulness(model, x, quadrant_map(2), target=1, steps=4)

    assert right["score"] == pytest.approx(0.25, abs=1e-12)
    assert right["maskedScore"] == pytest.approx(p(16, 4), abs=1e-12)
    assert right["increase"] and right["averageDrop"] == 0
    assert wrong["maskedScore"] == pytest.approx(1 / (3 + math.exp(12)), abs=1e-12)
    assert not wrong["increase"]
    assert right["deletionCurve"][1] == pytest.approx(p(4, 16), abs=1e-12)
    assert right["deletionCurve"][4] == pytest.approx(0.25, abs=1e-12)
    assert right["deletion"] < wrong["deletion"] and right["insertion"] > wrong["insertion"]
    # the trapezoid rule over 5 evenly spaced points
    curve = np.array(right["deletionCurve"])
    assert right["deletion"] == pytest.approx((curve.sum() - (curve[0] + curve[-1]) / 2) / 4, abs=1e-12)


def test_the_blur_keeps_a_flat_interior_and_fades_the_border():
    blurred = gaussian_blur(torch.full((1, 3, 20, 20), 2.0, dtype=torch.float64))
    assert blurred[0, 0, 10, 10].item() == pytest.approx(2.0, abs=1e-12)
    assert 0.5 < blurred[0, 0, 0, 0].item() < 1.5
