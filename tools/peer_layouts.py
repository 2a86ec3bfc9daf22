#!/usr/bin/env python3
"""Score-CAM of exported transformer packages beside pytorch-grad-cam's ScoreCAM with the matching
reshape_transform on the same module: the Pearson correlation of the maps.

    /usr/bin/python3 tools/peer_layouts.py --peer /path/to/pytorch-grad-cam [IMAGE...]

Models (tools/tests/family_models.py, seeded random weights, and the trained demo ViT):
  vit_small    torchvision's VisionTransformer, tokens with a class token (prefix 1), 4x4 grid
  swin_small   torchvision's SwinTransformer, channels-last stage output
  fashion_vit  the demo ViT's class (tools/train_demo_vit.py), written outside torchvision,
               tokens without a prefix, 12x12 grid; with the trained weights where
               tools/.cache/fashion-vit-train.pt exists
Each is exported by tools/export_model.py --module (the documented command) and explained by
tools/scorecam_reference.py on the package (the service equals it within 1e-5,
ScoreCamGoldenTest); the peer gets the original nn.Module, its target module and a
reshape_transform written here for the layout: tokens drop the prefix and fold the grid,
channels-last permutes.  Images: the samples' PNGs, resized to each model's input.
cv2 and the peer's unused optional dependencies are stood in as tools/peer_methods.py does.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

import export_model
from peer_methods import import_peer
from scorecam_reference import load_package, score_cam

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "tools/tests/family_models.py"
TRAINED_VIT = REPO / "tools/.cache/fashion-vit-train.pt"
SAMPLES = ["sneaker", "trouser", "bag", "ankle-boot", "pullover", "sandal", "dress", "tshirt"]
# (factory, target module, input size, reshape_transform for the peer, seed).  The seeds are
# ones whose random weights give a positive Score-CAM sum somewhere on the samples: with seed 0,
# swin_small's is negative everywhere (both maps all zero, no correlation to compute).
CASES = [
    ("vit_small", "encoder.layers.encoder_layer_1", 32,
     lambda t: t[:, 1:, :].reshape(t.shape[0], 4, 4, t.shape[2]).permute(0, 3, 1, 2), 0),
    ("swin_small", "features", 32, lambda t: t.permute(0, 3, 1, 2), 2),
    ("fashion_vit", "blocks.1", 96,
     lambda t: t.reshape(t.shape[0], 12, 12, t.shape[2]).permute(0, 3, 1, 2), 0),
]


def image(path, size):
    picture = Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR)
    return torch.from_numpy(np.asarray(picture, dtype=np.float32) / 255).permute(2, 0, 1)[None]


def build(factory, out):
    seed = next(c[4] for c in CASES if c[0] == factory)
    argv = ["--module", f"{MODELS}:{factory}", "--input-size", "96" if factory == "fashion_vit" else "32",
            "--mean", "0", "0", "0", "--std", "1", "1", "1", "--seed", str(seed), "--out", str(out)]
    trained = factory == "fashion_vit" and TRAINED_VIT.is_file()
    if trained:
        argv += ["--weights", str(TRAINED_VIT)]
    layer = next(c[1] for c in CASES if c[0] == factory)
    assert export_model.main([*argv, "--target-layer", layer]) == 0
    model = export_model.load_factory(argv[1], str(TRAINED_VIT) if trained else None, seed)
    return model, trained


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peer", required=True, help="pytorch-grad-cam checkout")
    parser.add_argument("images", nargs="*", help=f"PNGs (default: samples/{{{','.join(SAMPLES)}}}.png)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    _, used = import_peer(Path(args.peer))
    print("peer: " + ", ".join(used))
    from pytorch_grad_cam import ScoreCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    paths = args.images or [REPO / "samples" / f"{s}.png" for s in SAMPLES]
    print("| model | layout | images (all-zero maps left out) | correlation min | median | mean |\n"
          "|---|---|---|---|---|---|")
    for factory, layer, size, reshape, _ in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            model, trained = build(factory, Path(tmp) / "p")
            package, meta = load_package(Path(tmp) / "p")
        peer = ScoreCAM(model=model, target_layers=[model.get_submodule(layer)], reshape_transform=reshape)
        peer.batch_size = 64
        correlations, flat = [], 0
        for path in paths:
            x = image(path, size)
            with torch.no_grad():
                target = int(model(x).argmax())
            ours = score_cam(package, x, target).saliency.numpy().ravel()
            theirs = peer(input_tensor=x, targets=[ClassifierOutputTarget(target)])[0].ravel()
            if theirs.std() == 0 or ours.std() == 0:        # relu left nothing: no correlation
                print(f"  {factory} {Path(path).name}: a flat map (ours std {ours.std():.3g}, "
                      f"peer std {theirs.std():.3g})")
                flat += 1
                continue
            correlations.append(float(np.corrcoef(ours, theirs)[0, 1]))
        layout = meta.get("layout", "channels-first") + (f", {meta['prefix-tokens']} prefix" if "prefix-tokens" in meta else "")
        name = factory + (" (trained)" if trained else " (random, seeded)")
        print(f"| {name} | {layout} | {len(correlations)} ({flat}) | {min(correlations):.4f} | "
              f"{np.median(correlations):.4f} | {np.mean(correlations):.4f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
