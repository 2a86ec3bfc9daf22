#!/usr/bin/env python3
"""Faithfulness and localisation of every method a running service offers, over a dataset.

    /usr/bin/python3 tools/evaluate.py --url http://localhost:8080 datasets/fashion-canvas-eval \
        [--out docs/evaluation.md] [--model fashion-cnn] [--methods scorecam,gradcam] [--steps 20] \
        [--field score=probability] [--batch 16]

(tools/evaluate.sh starts the packaged jar and calls this.) The dataset directory holds images
and an `annotations.json` as datasets/fashion-canvas-eval does: `labels` (the class names) and
`images`, each with `file`, `label` (class index) and `box` ([x0, y0, x1, y1] in image pixels,
x1 and y1 exclusive). Each image is explained for its labelled class with `metrics=true`, by
every method the service lists at GET /v1/methods (just `scorecam` when that answers 404).

Per method, over the images:
  Average Drop %      100 x mean of max(0, Y - O) / Y         (the service's faithfulness)
  Average Increase %  100 x share of images with O > Y
  Pointing (energy) % 100 x mean share of the map's energy inside the box, computed here from
                      the raw map: sum of L over the input pixels whose centre lies in the box,
                      over the sum of L (the Score-CAM paper's Table 2); an all-zero map scores 0
  Deletion, Insertion mean AUCs (the service's faithfulness)
  Passes / image      mean stats.forwardPasses (the explanation's, not the metrics')
  ms / image          mean stats.computeMillis (the explanation's, not the metrics')

With --batch N the images go N at a time as one batch (POST /v1/models/{model}/batches, each
with its own target), instead of one request each; the numbers are the same.

The table is printed and, with --out, written: into the file between the lines
`<!-- evaluation:begin -->` and `<!-- evaluation:end -->` when it has them, else as a new file.
"""

import argparse
import base64
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

import scorecam_client as client

BEGIN = "<!-- evaluation:begin -->"
END = "<!-- evaluation:end -->"
COLUMNS = ["method", "Average Drop %", "Average Increase %", "Pointing (energy) %", "Deletion AUC",
           "Insertion AUC", "passes / image", "ms / image", "images"]


# ---- the maths, kept apart from HTTP so the tests can check it on a tiny fake ----

