#!/usr/bin/env python3
"""Trains the bundled demo model (fashion-cnn) and writes everything derived from it.

    /usr/bin/python3 tools/train_demo_model.py            # full run, ~15 min on 2 cores
    /usr/bin/python3 tools/train_demo_model.py --reuse-checkpoint   # re-export only

Data: Fashion-MNIST garments on 96x96 cluttered RGB canvases (see fashion_canvas.py), fresh
random canvases every epoch (garments placed anew on backgrounds drawn from a pool); the
test set is the whole Fashion-MNIST test split on canvases drawn with a fixed seed (new
backgrounds) and quantised to 8 bits like a PNG upload.

Outputs (paths relative to the repository root):
  src/main/resources/demo-model/fashion-cnn/{model.pt,model.yaml}   the model package
  samples/*.png                         correctly classified 96x96 samples + bag-wide.png
  datasets/fashion-canvas-eval/         200 held-out canvases + annotations.json (boxes)
  tools/demo_model_metrics.json         accuracy, MACs, timings, seed

Model: a 5-conv CNN.  features(x) ends at the ReLU after the last conv: 64 channels at
12x12 for a 96x96 input; head(a) = global average pool + linear.  BatchNorm is used in
training and folded into the convolutions for export, so model.pt is plain conv/ReLU.
Input normalisation is mean 0, std 1, so Score-CAM's baseline is a black image.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

import model_package
from fashion_canvas import LABELS, load_fashion_mnist, make_backgrounds, make_canvases, to_uint8
from model_package import ScoreCamPackage, descriptor

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO / "src/main/resources/demo-model/fashion-cnn"
SAMPLES_DIR = REPO / "samples"
EVAL_DIR = REPO / "datasets/fashion-canvas-eval"
METRICS_FILE = REPO / "tools/demo_model_metrics.json"
CHECKPOINT = REPO / "tools/.cache/fashion-cnn-train.pt"   # unfolded weights, not committed
def epoch_checkpoint(epoch):
    """Weights after `epoch` epochs; a phase or cycle ends there (fresh optimiser after it)."""
    return REPO / f"tools/.cache/fashion-cnn-epoch{epoch}.pt"

SEED = 20240601
TEST_SEED = 1001          # canvases of the test split used for the reported accuracy
SAMPLES_SEED = 1002
EVAL_SEED = 1003
INPUT_SIZE = 96
SCALE_RANGE = (1.0, 2.0)
FINETUNE_EPOCHS = 4       # phase 2: cycles of 4 cosine epochs (warm restarts) after phase 1
FINETUNE_CYCLES = 2
FINETUNE_LR_FACTOR = 0.2
# (in, out, stride, dilation) of each 3x3 conv: 96 -> 48 -> 24 -> 12 -> 12 -> 12.  The last
# conv is dilated so that the receptive field (63 px) covers the largest garment (56 px).
CONV_PLAN = [(3, 16, 2, 1), (16, 32, 2, 1), (32, 64, 2, 1), (64, 64, 1, 1), (64, 64, 1, 2)]
TARGET_LAYER = "body.9"   # the ReLU after the last conv in the exported module
BACKGROUND_POOL = 12000   # clutter backgrounds drawn once, reused (mirrored) across epochs
SAMPLE_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Sandal", "Sneaker",
                  "Bag", "Ankle boot"]


# ---------------------------------------------------------------- model

class FashionCnn(nn.Module):
    """Training-time network: conv-BN-ReLU blocks, then GAP + dropout + linear."""

    def __init__(self, plan=CONV_PLAN, classes=len(LABELS), dropout=0.1):
        super().__init__()
        layers = []
        for cin, cout, stride, dilation in plan:
            layers += [nn.Conv2d(cin, cout, 3, stride, dilation, dilation, bias=False),
                       nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
        self.body = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(plan[-1][1], classes)

    def forward(self, x):
        a = self.body(x)
        return self.fc(self.dropout(a.mean(dim=(2, 3))))


class FoldedFashionCnn(ScoreCamPackage):
    """The exported network: features = the conv/ReLU body, head = global average pool + linear."""

    def __init__(self, body: nn.Sequential, fc: nn.Linear):
        super().__init__()
        self.body = body
        self.fc = fc

    @torch.jit.export
    def features(self, x):
        return self.body(x)

    @torch.jit.export
    def head(self, a):
        return self.fc(a.mean(dim=[2, 3]))


def fold_batchnorm(model: FashionCnn) -> FoldedFashionCnn:
    """Folds each eval-mode BatchNorm into the preceding conv: W' = W*g/sqrt(v+e), b' = b - m*g/sqrt(v+e)."""
    model = model.eval()
    layers = []
    modules = list(model.body)
    for conv, bn, _relu in zip(modules[0::3], modules[1::3], modules[2::3]):
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size,
                          conv.stride, conv.padding, conv.dilation, bias=True)
        with torch.no_grad():
            fused.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
            fused.bias.copy_(bn.bias - bn.running_mean * scale)
        layers += [fused, nn.ReLU()]
    fc = nn.Linear(model.fc.in_features, model.fc.out_features)
    fc.load_state_dict(model.fc.state_dict())
    return FoldedFashionCnn(nn.Sequential(*layers), fc).eval()


def count_macs(model: nn.Module, size=INPUT_SIZE) -> int:
    """Multiply-adds of one (1,3,size,size) forward: convolutions, linear layers (per token where
    they see a sequence) and attention."""
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            total += output.numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Linear):
            total += output.numel() // module.out_features * module.in_features * module.out_features
        elif isinstance(module, nn.MultiheadAttention):
            n, t, d = inputs[0].shape
            total += 4 * t * d * d + 2 * t * t * d      # projections, scores and weighted sum

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear, nn.MultiheadAttention))]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return total


# ---------------------------------------------------------------- training

def quantise(images):
    """Rounds to 8 bits, as a PNG round trip would."""
    return (images * 255).round() / 255


def pooled_backgrounds(pool, count, gen):
    """`count` backgrounds picked from the pool, each mirrored left-right at random."""
    picked = pool[torch.randint(len(pool), (count,), generator=gen)]
    mirror = torch.rand(count, generator=gen) < 0.5
    picked[mirror] = picked[mirror].flip(-1)
    return picked


def train_epoch(model, optimiser, scheduler, garments, labels, gen, batch_size,
                max_batches=None, pool=None):
    """One pass over the garments on fresh random canvases. Returns (mean loss, accuracy).

    pool: optional background pool (see pooled_backgrounds); else new clutter per canvas.
    """
    model.train()
    order = torch.randperm(len(garments), generator=gen)
    seen, correct, loss_sum = 0, 0, 0.0
    for i, start in enumerate(range(0, len(order), batch_size)):
        if max_batches is not None and i >= max_batches:
            break
        idx = order[start:start + batch_size]
        backgrounds = None if pool is None else pooled_backgrounds(pool, len(idx), gen)
        x = make_canvases(garments[idx], gen, scale_range=SCALE_RANGE, flip=True,
                          backgrounds=backgrounds).images
        x = x.contiguous(memory_format=torch.channels_last)
        y = labels[idx]
        logits = model(x)
        loss = F.cross_entropy(logits, y, label_smoothing=0.05)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        scheduler.step()
        seen += len(idx)
        correct += (logits.argmax(1) == y).sum().item()
        loss_sum += loss.item() * len(idx)
    return loss_sum / seen, correct / seen


@torch.no_grad()
def predict(model, images, batch_size=500):
    """Softmax probabilities [N,classes] for float images [N,3,H,W]."""
    model.eval()
    return torch.cat([F.softmax(model(images[i:i + batch_size]), dim=1)
                      for i in range(0, len(images), batch_size)])


def test_canvases(garments, seed, batch=1000):
    """Deterministic, 8-bit quantised canvases for evaluation (generated in chunks)."""
    gen = torch.Generator().manual_seed(seed)
    return torch.cat([quantise(make_canvases(garments[i:i + batch], gen,
                                             scale_range=SCALE_RANGE).images)
                      for i in range(0, len(garments), batch)])


def run_epochs(model, optimiser, scheduler, epochs, first_epoch, batch_size, data):
    """Epochs numbered from first_epoch; epoch e draws its canvases from seed SEED + e."""
    garments, labels, pool = data
    for epoch in range(first_epoch, first_epoch + epochs):
        t0 = time.time()
        gen = torch.Generator().manual_seed(SEED + epoch)
        loss, acc = train_epoch(model, optimiser, scheduler, garments, labels, gen, batch_size,
                                pool=pool)
        print(f"epoch {epoch + 1}: loss {loss:.4f} train-acc {acc:.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)


def training_data():
    garments, labels = load_fashion_mnist("train")
    pool = make_backgrounds(BACKGROUND_POOL, torch.Generator().manual_seed(SEED - 1))
    return garments, labels, pool


def train(epochs, batch_size, lr, data):
    """Phase 1: SGD + one-cycle learning rate from scratch."""
    torch.manual_seed(SEED)
    model = FashionCnn().to(memory_format=torch.channels_last)
    optimiser = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)
    steps = epochs * ((len(data[0]) + batch_size - 1) // batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps,
                                                    pct_start=0.2)
    run_epochs(model, optimiser, scheduler, epochs, 0, batch_size, data)
    return model.to(memory_format=torch.contiguous_format).eval()


def finetune(model, epochs, first_epoch, batch_size, lr, data):
    """Phase 2: a few more epochs at a small, cosine-decaying learning rate."""
    torch.manual_seed(SEED + first_epoch)
    model = model.to(memory_format=torch.channels_last)
    optimiser = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                                weight_decay=5e-4)
    steps = epochs * ((len(data[0]) + batch_size - 1) // batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=steps)
    run_epochs(model, optimiser, scheduler, epochs, first_epoch, batch_size, data)
    return model.to(memory_format=torch.contiguous_format).eval()


# ---------------------------------------------------------------- outputs

def write_package(package: FoldedFashionCnn, out_dir: Path):
    """Scripts the model and writes it as the demo package, split checked (model_package)."""
    meta = descriptor("fashion-cnn", INPUT_SIZE, INPUT_SIZE, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0],
                      "stretch", LABELS, TARGET_LAYER, 64)
    model_package.write_package(
        out_dir, torch.jit.script(package), meta,
        "Demo model written by tools/train_demo_model.py (Fashion-MNIST on 96x96 canvases).",
        torch.rand(4, 3, INPUT_SIZE, INPUT_SIZE))


def slug(label: str) -> str:
    return {"T-shirt/top": "tshirt", "Ankle boot": "ankle-boot"}.get(label, label.lower())


def save_png(array_hwc: np.ndarray, path: Path):
    Image.fromarray(array_hwc).save(path, optimize=True)


def write_samples(model, garments, labels):
    """One confidently, correctly classified 96x96 canvas per class in SAMPLE_CLASSES."""
    SAMPLES_DIR.mkdir(exist_ok=True)
    gen = torch.Generator().manual_seed(SAMPLES_SEED)
    written = {}
    for name in SAMPLE_CLASSES:
        c = LABELS.index(name)
        candidates = torch.nonzero(labels == c).flatten()[:64]
        canvases = make_canvases(garments[candidates], gen, scale_range=(1.4, 2.0))
        pixels = to_uint8(canvases.images)
        probs = predict(model, torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255)
        ok = torch.nonzero(probs[:, c] > 0.9).flatten()
        assert len(ok), f"no confident sample for {name}"
        i = ok[0].item()
        path = SAMPLES_DIR / f"{slug(name)}.png"
        save_png(pixels[i], path)
        written[path.name] = {"label": c, "testIndex": candidates[i].item(),
                              "probability": round(probs[i, c].item(), 4)}
    return written


def resized_views(image, size=INPUT_SIZE):
    """The image [1,3,H,W] as the service would feed it: stretch, letterbox, center-crop."""
    _, _, h, w = image.shape
    stretch = F.interpolate(image, (size, size), mode="bilinear", antialias=True,
                            align_corners=False)
    s = min(size / h, size / w)
    inner = F.interpolate(image, (round(h * s), round(w * s)), mode="bilinear",
                          antialias=True, align_corners=False)
    letterbox = torch.zeros(1, 3, size, size)
    top, left = (size - inner.shape[2]) // 2, (size - inner.shape[3]) // 2
    letterbox[:, :, top:top + inner.shape[2], left:left + inner.shape[3]] = inner
    s = max(size / h, size / w)
    cover = F.interpolate(image, (round(h * s), round(w * s)), mode="bilinear",
                          antialias=True, align_corners=False)
    top, left = (cover.shape[2] - size) // 2, (cover.shape[3] - size) // 2
    crop = cover[:, :, top:top + size, left:left + size]
    return {"stretch": stretch, "letterbox": letterbox, "center-crop": crop}


def write_wide_sample(model, garments, labels):
    """A 240x160 bag canvas whose garment is classified correctly in every resize mode."""
    c = LABELS.index("Bag")
    gen = torch.Generator().manual_seed(SAMPLES_SEED + 1)
    candidates = torch.nonzero(labels == c).flatten()[64:128]
    canvases = make_canvases(garments[candidates], gen, size=(160, 240), scale_range=(3.0, 3.5))
    pixels = to_uint8(canvases.images)
    for i in range(len(candidates)):
        x0, _, x1, _ = canvases.boxes[i].tolist()
        if x0 < 40 or x1 > 200:      # keep the bag inside the centre crop
            continue
        image = torch.from_numpy(pixels[i]).permute(2, 0, 1)[None].float() / 255
        probs = {mode: predict(model, view)[0, c].item()
                 for mode, view in resized_views(image).items()}
        if min(probs.values()) > 0.8:
            save_png(pixels[i], SAMPLES_DIR / "bag-wide.png")
            return {"bag-wide.png": {"label": c, "testIndex": candidates[i].item(),
                                     "probability": {k: round(v, 4) for k, v in probs.items()}}}
    raise RuntimeError("no wide bag sample classified correctly in every resize mode")


def write_eval_set(model, garments, labels, per_class=20):
    """per_class canvases of each class from the test split + annotations.json with boxes."""
    EVAL_DIR.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(EVAL_SEED)
    # The last test images of each class: disjoint from the samples (taken from the front).
    index = torch.cat([torch.nonzero(labels == c).flatten()[-per_class:]
                       for c in range(len(LABELS))])
    canvases = make_canvases(garments[index], gen, scale_range=SCALE_RANGE)
    pixels = to_uint8(canvases.images)
    probs = predict(model, torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255)
    items = []
    for i, test_index in enumerate(index.tolist()):
        c = labels[test_index].item()
        name = f"{i:03d}-{slug(LABELS[c])}.png"
        save_png(pixels[i], EVAL_DIR / name)
        items.append({"file": name, "label": c, "labelName": LABELS[c],
                      "box": canvases.boxes[i].tolist(), "testIndex": test_index})
    header = {
        "description": "Fashion-MNIST test-split garments on 96x96 cluttered canvases "
                       "(tools/train_demo_model.py, seed %d)" % EVAL_SEED,
        "labels": LABELS,
        "boxFormat": "[x0, y0, x1, y1] in canvas pixels; x1, y1 exclusive; the bounding box "
                     "of the garment's non-background pixels (warped intensity > 0.05)",
    }
    # One image a line: valid JSON that still reads well in a diff.
    lines = json.dumps(header, indent=1)[:-2] + ',\n "images": [\n'
    lines += ",\n".join("  " + json.dumps(item) for item in items) + "\n ]\n}\n"
    (EVAL_DIR / "annotations.json").write_text(lines)
    return (probs.argmax(1) == labels[index]).float().mean().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.2)
    parser.add_argument("--finetune-epochs", type=int, default=FINETUNE_EPOCHS,
                        help="epochs per phase-2 cycle, cosine from lr x %g" % FINETUNE_LR_FACTOR)
    parser.add_argument("--finetune-cycles", type=int, default=FINETUNE_CYCLES)
    parser.add_argument("--resume-epoch", type=int, default=0,
                        help="continue from tools/.cache/fashion-cnn-epoch<N>.pt (a phase or "
                             "cycle boundary) instead of training from scratch")
    parser.add_argument("--reuse-checkpoint", action="store_true",
                        help=f"skip training, load {CHECKPOINT.relative_to(REPO)}")
    args = parser.parse_args()
    torch.set_num_threads(2)

    t0 = time.time()
    if args.reuse_checkpoint:
        model = FashionCnn()
        model.load_state_dict(torch.load(CHECKPOINT))
        metrics = json.loads(METRICS_FILE.read_text()) if METRICS_FILE.exists() else {}
    else:
        data = training_data()
        CHECKPOINT.parent.mkdir(exist_ok=True)
        if args.resume_epoch:          # same weights as rerunning the epochs before it (seeded)
            model = FashionCnn()
            model.load_state_dict(torch.load(epoch_checkpoint(args.resume_epoch)))
            earlier_seconds = json.loads(METRICS_FILE.read_text())["trainingSeconds"]
        else:
            model = train(args.epochs, args.batch_size, args.lr, data)
            torch.save(model.state_dict(), epoch_checkpoint(args.epochs))
            earlier_seconds = round(time.time() - t0)
        t1 = time.time()
        for cycle in range(args.finetune_cycles):
            first = args.epochs + cycle * args.finetune_epochs
            if first < args.resume_epoch:
                continue
            model = finetune(model, args.finetune_epochs, first, args.batch_size,
                             args.lr * FINETUNE_LR_FACTOR, data)
            torch.save(model.state_dict(), epoch_checkpoint(first + args.finetune_epochs))
        torch.save(model.state_dict(), CHECKPOINT)
        metrics = {"epochs": args.epochs, "finetuneEpochs": args.finetune_epochs,
                   "finetuneCycles": args.finetune_cycles, "batchSize": args.batch_size,
                   "maxLr": args.lr, "finetuneLr": args.lr * FINETUNE_LR_FACTOR, "seed": SEED,
                   "trainingSeconds": earlier_seconds + round(time.time() - t1)}
        METRICS_FILE.write_text(json.dumps(metrics, indent=1) + "\n")   # kept by a re-export
    model.eval()
    package = fold_batchnorm(model)

    test_garments, test_labels = load_fashion_mnist("test")
    test_x = test_canvases(test_garments, TEST_SEED)
    with torch.no_grad():
        assert torch.allclose(model(test_x[:256]), package(test_x[:256]), atol=1e-4)
    accuracy = (predict(package, test_x).argmax(1) == test_labels).float().mean().item()
    print(f"test accuracy (10000 canvases, seed {TEST_SEED}): {accuracy:.4f}")

    write_package(package, PACKAGE_DIR)
    samples = write_samples(package, test_garments, test_labels)
    samples.update(write_wide_sample(package, test_garments, test_labels))
    eval_accuracy = write_eval_set(package, test_garments, test_labels)

    metrics.update({
        "testAccuracy": round(accuracy, 4),
        "testSet": f"Fashion-MNIST test split, 10000 canvases 96x96, seed {TEST_SEED}, "
                   "8-bit quantised",
        "evalSetAccuracy": round(eval_accuracy, 4),
        "macsPerForward": count_macs(package),
        "parameters": sum(p.numel() for p in package.parameters()),
        "modelPtBytes": (PACKAGE_DIR / "model.pt").stat().st_size,
        "convPlan": CONV_PLAN,
        "samples": samples,
    })
    METRICS_FILE.write_text(json.dumps(metrics, indent=1) + "\n")
    print(json.dumps({k: v for k, v in metrics.items() if k != "samples"}, indent=1))


if __name__ == "__main__":
    main()
