"""The model-package contract (docs/model-package.md) as the tools write it, in one place.

A package is a directory with model.pt, a TorchScript module whose forward(x) is
head(features(x)) with features and head exported, and model.yaml describing its input.
train_demo_model.py, export_model.py and make_test_models.py build their modules on
ScoreCamPackage and write them with write_package, which checks the split before and after
saving. model.pt is the form the service serves; the exporters write it frozen in the
channels-last layout (serving_form) and keep the same network scripted, with its parameters,
as model.portable.pt for Python tooling (load_portable).
"""

import copy
import warnings
from pathlib import Path

import torch
import torch.nn as nn
import yaml

RTOL, ATOL = 1e-4, 1e-5
SERVED_FILE = "model.pt"
PORTABLE_FILE = "model.portable.pt"
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
        with warnings.catch_warnings():
            # A loaded TorchScript network's parameters read as non-leaves to Module._apply, which
            # warns when it looks at their (absent) gradients: harmless here.
            warnings.filterwarnings("ignore", message="The .grad attribute of a Tensor that is not a leaf")
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


def serving_form(package, script=torch.jit.script):
    """The form the service runs fastest on the CPU: a copy of the eager `package` in the channels-last
    layout, scripted with `script` and frozen. `package` itself is left as it was."""
    return freeze(script(ChannelsLast(copy.deepcopy(package)).eval()))


def load_portable(directory):
    """The package's network with its parameters (model.portable.pt), for tools that cast, move or
    train it; model.pt where the package has no portable file (then possibly frozen)."""
    directory = Path(directory)
    portable = directory / PORTABLE_FILE
    return torch.jit.load(str(portable if portable.is_file() else directory / SERVED_FILE)).eval()


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


def detector_descriptor(name, width, height, mean, std, resize, labels, target_layer, batch_size,
                        max_detections):
    """The model.yaml fields of a detector: a classifier's plus `task` and `max-detections`."""
    meta = descriptor(name, width, height, mean, std, resize, labels, target_layer, batch_size)
    return {"name": meta.pop("name"), "task": "detection", **meta, "max-detections": max_detections}


def close(got, want):
    """|got - want| <= ATOL + RTOL * max |want|, everywhere: the rounding of a frozen network (batch
    norms folded into the convolutions, another memory layout) scales with the logits' size, not
    with each logit's, so a small logit beside large ones is held to the large ones' tolerance."""
    return bool((got - want).abs().max() <= ATOL + RTOL * want.abs().max())


@torch.no_grad()
def check_split(module, x, expected=None, head=True):
    """head(features(x)) == forward(x), and == `expected` (the original model's logits) when
    given (`close`: RTOL, ATOL). Returns the activations' shape. head=False: a package
    without a head (a target layer with prefix tokens, layouts.py) checks features and forward."""
    a = module.features(x)
    if a.dim() != 4:
        raise PackageError(f"the target layer gives shape {tuple(a.shape)}, not (N,K,h,w)")
    logits = module(x)
    checks = [("head(features(x))", module.head(a), logits)] if head else []
    if expected is not None:
        checks.append(("forward(x)", logits, expected))
    for name, got, want in checks:
        if got.shape != want.shape or not close(got, want):
            diff = (got - want).abs().max().item() if got.shape == want.shape else "shape"
            other = "the original model" if want is expected else "forward(x)"
            raise PackageError(f"{name} differs from {other} by {diff:.3g}"
                               if diff != "shape" else
                               f"{name} gives {tuple(got.shape)}, {other} {tuple(want.shape)}")
    return tuple(a.shape)


def write_package(out_dir, scripted, meta, comment, x, expected=None, portable=None, head=True):
    """Checks the split on x, writes model.pt and model.yaml (a `# comment` line first), then
    checks the split again on the file as reloaded. With `portable` (the same network with its
    parameters, when model.pt is frozen) also model.portable.pt, checked alike; without, a
    model.portable.pt left from an earlier export is removed. Returns the activations' shape."""
    out_dir = Path(out_dir)
    files = {SERVED_FILE: scripted, **({PORTABLE_FILE: portable} if portable is not None else {})}
    shape = check_split(scripted, x, expected, head)
    for module in files.values():
        check_split(module, x, expected, head)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, module in files.items():
        module.save(str(out_dir / name))
    if portable is None:
        (out_dir / PORTABLE_FILE).unlink(missing_ok=True)
    (out_dir / "model.yaml").write_text(
        f"# {comment}\n"
        + yaml.safe_dump(meta, sort_keys=False, default_flow_style=None, width=120))
    for name in files:
        check_split(torch.jit.load(str(out_dir / name)), x, expected, head)
    return shape


# ---------------------------------------------------------------- detectors (task: detection)

