"""Every classifier family exports, loads, and gives the float64 reference's Score-CAM and
Grad-CAM maps: the package's split (fx or hooks, with its layout) against the original module
read at its target layer by layer_reference.HookedModel (pytorch-grad-cam's way: hooks, its own
re-indexing of channels-last and token outputs).  Random seeded weights, small inputs."""

from pathlib import Path

import pytest
import torch
import yaml

import export_model
from cam_reference import grad_cam
from layer_reference import HookedModel
from scorecam_reference import load_package, score_cam
from tests import family_models

MODELS = Path(__file__).resolve().parent / "family_models.py"
TOLERANCE = 1e-6          # float64 maps, [0,1]

# (id, export arguments, input size, target layer the export should pick, layout)
# Full-width torchvision models by --arch (their default target layer), at 64 px: a 2x2 grid, the
# smallest their stride of 32 leaves non-constant. Hundreds of channels each, through a float64
# reference: the three marked slow took 4-19 minutes each on this 2-core machine (2026-12-06), so CI
# leaves them out (-m "not slow") and they are run by hand: pytest tools/tests -m slow.
SLOW = {"efficientnet_b0", "densenet121", "mobilenet_v3_small"}
TORCHVISION = [pytest.param(*case, marks=[pytest.mark.slow] if case[0] in SLOW else [], id=case[0]) for case in [
    ("resnet18", ["--arch", "resnet18"], 64, "layer4", "channels-first"),
    ("mobilenet_v2", ["--arch", "mobilenet_v2"], 64, "features", "channels-first"),
    ("mobilenet_v3_small", ["--arch", "mobilenet_v3_small"], 64, "features", "channels-first"),
    ("efficientnet_b0", ["--arch", "efficientnet_b0"], 64, "features", "channels-first"),
    ("regnet_x_400mf", ["--arch", "regnet_x_400mf"], 64, "trunk_output", "channels-first"),
    ("densenet121", ["--arch", "densenet121"], 64, "features", "channels-first"),
]]
SMALL = [   # the family's own classes at a small width (family_models.py), by --module
    ("vgg", "vgg_small", "features.7", "channels-first"),
    ("convnext", "convnext_small", "features", "channels-first"),
    ("vit", "vit_small", "encoder.layers.encoder_layer_1", "tokens"),
    ("swin", "swin_small", "features", "channels-last"),
    ("maxvit", "maxvit_small", "blocks.1", "channels-first"),
    ("fashion-vit (not torchvision)", "fashion_vit", "blocks.1", "tokens"),
]
CASES = TORCHVISION + [pytest.param(name, ["--module", f"{MODELS}:{factory}", "--target-layer", layer],
                                     family_models.INPUT[factory], layer, layout, id=name)
                        for name, factory, layer, layout in SMALL]


def original(argv, size):
    if argv[0] == "--module":
        return export_model.load_factory(argv[1], None, 0)
    return export_model.build_model(argv[1], None, None, 0)


@pytest.mark.parametrize("name, argv, size, layer, layout", CASES)
def test_family_exports_and_matches_the_reference(tmp_path, name, argv, size, layer, layout):
    out = tmp_path / "package"
    assert export_model.main([*argv, "--input-size", str(size), "--out", str(out)]) == 0
    meta = yaml.safe_load((out / "model.yaml").read_text())
    assert meta["target-layer"] == layer
    assert meta.get("layout", "channels-first") == layout
    package, _ = load_package(out)

    model = original(argv, size)
    reference = HookedModel(model, layer, layout, meta.get("prefix-tokens", 0),
                            (meta["grid"]["height"], meta["grid"]["width"]) if "grid" in meta else None)
    x = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(7))
    with torch.no_grad():
        target = int(model(x).argmax())
        torch.testing.assert_close(package.features(x), reference.features(x), rtol=1e-5, atol=1e-6)

    ours, theirs = score_cam(package, x, target), score_cam(reference, x, target)
    assert ours.live_channels == theirs.live_channels > 0
    assert ours.saliency.max() == 1.0
    torch.testing.assert_close(ours.saliency, theirs.saliency, rtol=0, atol=TOLERANCE)

    if meta.get("prefix-tokens", 0):          # no head: gradients are the reference's alone
        with pytest.raises(torch.jit.Error, match="prefix tokens"):
            package.head(package.features(x))
        return
    ours, theirs = grad_cam(package, x, target), grad_cam(reference, x, target)
    assert theirs.weights.abs().max() > 0
    torch.testing.assert_close(ours.weights, theirs.weights, rtol=1e-6, atol=1e-9)
    torch.testing.assert_close(ours.saliency, theirs.saliency, rtol=0, atol=TOLERANCE)


def test_a_cut_inside_a_residual_block_is_refused(tmp_path, capsys):
    # inside a ConvNeXt block the tensor is channels-last, but the block's input skips over it
    argv = ["--module", f"{MODELS}:convnext_small", "--target-layer", "features.3.0.block.3",
            "--input-size", "32", "--out", str(tmp_path / "p")]
    assert export_model.main(argv) == 2
    assert "skip connection" in capsys.readouterr().err


def test_a_module_that_is_never_called_is_refused(tmp_path, capsys):
    argv = ["--module", f"{MODELS}:maxvit_small", "--target-layer", "blocks",
            "--input-size", "64", "--out", str(tmp_path / "p")]
    assert export_model.main(argv) == 2
    assert "not called" in capsys.readouterr().err


@pytest.mark.parametrize("factory, layer, layout", [
    ("swin_small", "features", "channels-last"),
    ("fashion_vit", "blocks.1", "tokens"),
])
def test_an_onnx_package_declares_its_layout_and_keeps_its_head(tmp_path, factory, layer, layout):
    """ONNX Runtime is not installed for Python: the service's side (maps equal to the
    TorchScript twin's) is checked in Java; here, what the service reads from the files."""
    out = tmp_path / factory
    argv = ["--module", f"{MODELS}:{factory}", "--target-layer", layer, "--format", "onnx", "--mean", "0", "0", "0",
            "--std", "1", "1", "1", "--input-size", str(family_models.INPUT[factory]), "--out", str(out)]
    assert export_model.main(argv) == 0
    meta = yaml.safe_load((out / "model.yaml").read_text())
    assert meta["engine"] == "onnxruntime"
    assert meta["layout"] == layout
    assert (out / "model.onnx").is_file() and (out / "head.onnx").is_file()


def test_a_network_the_onnx_exporter_refuses_is_an_export_error(tmp_path, capsys):
    """torchvision's ViT, split with hooks, holds an operator torch 1.13 has no ONNX form for."""
    argv = ["--module", f"{MODELS}:vit_small", "--target-layer", "encoder.layers.encoder_layer_1", "--format", "onnx",
            "--input-size", str(family_models.INPUT["vit_small"]), "--out", str(tmp_path / "vit")]
    assert export_model.main(argv) == 2
    assert "cannot export this network to ONNX" in capsys.readouterr().err
