#!/usr/bin/env python3
"""Score-CAM side by side: the running service (HTTP) and pytorch-grad-cam's ScoreCAM, on the
same network and the same image, alternated and repeated in one run.

    /usr/bin/python3 tools/peer_benchmark.py --peer /path/to/pytorch-grad-cam \
        --url http://localhost:18090 --packages target/bench-peer/served --reps 3 CASE...

A CASE is `<package>` (a directory under --packages, served under the same name), named
`<arch>-<size>` or `<arch>-<size>-bf16` (a package whose model.yaml says `precision: bf16`).
What the peer runs (--peer-model):
- `eager` (the default): what a user of the peer runs, the plain torchvision module in fp32,
  rebuilt as tools/export_model.py built the package's (same arch, --seed; its logits are checked
  against the package's portable network), with the package's target layer as the peer's
  target layer. A `-bf16` case is timed against the same fp32 module: the peer as users run it.
- `package`: the package's own TorchScript (model-bf16.pt for a bf16 case), wrapped as an
  nn.Module, forward(x) = head(identity(features(x))), with the identity as its target layer.
Both get the same input: the image is resized here to the model's input size and sent to the
service as PNG at that size, so that its resize is the identity; the peer's input is that PNG
normalised as model.yaml says.

Per case it prints the peer at its default batch (16) and at its best batch (the fastest median
among --peer-batches, every one run in every rep), the service (HTTP round trip, batch as the
service chose it), the speedups, the Pearson correlation of the service's map with the peer's
(and, for a `<name>-bf16` case, with the service's fp32 map of `<name>` when that case ran), and
the forward passes (images through the network) each made. Each rep runs every case in turn, the
peer's batches and the service alternating, so that a busy moment of a shared machine hits every
side alike; times are medians over --reps. The peer's optional imports (ttach, cv2, tqdm, ...) are
stood in as tools/peer_methods.py does where they are not installed.
"""

import argparse
import base64
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
import peer_methods
from export_model import build_model
from model_package import load_portable


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


class Eager(nn.Module):
    """A torchvision module as the peer's users hand it over, counting the images it is given."""

    def __init__(self, module, target_layer):
        super().__init__()
        self.net = module
        self.target = module.get_submodule(target_layer)
        self.images = 0

    def forward(self, x):
        self.images += x.shape[0]
        return self.net(x)


class Case:
    def __init__(self, packages, name, peer_model, seed):
        self.name = name
        self.dir = Path(packages) / name
        self.meta = yaml.safe_load((self.dir / "model.yaml").read_text())
        self.precision = self.meta.get("precision", "fp32")
        self.width, self.height = self.meta["input"]["width"], self.meta["input"]["height"]
        self.peer_key = name.removesuffix("-" + self.precision) if peer_model == "eager" else name
        if peer_model == "eager":
            arch = name.split("-")[0]
            self.model = Eager(build_model(arch, len(self.meta["labels"]), None, seed), self.meta["target-layer"])
            x = torch.rand(2, 3, self.height, self.width, generator=torch.Generator().manual_seed(1))
            with torch.no_grad():
                if not torch.allclose(self.model(x), load_portable(self.dir)(x), rtol=1e-4, atol=1e-4):
                    raise SystemExit(f"{name}: the {arch} built with seed {seed} is not the package's network")
        else:
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
    """One ScoreCAM of the predicted class at `batch`: (seconds, map, images through the network)."""
    case.model.images = 0
    cam = ScoreCAM(model=case.model, target_layers=[case.model.target])
    cam.batch_size = batch
    start = time.perf_counter()
    with torch.no_grad():
        grayscale = cam(input_tensor=x, targets=None)[0]
    seconds = time.perf_counter() - start
    cam.activations_and_grads.release()
    return seconds, grayscale, case.model.images


def service_run(url, case, png, batch=None):
    """One explanation over HTTP, at the service's batch or, given one, at `batch`: (seconds, map, stats)."""
    params = {} if batch is None else {"batch-size": str(batch)}
    answer = client.explain(url, case.name, png, filename="x.png", timeout=1800, params=params)
    if answer.status != 200:
        raise SystemExit(f"{case.name}: HTTP {answer.status} {answer.text()}")
    body = answer.json()
    if answer.seconds < body["stats"]["computeMillis"] / 1000:
        raise SystemExit(f"{case.name}: answered in {answer.seconds:.3f} s, computed in {body['stats']['computeMillis']} ms: "
                         "from the answer cache; start the service with --scorecam.cache.enabled=false")
    saliency = body["explanations"][0]["saliency"]
    values = np.frombuffer(base64.b64decode(saliency["data"]), dtype="<f4").reshape(saliency["height"],
                                                                                   saliency["width"])
    return answer.seconds, values, body["stats"]


def served_batch(url, case):
    info = client.get_json(f"{url}/v1/models/{case.name}", timeout=60)
    return info["batchSize"], info.get("batchSizeFrom", "?"), info.get("precision", "?")


