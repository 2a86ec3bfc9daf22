"""scorecam_reference.py against the analytic quadrants model and a naive per-channel loop."""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from make_test_models import QuadrantsModel
from scorecam_reference import as_float64, image_to_input, normalise, score_cam


@pytest.fixture(scope="module")
def quadrants():
    return torch.jit.script(QuadrantsModel().eval())


def quadrant_slices(c, size=32):
    r, q = divmod(c, 2)
    half = size // 2
    return slice(r * half, (r + 1) * half), slice(q * half, (q + 1) * half)


@pytest.mark.parametrize("c", range(4))
def test_quadrants_model_lights_the_target_quadrant(quadrants, c):
    result = score_cam(quadrants, torch.ones(1, 3, 32, 32), c)
    s = result.saliency
    assert s.max() == 1.0 and s.min() == 0.0
    rows, cols = quadrant_slices(c)
    inside = s[rows, cols]
    flat_index = int(s.argmax())
    assert (flat_index // 32, flat_index % 32) in {(r, q) for r in range(32)[rows]
                                                   for q in range(32)[cols]}
    assert inside.mean() > 0.6
    for other in set(range(4)) - {c}:
        r, q = quadrant_slices(other)
        assert s[r, q].mean() < 0.25 * inside.mean()


def test_constant_and_zero_channels_are_not_live(quadrants):
    result = score_cam(quadrants, torch.ones(1, 3, 32, 32), 0)
    assert result.live_channels == 16                    # 18 channels, 2 constant
    # Constant channels are scored as the baseline, still in the softmax over all channels.
    assert result.scores[16] == result.baseline_score == result.scores[17]
    assert result.weights.shape == (18,)
    torch.testing.assert_close(result.weights.sum(), torch.tensor(1.0, dtype=torch.float64))
    assert result.weights[16] == result.weights[17] > 0


def test_probability_score_gives_weights_too(quadrants):
    result = score_cam(quadrants, torch.ones(1, 3, 32, 32), 3, score="probability")
    assert 0 < result.baseline_score < 1
    rows, cols = quadrant_slices(3)
    assert result.saliency[rows, cols].mean() > 0.5


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, stride=2, padding=1)
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        return self.head(self.features(x))

    @torch.jit.export
    def features(self, x):
        return F.relu(self.conv(x))

    @torch.jit.export
    def head(self, a):
        return self.fc(a.mean(dim=[2, 3]))


def naive_score_cam(model, x, c):
    """The formula one channel at a time, no batching, no shortcuts (float64)."""
    model = model.double()
    x = x.double()
    a = model.features(x)
    base = model(torch.zeros_like(x))[0, c]
    scores = []
    for k in range(a.shape[1]):
        u = F.interpolate(a[:, k:k + 1], size=x.shape[2:], mode="bilinear", align_corners=False)
        if a[0, k].max() == a[0, k].min():
            m = torch.zeros_like(u)
        else:
            m = (u - u.min()) / (u.max() - u.min() + 1e-8)
        scores.append(model(x * m)[0, c])
    alpha = torch.softmax(torch.stack(scores) - base, dim=0)
    cam = F.relu((alpha.view(-1, 1, 1) * a[0]).sum(0))
    up = F.interpolate(cam[None, None], size=x.shape[2:], mode="bilinear", align_corners=False)
    return normalise(up[0, 0]), alpha


@torch.no_grad()
def test_matches_a_naive_loop():
    torch.manual_seed(3)
    model = TinyNet().eval()
    with torch.no_grad():
        model.conv.bias[0] = -100.0                      # channel 0 is dead (all zeros)
    x = torch.rand(1, 3, 16, 16)
    expected_map, expected_alpha = naive_score_cam(_copy(model), x, 2)
    for batch_size in (1, 4, 64):
        result = score_cam(model, x, 2, batch_size=batch_size)
        torch.testing.assert_close(result.weights, expected_alpha, rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(result.saliency, expected_map, rtol=1e-10, atol=1e-12)
        a = model.features(x)[0].flatten(1)
        live = int((a.amax(1) > a.amin(1)).sum())
        assert result.live_channels == live < 6          # channel 0 (at least) is dead


def _copy(model):
    clone = TinyNet()
    clone.load_state_dict(model.state_dict())
    return clone.eval()


def test_normalise_edge_cases():
    assert normalise(torch.zeros(4, 4)).abs().sum() == 0
    assert normalise(torch.full((4, 4), 2.0)).abs().sum() == 0
    torch.testing.assert_close(normalise(torch.tensor([1.0, 3.0])), torch.tensor([0.0, 1.0]))


def test_transparent_pixels_are_no_signal_whatever_the_mean(tmp_path):
    from PIL import Image
    image = Image.new("RGBA", (8, 4), (255, 0, 255, 0))        # transparent, hidden magenta
    for x in range(4, 8):
        for y in range(4):
            image.putpixel((x, y), (255, 255, 255, 255))       # opaque white right half
    image.save(tmp_path / "half.png")
    meta = {"input": {"width": 8, "height": 4, "mean": [0.485, 0.456, 0.406],
                      "std": [0.229, 0.224, 0.225]}}
    x = image_to_input(tmp_path / "half.png", meta)[0]
    assert torch.equal(x[:, :, :4], torch.zeros(3, 4, 4))
    white = (1 - torch.tensor([0.485, 0.456, 0.406])) / torch.tensor([0.229, 0.224, 0.225])
    torch.testing.assert_close(x[:, :, 4:], white.view(3, 1, 1).expand(3, 4, 4))


def test_a_frozen_network_gives_the_same_float64_map():
    """export_model.py --freeze writes weights as graph constants: the reference casts those too."""
    from model_package import freeze
    torch.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU())
    net[1].running_mean.uniform_(-0.5, 0.5)
    net[1].running_var.uniform_(0.5, 2.0)

    class Split(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = net
            self.fc = nn.Linear(6, 3)

        def forward(self, x):
            return self.head(self.features(x))

        @torch.jit.export
        def features(self, x):
            return self.net(x)

        @torch.jit.export
        def head(self, a):
            return self.fc(a.mean(dim=(2, 3)))

    module = Split().eval()
    plain, frozen = as_float64(torch.jit.script(module)), as_float64(freeze(torch.jit.script(module)))
    x = torch.rand(4, 3, 16, 16, dtype=torch.float64)
    with torch.no_grad():
        assert frozen.features(x).dtype == torch.float64          # without the cast: a dtype error
        # The batch norm was folded in float32 when freezing: equal up to float32 rounding.
        torch.testing.assert_close(frozen(x), plain(x), rtol=1e-5, atol=1e-6)
