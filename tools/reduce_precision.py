#!/usr/bin/env python3
"""Adds the network in a reduced precision to a model package: model-bf16.pt or model-fp16.pt.

    /usr/bin/python3 tools/reduce_precision.py --precision bf16 models/resnet50

The service serves a package in bf16 or fp16 (model.yaml `precision:` or
scorecam.models.<name>.precision) from this file; model.pt stays the float32 network.
The file keeps the package contract's float32 interface (DJL 0.36 cannot hold a bf16 array:
a cast to one aborts the JVM): its weights and buffers are in the reduced precision, and
forward / features / head cast their argument to it first and their result back to float32.
By default the file is written frozen in the channels-last layout, the serving form that runs
fastest on the CPU (docs/model-package.md), from the package's model.portable.pt when it has one
(export_model.py writes it beside a frozen model.pt); --no-freeze writes it scripted. A source
network that is frozen already (a model.pt without a model.portable.pt) has its weights as graph
constants that .to() cannot reach: the result is then always frozen, keeps that file's layout,
and its float constants are cast after freezing.
Checked before the service sees it: the outputs are float32 and the logits stay within 5% of
the float32 network's largest logit on a random input, again after reloading.
"""

import argparse
import sys
from pathlib import Path

import torch
import torch.nn as nn
import yaml

from model_package import ChannelsLast, PackageError, cast_constants, freeze, is_frozen, load_portable

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}
MAX_RELATIVE_ERROR = 0.05


class ReducedPrecision(nn.Module):
    """The package's network in `dtype` behind a float32 interface."""

    def __init__(self, network, dtype: torch.dtype):
        super().__init__()
        self.network = network.to(dtype)
        self.dtype = dtype

    def forward(self, x):
        # No float32 round trip between the halves: a masked batch stays in `dtype` throughout.
        return self.network.head(self.network.features(x.to(self.dtype))).float()

    @torch.jit.export
    def features(self, x):
        return self.network.features(x.to(self.dtype)).float()

    @torch.jit.export
    def head(self, a):
        return self.network.head(a.to(self.dtype)).float()


@torch.no_grad()
def check(reduced, reference, x):
    """Float32 outputs whose logits follow the float32 network's; returns the relative error."""
    logits = reduced(x)
    if reduced.features(x).dtype != torch.float32 or logits.dtype != torch.float32:
        raise PackageError("the reduced network must return float32 from features and head")
    want = reference(x)
    error = ((logits - want).abs().max() / want.abs().max().clamp_min(1e-12)).item()
    if not error <= MAX_RELATIVE_ERROR:
        raise PackageError(f"logits differ from the float32 network's by {error:.1%} of the largest "
                           f"(at most {MAX_RELATIVE_ERROR:.0%})")
    return error


def reduce_network(network, dtype, channels_last, frozen):
    """The network in `dtype` behind the float32 interface, scripted, and frozen if asked (always
    when `network` is frozen itself, whose layout it then keeps)."""
    if is_frozen(network):
        reduced = freeze(torch.jit.script(ReducedPrecision(network, dtype)))
        cast_constants(reduced, dtype)
        return reduced
    # channels_last: NHWC weights and input inside, where convolutions in half precision are
    # fastest (tensor cores on a GPU, docs/gpu.md; oneDNN on the CPU); NCHW arrays out as ever.
    reduced = torch.jit.script(ReducedPrecision(ChannelsLast(network) if channels_last else network, dtype))
    return freeze(reduced) if frozen else reduced


def reduce_package(package, precision, seed=0, channels_last=None, frozen=True):
    """channels_last None: the default, channels-last when frozen, model.pt's layout otherwise."""
    package = Path(package)
    meta = yaml.safe_load((package / "model.yaml").read_text())
    width, height = meta["input"]["width"], meta["input"]["height"]
    torch.manual_seed(seed)
    x = torch.rand(2, 3, height, width)
    reference = torch.jit.load(str(package / "model.pt")).eval()
    channels_last = frozen if channels_last is None else channels_last
    scripted = reduce_network(load_portable(package), DTYPES[precision], channels_last, frozen)
    check(scripted, reference, x)
    out = package / f"model-{precision}.pt"
    scripted.save(str(out))
    return out, check(torch.jit.load(str(out)), reference, x)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--precision", choices=sorted(DTYPES), default="bf16")
    p.add_argument("--memory-format", choices=["contiguous", "channels_last"],
                   help="channels_last: NHWC weights and input inside the network (faster convolutions on "
                        "the CPU and in half precision on a GPU); default: channels_last when frozen, "
                        "else contiguous")
    p.add_argument("--freeze", action=argparse.BooleanOptionalAction, default=True,
                   help="frozen (torch.jit.freeze), channels_last unless --memory-format says otherwise: "
                        "the serving form, faster on the CPU (the default); --no-freeze: scripted")
    p.add_argument("package", help="a model package directory (model.pt + model.yaml)")
    args = p.parse_args(argv)
    try:
        channels_last = None if args.memory_format is None else args.memory_format == "channels_last"
        out, error = reduce_package(args.package, args.precision, channels_last=channels_last,
                                    frozen=args.freeze)
    except PackageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {out}: logits within {error:.2%} of model.pt's largest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
