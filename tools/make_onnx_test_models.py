#!/usr/bin/env python3
"""Writes the Java test fixtures for the onnxruntime engine: one small CNN as a TorchScript
package and as its ONNX twin, and a broken .onnx.

    /usr/bin/python3 tools/make_onnx_test_models.py

Writes (relative to the repository root):
  src/test/resources/models/twin/torchscript/{model.pt,model.yaml}
  src/test/resources/models/twin/onnxruntime/{model.onnx,head.onnx,model.yaml}
  src/test/resources/models/twin/packaged/{model.onnx,head.onnx,model.yaml}   logits-only.onnx through
                                          tools/package_onnx.py (target: the last MaxPool's output)
  src/test/resources/models/onnx-broken/logits-only.onnx   the network without the activations output
  src/test/resources/models/layout-twins/{swin,vit}/{torchscript,onnxruntime}/
        tools/export_model.py's two packages (its default and --format onnx) of a model whose
        target layer is not (N,K,h,w): tools/tests/family_models.py's swin_small (channels-last)
        and fashion_vit (tokens), random weights seeded by export_model.py
The CNN (seeded random weights, 3x32x32 -> 12 channels at 8x8 -> 5 classes) is a few kB in each
form; the Swin twin about 0.4 MB, the ViT twin 1.5 MB.
"""

from pathlib import Path

import torch
import torch.nn as nn

from model_package import SplitNetwork, descriptor, write_package
import export_model
import package_onnx
from onnx_package import write_onnx_package, _export

REPO = Path(__file__).resolve().parent.parent
TWIN = REPO / "src/test/resources/models/twin"
BROKEN = REPO / "src/test/resources/models/onnx-broken"
LAYOUT_TWINS = REPO / "src/test/resources/models/layout-twins"
LABELS = ["a", "b", "c", "d", "e"]
# name -> (family_models.py factory, --target-layer, input size)
LAYOUT_MODELS = {"swin": ("swin_small", "features", 32), "vit": ("fashion_vit", "blocks.1", 96)}
PACKAGED_TARGET = "/feature_net/feature_net.6/MaxPool_output_0"


def twin_network():
    torch.manual_seed(20)
    features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(8, 12, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, len(LABELS)))
    with torch.no_grad():     # BatchNorm statistics that are not the identity, so folding it is exercised
        features[1].running_mean.uniform_(-0.5, 0.5)
        features[1].running_var.uniform_(0.5, 2.0)
    return SplitNetwork(features, head).eval()


def write_labels():
    labels = BROKEN.parent / "twin-labels.txt.tmp"
    labels.write_text("\n".join(LABELS) + "\n")
    return labels


def write_layout_twins():
    """Each layout model as export_model.py writes it by default and with --format onnx."""
    for name, (factory, layer, size) in LAYOUT_MODELS.items():
        for form, extra in (("torchscript", []), ("onnxruntime", ["--format", "onnx"])):
            out = LAYOUT_TWINS / name / form
            argv = ["--module", f"{REPO / 'tools/tests/family_models.py'}:{factory}", "--name", f"{name}-{form}",
                    "--target-layer", layer, "--input-size", str(size), "--mean", "0", "0", "0",
                    "--std", "1", "1", "1", "--batch-size", "16", *extra, "--out", str(out)]
            assert export_model.main(argv) == 0
            (out / "model.portable.pt").unlink(missing_ok=True)   # the service serves model.pt


def main():
    write_layout_twins()
    network = twin_network()
    x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    meta = descriptor("twin", 32, 32, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25], "stretch", LABELS, "features", 8)
    write_package(TWIN / "torchscript", torch.jit.script(network), meta,
                  "test fixture by tools/make_onnx_test_models.py: the TorchScript twin", x)
    write_onnx_package(TWIN / "onnxruntime", network, {**meta, "name": "twin-onnx"},
                       "test fixture by tools/make_onnx_test_models.py: the ONNX twin", x)
    BROKEN.mkdir(parents=True, exist_ok=True)
    _export(network, x, BROKEN / "logits-only.onnx", "input", ["logits"])
    package_onnx.main([str(BROKEN / "logits-only.onnx"), "--target-tensor", PACKAGED_TARGET, "--name", "twin-packaged",
                       "--mean", "0.5", "0.5", "0.5", "--std", "0.25", "0.25", "0.25", "--labels-file",
                       str(write_labels()), "--batch-size", "8", "--out", str(TWIN / "packaged")])
    (BROKEN.parent / "twin-labels.txt.tmp").unlink()
    for path in sorted([*TWIN.rglob("*"), *BROKEN.rglob("*"), *LAYOUT_TWINS.rglob("*")]):
        if path.is_file():
            print(f"{path.relative_to(REPO)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
