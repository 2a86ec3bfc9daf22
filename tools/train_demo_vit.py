#!/usr/bin/env python3
"""Trains the second demo model (fashion-vit), a small vision transformer, on the same data as
fashion-cnn, and writes its package.

    nice -n 5 /usr/bin/python3 tools/train_demo_vit.py          # ~30 min on 2 busy cores
    /usr/bin/python3 tools/train_demo_vit.py --reuse-checkpoint  # re-export only

Data: as tools/train_demo_model.py (Fashion-MNIST garments on fresh random 96x96 canvases every
epoch; the test set is the whole test split on canvases drawn with its fixed seed).

Model (FashionVit, written here rather than taken from torchvision): a hybrid ViT (Dosovitskiy
et al. 2021, section 3.1: patches taken from a CNN feature map).  Its stem is the convolutional
body of the bundled fashion-cnn (five 3x3 convolutions, three of stride 2), copied and kept
frozen: one 64-d feature per 8x8 patch, a 12x12 grid at 96 px; a 1x1 convolution embeds each
into a DIM-d token.  Then
learned position embeddings, BLOCKS pre-norm transformer blocks, a final LayerNorm, the mean of
the tokens (no class token) and a linear classifier.  Only the embedding and the transformer
are trained: on these 2 shared cores (load 15-30) a ViT trained from scratch (an 8x8 patchify
or a fresh convolutional stem) saw too few canvases in half an hour to classify them well.  The target layer is the input of the last block, the
output of blocks.2: (N, 144, 64) tokens, so model.yaml says `layout: tokens` with no prefix
tokens and a 12x12 grid; tools/export_model.py cuts it there (docs/model-package.md).

Outputs:
  src/main/resources/demo-model/fashion-vit/{model.pt,model.yaml}
  tools/demo_vit_metrics.json     accuracy, MACs, timings, seed
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn

from fashion_canvas import LABELS, load_fashion_mnist
from train_demo_model import count_macs, predict, test_canvases, train_epoch, training_data, TEST_SEED

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO / "src/main/resources/demo-model/fashion-vit"
METRICS_FILE = REPO / "tools/demo_vit_metrics.json"
CNN_PACKAGE = REPO / "src/main/resources/demo-model/fashion-cnn"
CHECKPOINT = REPO / "tools/.cache/fashion-vit-train.pt"

SEED = 20261206
INPUT_SIZE = 96
PATCH = 8
DIM = 48
HEADS = 3
MLP = 96
BLOCKS = 3
TARGET_LAYER = f"blocks.{BLOCKS - 2}"
# fashion-cnn's convolutions (in, out, stride, dilation), as tools/train_demo_model.py CONV_PLAN
STEM = [(3, 16, 2, 1), (16, 32, 2, 1), (32, 64, 2, 1), (64, 64, 1, 1), (64, 64, 1, 2)]


# ---------------------------------------------------------------- model

class Block(nn.Module):
    """Pre-norm transformer block: x + attention(LN x), then x + MLP(LN x)."""

    def __init__(self, dim=DIM, heads=HEADS, mlp=MLP):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, x):
        y = self.norm1(x)
        x = x + self.attention(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class FashionVit(nn.Module):
    """Conv stem (stride 8) -> tokens + position embeddings -> blocks -> LayerNorm -> mean -> linear."""

    def __init__(self, classes=len(LABELS), size=INPUT_SIZE, dim=DIM, blocks=BLOCKS):
        super().__init__()
        stem = []
        for cin, cout, stride, dilation in STEM:
            stem += [nn.Conv2d(cin, cout, 3, stride, dilation, dilation), nn.ReLU()]
        self.stem = nn.Sequential(*stem)
        self.embed = nn.Conv2d(STEM[-1][1], dim, 1)
        grid = size // PATCH
        self.position = nn.Parameter(torch.randn(1, grid * grid, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim) for _ in range(blocks)])
        self.norm = nn.LayerNorm(dim)
        self.classifier = nn.Linear(dim, classes)

    def forward(self, x):
        tokens = self.embed(self.stem(x)).flatten(2).transpose(1, 2) + self.position   # (N, h*w, dim)
        tokens = self.norm(self.blocks(tokens))
        return self.classifier(tokens.mean(dim=1))


def copy_stem(model, cnn_package=CNN_PACKAGE):
    """Copies fashion-cnn's convolutions (batch norm folded) into the stem, frozen."""
    cnn = torch.jit.load(str(cnn_package / "model.pt"))
    state = {k: v for k, v in cnn.state_dict().items() if k.startswith("body.")}
    for i in range(0, 2 * len(STEM), 2):
        model.stem[i].weight.data.copy_(state[f"body.{i}.weight"])
        model.stem[i].bias.data.copy_(state[f"body.{i}.bias"])
    for p in model.stem.parameters():
        p.requires_grad_(False)
    return model


# ---------------------------------------------------------------- training

