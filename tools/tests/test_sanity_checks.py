"""The sanity checks' maths (tools/sanity_checks.py) and the randomised packages
(tools/randomise_package.py), on hand-computed cases and a tiny network; no service needed."""

import math

import numpy as np
import pytest
import torch
import torch.nn as nn

import randomise_package as rp
import sanity_checks as sc


def test_ties_get_the_mean_of_their_ranks():
    assert sc.rank([5, 6, 7, 8, 7]).tolist() == [1, 2, 3.5, 5, 3.5]
    assert sc.rank([0, 0, 0]).tolist() == [2, 2, 2]


def test_spearman_is_the_correlation_of_the_ranks_worked_by_hand():
    # ranks [1..5] and [1, 2, 3.5, 5, 3.5]; centred: [-2,-1,0,1,2] and [-2,-1,.5,2,.5]
    # sum of products 8, sums of squares 10 and 9.5: rho = 8 / sqrt(95)
    assert sc.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    assert sc.spearman([1, 2, 3], [10, 20, 30.5]) == pytest.approx(1.0)
    assert sc.spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_a_constant_map_correlates_with_nothing():
    assert sc.spearman(np.zeros((4, 4)), np.arange(16.0).reshape(4, 4)) == 0.0


def test_ssim_of_one_window_worked_by_hand():
    # 7 x 7: a has a single 1, b = 1 - a. Means 1/49 and 48/49; sample variances
    # (1 - 49 (1/49)^2) / 48 = 1/49 each; sample covariance -1/49.
    a = np.zeros((7, 7))
    a[3, 2] = 1
    b = 1 - a
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    ma, mb, v, cov = 1 / 49, 48 / 49, 1 / 49, -1 / 49
    expected = (2 * ma * mb + c1) * (2 * cov + c2) / ((ma ** 2 + mb ** 2 + c1) * (v + v + c2))
    assert sc.ssim(a, b) == pytest.approx(expected, rel=1e-12)
    assert expected < 0
    assert sc.ssim(a, a) == pytest.approx(1.0)


def test_ssim_averages_the_windows_that_fit_whole():
    # 8 x 7: two windows, rows 0-6 and 1-7; the second holds only zeros in both maps (SSIM 1)
    a = np.zeros((8, 7))
    a[0, 0] = 1
    b = np.zeros((8, 7))
    first = sc.ssim(a[:7], b[:7])
    assert sc.ssim(a, b) == pytest.approx((first + 1.0) / 2)


def test_chance_compares_each_map_with_the_next_images():
    maps = np.stack([np.eye(8), np.eye(8)[::-1], np.eye(8)])
    rho, _ = sc.chance(maps)
    expected = np.mean([sc.spearman(maps[0], maps[1]), sc.spearman(maps[1], maps[2]), sc.spearman(maps[2], maps[0])])
    assert rho == pytest.approx(expected)


def test_images_are_taken_evenly_over_the_list():
    assert sc.spread(list(range(200)), 40)[:3] == [0, 5, 10]
    assert sc.spread(list(range(3)), 40) == [0, 1, 2]


def test_a_method_passes_only_when_both_similarities_have_fallen():
    assert sc.passes(0.3, 0.5)
    assert not sc.passes(0.51, 0.1)
    assert not sc.passes(0.1, 0.6)


def test_method_fields_are_read_per_method():
    assert sc.method_fields(["sscam:samples=8", "sscam:noise=1", "iscam:steps=3"]) == {
        "sscam": [("samples", "8"), ("noise", "1")], "iscam": [("steps", "3")]}


def test_stages_group_layers_as_the_packages_name_them():
    cnn = [f"body.{i}.{p}" for i in (0, 2, 4, 6, 8) for p in ("weight", "bias")] + ["fc.weight", "fc.bias"]
    assert rp.stages(cnn) == ["body.0", "body.2", "body.4", "body.6", "body.8", "fc"]
    resnet = ["feature_net.conv1.weight", "feature_net.bn1.weight", "feature_net.bn1.bias",
              "feature_net.layer1.0.conv1.weight", "feature_net.layer1.1.bn2.bias",
              "feature_net.layer4.0.downsample.0.weight", "head_net.fc.weight", "head_net.fc.bias"]
    assert rp.stages(resnet) == ["conv1", "layer1", "layer4", "fc"]
    assert rp.stage_map(resnet)["feature_net.bn1.bias"] == "conv1"


def test_the_cascade_randomises_from_the_top_down():
    assert rp.cascade(["a", "b", "c"]) == [["c"], ["c", "b"], ["c", "b", "a"]]


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 4, 3))
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


def tiny():
    torch.manual_seed(0)
    module = Tiny()
    with torch.no_grad():
        module.body[1].weight.fill_(3.0)
        module.body[1].running_var.fill_(7.0)
    return torch.jit.script(module.eval())


def test_randomising_a_stage_redraws_only_it_from_the_default_initialisation():
    module = tiny()
    before = {n: p.clone() for n, p in module.named_parameters()}
    changed = rp.randomise(module, ["body.3"], seed=5)
    after = dict(module.named_parameters())
    assert sorted(changed) == ["body.3.bias", "body.3.weight"]
    assert torch.equal(after["fc.weight"], before["fc.weight"])
    assert torch.equal(after["body.0.weight"], before["body.0.weight"])
    assert not torch.equal(after["body.3.weight"], before["body.3.weight"])
    bound = 1 / math.sqrt(4 * 3 * 3)           # U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    assert after["body.3.weight"].abs().max() <= bound
    assert after["body.3.weight"].abs().max() > 0.8 * bound


def test_a_batch_norm_goes_back_to_its_initial_state_with_the_layer_before_it():
    module = tiny()
    rp.randomise(module, ["body.0"], seed=5)
    buffers = dict(module.named_buffers())
    assert torch.equal(dict(module.named_parameters())["body.1.weight"], torch.ones(4))
    assert torch.equal(buffers["body.1.running_var"], torch.ones(4))
    assert torch.equal(buffers["body.1.running_mean"], torch.zeros(4))


def test_a_stage_is_drawn_alike_in_every_package_that_randomises_it():
    one, two = tiny(), tiny()
    rp.randomise(one, ["fc"], seed=5)
    rp.randomise(two, ["fc", "body.3"], seed=5)
    assert torch.equal(dict(one.named_parameters())["fc.weight"], dict(two.named_parameters())["fc.weight"])


def test_the_weighting_variants_of_the_chosen_methods_are_checked_too():
    listed = [{"name": "scorecam", "parameters": [{"name": "weighting", "default": "softmax",
                                                   "enum": ["softmax", "probability", "relu-increase"]}]},
              {"name": "iscam", "parameters": [{"name": "steps"}, {"name": "weighting", "default": "softmax",
                                                                   "enum": ["softmax", "probability"]}]},
              {"name": "gradcam", "parameters": []}]
    assert sc.variants(listed, ["scorecam"]) == ["scorecam", "scorecam weighting=probability",
                                                 "scorecam weighting=relu-increase", "iscam", "gradcam"]
    assert sc.request_fields("scorecam weighting=probability", {"scorecam": [("batch-size", "8")]}) == (
        "scorecam", [("weighting", "probability"), ("batch-size", "8")])
    assert sc.request_fields("gradcam", {}) == ("gradcam", [])