class CenterDecoder(nn.Module):
    """Turns CenterNet-style head maps into the detector contract's fixed-size rows.

    heatmap (N,C,h,w) logits of an object centre of class c in cell (i,j); size (N,2,h,w) the
    box's log(width/stride), log(height/stride); offset (N,2,h,w) the centre's position within
    its cell (0..1).  A detection is a local maximum of sigmoid(heatmap) in its 3x3
    neighbourhood; the `max_detections` best over all classes and cells, best first, become
    rows [x0,y0,x1,y1,score,class] in input pixels (cell size `stride`); a row whose score is
    below `min_score` is padding: zeros with class -1.  No NMS: one peak is one box.
    """

    def __init__(self, stride: int, max_detections: int, min_score: float = 0.01):
        super().__init__()
        self.stride = stride
        self.max_detections = max_detections
        self.min_score = min_score

    def forward(self, heatmap, size, offset):
        n, c, h, w = heatmap.shape
        prob = torch.sigmoid(heatmap)
        peaks = prob * (prob == nn.functional.max_pool2d(prob, 3, 1, 1)).to(prob.dtype)
        k = min(self.max_detections, c * h * w)
        score, index = peaks.reshape(n, c * h * w).topk(k, dim=1)
        cls = torch.div(index, h * w, rounding_mode="floor")
        cell = index - cls * (h * w)
        row = torch.div(cell, w, rounding_mode="floor")
        col = cell - row * w
        size = size.reshape(n, 2, h * w)
        offset = offset.reshape(n, 2, h * w)
        half = torch.exp(torch.stack([size[:, 0].gather(1, cell), size[:, 1].gather(1, cell)], 2)) \
            * (self.stride / 2.0)
        cx = (col.to(prob.dtype) + offset[:, 0].gather(1, cell)) * self.stride
        cy = (row.to(prob.dtype) + offset[:, 1].gather(1, cell)) * self.stride
        x0 = (cx - half[:, :, 0]).clamp(0.0, float(w * self.stride))
        y0 = (cy - half[:, :, 1]).clamp(0.0, float(h * self.stride))
        x1 = (cx + half[:, :, 0]).clamp(0.0, float(w * self.stride))
        y1 = (cy + half[:, :, 1]).clamp(0.0, float(h * self.stride))
        rows = torch.stack([x0, y0, x1, y1, score, cls.to(prob.dtype)], dim=2)
        keep = (score >= self.min_score).to(prob.dtype).unsqueeze(2)
        padding = torch.zeros_like(rows)
        padding[:, :, 5] = -1.0
        rows = rows * keep + padding * (1.0 - keep)
        if k < self.max_detections:
            fill = torch.zeros(n, self.max_detections - k, 6, dtype=rows.dtype, device=rows.device)
            fill[:, :, 5] = -1.0
            rows = torch.cat([rows, fill], dim=1)
        return rows


class CenterNetHead(nn.Module):
    """A detector's head in the CenterNet form: `predict` maps the target layer's activations to
    (N, classes + 4, h, w): `classes` centre-heatmap logits, log(width/stride), log(height/stride),
    and two centre-offset logits (sigmoid gives the centre's place within its cell); the
    CenterDecoder turns them into the contract's rows."""

    def __init__(self, predict: nn.Module, classes: int, stride: int, max_detections: int,
                 min_score: float = 0.01):
        super().__init__()
        self.predict = predict
        self.classes = classes
        self.decoder = CenterDecoder(stride, max_detections, min_score)

    def maps(self, a):
        """(heatmap logits, log sizes, offsets in 0..1): what training compares with its targets."""
        p = self.predict(a)
        c = self.classes
        return p[:, :c], p[:, c:c + 2], torch.sigmoid(p[:, c + 2:c + 4])

    def forward(self, a):
        heatmap, size, offset = self.maps(a)
        return self.decoder(heatmap, size, offset)


def check_detections(rows, width, height, max_detections):
    """The contract's rules for forward's (N,D,6) rows on a width x height input: boxes inside the
    input with x0 <= x1 and y0 <= y1, scores in [0,1] best first, padding all zeros with class -1."""
    if rows.dim() != 3 or rows.shape[1:] != (max_detections, 6):
        raise PackageError(f"detections have shape {tuple(rows.shape)}, not (N,{max_detections},6)")
    x0, y0, x1, y1, score, cls = rows.unbind(2)
    padding = cls == -1
    problems = {
        "a box outside the input": ((x0 < 0) | (y0 < 0) | (x1 > width) | (y1 > height)).any(),
        "a box with x1 < x0 or y1 < y0": ((x1 < x0) | (y1 < y0)).any(),
        "a score outside [0,1]": ((score < 0) | (score > 1)).any(),
        "scores not sorted best first": (score[:, 1:] > score[:, :-1]).any(),
        "a class index that is not an integer": (cls != cls.round()).any(),
        "a padding row that is not zeros with class -1": (rows[padding][:, :5] != 0).any(),
    }
    for problem, found in problems.items():
        if found:
            raise PackageError(f"the detections have {problem}")


def write_detector_package(out_dir, scripted, meta, comment, x, max_detections):
    """write_package for a detector: checks head(features(x)) == forward(x) and the rows' rules
    (check_detections) before and after saving. Returns the activations' shape."""
    height, width = x.shape[2:]
    with torch.no_grad():
        check_detections(scripted(x), width, height, max_detections)
    shape = write_package(out_dir, scripted, meta, comment, x)
    with torch.no_grad():
        check_detections(torch.jit.load(str(Path(out_dir) / "model.pt"))(x), width, height,
                         max_detections)
    return shape
