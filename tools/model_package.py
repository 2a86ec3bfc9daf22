"""The model-package contract (docs/model-package.md) as the tools write it, in one place.

A package is a directory with model.pt, a TorchScript module whose forward(x) is
head(features(x)) with features and head exported, and model.yaml describing its input.
train_demo_model.py, export_model.py and make_test_models.py build their modules on
ScoreCamPackage and write them with write_package, which checks the split before and after
saving.
"""

from pathlib import Path

import torch
import torch.nn as nn
import yaml

RTOL, ATOL = 1e-4, 1e-5
RESIZE_MODES = ("stretch", "letterbox", "center-crop")


class PackageError(Exception):
    """A module that breaks the contract, or a package that cannot be written as asked."""


class ScoreCamPackage(nn.Module):
    """forward(x) = head(features(x)): subclasses define features (input to the target layer's
    activations, (N,K,h,w)) and head (activations to logits), both @torch.jit.export."""

    def forward(self, x):
        return self.head(self.features(x))


class SplitNetwork(ScoreCamPackage):
    """A network cut in two modules at its target layer."""

    def __init__(self, feature_net: nn.Module, head_net: nn.Module):
        super().__init__()
        self.feature_net = feature_net
        self.head_net = head_net

    @torch.jit.export
    def features(self, x):
        return self.feature_net(x)

    @torch.jit.export
    def head(self, a):
        return self.head_net(a)


class ChannelsLast(ScoreCamPackage):
    """A package network whose convolutions run in the channels-last (NHWC) layout: its weights
    are converted and its argument is converted as the first step, so oneDNN's CPU kernels need
    no layout reorder per convolution. Its results are in the standard layout, as the contract's."""

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network.to(memory_format=torch.channels_last)

    @torch.jit.export
    def features(self, x):
        return self.network.features(x.contiguous(memory_format=torch.channels_last)).contiguous()

    @torch.jit.export
    def head(self, a):
        return self.network.head(a.contiguous(memory_format=torch.channels_last))


def freeze(scripted):
    """torch.jit.freeze keeping the package's three methods: the weights become constants of the
    graph, batch norms fold into the convolutions before them, and the file runs faster on the CPU.
    A frozen module has no parameters left (nothing to cast or train)."""
    return torch.jit.freeze(scripted.eval(), preserved_attrs=["features", "head"])


def is_frozen(module):
    """True for a module frozen by torch.jit.freeze (or one without weights): no parameters or buffers."""
    return not list(module.parameters()) and not list(module.buffers())


def cast_constants(frozen, dtype):
    """Casts the floating-point tensor constants of a frozen module's methods to `dtype`: its weights,
    which .to() and .double() cannot reach (reduce_precision, the float64 reference). Returns how
    many were cast."""
    cast = 0
    for method in ("forward", "features", "head"):
        for node in getattr(frozen, method).graph.nodes():
            if node.kind() == "prim::Constant" and node.hasAttribute("value") and node.kindOf("value") == "t":
                value = node.t("value")
                if value.is_floating_point() and value.dtype != dtype:
                    node.t_("value", value.to(dtype))
                    cast += 1
    return cast


def descriptor(name, width, height, mean, std, resize, labels, target_layer, batch_size):
    """The model.yaml fields, in the order the contract lists them."""
    if resize not in RESIZE_MODES:
        raise PackageError(f"resize must be one of {', '.join(RESIZE_MODES)}, not {resize!r}")
    return {
        "name": name,
        "input": {"width": width, "height": height, "mean": list(mean), "std": list(std),
                  "resize": resize},
        "labels": list(labels),
        "target-layer": target_layer,
        "batch-size": batch_size,
    }


@torch.no_grad()
def check_split(module, x, expected=None):
    """head(features(x)) == forward(x), and == `expected` (the original model's logits) when
    given (torch.allclose, RTOL, ATOL). Returns the activations' shape."""
    a = module.features(x)
    if a.dim() != 4:
        raise PackageError(f"the target layer gives shape {tuple(a.shape)}, not (N,K,h,w)")
    logits = module(x)
    checks = [("head(features(x))", module.head(a), logits)]
    if expected is not None:
        checks.append(("forward(x)", logits, expected))
    for name, got, want in checks:
        if got.shape != want.shape or not torch.allclose(got, want, rtol=RTOL, atol=ATOL):
            diff = (got - want).abs().max().item() if got.shape == want.shape else "shape"
            other = "the original model" if want is expected else "forward(x)"
            raise PackageError(f"{name} differs from {other} by {diff:.3g}"
                               if diff != "shape" else
                               f"{name} gives {tuple(got.shape)}, {other} {tuple(want.shape)}")
    return tuple(a.shape)


def write_package(out_dir, scripted, meta, comment, x, expected=None):
    """Checks the split on x, writes model.pt and model.yaml (a `# comment` line first), then
    checks the split again on the file as reloaded. Returns the activations' shape."""
    out_dir = Path(out_dir)
    shape = check_split(scripted, x, expected)
    out_dir.mkdir(parents=True, exist_ok=True)
    scripted.save(str(out_dir / "model.pt"))
    (out_dir / "model.yaml").write_text(
        f"# {comment}\n"
        + yaml.safe_dump(meta, sort_keys=False, default_flow_style=None, width=120))
    check_split(torch.jit.load(str(out_dir / "model.pt")), x, expected)
    return shape
