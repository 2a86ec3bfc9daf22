#!/usr/bin/env python3
"""Writes the detection API tests' fixture: two Fashion-MNIST test-split garments on one canvas.

    /usr/bin/python3 tools/make_detector_fixtures.py [OUT_DIR]   (default src/test/resources/detector)

OUT_DIR gets two-garments.png (128x128, the demo detector's input size), two-garments-wide.png
(the same canvas scaled 3x wide and 2x high by pixel replication, 384x256: a non-square upload
whose every model-input pixel is exactly the canvas's under stretch) and two-garments.json with
each garment's class and box ([x0, y0, x1, y1] in canvas pixels, x1 and y1 exclusive: the
bounding box of its pixels with intensity > 0.05). Deterministic: the same files on every run.
"""

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from fashion_canvas import LABELS, load_fashion_mnist

SIZE = 128
# (class, test-split occurrence, left, top, scale, RGB tint): far apart, neither touching the edge.
GARMENTS = [(1, 0, 12, 20, 2, (1.0, 0.85, 0.55)),   # Trouser, upper left
            (7, 0, 70, 66, 2, (0.6, 0.9, 1.0))]     # Sneaker, lower right


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/detector")
    out.mkdir(parents=True, exist_ok=True)
    images, labels = load_fashion_mnist("test")
    rng = np.random.default_rng(7)
    canvas = np.full((SIZE, SIZE, 3), 0.12) + rng.normal(0, 0.02, (SIZE, SIZE, 3))
    garments = []
    for cls, occurrence, left, top, scale, tint in GARMENTS:
        index = int(np.flatnonzero(labels.numpy() == cls)[occurrence])
        alpha = np.kron(images[index].numpy() / 255.0, np.ones((scale, scale)))   # nearest-neighbour scale
        side = alpha.shape[0]
        region = canvas[top:top + side, left:left + side]
        opacity = np.clip(3 * alpha, 0, 1)[..., None]
        region[:] = region * (1 - opacity) + alpha[..., None] * np.array(tint)
        rows = np.flatnonzero((alpha > 0.05).any(axis=1))
        cols = np.flatnonzero((alpha > 0.05).any(axis=0))
        garments.append({"class": cls, "label": LABELS[cls],
                         "box": [left + int(cols[0]), top + int(rows[0]),
                                 left + int(cols[-1]) + 1, top + int(rows[-1]) + 1]})
    pixels = (np.clip(canvas, 0, 1) * 255).round().astype(np.uint8)
    Image.fromarray(pixels).save(out / "two-garments.png")
    wide = np.repeat(np.repeat(pixels, 2, axis=0), 3, axis=1)
    Image.fromarray(wide).save(out / "two-garments-wide.png")
    (out / "two-garments.json").write_text(json.dumps(
        {"description": "tools/make_detector_fixtures.py: boxes [x0, y0, x1, y1] in two-garments.png's pixels, "
                        "x1 and y1 exclusive; two-garments-wide.png is it scaled 3x wide, 2x high",
         "garments": garments}, indent=1) + "\n")
    print(out, garments)


if __name__ == "__main__":
    main()
