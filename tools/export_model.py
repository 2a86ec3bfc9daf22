#!/usr/bin/env python3
"""Turns a torchvision classifier into a model package (model.pt, model.portable.pt, model.yaml).

    /usr/bin/python3 tools/export_model.py --arch resnet50 --weights resnet50.pth \
        --labels-file imagenet_classes.txt --out models/resnet50

model.pt is the serving form: frozen, in the channels-last layout (the fastest on the CPU;
docs/model-package.md); model.portable.pt is the same network scripted with its parameters, for
Python tools that cast, move or fine-tune it. --no-freeze writes only a scripted model.pt.
--from-package DIR (without --format onnx) writes the serving form of an existing package whose
model.pt is not frozen, keeping that file as its model.portable.pt:

    /usr/bin/python3 tools/export_model.py --from-package models/mine --out models/mine-served

--format onnx writes an onnxruntime package instead (model.onnx with the logits and the target
layer's activations as outputs, head.onnx, model.yaml with engine: onnxruntime; tools/onnx_package.py);
--from-package DIR --format onnx converts an existing TorchScript package (e.g. the demo model):

    /usr/bin/python3 tools/export_model.py --from-package src/main/resources/demo-model/fashion-cnn \
        --format onnx --name fashion-cnn-onnx --out models/fashion-cnn-onnx

The model is traced with torch.fx (torchvision's NodePathTracer, the tracer behind
create_feature_extractor) and its graph is cut at the target layer's output node:
  features(x) = every node up to and including the target layer's last node,
  head(a)     = every node after it, with the target layer's output as the placeholder `a`.
A layer is named like in torchvision.models.feature_extraction.get_graph_node_names: a module
path ("layer4", "features.19") means the last node inside it.  A cut that some later node
bypasses (a skip connection across it) is refused.
Both halves are wrapped in one module with forward / @torch.jit.export features / head
(model_package.SplitNetwork), scripted (traced if scripting fails), for model.pt also in the
channels-last layout and frozen (faster on the CPU; docs/model-package.md), and checked before
anything is written:
  head(features(x)) == forward(x) == original model(x)   (torch.allclose, rtol 1e-4, atol 1e-5)
on a random input, again after reloading model.pt with torch.jit.load.
"""

import argparse
import sys
from pathlib import Path

import torch
import torch.fx as fx
import torch.nn as nn
import torchvision
import yaml
from torchvision.models import feature_extraction

import model_split
from layouts import FromGrid, Layout, LayoutError, ToGrid, infer
from onnx_package import write_onnx_package
import shutil

from model_package import (PORTABLE_FILE, RESIZE_MODES, SERVED_FILE, PackageError, SplitNetwork, check_split,
                           descriptor, freeze, is_frozen, load_portable, serving_form, write_package)

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


class ExportError(PackageError):
    """A problem the user can fix (unknown arch or layer, bad weights): shown without a trace."""


# ---------------------------------------------------------------- building the model

def build_model(arch, num_classes, weights, seed):
    """A torchvision classifier in eval mode, random (seeded) or loaded from a state dict."""
    available = torchvision.models.list_models(module=torchvision.models)
    if arch not in available:
        raise ExportError(f"unknown --arch {arch!r}; torchvision classifiers are: "
                          + ", ".join(sorted(available)))
    torch.manual_seed(seed)
    kwargs = {} if num_classes is None else {"num_classes": num_classes}
    model = torchvision.models.get_model(arch, weights=None, **kwargs)
    if weights:
        load_weights(model, weights, f"{arch} with {num_classes or 'default'} classes")
    return model.eval()


def load_factory(spec, weights, seed):
    """--module path/to/file.py:build_model: any function returning an nn.Module, called with no
    arguments; --weights (a state dict) are loaded into what it returns."""
    import importlib.util
    path, _, name = spec.rpartition(":")
    if not path or not name or not Path(path).is_file():
        raise ExportError(f"--module wants path/to/file.py:function, not {spec!r}")
    sys.path.insert(0, str(Path(path).resolve().parent))
    loaded = importlib.util.spec_from_file_location(Path(path).stem, path)
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    factory = getattr(module, name, None)
    if not callable(factory):
        raise ExportError(f"{path} has no function {name}")
    torch.manual_seed(seed)
    model = factory()
    if not isinstance(model, nn.Module):
        raise ExportError(f"{spec} returned {type(model).__name__}, not an nn.Module")
    if weights:
        load_weights(model, weights, spec)
    return model.eval()


