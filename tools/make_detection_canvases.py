#!/usr/bin/env python3
"""Writes the detector's held-out evaluation set: canvases of Fashion-MNIST TEST-split garments.

    /usr/bin/python3 tools/make_detection_canvases.py OUT_DIR [--count 500] [--seed 2001]

OUT_DIR gets NNN.png (128x128 RGB) and annotations.json with each canvas's garments (box and
class).  The same canvases (same count and seed) are the set train_detector.py reports its
mAP@0.5 on, so the folder can be made when an evaluation needs it instead of living in git.
"""

import argparse
from pathlib import Path

import torch
from PIL import Image

from fashion_canvas import load_fashion_mnist, make_backgrounds, make_scenes, to_uint8, write_annotations

EVAL_SEED = 2001
EVAL_COUNT = 500
SIZE = 128


def evaluation_scenes(count=EVAL_COUNT, seed=EVAL_SEED):
    """The held-out canvases, quantised to 8 bits like their PNGs: a SceneBatch."""
    garments, labels = load_fashion_mnist("test")
    gen = torch.Generator().manual_seed(seed)
    backgrounds = make_backgrounds(count, gen, size=(SIZE, SIZE))
    scenes = make_scenes(garments, labels, gen, size=(SIZE, SIZE), backgrounds=backgrounds)
    scenes.images = (scenes.images * 255).round() / 255
    return scenes


def write(out_dir, scenes):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pixels = to_uint8(scenes.images)
    items = []
    for i in range(len(pixels)):
        name = f"{i:03d}.png"
        Image.fromarray(pixels[i]).save(out_dir / name)
        keep = scenes.classes[i] >= 0
        items.append({"file": name,
                      "boxes": scenes.boxes[i][keep].int().tolist(),
                      "classes": scenes.classes[i][keep].tolist()})
    write_annotations(out_dir, "Fashion-MNIST test-split garments, 1-4 per 128x128 canvas "
                               "(tools/make_detection_canvases.py)", items)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--count", type=int, default=EVAL_COUNT)
    parser.add_argument("--seed", type=int, default=EVAL_SEED)
    args = parser.parse_args()
    scenes = evaluation_scenes(args.count, args.seed)
    write(args.out_dir, scenes)
    print(f"{args.count} canvases, {int((scenes.classes >= 0).sum())} garments -> {args.out_dir}")


if __name__ == "__main__":
    main()