def placement(mode, image_size, input_size):
    """(scale x, scale y, offset x, offset y) from image to model input, as imaging/Placement."""
    (w, h), (iw, ih) = image_size, input_size
    sx, sy = iw / w, ih / h
    if mode == "stretch":
        return sx, sy, 0.0, 0.0
    if mode == "letterbox":
        s = min(sx, sy)
        cw = max(1, min(int(np.floor(w * s + 0.5)), iw))
        ch = max(1, min(int(np.floor(h * s + 0.5)), ih))
        return cw / w, ch / h, float((iw - cw) // 2), float((ih - ch) // 2)
    if mode == "center-crop":
        s = max(sx, sy)
        return s, s, (iw - w * s) / 2, (ih - h * s) / 2
    raise ValueError(f"unknown resize mode {mode!r}")


def box_mask(box, geometry, height, width):
    """True for the input pixels whose centre lies inside the box (image pixels, end exclusive)."""
    sx, sy, ox, oy = geometry
    x0, y0, x1, y1 = box
    cx = np.arange(width) + 0.5
    cy = np.arange(height) + 0.5
    inside_x = (cx >= x0 * sx + ox) & (cx < x1 * sx + ox)
    inside_y = (cy >= y0 * sy + oy) & (cy < y1 * sy + oy)
    return inside_y[:, None] & inside_x[None, :]


def energy_in_box(saliency, mask):
    """Share of the map's energy inside the mask; 0 for an all-zero map."""
    total = float(np.sum(saliency, dtype=np.float64))
    return float(np.sum(saliency[mask], dtype=np.float64)) / total if total > 0 else 0.0


def summarise(method, rows):
    """One table row from per-image dicts with drop, increase, energy, deletion, insertion, passes, millis."""
    def mean(key):
        return float(np.mean([r[key] for r in rows]))
    return {
        "method": method,
        "Average Drop %": 100 * mean("drop"),
        "Average Increase %": 100 * mean("increase"),
        "Pointing (energy) %": 100 * mean("energy"),
        "Deletion AUC": mean("deletion"),
        "Insertion AUC": mean("insertion"),
        "passes / image": mean("passes"),
        "ms / image": mean("millis"),
        "images": len(rows),
    }


def markdown_table(summaries):
    formats = {"Average Drop %": "{:.1f}", "Average Increase %": "{:.1f}", "Pointing (energy) %": "{:.1f}",
               "Deletion AUC": "{:.3f}", "Insertion AUC": "{:.3f}", "passes / image": "{:.1f}",
               "ms / image": "{:.1f}", "images": "{:d}", "method": "`{}`"}
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|"]
    for s in summaries:
        lines.append("| " + " | ".join(formats[c].format(s[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def place_between_markers(text, block):
    """`text` with what lies between the markers replaced by `block`; None when it has no markers."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return text[:start + len(BEGIN)] + "\n" + block + "\n" + text[end:]


def method_names(status, body):
    """The methods GET /v1/methods lists: strings, or objects with a `name`; ["scorecam"] on 404."""
    if status == 404:
        return ["scorecam"]
    listed = body.get("methods", body) if isinstance(body, dict) else body
    return [m if isinstance(m, str) else m.get("name") or m.get("id") for m in listed]


def decode_map(saliency):
    data = np.frombuffer(base64.b64decode(saliency["data"]), dtype="<f4")
    return data.reshape(saliency["height"], saliency["width"])


# ---- the service ----

def get(url):
    """(status, parsed JSON or None)."""
    answer = client.get(url, timeout=60)
    return answer.status, answer.json() if answer.status == 200 else None


def request_fields(method, steps, extra=()):
    return [("method", method), ("metrics", "true"), ("metrics-steps", str(steps)), *extra]


def evaluate_image(url, model, method, entry, dataset, geometry_of, steps, timeout, extra=()):
    path = dataset / entry["file"]
    fields = [("target", str(entry["label"])), *request_fields(method, steps, extra)]
    answer = client.explain(url, model, path.read_bytes(), fields=fields, filename=entry["file"],
                            image_type="application/octet-stream", timeout=timeout)
    if answer.status != 200:
        raise SystemExit(f"{entry['file']}: {answer.status} {answer.text(2000)}")
    return image_row(answer.json(), entry, geometry_of(path))


def evaluate_batch(url, model, method, entries, dataset, geometry_of, steps, timeout, extra=()):
    """The rows of `entries` explained as one batch, each image for its labelled class."""
    paths = [dataset / entry["file"] for entry in entries]
    answer = client.explain_batch(url, model, [(entry["file"], path.read_bytes()) for entry, path in zip(entries, paths)],
                                  targets=[entry["label"] for entry in entries],
                                  fields=request_fields(method, steps, extra), timeout=timeout)
    if answer.status != 200:
        raise SystemExit(f"batch of {entries[0]['file']}...: {answer.status} {answer.text(2000)}")
    rows = []
    for entry, path, body in zip(entries, paths, answer.json()):
        if "explanations" not in body:
            raise SystemExit(f"{entry['file']}: {json.dumps(body)}")
        rows.append(image_row(body, entry, geometry_of(path)))
    return rows


def image_row(body, entry, geometry):
    """One image's numbers from its explanation (JSON, with metrics)."""
    explanation = body["explanations"][0]
    saliency = decode_map(explanation["saliency"])
    faithfulness = explanation["faithfulness"]
    height, width = saliency.shape
    mask = box_mask(entry["box"], geometry, height, width)
    return {
        "drop": faithfulness["averageDrop"],
        "increase": 1.0 if faithfulness["increase"] else 0.0,
        "energy": energy_in_box(saliency, mask),
        "deletion": faithfulness["deletion"],
        "insertion": faithfulness["insertion"],
        "passes": body["stats"]["forwardPasses"],
        "millis": body["stats"]["computeMillis"],
        "predicted": body["predictions"][0]["index"],
        "label": entry["label"],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="Evaluate every method of a running service over a dataset.")
    parser.add_argument("dataset", type=Path, help="directory with images and annotations.json")
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--model", help="default: the first model the service lists")
    parser.add_argument("--methods", help="comma-separated; default: all of GET /v1/methods")
    parser.add_argument("--steps", type=int, default=20, help="deletion/insertion steps (metrics-steps)")
    parser.add_argument("--limit", type=int, help="only the first N images")
    parser.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra request field for every method, e.g. score=probability (repeatable)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per request")
    parser.add_argument("--batch", type=int, help="send the images N at a time as one batch")
    parser.add_argument("--out", type=Path, help="Markdown file to write the table into")
    parser.add_argument("--command", help="the command line to print above the table")
    args = parser.parse_args(argv)

    url = args.url.rstrip("/")
    annotations = json.loads((args.dataset / "annotations.json").read_text())
    entries = annotations["images"][:args.limit] if args.limit else annotations["images"]
    status, models = get(f"{url}/v1/models")
    info = next(m for m in models if args.model in (None, m["name"]))
    if annotations["labels"] != info["labels"]:
        raise SystemExit(f"the dataset's labels are not model {info['name']}'s: {annotations['labels']}")
    methods = args.methods.split(",") if args.methods else method_names(*get(f"{url}/v1/methods"))
    size = (info["input"]["width"], info["input"]["height"])

    def geometry_of(path):
        from PIL import Image
        with Image.open(path) as image:
            return placement(info["input"]["resize"], image.size, size)

    extra = [tuple(f.split("=", 1)) for f in args.field]
    suffix = "".join(f" {name}={value}" for name, value in extra)
    summaries, accuracy = [], None
    for method in methods:
        started = time.monotonic()
        rows = []
        if args.batch:
            for start in range(0, len(entries), args.batch):
                rows += evaluate_batch(url, info["name"], method, entries[start:start + args.batch], args.dataset,
                                       geometry_of, args.steps, args.timeout, extra)
                print(f"  {method}: {len(rows)}/{len(entries)} images", file=sys.stderr)
        else:
            for i, entry in enumerate(entries):
                rows.append(evaluate_image(url, info["name"], method, entry, args.dataset, geometry_of, args.steps,
                                           args.timeout, extra))
                if (i + 1) % 50 == 0:
                    print(f"  {method}: {i + 1}/{len(entries)} images", file=sys.stderr)
        summaries.append(summarise(method + suffix, rows))
        accuracy = np.mean([r["predicted"] == r["label"] for r in rows])
        print(f"{method}: {len(rows)} images in {time.monotonic() - started:.0f} s", file=sys.stderr)

    table = markdown_table(summaries)
    command = args.command or "tools/evaluate.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    block = "\n".join([
        f"`{command}`",
        "",
        f"Model `{info['name']}`, {len(entries)} images of `{args.dataset.name}`, each explained for its labelled "
        f"class (top-1 accuracy on them {100 * accuracy:.1f}%); class scores are softmax probabilities; "
        f"deletion/insertion in {args.steps} steps. Passes and ms are the explanation's own (stats.forwardPasses, "
        "stats.computeMillis), not the metrics'.",
        "",
        table,
    ])
    print(block)
    if args.out:
        existing = args.out.read_text() if args.out.exists() else None
        placed = place_between_markers(existing, block) if existing else None
        args.out.write_text(placed if placed is not None else f"# Evaluation\n\n{BEGIN}\n{block}\n{END}\n")
        print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