def load_weights(model, weights, what):
    state = torch.load(weights, map_location="cpu")
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    if isinstance(state, nn.Module):
        state = state.state_dict()
    try:
        model.load_state_dict(state)
    except RuntimeError as e:
        raise ExportError(f"--weights {weights} do not fit {what}: {e}") from e


def list_layers(model, size):
    """Every module path (named_modules) with its output shape for a random size x size input."""
    shapes = {}

    def keep(name, output):
        shapes.setdefault(name, tuple(output.shape) if isinstance(output, torch.Tensor)
                          else type(output).__name__)

    handles = [m.register_forward_hook(lambda m, i, o, name=name: keep(name, o))
               for name, m in model.named_modules() if name]
    try:
        with torch.no_grad():
            model(torch.randn(1, 3, size, size))
    finally:
        for h in handles:
            h.remove()
    return [f"{name}  {shapes.get(name, 'not called')}" for name, _ in model.named_modules() if name]


def default_target_layer(arch, model):
    """The last block before pooling: resnet-like layer4, vgg/alexnet's last ReLU, regnet's trunk,
    a ViT's last encoder block's input, a Swin's or ConvNeXt's last stage, maxvit's blocks, else
    features (mobilenet, efficientnet, densenet...)."""
    if arch.startswith("vit_") and hasattr(model, "encoder"):
        names = [name for name, _ in model.encoder.layers.named_children()]
        return f"encoder.layers.{names[-2]}" if len(names) > 1 else "encoder.dropout"
    if arch.startswith("maxvit"):
        return f"blocks.{len(model.blocks) - 1}"
    if hasattr(model, "layer4"):
        return "layer4"
    if hasattr(model, "trunk_output"):                      # regnet
        return "trunk_output"
    if arch.startswith(("vgg", "alexnet")):
        relus = [i for i, m in enumerate(model.features) if isinstance(m, nn.ReLU)]
        return f"features.{relus[-1]}"
    if hasattr(model, "features"):                          # mobilenet, efficientnet, densenet...
        return "features"
    raise ExportError(f"no default target layer for {arch}; pass --target-layer "
                      "(names: tools/export_model.py --list-layers)")


# ---------------------------------------------------------------- splitting with torch.fx

def trace(model):
    """fx graph of the model plus {node: qualified name} as torchvision's feature extractor names them."""
    kwargs = {}
    if hasattr(feature_extraction, "_set_default_tracer_kwargs"):
        kwargs = feature_extraction._set_default_tracer_kwargs(None)   # torchvision ops as leaves
    tracer = feature_extraction.NodePathTracer(**kwargs)
    graph = tracer.trace(model)
    return graph, tracer.node_to_qualname


def find_split_node(graph, qualnames, layer):
    """The last node named `layer` or inside it (`layer.*`)."""
    matches = [n for n in graph.nodes
               if qualnames.get(n) == layer or qualnames.get(n, "").startswith(layer + ".")]
    if not matches:
        names = sorted({q.split(".")[0] for q in qualnames.values()})
        raise ExportError(f"unknown --target-layer {layer!r}; top-level names are "
                          f"{', '.join(names)} (full list: --list-layers)")
    return matches[-1]


def sub_module(model, nodes, inputs, output):
    """A GraphModule copying `nodes` (in order); `inputs` maps old nodes to new placeholder names."""
    new = fx.Graph()
    env = {old: new.placeholder(name) for old, name in inputs.items()}
    for node in nodes:
        env[node] = new.node_copy(node, lambda n: env[n])
    new.output(env[output])
    module = fx.GraphModule(model, new)
    module.graph.eliminate_dead_code()
    module.delete_all_unused_submodules()
    module.graph.lint()
    module.recompile()
    return module


def split_package(model, layer, x, layout=None):
    """(package module, layout, how): cut with torch.fx where it traces the model, else with
    forward hooks (model_split); a layer whose output is not (N,K,h,w) gets its layout's
    conversion in features and head."""
    try:
        features, head, split_name = split_model(model, layer)
    except ExportError:
        raise
    except Exception as e:             # fx cannot trace this model: cut at the module instead
        reason = (str(e).splitlines()[0] if str(e) else type(e).__name__)[:60]
        print(f"torch.fx cannot trace the model ({reason}); splitting at module {layer} with hooks",
              file=sys.stderr)
        package, layout = model_split.split_at_module(model, layer, x, layout)
        return package, layout, f"module {layer} (hooks)"
    with torch.no_grad():
        raw = features(x)
    layout = layout or infer(raw.shape, x.shape[2], x.shape[3])
    if not layout.has_head:
        package, layout = model_split.split_at_module(model, layer, x, layout)
        return package, layout, f"module {layer} (hooks)"
    if layout.kind != "channels-first":
        features, head = nn.Sequential(features, ToGrid(layout)), nn.Sequential(FromGrid(layout), head)
    elif writes_into_input(head):
        head = nn.Sequential(Copy(), head)
    return SplitNetwork(features, head).eval(), layout, f"fx node {split_name}"


