#!/usr/bin/env python3
"""Forward time per image of a model package's TorchScript, the floor under Score-CAM.

    forward_floor.py --package DIR --batches fp32=256,bf16=128,fp16=128 --device cuda
                     [--sweep 32,64,128] [--repeats 20] --out floor.json

Exact Score-CAM runs the whole network once per live channel, so no implementation of it can
beat (live channels) x (forward time per image at its batch size). This times model.pt's
forward on random inputs (never zeros) under inference mode, after warm-up passes (the
TorchScript profiling executor optimises on the first calls), with the device synchronised
around each pass; the median of the repeats counts. On the GPU machine DJL loads this same
libtorch, so the floor and the service share the library. Each precision runs the package's
own file for it (model.pt, model-bf16.pt, model-fp16.pt: what the service loads, float32 in and
out) at the batch size the service chose for it.
"""

import argparse
import json
import statistics
import time

import torch

FILES = {"fp32": "model.pt", "bf16": "model-bf16.pt", "fp16": "model-fp16.pt"}


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def seconds_per_image(model, batch, size, device, repeats, warmup=3):
    x = torch.rand(batch, 3, size[1], size[0], device=device)
    times = []
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        synchronize(device)
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            synchronize(device)
            times.append(time.perf_counter() - start)
    return statistics.median(times) / batch


def load(package, device, precision):
    return torch.jit.load(f"{package}/{FILES[precision]}", map_location=device).eval()


def input_size(package):
    import yaml
    with open(f"{package}/model.yaml") as f:
        meta = yaml.safe_load(f)
    return meta["input"]["width"], meta["input"]["height"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package", required=True)
    parser.add_argument("--batches", required=True, help="precision=batch size the service chose, comma-separated")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--sweep", default="", help="more batch sizes, comma-separated (fp32)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    device = torch.device(args.device)
    size = input_size(args.package)
    batches = dict((p, int(b)) for p, b in (item.split("=") for item in args.batches.split(",") if item))
    out = {"torch": torch.__version__, "device": str(device), "batches": batches,
           "threads": torch.get_num_threads(), "perImage": {}, "sweep": {}}
    if device.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(device)
        out["cudnnBenchmark"] = torch.backends.cudnn.benchmark
    for name, batch in batches.items():
        try:
            model = load(args.package, device, name)
            out["perImage"][name] = seconds_per_image(model, batch, size, device, args.repeats)
        except RuntimeError as e:               # a precision this device or build lacks
            out["perImage"][name] = f"failed: {str(e).splitlines()[0][:200]}"
        print(f"{name} batch {batch}: {out['perImage'][name]}", flush=True)
    model = load(args.package, device, "fp32")
    for batch in [int(b) for b in args.sweep.split(",") if b]:
        out["sweep"][batch] = seconds_per_image(model, batch, size, device, args.repeats)
        print(f"fp32 batch {batch}: {out['sweep'][batch]}", flush=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
