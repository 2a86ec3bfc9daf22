#!/usr/bin/env python3
"""Trains torchvision's ResNet-18 on the Fashion-MNIST canvases and packages it (models/fashion-resnet18).

    nice -n 5 /usr/bin/python3 tools/train_resnet18.py          # 90 + 150 steps, ~45 min at load 25
    nice -n 5 /usr/bin/python3 tools/train_resnet18.py --resume-phase2   # phase 2 only
    /usr/bin/python3 tools/train_resnet18.py --measure 10              # images/s, then exit
    /usr/bin/python3 tools/train_resnet18.py --reuse-weights           # export + evaluate only

A real-size network to measure explanations on: 512 channels at the target layer (layer4,
3x3 for a 96 px input) where the demo CNN has 64.  Same data as the demo model
(train_demo_model.py): Fashion-MNIST training garments on fresh 96x96 cluttered canvases,
backgrounds drawn from a pool and mirrored; inputs in [0, 1] (mean 0, std 1 in model.yaml).
Trained from scratch (nothing is downloaded) with AdamW + one-cycle learning rate, in fp32 and
the channels-last layout: bf16 autocast (--bf16) took 125 CPU-ms per training image against
fp32's 66 here (torch 1.13, 2 cores with AVX512-BF16; small convolutions gain nothing from it).
Phase 1 (--steps, one-cycle) then phase 2 (--phase2-steps, cosine from half the rate) draw
their batches from seeds SEED and SEED + 1: a run is reproducible with the same step counts
and --batch-size.

The state dict goes to models/fashion-resnet18.pth and is packaged by
    tools/export_model.py --arch resnet18 --weights models/fashion-resnet18.pth --input-size 96
        --mean 0 0 0 --std 1 1 1 --labels-file <Fashion-MNIST labels> --name fashion-resnet18
(target layer layer4, not frozen: the sanity checks randomise its parameters).  The package's
fp32 top-1 accuracy is then measured on datasets/fashion-canvas-eval (200 PNG canvases) and
on the first --test-count garments of the held-out Fashion-MNIST test split (canvases of the
demo model's TEST_SEED), and written with the training settings to
tools/fashion_resnet18_metrics.json.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image

import export_model
from fashion_canvas import LABELS, load_fashion_mnist, make_backgrounds, make_canvases
from train_demo_model import SCALE_RANGE, TEST_SEED, pooled_backgrounds, test_canvases

REPO = Path(__file__).resolve().parent.parent
NAME = "fashion-resnet18"
PACKAGE_DIR = REPO / "models" / NAME
WEIGHTS = REPO / "models" / f"{NAME}.pth"
PHASE1_WEIGHTS = REPO / "models" / f"{NAME}-phase1.pth"
LABELS_FILE = REPO / "models" / f"{NAME}-labels.txt"
EVAL_DIR = REPO / "datasets/fashion-canvas-eval"
METRICS_FILE = REPO / "tools/fashion_resnet18_metrics.json"

SEED = 20261206
INPUT_SIZE = 96
BACKGROUND_POOL = 4000    # a few thousand images are all this machine can train on: a small pool


def autocast(enabled):
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=enabled)


def batches(garments, labels, pool, batch_size, gen):
    """Endless (canvases, labels) batches: epochs of shuffled garments on fresh canvases."""
    while True:
        order = torch.randperm(len(garments), generator=gen)
        for start in range(0, len(order) - batch_size + 1, batch_size):
            idx = order[start:start + batch_size]
            x = make_canvases(garments[idx], gen, scale_range=SCALE_RANGE, flip=True,
                              backgrounds=pooled_backgrounds(pool, len(idx), gen)).images
            yield x.contiguous(memory_format=torch.channels_last), labels[idx]


def training_data():
    garments, labels = load_fashion_mnist("train")
    pool = make_backgrounds(BACKGROUND_POOL, torch.Generator().manual_seed(SEED - 1))
    return garments, labels, pool


def new_model():
    torch.manual_seed(SEED)     # the initial weights
    model = torchvision.models.resnet18(weights=None, num_classes=len(LABELS))
    return model.to(memory_format=torch.channels_last)


def train(model, phase, steps, batch_size, lr, bf16, log_every=10):
    """Phase 1: one-cycle from lr/25 up to lr and down; phase 2: cosine from lr/2 to 0.

    AdamW: SGD at lr 0.1 (batch 32) diverged in its warm-up here, and a few hundred steps leave
    no room to tune it. Phase p draws its batches from seed SEED + p - 1.
    """
    garments, labels, pool = training_data()
    model = model.to(memory_format=torch.channels_last).train()
    torch.manual_seed(SEED + phase - 1)
    if phase == 1:
        optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.05)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps,
                                                        pct_start=0.2)
    else:
        optimiser = torch.optim.AdamW(model.parameters(), lr=lr / 2, weight_decay=0.05)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=steps)
    data = batches(garments, labels, pool, batch_size,
                   torch.Generator().manual_seed(SEED + phase - 1))
    t0 = time.time()
    seen = correct = 0
    loss_sum = 0.0
    for step in range(1, steps + 1):
        x, y = next(data)
        with autocast(bf16):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), y, label_smoothing=0.05)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        scheduler.step()
        seen += len(y)
        correct += (logits.argmax(1) == y).sum().item()
        loss_sum += loss.item() * len(y)
        if step % log_every == 0 or step == steps:
            elapsed = time.time() - t0
            print(f"phase {phase} step {step}/{steps}: loss {loss_sum / seen:.4f} train-acc {correct / seen:.4f} "
                  f"lr {scheduler.get_last_lr()[0]:.4f} ({elapsed:.0f} s, "
                  f"{step * batch_size / elapsed:.1f} images/s)", flush=True)
            seen = correct = 0
            loss_sum = 0.0
    return model.to(memory_format=torch.contiguous_format).eval(), round(time.time() - t0)


def measure(steps, batch_size, bf16):
    """Training images/s over `steps` steps after one warm-up step (nothing is saved)."""
    garments, labels, pool = training_data()
    model = new_model().train()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    data = batches(garments, labels, pool, batch_size, torch.Generator().manual_seed(SEED))
    t0 = None
    for step in range(steps + 1):
        if step == 1:
            t0 = time.time()
        x, y = next(data)
        with autocast(bf16):
            loss = F.cross_entropy(model(x).float(), y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    rate = steps * batch_size / (time.time() - t0)
    print(f"{'bf16' if bf16 else 'fp32'} batch {batch_size}: {rate:.1f} training images/s")


def export():
    LABELS_FILE.write_text("\n".join(LABELS) + "\n")
    code = export_model.main(["--arch", "resnet18", "--weights", str(WEIGHTS),
                              "--input-size", str(INPUT_SIZE), "--mean", "0", "0", "0",
                              "--std", "1", "1", "1", "--labels-file", str(LABELS_FILE),
                              "--name", NAME, "--out", str(PACKAGE_DIR)])
    if code:
        raise SystemExit(code)


@torch.no_grad()
def accuracy(module, images, labels, batch_size=250):
    """fp32 top-1 accuracy of a package module on float images [N,3,H,W]."""
    correct = 0
    for i in range(0, len(images), batch_size):
        correct += (module(images[i:i + batch_size]).argmax(1) == labels[i:i + batch_size]).sum().item()
    return correct / len(images)


def eval_set():
    """The 200 committed canvases as float images and their labels."""
    items = json.loads((EVAL_DIR / "annotations.json").read_text())["images"]
    pixels = np.stack([np.asarray(Image.open(EVAL_DIR / item["file"]).convert("RGB"))
                       for item in items])
    images = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255
    return images, torch.tensor([item["label"] for item in items])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=90)
    parser.add_argument("--phase2-steps", type=int, default=150)
    parser.add_argument("--resume-phase2", action="store_true",
                        help="start from the phase-1 weights (models/fashion-resnet18-phase1.pth)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.002)
    parser.add_argument("--bf16", action="store_true",
                        help="train under bf16 autocast (here about 2x slower than fp32 for this network)")
    parser.add_argument("--measure", type=int, metavar="STEPS",
                        help="only measure training images/s over STEPS steps")
    parser.add_argument("--reuse-weights", action="store_true",
                        help=f"skip training, package {WEIGHTS.relative_to(REPO)}")
    parser.add_argument("--test-count", type=int, default=2000,
                        help="test-split canvases to measure accuracy on")
    args = parser.parse_args()
    torch.set_num_threads(2)
    bf16 = args.bf16
    if args.measure:
        measure(args.measure, args.batch_size, bf16)
        return

    metrics = json.loads(METRICS_FILE.read_text()) if METRICS_FILE.exists() else {}
    if not args.reuse_weights:
        WEIGHTS.parent.mkdir(exist_ok=True)
        if args.resume_phase2:         # the same weights as rerunning phase 1 (seeded)
            model = new_model()
            model.load_state_dict(torch.load(PHASE1_WEIGHTS))
            seconds = metrics["phase1Seconds"]
        else:
            model, seconds = train(new_model(), 1, args.steps, args.batch_size, args.lr, bf16)
            torch.save(model.state_dict(), PHASE1_WEIGHTS)
        metrics = {"arch": "resnet18", "steps": args.steps, "phase2Steps": args.phase2_steps,
                   "batchSize": args.batch_size, "maxLr": args.lr, "phase2Lr": args.lr / 2,
                   "autocast": "bfloat16" if bf16 else "none", "seed": SEED,
                   "trainingImages": (args.steps + args.phase2_steps) * args.batch_size,
                   "phase1Seconds": seconds}
        METRICS_FILE.write_text(json.dumps(metrics, indent=1) + "\n")
        if args.phase2_steps:
            model, phase2_seconds = train(model, 2, args.phase2_steps, args.batch_size, args.lr, bf16)
            metrics["trainingSeconds"] = round(seconds + phase2_seconds)
        torch.save(model.state_dict(), WEIGHTS)
        METRICS_FILE.write_text(json.dumps(metrics, indent=1) + "\n")
    export()

    module = torch.jit.load(str(PACKAGE_DIR / "model.pt")).eval()
    images, labels = eval_set()
    eval_accuracy = accuracy(module, images, labels)
    print(f"eval-set accuracy (200 canvases): {eval_accuracy:.4f}", flush=True)
    test_garments, test_labels = load_fashion_mnist("test")
    n = args.test_count
    test_accuracy = accuracy(module, test_canvases(test_garments[:n], TEST_SEED), test_labels[:n])
    print(f"test accuracy ({n} canvases, seed {TEST_SEED}): {test_accuracy:.4f}")
    metrics.update({
        "evalSetAccuracy": round(eval_accuracy, 4),
        "testAccuracy": round(test_accuracy, 4),
        "testSet": f"Fashion-MNIST test split, first {n} garments on 96x96 canvases, seed "
                   f"{TEST_SEED}, 8-bit quantised (as tools/train_demo_model.py)",
        "parameters": sum(p.numel() for p in module.parameters()),
        "modelPtBytes": (PACKAGE_DIR / "model.pt").stat().st_size,
    })
    METRICS_FILE.write_text(json.dumps(metrics, indent=1) + "\n")


if __name__ == "__main__":
    main()
