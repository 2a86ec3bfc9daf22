#!/usr/bin/env python3
"""Packages your own .onnx classifier for the onnxruntime engine (docs/model-package.md).

    /usr/bin/python3 tools/package_onnx.py model.onnx --list-tensors
    /usr/bin/python3 tools/package_onnx.py model.onnx --target-tensor /layer4/layer4.1/relu_1/Relu_output_0 \\
        --labels-file labels.txt --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225 --out models/mine

The graph must take one float (N,3,H,W) input and give the logits (N,classes) as its first
output. The target tensor (the activations Score-CAM weighs, (N,K,h,w)) becomes its second
output; the other outputs are dropped. head.onnx (target tensor -> logits) is cut out of the
graph when nothing after the target tensor reads anything before it (no skip connection across
it); without it the gradient-free methods that only mask the input still run.
--list-tensors prints the rank-4 float tensors (candidate targets) with their shapes, in graph order.
"""

import argparse
import sys
from pathlib import Path

import onnx
import onnx.utils
from onnx import TensorProto

from onnx_package import HEAD_FILE, MODEL_FILE, write_descriptor
from model_package import RESIZE_MODES, PackageError


def inferred(model):
    """{tensor name: ValueInfoProto} for every tensor shape inference can type."""
    model = onnx.shape_inference.infer_shapes(model)
    graph = model.graph
    return {v.name: v for v in [*graph.input, *graph.value_info, *graph.output]}


def dims(value_info):
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
            for d in value_info.type.tensor_type.shape.dim]


def candidate_tensors(model):
    """(name, shape, operator) of every rank-4 float tensor a node gives, in graph order."""
    infos = inferred(model)
    found = []
    for node in model.graph.node:
        for name in node.output:
            info = infos.get(name)
            if info is not None and info.type.tensor_type.elem_type == TensorProto.FLOAT and len(dims(info)) == 4:
                found.append((name, dims(info), node.op_type))
    return found


def add_target_output(model, target):
    """The graph with outputs (logits, target); checks the input and the logits' rank."""
    infos = inferred(model)
    graph = model.graph
    initializers = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != 1 or len(dims(inputs[0])) != 4:
        raise PackageError(f"the graph takes {[(i.name, dims(i)) for i in inputs]}; it must take one (N,3,H,W) tensor")
    if not graph.output or len(dims(infos.get(graph.output[0].name, graph.output[0]))) != 2:
        raise PackageError("the graph's first output must be the logits, (N,classes)")
    if target not in infos or len(dims(infos[target])) != 4:
        known = ", ".join(name for name, _, _ in candidate_tensors(model)[:8])
        raise PackageError(f"--target-tensor {target!r} is not a rank-4 tensor of the graph; "
                           f"--list-tensors lists them (e.g. {known})")
    logits = graph.output[0]
    del graph.output[:]
    graph.output.extend([logits, infos[target]])
    onnx.checker.check_model(model)
    return model, inputs[0], logits


def write(args):
    model = onnx.load(args.model)
    if args.list_tensors:
        for name, shape, op in candidate_tensors(model):
            print(f"{name}\t{shape}\t{op}")
        return None
    model, image_input, logits = add_target_output(model, args.target_tensor)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(out / MODEL_FILE))
    head = True
    try:
        # from the original graph, where the target is an inner tensor (the extractor finds only those)
        onnx.utils.extract_model(args.model, str(out / HEAD_FILE), [args.target_tensor], [logits.name])
    except Exception as e:      # a skip connection across the target: its head needs more than the activations
        head = False
        (out / HEAD_FILE).unlink(missing_ok=True)
        print(f"no {HEAD_FILE}: the graph after {args.target_tensor} reads more than it ({e})", file=sys.stderr)
    input_dims = dims(image_input)
    width = args.width or (input_dims[3] if isinstance(input_dims[3], int) and input_dims[3] > 0 else None)
    height = args.height or (input_dims[2] if isinstance(input_dims[2], int) and input_dims[2] > 0 else None)
    if not width or not height:
        raise PackageError(f"the graph's input is {input_dims}: give --width and --height")
    classes = dims(inferred(model)[logits.name])[1]
    labels = ([line.strip() for line in Path(args.labels_file).read_text().splitlines() if line.strip()]
              if args.labels_file else [f"class_{i}" for i in range(classes)])
    if isinstance(classes, int) and classes > 0 and len(labels) != classes:
        raise PackageError(f"{len(labels)} labels for a graph with {classes} logits")
    meta = {"name": args.name or Path(args.model).stem,
            "input": {"width": width, "height": height, "mean": list(args.mean), "std": list(args.std),
                      "resize": args.resize},
            "labels": labels, "target-layer": args.target_tensor, "batch-size": args.batch_size}
    write_descriptor(out, meta, f"{Path(args.model).name} packaged by tools/package_onnx.py, activations "
                     f"{args.target_tensor}" + ("" if head else f", no {HEAD_FILE}"))
    print(f"wrote {out}/{MODEL_FILE}" + (f", {HEAD_FILE}" if head else "") + f", model.yaml: target {args.target_tensor}")
    return meta


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Package an .onnx classifier for the onnxruntime engine.")
    p.add_argument("model", help="the .onnx file: one (N,3,H,W) input, the logits as first output")
    p.add_argument("--list-tensors", action="store_true", help="print the rank-4 tensors and exit")
    p.add_argument("--target-tensor", help="the tensor whose activations Score-CAM weighs")
    p.add_argument("--out", help="package directory to write")
    p.add_argument("--name", help="model name in the URL (default: the file's stem)")
    p.add_argument("--labels-file", help="one label a line (default class_0..class_N-1)")
    p.add_argument("--width", type=int, help="input width (default: the graph's, when fixed)")
    p.add_argument("--height", type=int, help="input height (default: the graph's, when fixed)")
    p.add_argument("--mean", type=float, nargs=3, default=[0.0, 0.0, 0.0])
    p.add_argument("--std", type=float, nargs=3, default=[1.0, 1.0, 1.0])
    p.add_argument("--resize", choices=RESIZE_MODES, default="stretch")
    p.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args(argv)
    if not args.list_tensors and not (args.target_tensor and args.out):
        p.error("--target-tensor and --out are required (or --list-tensors)")
    return args


def main(argv=None):
    try:
        write(parse_args(argv))
    except PackageError as e:
        print(f"package_onnx: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
