#!/usr/bin/env python3
"""Score-CAM side by side: the running service (HTTP) and pytorch-grad-cam's ScoreCAM, on the
same model packages and the same images, alternated and repeated in one run.

    /usr/bin/python3 tools/peer_benchmark.py --peer /path/to/pytorch-grad-cam --ttach /path/to/ttach \
        --url http://localhost:18090 --packages target/bench-peer/packages --reps 3 CASE...

A CASE is `<package>` (a directory under --packages, served under the same name); a package
whose model.yaml says `precision: bf16` is run by the peer from its model-bf16.pt, the very
network the service runs. The peer gets the package's TorchScript wrapped as an nn.Module,
forward(x) = head(identity(features(x))), with the identity as its target layer (it needs
hooks, which TorchScript cannot run). Both get the same input: the image is resized here to
the model's input size and sent to the service as PNG at that size, so that its resize is
the identity; the peer's input is that PNG normalised as model.yaml says.

Per case it prints: the peer at its default batch (16) and at its best batch (the one with
the fastest forward per image among --peer-batches, measured once before the runs), the
service (HTTP round trip, batch as the service chose it), the speedups, the Pearson
correlation of the service's map with the peer's (and, for a `<name>-bf16` case, with the
service's fp32 map of `<name>` when that case ran first), and the forward passes (images
through the network) each made. Times are medians over --reps runs, taken in turn.
"""

import argparse
import base64
import functools
import io
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import yaml
from PIL import Image

import scorecam_client as client


def import_peer(peer, ttach):
    sys.path[:0] = [str(peer), str(ttach)]
    import tqdm
    tqdm.tqdm = functools.partial(tqdm.tqdm, disable=True)   # the peer prints a bar per batch
    from pytorch_grad_cam import ScoreCAM
    return ScoreCAM


class Wrapped(nn.Module):
    """A model package as the peer takes it: hooks on an identity layer at the cut."""

    def __init__(self, scripted):
        super().__init__()
        self.net = scripted
        # The peer reads next(model.parameters()) for the device; a frozen network has none.
        self.device_marker = nn.Parameter(torch.zeros(0), requires_grad=False)
        self.target = nn.Identity()
        self.images = 0
        self.calls = 0

    def forward(self, x):
        self.images += x.shape[0]
        self.calls += 1
        return self.net.head(self.target(self.net.features(x)))


class Case:
    def __init__(self, packages, name):
        self.name = name
        self.dir = Path(packages) / name
        self.meta = yaml.safe_load((self.dir / "model.yaml").read_text())
        self.precision = self.meta.get("precision", "fp32")
        self.width, self.height = self.meta["input"]["width"], self.meta["input"]["height"]
        weights = "model.pt" if self.precision == "fp32" else f"model-{self.precision}.pt"
        self.model = Wrapped(torch.jit.load(str(self.dir / weights)).eval())


def prepare_image(image, case):
    """The PNG both sides get, at the model's input size, and the peer's normalised tensor."""
    rgb = Image.open(image).convert("RGB").resize((case.width, case.height), Image.BILINEAR)
    png = io.BytesIO()
    rgb.save(png, format="PNG")
    x = torch.from_numpy(np.asarray(rgb, dtype=np.float32) / 255.0).permute(2, 0, 1)
    mean = torch.tensor(case.meta["input"].get("mean", [0, 0, 0]), dtype=torch.float32)[:, None, None]
    std = torch.tensor(case.meta["input"].get("std", [1, 1, 1]), dtype=torch.float32)[:, None, None]
    return png.getvalue(), ((x - mean) / std)[None]


def peer_run(ScoreCAM, case, x, batch):
    case.model.images = 0
    cam = ScoreCAM(model=case.model, target_layers=[case.model.target])
    cam.batch_size = batch
    start = time.perf_counter()
    with torch.no_grad():
        grayscale = cam(input_tensor=x, targets=None)[0]
    seconds = time.perf_counter() - start
    cam.activations_and_grads.release()
    return seconds, grayscale, case.model.images


