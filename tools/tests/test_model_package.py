"""model_package.py: the split check and the package writer shared by the three tools."""

import pytest
import torch
import torch.nn as nn
import yaml

from model_package import PackageError, SplitNetwork, check_split, descriptor, write_package


def tiny():
    torch.manual_seed(0)
    return SplitNetwork(nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU()),
                        nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))).eval()


def test_written_package_reloads_and_describes_itself(tmp_path):
    x = torch.rand(2, 3, 8, 8)
    meta = descriptor("tiny", 8, 8, [0.5] * 3, [0.25] * 3, "letterbox", ["a", "b"], "feature_net.1", 4)
    shape = write_package(tmp_path, torch.jit.script(tiny()), meta, "a tiny test model", x)

    assert shape == (2, 4, 8, 8)
    text = (tmp_path / "model.yaml").read_text()
    assert text.startswith("# a tiny test model\nname: tiny\ninput:")
    assert yaml.safe_load(text) == meta
    with torch.no_grad():
        model = torch.jit.load(str(tmp_path / "model.pt"))
        torch.testing.assert_close(model.head(model.features(x)), model(x))


def test_a_split_that_differs_from_the_original_is_refused():
    module = tiny()
    x = torch.rand(1, 3, 8, 8)
    with torch.no_grad():
        wrong = module(x) + 1.0
    with pytest.raises(PackageError, match="differs from the original model"):
        check_split(module, x, expected=wrong)


def test_features_must_be_four_dimensional():
    module = SplitNetwork(nn.Flatten(), nn.Linear(3 * 8 * 8, 2)).eval()
    with pytest.raises(PackageError, match=r"not \(N,K,h,w\)"):
        check_split(module, torch.rand(1, 3, 8, 8))


def test_unknown_resize_mode_is_refused():
    with pytest.raises(PackageError, match="resize"):
        descriptor("m", 8, 8, [0.0] * 3, [1.0] * 3, "squash", ["a"], "x", 1)
