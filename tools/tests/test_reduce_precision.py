"""reduce_precision.py: the network in bf16 behind the package's float32 interface."""

import pytest
import torch
import torch.nn as nn

from model_package import PackageError, SplitNetwork, descriptor, freeze, write_package
from reduce_precision import ReducedPrecision, check, reduce_package


def tiny_package(path):
    torch.manual_seed(0)
    module = SplitNetwork(nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU()),
                          nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))).eval()
    meta = descriptor("tiny", 8, 8, [0.0] * 3, [1.0] * 3, "stretch", ["a", "b"], "feature_net.1", 4)
    write_package(path, torch.jit.script(module), meta, "a tiny test model", torch.rand(2, 3, 8, 8))


def weights(module):
    """The 4-D weights of a module's features, as parameters or, frozen, as graph constants."""
    if list(module.parameters()):
        return [p for p in module.parameters() if p.dim() == 4]
    return [n.t("value") for n in module.features.graph.nodes()
            if n.kind() == "prim::Constant" and n.hasAttribute("value") and n.kindOf("value") == "t"
            and n.t("value").dim() == 4]


def test_by_default_writes_the_serving_form_from_the_portable_file(tmp_path):
    tiny_package(tmp_path)
    (tmp_path / "model.pt").rename(tmp_path / "model.portable.pt")
    full = torch.jit.load(str(tmp_path / "model.portable.pt"))
    freeze(full).save(str(tmp_path / "model.pt"))         # frozen in the standard layout: not its source
    out, _ = reduce_package(tmp_path, "bf16")

    reduced = torch.jit.load(str(out))
    assert not list(reduced.parameters())
    conv = weights(reduced)
    assert len(conv) == 1 and conv[0].dtype == torch.bfloat16
    assert conv[0].is_contiguous(memory_format=torch.channels_last)   # made from the portable file's weights
    x = torch.rand(3, 3, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(reduced(x), full(x), rtol=0.05, atol=0.05)


@pytest.mark.parametrize("frozen", [False, True])
def test_writes_a_bf16_network_with_float32_inputs_and_outputs(tmp_path, frozen):
    tiny_package(tmp_path)
    out, error = reduce_package(tmp_path, "bf16", frozen=frozen)

    assert out == tmp_path / "model-bf16.pt"
    assert error <= 0.05
    reduced = torch.jit.load(str(out))
    x = torch.rand(3, 3, 8, 8)
    with torch.no_grad():
        assert reduced.features(x).dtype == torch.float32
        assert reduced(x).dtype == torch.float32
        assert bool(list(reduced.parameters())) != frozen
        conv = weights(reduced)
        assert len(conv) == 1 and conv[0].dtype == torch.bfloat16
        assert conv[0].is_contiguous(memory_format=torch.channels_last) == frozen
        torch.testing.assert_close(reduced(x), torch.jit.load(str(tmp_path / "model.pt"))(x), rtol=0.05, atol=0.05)


def test_a_network_that_drifts_from_float32_is_refused(tmp_path):
    tiny_package(tmp_path)
    reference = torch.jit.load(str(tmp_path / "model.pt"))
    reduced = ReducedPrecision(torch.jit.load(str(tmp_path / "model.pt")), torch.bfloat16)
    with torch.no_grad():
        for p in reduced.parameters():
            p.add_(1.0)
    with pytest.raises(PackageError, match="differ from the float32 network"):
        check(reduced, reference, torch.rand(2, 3, 8, 8))


def test_channels_last_keeps_nhwc_weights_after_reloading_and_returns_contiguous_arrays(tmp_path):
    tiny_package(tmp_path)
    out, _ = reduce_package(tmp_path, "bf16", channels_last=True, frozen=False)

    reduced = torch.jit.load(str(out))
    conv_weight = next(p for p in reduced.parameters() if p.dim() == 4)
    assert conv_weight.is_contiguous(memory_format=torch.channels_last)
    assert not conv_weight.is_contiguous()
    x = torch.rand(3, 3, 8, 8)
    plain, _ = reduce_package(tmp_path, "bf16", frozen=False)
    with torch.no_grad():
        activations = reduced.features(x)
        assert activations.is_contiguous()           # what DJL reads is plain NCHW
        torch.testing.assert_close(activations, torch.jit.load(str(plain)).features(x), rtol=0.02, atol=0.02)
        torch.testing.assert_close(reduced(x), reduced.head(activations), rtol=0, atol=0)


def test_a_frozen_model_pt_is_reduced_through_its_constants(tmp_path):
    tiny_package(tmp_path)
    full = torch.jit.load(str(tmp_path / "model.pt"))
    freeze(full).save(str(tmp_path / "model.pt"))         # as export_model.py writes it by default
    out, _ = reduce_package(tmp_path, "bf16", frozen=False)

    reduced = torch.jit.load(str(out))
    assert not list(reduced.parameters())
    assert [w.dtype for w in weights(reduced)] == [torch.bfloat16]
    x = torch.rand(3, 3, 8, 8)
    with torch.no_grad():
        assert reduced(x).dtype == torch.float32
        torch.testing.assert_close(reduced(x), full(x), rtol=0.05, atol=0.05)
