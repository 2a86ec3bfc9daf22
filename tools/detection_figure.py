#!/usr/bin/env python3
"""A figure of one canvas with each of its garments explained, through a running service.

    /usr/bin/python3 tools/detection_figure.py /tmp/detection-canvases --url http://localhost:8080 \
        [--canvas N] [--methods scorecam,eigencam] [--min-score 0.3] [--out docs/examples/detection-canvas.png]

Row one: the canvas with the service's detections (class and score); then one row per method,
one column per garment the detector found: the raw map (JSON) over the canvas in a jet colour
scale, the explained detection's box outlined.  Without --canvas, the first canvas whose three
or more garments were all found is drawn.
"""

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

import scorecam_client as client
from evaluate import decode_map
from evaluate_detections import FOUND_SCORE, match, post

SCALE = 2          # canvas pixels -> figure pixels
LABEL_HEIGHT = 14


def jet(values):
    """[H,W] in [0,1] -> uint8 [H,W,3], the classic jet colour scale."""
    v = np.clip(values, 0, 1)[..., None]
    rgb = np.clip(1.5 - np.abs(4 * v - np.array([3.0, 2.0, 1.0])), 0, 1)
    return (rgb * 255).astype(np.uint8)


def overlay(image, saliency):
    """The canvas (RGB uint8) under its map, stretched to the canvas and scaled to [0,1]."""
    top = saliency.max()
    heat = Image.fromarray(jet(saliency / top if top > 0 else saliency)).resize(image.size, Image.BILINEAR)
    return Image.blend(image, heat, 0.5)


def tile(image, boxes, caption):
    """The image scaled by SCALE with boxes outlined and a caption strip above."""
    big = image.resize((image.width * SCALE, image.height * SCALE), Image.NEAREST)
    out = Image.new("RGB", (big.width, big.height + LABEL_HEIGHT), "white")
    out.paste(big, (0, LABEL_HEIGHT))
    draw = ImageDraw.Draw(out)
    for box, colour in boxes:
        x0, y0, x1, y1 = (c * SCALE for c in box)
        draw.rectangle([x0, y0 + LABEL_HEIGHT, x1 - 1, y1 - 1 + LABEL_HEIGHT], outline=colour, width=2)
    draw.text((2, 1), caption, fill="black")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--model", default="fashion-detector")
    parser.add_argument("--canvas", type=int)
    parser.add_argument("--methods", default="scorecam,eigencam")
    parser.add_argument("--min-score", type=float, default=FOUND_SCORE, help="detections listed (the page's)")
    parser.add_argument("--out", type=Path, default=Path("docs/examples/detection-canvas.png"))
    args = parser.parse_args()
    url = args.url.rstrip("/")
    notes = json.loads((args.dataset / "annotations.json").read_text())

    def detections(entry):
        path = args.dataset / entry["file"]
        answer = post(f"{url}/v1/models/{args.model}/detections", path, path.read_bytes(),
                      [("min-score", str(args.min_score))], 600)
        return [{**d, "box": [d["box"][k] for k in ("x0", "y0", "x1", "y1")]}
                for d in answer.json()["detections"]]

    candidates = [notes["images"][args.canvas]] if args.canvas is not None else \
        [e for e in notes["images"] if len(e["boxes"]) >= 3]
    for entry in candidates:
        found = detections(entry)
        pairs = [(d["box"], d["classIndex"]) for d in found]
        matched = [match(b, c, pairs) for b, c in zip(entry["boxes"], entry["classes"])]
        if args.canvas is not None or None not in matched:
            break
    path = args.dataset / entry["file"]
    image = Image.open(path).convert("RGB")
    shown = [i for i in matched if i is not None]
    rows = [[tile(image, [(found[i]["box"], "white") for i in shown],
                  f"{entry['file']}: {len(shown)} of {len(matched)} found")]
            + [tile(image, [(found[i]["box"], "white")],
                    f"{found[i]['label']} {found[i]['score']:.2f}") for i in shown]]
    for method in args.methods.split(","):
        row = [Image.new("RGB", rows[0][0].size, "white")]
        ImageDraw.Draw(row[0]).text((4, LABEL_HEIGHT + 4), method, fill="black")
        for i in shown:
            answer = post(f"{url}/v1/models/{args.model}/explanations", path, path.read_bytes(),
                          [("detection", str(i)), ("method", method)], 600)
            saliency = decode_map(answer.json()["explanations"][0]["saliency"])
            row.append(tile(overlay(image, saliency), [(found[i]["box"], "white")], method))
        rows.append(row)
    w, h = rows[0][0].size
    figure = Image.new("RGB", (w * len(rows[0]), h * len(rows)), "white")
    for r, row in enumerate(rows):
        for c, part in enumerate(row):
            figure.paste(part, (c * w, r * h))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figure.convert("P", palette=Image.ADAPTIVE, colors=128).save(args.out, optimize=True)   # ~100 kB
    print(f"{args.out}: {entry['file']}, {len(shown)} garments, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
