"""cam_reference.py: its special cases must reduce to Score-CAM, its gradients to the algebra of the
analytic quadrants model, and its noise to the formula it documents."""

import math

import numpy as np
import pytest
import torch

from cam_reference import (ablation_cam, eigen_cam, faster_score_cam, grad_cam, grad_cam_pp, hires_cam, is_cam,
                           mask_noise, recipro_cam, ss_cam)
from cam_reference import score_cam as family_score_cam
from make_test_models import QuadrantsModel
from scorecam_reference import masks_from_activations, score_cam


@pytest.fixture(scope="module")
def quadrants():
    return torch.jit.script(QuadrantsModel().eval())


def ink_in(q):
    x = torch.zeros(1, 3, 32, 32)
    x[:, :, 16 * (q // 2):16 * (q // 2) + 16, 16 * (q % 2):16 * (q % 2) + 16] = 1
    return x


def scalar_noise(seed, channel, sample, pixels, sigma):
    """The documented formula again, one value at a time in Python integers (no numpy wrapping)."""
    mask = (1 << 64) - 1

    def mix(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    row = mix((seed & mask) ^ mix(((channel << 32) | sample) & mask))
    values = []
    for j in range(pixels):
        x1 = mix((row + (2 * j + 1) * 0x9E3779B97F4A7C15) & mask)
        x2 = mix((row + (2 * j + 2) * 0x9E3779B97F4A7C15) & mask)
        u1, u2 = ((x1 >> 11) + 1) * 2.0 ** -53, (x2 >> 11) * 2.0 ** -53
        values.append(sigma * math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2))
    return np.array(values, dtype=np.float32)


def test_mask_noise_follows_its_formula_and_is_gaussian():
    for seed, channel, sample in [(0, 0, 0), (7, 511, 34), (-3, 2047, 1)]:
        np.testing.assert_allclose(mask_noise(seed, channel, sample, 64, 2.0),
                                   scalar_noise(seed, channel, sample, 64, 2.0), rtol=1e-6, atol=1e-6)
    values = mask_noise(7, 3, 1, 200_000, 2.0).astype(np.float64)
    assert abs(values.mean()) < 0.02 and abs(values.std() - 2.0) < 0.02
    assert not np.array_equal(mask_noise(7, 3, 1, 16, 1.0), mask_noise(7, 3, 2, 16, 1.0))
    assert not np.array_equal(mask_noise(7, 3, 1, 16, 1.0), mask_noise(8, 3, 1, 16, 1.0))


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


def test_the_family_s_score_cam_with_softmax_weights_is_score_cam(quadrants):
    x = ink_in(1) + 0.25 * torch.ones(1, 3, 32, 32)
    for score in ("logit", "probability"):
        exact, family = score_cam(quadrants, x, 1, score), family_score_cam(quadrants, x, 1, score)
        assert torch.allclose(family.weights, exact.weights, atol=1e-12)
        assert torch.allclose(family.saliency, exact.saliency, atol=1e-12)
        assert family.forward_images == exact.live_channels + 2


def test_probability_weights_are_each_masked_input_s_class_probability(quadrants):
    x = (ink_in(0) + 0.5 * ink_in(3)).double()
    model = quadrants.double()
    with torch.no_grad():
        masks, live = masks_from_activations(model.features(x), (32, 32))
        expected = [torch.softmax(model(x * masks[k]), dim=1)[0, 0].item() if live[k] else 0.0 for k in range(18)]
        baseline = torch.softmax(model(torch.zeros_like(x)), dim=1)[0, 0].item()
    for score in ("logit", "probability"):               # they read probabilities whatever the score
        probability = family_score_cam(quadrants, x, 0, score, weighting="probability")
        increase = family_score_cam(quadrants, x, 0, score, weighting="relu-increase")
        assert probability.weights.tolist() == pytest.approx(expected, abs=1e-12)
        assert increase.weights.tolist() == pytest.approx([max(0.0, p - baseline) if p else 0.0 for p in expected],
                                                          abs=1e-12)
    assert probability.weights[16] == 0 and probability.weights[17] == 0      # constant channels
    assert 0 < sum(w > 0 for w in increase.weights.tolist()) < 16
    with pytest.raises(ValueError):
        family_score_cam(quadrants, x, 0, weighting="uniform")


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


class PooledLinear(torch.nn.Module):
    """A head that is a global average pooling and a linear layer: HiResCAM's exact case."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.conv = torch.nn.Conv2d(3, 6, 3, stride=4, padding=1)
        self.fc = torch.nn.Linear(6, 4)

    def features(self, x):
        return torch.relu(self.conv(x))

    def head(self, a):
        return self.fc(a.mean(dim=(2, 3)))

    def forward(self, x):
        return self.head(self.features(x))


def test_hirescam_before_its_relu_sums_to_the_logit_less_the_bias():
    """For y = w . mean_ij A + b, sum_k g^k_ij A^k_ij summed over the cells is y - b (Draelos & Carin)."""
    model = PooledLinear().double()
    x = torch.rand(1, 3, 32, 32, dtype=torch.float64)
    a = model.features(x).detach().requires_grad_(True)
    y = model.head(a)[0, 2]
    y.backward()
    assert torch.isclose((a.grad * a).sum(), y.detach() - model.fc.bias[2].detach())
    weights = hires_cam(model, x, 2).weights
    assert torch.allclose(weights, model.fc.weight[2].detach() / 64)     # Grad-CAM's: w_k / (h*w)


def test_ablation_of_a_linear_head_drops_each_channel_by_its_share():
    """Zeroing channel k of y = w . mean A + b drops y by w_k mean A^k: w = w_k mean A^k / y."""
    model = PooledLinear().double()
    x = torch.rand(1, 3, 32, 32, dtype=torch.float64)
    with torch.no_grad():
        a = model.features(x)
        y = model.head(a)[0, 1]
        expected = model.fc.weight[1] * a.mean(dim=(2, 3))[0] / y
    result = ablation_cam(model, x, 1)
    assert torch.allclose(result.weights, expected)
    nonzero = int((a.flatten(2).abs().amax(dim=2) > 0).sum())
    assert nonzero == 5                            # one channel is dead (ReLU) on this input: no pass for it
    assert result.head_images == nonzero and result.forward_images == 1


def test_eigencam_of_one_inked_cell_is_that_cell(quadrants):
    x = torch.zeros(1, 3, 32, 32)
    x[:, :, 8:16, 16:24] = 1                       # grid cell 6
    result = eigen_cam(quadrants, x, 0)
    assert torch.allclose(result.weights.abs(), torch.eye(18, dtype=torch.float64)[6])
    assert result.weights[6] == 1                  # the sign rule: the positive peak


def test_recipro_cam_scores_the_kernel_mass_inside_the_quadrant(quadrants):
    result = recipro_cam(quadrants, ink_in(0), 0)
    assert result.weights[0].item() == pytest.approx(4 * 9 / 16)
    assert result.weights[15].item() == pytest.approx(0)
    assert result.head_images == 16