def correlation(a, b):
    return float(np.corrcoef(np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel())[0, 1])


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_tables(cases, batches, fixed, peer_times, peer_maps, peer_passes, service_times, service_maps, stats,
                 reps_done):
    """The medians over the reps so far, as Markdown tables."""
    print(f"\nafter {reps_done} rep(s), load average {load_average()}")
    print("| case | precision | peer @16 s | peer best s (batch) | service s (batch) | speedup vs @16 | "
          "speedup vs best | map corr. with peer | with service fp32 | forward passes service / peer |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for case in cases:
        med = {b: statistics.median(peer_times[(case.peer_key, b)]) for b in batches}
        best = min(med, key=med.get)
        s = statistics.median(service_times[case.name])
        batch, _, precision = case.served
        fp32 = service_maps.get(case.name.removesuffix("-" + precision)) if precision != "fp32" else None
        corr32 = "-" if fp32 is None else f"{correlation(service_maps[case.name], fp32):.4f}"
        print(f"| {case.name} | {precision} | {med[16]:.2f} | {med[best]:.2f} ({best}) | {s:.2f} ({batch}) "
              f"| {med[16] / s:.2f}x | {med[best] / s:.2f}x | {correlation(service_maps[case.name], peer_maps[case.peer_key]):.4f} "
              f"| {corr32} | {stats[case.name]['forwardPasses']} / {peer_passes[case.peer_key]} |")
    if fixed:
        print("\n| case | service, its own batch: s (batch) | " + " | ".join(f"service @{b} s" for b in fixed)
              + " | own / best fixed |")
        print("|---|---|" + "---|" * len(fixed) + "---|")
        for case in cases:
            own = statistics.median(service_times[case.name])
            at = {b: statistics.median(service_times[(case.name, b)]) for b in fixed}
            print(f"| {case.name} | {own:.2f} ({case.served[0]}) | " + " | ".join(f"{at[b]:.2f}" for b in fixed)
                  + f" | {own / min(at.values()):.2f} |")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--peer", required=True, help="a checkout of jacobgil/pytorch-grad-cam")
    p.add_argument("--url", required=True, help="the running service")
    p.add_argument("--packages", required=True, help="directory of the packages the service serves")
    p.add_argument("--peer-model", choices=("eager", "package"), default="eager")
    p.add_argument("--seed", type=int, default=0, help="export_model.py's --seed of the packages (eager)")
    p.add_argument("--image", default="samples/sneaker.png")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--peer-batches", default="16,32,64")
    p.add_argument("--service-batches", default="",
                   help="fixed batch sizes to run the service at too, beside its own choice (e.g. 16,32,64): "
                        "does the batch tuner pick one measurably slower than the best?")
    p.add_argument("cases", nargs="+")
    args = p.parse_args(argv)
    grad_cam, stood_in = peer_methods.import_peer(args.peer)
    batches = [int(b) for b in args.peer_batches.split(",")]
    fixed = [int(b) for b in args.service_batches.split(",") if b]
    if 16 not in batches:
        batches.insert(0, 16)
    # As many threads as the service's engine uses (Debian's torch may start with one).
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; peer: {args.peer} "
          f"({'; '.join(stood_in)}), peer model: {args.peer_model}; load average {load_average()}", flush=True)

    cases = [Case(args.packages, name, args.peer_model, args.seed) for name in args.cases]
    inputs = {c.name: prepare_image(args.image, c) for c in cases}
    for case in cases:
        batch, source, precision = served_batch(args.url, case)
        case.served = (batch, source, precision)
        print(f"{case.name}: service batch {batch} ({source}), {precision}; peer runs {case.peer_key} "
              f"({args.peer_model})", flush=True)
    peer_times = {}      # (peer key, batch) -> seconds, one a rep
    peer_maps, peer_passes, service_times, service_maps, stats = {}, {}, {}, {}, {}
    for rep in range(args.reps):
        done = set()
        for case in cases:
            png, x = inputs[case.name]
            line = []
            if case.peer_key not in done:      # a -bf16 case's eager peer is its fp32 twin's, run once a rep
                done.add(case.peer_key)
                order = batches if rep % 2 == 0 else batches[::-1]
                for b in order:
                    t, peer_map, passes = peer_run(grad_cam.ScoreCAM, case, x, b)
                    peer_times.setdefault((case.peer_key, b), []).append(t)
                    line.append(f"peer@{b} {t:.2f} s")
                    if b == 16:
                        peer_maps[case.peer_key], peer_passes[case.peer_key] = peer_map, passes
            for b in (fixed if rep % 2 == 0 else fixed[::-1]):
                t, _, _ = service_run(args.url, case, png, b)
                service_times.setdefault((case.name, b), []).append(t)
                line.append(f"service@{b} {t:.2f} s")
            t, service_map, stats[case.name] = service_run(args.url, case, png)
            service_times.setdefault(case.name, []).append(t)
            service_maps[case.name] = service_map
            print(f"  rep {rep + 1} {case.name}: {', '.join(line + [f'service {t:.2f} s'])}"
                  f" (load {load_average()})", flush=True)
        # After every rep, so that a run stopped for time still leaves its medians so far.
        print_tables(cases, batches, fixed, peer_times, peer_maps, peer_passes, service_times, service_maps, stats,
                     rep + 1)

    return 0


if __name__ == "__main__":
    sys.exit(main())