def train(epochs, batches, batch_size, lr, data, deadline):
    """AdamW, linear warm-up over the first tenth then cosine decay; an epoch is `batches` batches
    of a fresh random order of the garments; a checkpoint after every epoch."""
    torch.manual_seed(SEED)
    model = copy_stem(FashionVit())
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for n, p in trained if p.dim() > 1 and "position" not in n]
    rest = [p for n, p in trained if not (p.dim() > 1 and "position" not in n)]
    optimiser = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                                   {"params": rest, "weight_decay": 0.0}], lr=lr)
    per_epoch = min(batches, (len(data[0]) + batch_size - 1) // batch_size)
    total = epochs * per_epoch
    warmup = max(1, total // 10)

    def rate(step):
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, rate)
    garments, labels, pool = data
    for epoch in range(epochs):
        t0 = time.time()
        gen = torch.Generator().manual_seed(SEED + epoch)
        loss, acc = train_epoch(model, optimiser, scheduler, garments, labels, gen, batch_size,
                                max_batches=per_epoch, pool=pool)
        torch.save(model.state_dict(), CHECKPOINT)
        print(f"epoch {epoch + 1}/{epochs}: loss {loss:.4f} train-acc {acc:.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)
        if deadline and time.time() > deadline and epoch + 1 < epochs:
            print(f"stopping after epoch {epoch + 1}: --max-minutes reached", flush=True)
            return model.eval(), epoch + 1
    return model.eval(), epochs


# ---------------------------------------------------------------- outputs

def export_package(out_dir=PACKAGE_DIR):
    """The trained model as a package, through the export tool's --module path."""
    import export_model
    argv = ["--module", f"{Path(__file__).resolve()}:load_trained", "--name", "fashion-vit",
            "--target-layer", TARGET_LAYER, "--input-size", str(INPUT_SIZE),
            "--mean", "0", "0", "0", "--std", "1", "1", "1", "--batch-size", "64",
            "--labels-file", str(REPO / "tools/.cache/fashion-labels.txt"), "--out", str(out_dir)]
    (REPO / "tools/.cache/fashion-labels.txt").write_text("\n".join(LABELS) + "\n")
    if export_model.main(argv) != 0:
        raise SystemExit("export failed")


def load_trained():
    """The factory export_model.py --module calls: the trained weights in eval mode."""
    model = FashionVit()
    model.load_state_dict(torch.load(CHECKPOINT, map_location="cpu"))
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batches-per-epoch", type=int, default=25)
    parser.add_argument("--test-images", type=int, default=2000,
                        help="the first N canvases of the test split measure the accuracy")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--max-minutes", type=float, default=0,
                        help="stop after the epoch that passes this (0: run every epoch)")
    parser.add_argument("--reuse-checkpoint", action="store_true",
                        help=f"skip training, load {CHECKPOINT.relative_to(REPO)}")
    args = parser.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    metrics = json.loads(METRICS_FILE.read_text()) if METRICS_FILE.exists() else {}
    if args.reuse_checkpoint:
        model = load_trained()
    else:
        CHECKPOINT.parent.mkdir(exist_ok=True)
        deadline = t0 + 60 * args.max_minutes if args.max_minutes else None
        model, epochs = train(args.epochs, args.batches_per_epoch, args.batch_size, args.lr,
                               training_data(), deadline)
        metrics = {"epochs": epochs, "plannedEpochs": args.epochs,
                   "batchesPerEpoch": args.batches_per_epoch, "batchSize": args.batch_size,
                   "lr": args.lr, "seed": SEED, "trainingSeconds": round(time.time() - t0)}
        METRICS_FILE.write_text(json.dumps(metrics, indent=1) + "\n")

    test_garments, test_labels = load_fashion_mnist("test")
    n = args.test_images
    test_x = test_canvases(test_garments[:n], TEST_SEED)   # the same canvases as the first n of all
    accuracy = (predict(model, test_x).argmax(1) == test_labels[:n]).float().mean().item()
    print(f"test accuracy ({n} canvases, seed {TEST_SEED}): {accuracy:.4f}", flush=True)
    export_package()
    metrics.update({
        "testAccuracy": round(accuracy, 4),
        "testSet": f"the first {n} of the Fashion-MNIST test split's canvases 96x96 (seed {TEST_SEED}, "
                   "8-bit quantised), as tools/train_demo_model.py draws them",
        "macsPerForward": count_macs(model),
        "parameters": sum(p.numel() for p in model.parameters()),
        "modelPtBytes": (PACKAGE_DIR / "model.pt").stat().st_size,
        "architecture": {"patch": PATCH, "dim": DIM, "heads": HEADS, "mlp": MLP, "blocks": BLOCKS,
                         "targetLayer": TARGET_LAYER},
    })
    METRICS_FILE.write_text(json.dumps(metrics, indent=1) + "\n")
    print(json.dumps(metrics, indent=1))


if __name__ == "__main__":
    sys.exit(main())
