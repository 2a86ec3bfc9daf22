#!/usr/bin/env python3
"""Forward time per image of a model package's TorchScript, the floor under Score-CAM.

    forward_floor.py --package DIR --batch 256 --device cuda [--sweep 32,64,128]
                     [--precisions fp32,bf16,fp16] [--repeats 20] --out floor.json

Exact Score-CAM runs the whole network once per live channel, so no implementation of it can
beat (live channels) x (forward time per image at its batch size). This times model.pt's
forward on random inputs (never zeros) under inference mode, after warm-up passes (the
TorchScript profiling executor optimises on the first calls), with the device synchronised
around each pass; the median of the repeats counts. On the GPU machine DJL loads this same
libtorch, so the floor and the service share the library.
bf16/fp16 cast the loaded module and its input: a reference for later, since the service has
no precision setting yet.
"""

import argparse
import json
import statistics
import time

import torch

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def seconds_per_image(model, batch, size, device, dtype, repeats, warmup=3):
    x = torch.rand(batch, 3, size[1], size[0], device=device).to(dtype)
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


def load(package, device, dtype):
    model = torch.jit.load(f"{package}/model.pt", map_location=device).eval()
    return model if dtype == torch.float32 else model.to(dtype)


def input_size(package):
    import yaml
    with open(f"{package}/model.yaml") as f:
        meta = yaml.safe_load(f)
    return meta["input"]["width"], meta["input"]["height"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package", required=True)
    parser.add_argument("--batch", type=int, required=True, help="the service's batch size")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--sweep", default="", help="more batch sizes, comma-separated (fp32)")
    parser.add_argument("--precisions", default="fp32")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    device = torch.device(args.device)
    size = input_size(args.package)
    out = {"torch": torch.__version__, "device": str(device), "batch": args.batch,
           "threads": torch.get_num_threads(), "perImage": {}, "sweep": {}}
    if device.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(device)
        out["cudnnBenchmark"] = torch.backends.cudnn.benchmark
    for name in args.precisions.split(","):
        try:
            model = load(args.package, device, DTYPES[name])
            out["perImage"][name] = seconds_per_image(model, args.batch, size, device, DTYPES[name], args.repeats)
        except RuntimeError as e:               # a precision this device or build lacks
            out["perImage"][name] = f"failed: {str(e).splitlines()[0][:200]}"
        print(f"{name} batch {args.batch}: {out['perImage'][name]}", flush=True)
    model = load(args.package, device, torch.float32)
    for batch in [int(b) for b in args.sweep.split(",") if b]:
        out["sweep"][batch] = seconds_per_image(model, batch, size, device, torch.float32, args.repeats)
        print(f"fp32 batch {batch}: {out['sweep'][batch]}", flush=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