class Copy(nn.Module):
    """head's first step where the rest would write into its argument (densenet's relu_ after
    `features`): the caller's activations, a gradient leaf among them, stay as they were."""

    def forward(self, a):
        return a.clone()


def writes_into_input(head):
    """Whether an fx head runs an in-place operation on its placeholder."""
    placeholder = next(n for n in head.graph.nodes if n.op == "placeholder")
    return any(n.kwargs.get("inplace") or str(getattr(n.target, "__name__", n.target)).endswith("_")
               for n in placeholder.users)


def with_layout(meta, layout):
    """model.yaml fields with the layout's right after target-layer."""
    out = {}
    for key, value in meta.items():
        out[key] = value
        if key == "target-layer":
            out.update(layout.yaml_fields())
    return out


def split_model(model, layer):
    """(features GraphModule, head GraphModule) cut at the output of `layer`."""
    graph, qualnames = trace(model)
    split = find_split_node(graph, qualnames, layer)
    nodes = list(graph.nodes)
    cut = nodes.index(split)
    before = [n for n in nodes[:cut + 1] if n.op != "placeholder"]
    after = [n for n in nodes[cut + 1:] if n.op != "output"]
    placeholder = next(n for n in nodes if n.op == "placeholder")
    out_node = next(n for n in nodes if n.op == "output").args[0]

    # Every input of the head must be the cut itself, a later node or a constant (get_attr).
    earlier = set(nodes[:cut + 1]) - {split}
    head_nodes = []
    for node in after:
        for dep in node.all_input_nodes:
            if dep in earlier and dep.op == "get_attr":
                if dep not in head_nodes:
                    head_nodes.append(dep)
            elif dep in earlier:
                raise ExportError(f"cannot cut at {layer!r}: {qualnames.get(node, node.name)} "
                                  f"after it also uses {qualnames.get(dep, dep.name)} before it "
                                  "(a skip connection crosses the cut); pick a block boundary")
        head_nodes.append(node)
    if not isinstance(out_node, fx.Node):
        raise ExportError("only models returning a single logits tensor are supported")

    features = sub_module(model, before, {placeholder: "x"}, split)
    head = sub_module(model, head_nodes, {split: "a"}, out_node)
    return features, head, qualnames[split]


# ---------------------------------------------------------------- export and checks

def to_torchscript(package, example):
    """torch.jit.script, falling back to tracing all three methods."""
    try:
        return torch.jit.script(package)
    except Exception as e:       # some fx graphs use Python constructs TorchScript rejects
        print(f"scripting failed ({type(e).__name__}), tracing instead", file=sys.stderr)
        with torch.no_grad():
            a = package.features(example)
        return torch.jit.trace_module(package, {"forward": example, "features": example,
                                                "head": a})


def read_labels(path, default_count):
    if path is None:
        return None
    labels = [line.strip() for line in Path(path).read_text().splitlines() if line.strip()]
    if not labels:
        raise ExportError(f"--labels-file {path} holds no labels")
    return labels


def to_onnx(out, package, meta, comment, x, with_head=True):
    """write_onnx_package; what this torch's ONNX exporter refuses (a TorchScript graph with an
    operator it has no ONNX form for, as torchvision's ViT split with hooks has) is an ExportError
    that says what to do instead."""
    try:
        return write_onnx_package(out, package, meta, comment, x, with_head=with_head)
    except RuntimeError as e:
        reason = str(e).strip().splitlines()[-1][:300]
        raise ExportError(f"torch {torch.__version__} cannot export this network to ONNX ({reason}); serve its "
                          "TorchScript package instead, or export the ONNX file yourself and package it with "
                          "tools/package_onnx.py --target-tensor NAME") from e


def convert_package(args):
    """An existing TorchScript package as an onnxruntime package, with its model.yaml."""
    source = Path(args.from_package)
    if not (source / "model.pt").is_file() or not (source / "model.yaml").is_file():
        raise ExportError(f"--from-package {source} holds no model.pt and model.yaml")
    meta = yaml.safe_load((source / "model.yaml").read_text())
    meta.pop("engine", None)
    if args.name:
        meta["name"] = args.name
    module = load_portable(source)
    size = meta["input"]
    x = torch.randn(2, 3, size["height"], size["width"], generator=torch.Generator().manual_seed(args.seed))
    check_split(module, x)
    shape = to_onnx(args.out, module, meta, f"{source.name} converted by tools/export_model.py "
                    f"--from-package; activations {list(shape_of(module, x)[1:])}", x)
    print(f"wrote {args.out}/model.onnx, head.onnx, model.yaml: {source}, features {list(shape[1:])}")
    return meta


