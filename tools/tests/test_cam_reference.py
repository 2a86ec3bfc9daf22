"""cam_reference.py: its special cases must reduce to Score-CAM, its gradients to the algebra of the
analytic quadrants model, and its noise to java.util.Random's."""

import pytest
import torch

from cam_reference import JavaRandom, faster_score_cam, grad_cam, grad_cam_pp, is_cam, ss_cam
from make_test_models import QuadrantsModel
from scorecam_reference import score_cam


@pytest.fixture(scope="module")
def quadrants():
    return torch.jit.script(QuadrantsModel().eval())


def ink_in(q):
    x = torch.zeros(1, 3, 32, 32)
    x[:, :, 16 * (q // 2):16 * (q // 2) + 16, 16 * (q % 2):16 * (q % 2) + 16] = 1
    return x


def test_java_random_gives_the_jdks_gaussians():
    # new java.util.Random(0).nextGaussian() x3, printed by a JDK 17
    rng = JavaRandom(0)
    assert [rng.next_gaussian() for _ in range(3)] == [
        0.8025330637390305, -0.9015460884175122, 2.080920790428163]


@pytest.mark.parametrize("variant", [
    lambda m, x, c: faster_score_cam(m, x, c, max_channels=18),
    lambda m, x, c: ss_cam(m, x, c, samples=2, noise=0.0),
    lambda m, x, c: is_cam(m, x, c, steps=1),
])
def test_special_cases_are_score_cam(quadrants, variant):
    x = ink_in(2) + 0.5 * torch.ones(1, 3, 32, 32)
    exact = score_cam(quadrants, x, 2)
    result = variant(quadrants, x, 2)
    assert torch.allclose(result.weights, exact.weights, atol=1e-12)
    assert torch.allclose(result.saliency, exact.saliency, atol=1e-12)


def test_faster_score_cam_keeps_the_largest_variance_channels(quadrants):
    result = faster_score_cam(quadrants, ink_in(3), 3, max_channels=4)
    # only the 4 cells of quadrant 3 (cells 10, 11, 14, 15) have ink: they vary, the rest do not
    assert torch.nonzero(result.weights).flatten().tolist() == [10, 11, 14, 15]
    assert result.forward_images == 4 + 2


def test_gradient_weights_follow_the_algebra(quadrants):
    ones = torch.ones(1, 3, 32, 32)
    assert torch.equal(grad_cam(quadrants, ones, 1).weights, torch.full((18,), 0.25, dtype=torch.float64))
    w = grad_cam_pp(quadrants, ones, 1).weights
    assert torch.allclose(w[:16], torch.full((16,), 0.8, dtype=torch.float64))
    assert w[16].item() == pytest.approx(4 / 18) and w[17].item() == pytest.approx(2.0)


def test_sscam_is_seeded(quadrants):
    first = ss_cam(quadrants, torch.ones(1, 3, 32, 32), 0, samples=2, seed=5)
    again = ss_cam(quadrants, torch.ones(1, 3, 32, 32), 0, samples=2, seed=5)
    other = ss_cam(quadrants, torch.ones(1, 3, 32, 32), 0, samples=2, seed=6)
    assert torch.equal(first.saliency, again.saliency)
    assert not torch.equal(first.saliency, other.saliency)
    assert first.forward_images == 2 * 16 + 2