@torch.no_grad()
def peer_best_batch(case, batches):
    """The batch with the fastest forward per image (one untimed, then one timed forward each)."""
    per_image = {}
    for b in batches:
        x = torch.rand(b, 3, case.height, case.width)
        case.model(x)
        start = time.perf_counter()
        case.model(x)
        per_image[b] = (time.perf_counter() - start) / b
    return min(per_image, key=per_image.get), per_image


def service_run(url, case, png):
    answer = client.explain(url, case.name, png, filename="x.png", timeout=1800)
    if answer.status != 200:
        raise SystemExit(f"{case.name}: HTTP {answer.status} {answer.text()}")
    body = answer.json()
    saliency = body["explanations"][0]["saliency"]
    values = np.frombuffer(base64.b64decode(saliency["data"]), dtype="<f4").reshape(saliency["height"],
                                                                                   saliency["width"])
    return answer.seconds, values, body["stats"]


def served_batch(url, case):
    info = client.get_json(f"{url}/v1/models/{case.name}", timeout=60)
    return info["batchSize"], info.get("batchSizeFrom", "?"), info.get("precision", "?")


def correlation(a, b):
    return float(np.corrcoef(np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel())[0, 1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--peer", required=True, help="a checkout of jacobgil/pytorch-grad-cam")
    p.add_argument("--ttach", required=True, help="a checkout of qubvel/ttach")
    p.add_argument("--url", required=True, help="the running service")
    p.add_argument("--packages", required=True, help="directory of the packages the service serves")
    p.add_argument("--image", default="samples/sneaker.png")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--peer-batches", default="16,32,64,128")
    p.add_argument("cases", nargs="+")
    args = p.parse_args(argv)
    ScoreCAM = import_peer(args.peer, args.ttach)
    batches = [int(b) for b in args.peer_batches.split(",")]
    # As many threads as the service's engine uses (Debian's torch may start with one).
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; peer: {args.peer}", flush=True)

    rows = []
    service_maps = {}
    for name in args.cases:
        case = Case(args.packages, name)
        png, x = prepare_image(args.image, case)
        best, per_image = peer_best_batch(case, batches)
        batch, source, precision = served_batch(args.url, case)
        print(f"{name}: peer forward ms/img by batch "
              + ", ".join(f"{b}: {t * 1000:.1f}" for b, t in per_image.items())
              + f" -> best {best}; service batch {batch} ({source}), {precision}", flush=True)
        times = {"default": [], "best": [], "service": []}
        for rep in range(args.reps):
            # In turn, so that a busy moment of a shared machine hits every side alike.
            t, peer_map, peer_passes = peer_run(ScoreCAM, case, x, 16)
            times["default"].append(t)
            if best != 16:
                t, _, _ = peer_run(ScoreCAM, case, x, best)
            times["best"].append(t)
            t, service_map, stats = service_run(args.url, case, png)
            times["service"].append(t)
            print(f"  rep {rep + 1}: peer@16 {times['default'][-1]:.2f} s, peer@{best} {times['best'][-1]:.2f} s, "
                  f"service {t:.2f} s", flush=True)
        med = {k: statistics.median(v) for k, v in times.items()}
        service_maps[name] = service_map
        fp32 = service_maps.get(name.removesuffix("-" + precision)) if precision != "fp32" else None
        rows.append((name, precision, med["default"], best, med["best"], med["service"], batch,
                     correlation(service_map, peer_map), None if fp32 is None else correlation(service_map, fp32),
                     stats["forwardPasses"], peer_passes))

    print()
    print("| case | precision | peer @16 s | peer best s (batch) | service s (batch) | speedup vs @16 | "
          "speedup vs best | map corr. with peer | with service fp32 | forward passes service / peer |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, precision, d, b, bs, s, sb, corr, corr32, sp, pp in rows:
        print(f"| {name} | {precision} | {d:.2f} | {bs:.2f} ({b}) | {s:.2f} ({sb}) | {d / s:.2f}x | {bs / s:.2f}x "
              f"| {corr:.4f} | {'-' if corr32 is None else f'{corr32:.4f}'} | {sp} / {pp} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