def serve_package(args):
    """An existing TorchScript package with its network in the serving form: model.pt frozen in
    channels-last, the source's unfrozen model.pt (or model.portable.pt) kept as model.portable.pt."""
    source, out = Path(args.from_package), Path(args.out)
    if not (source / "model.yaml").is_file():
        raise ExportError(f"--from-package {source} holds no model.yaml")
    portable = load_portable(source)
    if is_frozen(portable):
        raise ExportError(f"--from-package {source}: its model.pt is frozen already and it has no "
                          f"{PORTABLE_FILE} to start from")
    meta = yaml.safe_load((source / "model.yaml").read_text())
    if args.name:
        meta["name"] = args.name
    size = meta["input"]
    x = torch.randn(2, 3, size["height"], size["width"], generator=torch.Generator().manual_seed(args.seed))
    with torch.no_grad():
        expected = portable(x)
    served = serving_form(portable)
    if out.resolve() != source.resolve():
        shutil.copytree(source, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns(SERVED_FILE, PORTABLE_FILE))
    shape = write_package(out, served, meta, f"{source.name} in the serving form, written by tools/export_model.py "
                          f"--from-package (frozen, channels-last); activations {list(shape_of(portable, x)[1:])}",
                          x, expected, portable=portable)
    print(f"wrote {out}/{SERVED_FILE} (frozen, channels-last), {PORTABLE_FILE}, model.yaml: {source}, "
          f"features {list(shape[1:])}")
    return meta


def shape_of(module, x):
    with torch.no_grad():
        return tuple(module.features(x).shape)


def export(args):
    if args.from_package:
        return convert_package(args) if args.format == "onnx" else serve_package(args)
    labels = read_labels(args.labels_file, None)
    if args.module:
        model = load_factory(args.module, args.weights, args.seed)
    else:
        model = build_model(args.arch, len(labels) if labels else None, args.weights, args.seed)
    if args.list_layers:
        print("\n".join(list_layers(model, args.input_size)))
        return None
    if args.module and not args.target_layer:
        raise ExportError("--module needs --target-layer (module paths: --list-layers)")
    layer = args.target_layer or default_target_layer(args.arch, model)
    generator = torch.Generator().manual_seed(args.seed)
    x = torch.randn(2, 3, args.input_size, args.input_size, generator=generator)
    try:
        package, layout, split_name = split_package(model, layer, x, requested_layout(args))
    except LayoutError as e:
        raise ExportError(str(e)) from e

    with torch.no_grad():
        expected = model(x)
    classes = expected.shape[1]
    labels = labels or [f"class_{i}" for i in range(classes)]
    if len(labels) != classes:
        raise ExportError(f"{len(labels)} labels for a model with {classes} outputs")
    what = args.arch or Path(args.module).name      # file.py:function, without the directories
    meta = with_layout(descriptor(args.name or args.arch or Path(args.out).name, args.input_size,
                                  args.input_size, args.mean, args.std, args.resize, labels, layer,
                                  args.batch_size), layout)

    if args.format == "onnx":
        return export_onnx(args, package, layout, layer, split_name, meta, what, expected, x)
    hooked = isinstance(package, torch.jit.ScriptModule)   # split with hooks: already TorchScript
    portable = package if hooked else to_torchscript(package, x)
    if not args.freeze:
        scripted = portable
    elif hooked or layout.kind != "channels-first":
        scripted = freeze(portable)
    else:
        scripted = serving_form(package, lambda module: to_torchscript(module, x))

    shape = check_split(scripted, x, expected, head=layout.has_head)      # before anything is written
    if hooked:                  # traced: the batch size must not be baked in
        x3 = torch.randn(3, 3, args.input_size, args.input_size, generator=generator)
        with torch.no_grad():
            check_split(scripted, x3, model(x3), head=layout.has_head)
    out = Path(args.out)
    form = ("frozen" + (", channels-last" if not hooked and layout.kind == "channels-first" else "")
            if args.freeze else "not frozen")
    write_package(out, scripted, meta, f"{what} exported by tools/export_model.py ({form}); features() "
                  f"ends at {split_name}, layout {layout.kind}, activations {list(shape[1:])} for a "
                  f"{args.input_size} px input", x, expected, portable=portable if args.freeze else None,
                  head=layout.has_head)
    portable_note = f", {PORTABLE_FILE}" if args.freeze else ""
    print(f"wrote {out}/model.pt ({form}){portable_note}, model.yaml: {what}, target layer {split_name} "
          f"(requested {layer}), layout {layout.kind}, features {list(shape[1:])}, {classes} classes"
          + ("" if layout.has_head else "; no head (prefix tokens): gradient and head methods unavailable"))
    return meta


