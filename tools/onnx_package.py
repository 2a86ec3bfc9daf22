"""ONNX model packages (engine: onnxruntime in model.yaml; docs/model-package.md).

model.onnx takes the normalised input (N,3,H,W) and has two outputs: the logits (N,classes)
first, then the target layer's activations (N,K,h,w). head.onnx, optional, takes the
activations to the logits (the methods that rescore changed activations need it). Batch is a
dynamic axis of every input and output.

ONNX Runtime is not installed for Python here, so the files are checked with onnx's checker
and shape inference (outputs, ranks, class count); the service checks the numbers when it
loads them (a blank input through the graph) and the Java tests compare them with the
TorchScript twin.
"""

from pathlib import Path

import onnx
import torch
import torch.nn as nn
import yaml

from model_package import PackageError

OPSET = 13
MODEL_FILE = "model.onnx"
HEAD_FILE = "head.onnx"


class _LogitsAndActivations(nn.Module):
    """The whole network with the target layer's activations as a second output."""

    def __init__(self, package):
        super().__init__()
        self.package = package

    def forward(self, x):
        a = self.package.features(x)
        return self.package.head(a), a


class _ForwardAndActivations(nn.Module):
    """The same for a package without a head (a target layer with prefix tokens): the logits
    from its forward, which shares the layers before the cut with features (ONNX Runtime's
    common-subexpression pass merges them)."""

    def __init__(self, package):
        super().__init__()
        self.package = package

    def forward(self, x):
        return self.package(x), self.package.features(x)


class _Head(nn.Module):
    def __init__(self, package):
        super().__init__()
        self.package = package

    def forward(self, a):
        return self.package.head(a)


def _export(module, example, path, input_name, output_names):
    axes = {name: {0: "batch"} for name in [input_name, *output_names]}
    with torch.no_grad():
        torch.onnx.export(module, example, str(path), input_names=[input_name], output_names=output_names,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    return model


def output_ranks(model):
    """{output name: rank} of a graph, after shape inference."""
    inferred = onnx.shape_inference.infer_shapes(model)
    return {o.name: len(o.type.tensor_type.shape.dim) for o in inferred.graph.output}


def write_onnx_package(out_dir, package, meta, comment, x, with_head=True):
    """Exports a ScoreCamPackage module (features/head; eager, or a loaded model.pt) as model.onnx
    (+ head.onnx) and writes model.yaml with engine: onnxruntime. Returns the activations' shape."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    package = package.eval()
    with torch.no_grad():
        a = package.features(x)
        logits = package.head(a) if with_head else package(x)
    if a.dim() != 4:
        raise PackageError(f"the target layer gives shape {tuple(a.shape)}, not (N,K,h,w)")
    # A TorchScript package (model.pt) cannot be traced through; scripted wrappers export its graphs.
    wrap = torch.jit.script if isinstance(package, torch.jit.ScriptModule) else (lambda module: module)
    whole = _LogitsAndActivations(package) if with_head else _ForwardAndActivations(package)
    model = _export(wrap(whole), x, out_dir / MODEL_FILE, "input", ["logits", "activations"])
    ranks = output_ranks(model)
    if list(ranks.values()) != [2, 4]:
        raise PackageError(f"{MODEL_FILE} outputs {ranks}; expected the logits (rank 2) and the activations (rank 4)")
    if with_head:
        _export(wrap(_Head(package)), a, out_dir / HEAD_FILE, "activations", ["logits"])
    elif (out_dir / HEAD_FILE).exists():
        (out_dir / HEAD_FILE).unlink()
    write_descriptor(out_dir, meta, comment)
    if logits.shape[1] != len(meta["labels"]):
        raise PackageError(f"{len(meta['labels'])} labels for a model with {logits.shape[1]} outputs")
    return tuple(a.shape)


def write_descriptor(out_dir, meta, comment):
    """model.yaml with engine: onnxruntime right after the name."""
    ordered = {"name": meta["name"], "engine": "onnxruntime", **{k: v for k, v in meta.items() if k != "name"}}
    (Path(out_dir) / "model.yaml").write_text(
        f"# {comment}\n" + yaml.safe_dump(ordered, sort_keys=False, default_flow_style=None, width=120))