def requested_layout(args):
    """The layout given on the command line, or None to infer it from the layer's output."""
    if not args.layout:
        return None
    try:
        if args.layout == "tokens":
            if not args.grid:
                raise ExportError("--layout tokens needs --grid HEIGHT WIDTH")
            return Layout("tokens", args.prefix_tokens, tuple(args.grid))
        return Layout(args.layout)
    except LayoutError as e:
        raise ExportError(str(e)) from e


def export_onnx(args, package, layout, layer, split_name, meta, what, expected, x):
    """model.onnx (+ head.onnx where the layout keeps a head) and model.yaml with the layout: the
    activations output is (N,K,h,w) whatever the layer's own layout, as features() gives it."""
    shape = check_split(package, x, expected, head=layout.has_head)
    to_onnx(args.out, package, meta, f"{what} exported by tools/export_model.py (onnx); the "
            f"activations output ends at {split_name}, layout {layout.kind}, {list(shape[1:])} "
            f"for a {args.input_size} px input", x, with_head=layout.has_head)
    files = "model.onnx, head.onnx" if layout.has_head else "model.onnx (no head.onnx: prefix tokens)"
    print(f"wrote {args.out}/{files}, model.yaml: {what}, target layer {split_name} (requested {layer}), "
          f"layout {layout.kind}, features {list(shape[1:])}, {expected.shape[1]} classes")
    return meta


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Export a torchvision classifier as a model package.")
    p.add_argument("--arch", help="any torchvision.models classifier name")
    p.add_argument("--module", help="path/to/file.py:function returning any nn.Module classifier "
                   "(instead of --arch; needs --target-layer)")
    p.add_argument("--format", choices=("torchscript", "onnx"), default="torchscript",
                   help="model.pt for the torchscript engine, or model.onnx + head.onnx for onnxruntime")
    p.add_argument("--from-package", help="an existing TorchScript package: write its serving form "
                   "(frozen model.pt, the source's as model.portable.pt), or with --format onnx its ONNX form")
    p.add_argument("--weights", help="state_dict .pth (default: random weights, seeded)")
    p.add_argument("--target-layer", help="module path (named_modules(), see --list-layers) whose "
                   "output is features() (default per family: resnet layer4, vgg last ReLU, "
                   "vit the last encoder block's input, others features)")
    p.add_argument("--layout", choices=("channels-first", "channels-last", "tokens"),
                   help="the target layer's output layout (default: inferred from its shape)")
    p.add_argument("--grid", type=int, nargs=2, metavar=("HEIGHT", "WIDTH"),
                   help="with --layout tokens: the token grid")
    p.add_argument("--prefix-tokens", type=int, default=0,
                   help="with --layout tokens: class/register tokens before the grid")
    p.add_argument("--input-size", type=int, default=224)
    p.add_argument("--labels-file", help="one label a line (default class_0..class_N-1)")
    p.add_argument("--name", help="model name in the URL (default: the arch)")
    p.add_argument("--resize", choices=RESIZE_MODES, default="stretch")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--mean", type=float, nargs=3, default=IMAGENET_MEAN)
    p.add_argument("--std", type=float, nargs=3, default=IMAGENET_STD)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--freeze", action=argparse.BooleanOptionalAction, default=True,
                   help="model.pt frozen (channels-last where the target layer is), the serving form (the "
                        "default, faster on the CPU), with model.portable.pt beside it; --no-freeze: only a "
                        "scripted model.pt")
    p.add_argument("--list-layers", action="store_true",
                   help="print every module path with its output shape and exit")
    p.add_argument("--out", help="package directory to write")
    args = p.parse_args(argv)
    if not args.list_layers and not args.out:
        p.error("--out is required")
    if not args.arch and not args.from_package and not args.module:
        p.error("--arch, --module or --from-package is required")
    return args


def main(argv=None):
    torch.set_num_threads(2)
    try:
        export(parse_args(argv))
    except PackageError as e:
        print(f"export_model: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
