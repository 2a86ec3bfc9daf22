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
  ROAD MoRF, LeRF     mean p_c with 10%, 20%, ..., 90% of the pixels removed by noisy linear
                      imputation, most / least relevant first by the raw map (tools/road.py,
                      Rong et al. 2022), computed here with the model package (--package; the
                      bundled demo models' by default) in float32; the service has no endpoint
                      that scores an image. Lower MoRF, higher LeRF is better. --road-limit N:
                      only the first N images (each costs 18 sparse solves and 18 passes)
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
           "Insertion AUC", "ROAD MoRF", "ROAD LeRF", "passes / image", "ms / image", "images"]
# where the bundled demo models' packages are, for ROAD when no --package is given
DEMO_PACKAGES = Path(__file__).resolve().parent.parent / "src/main/resources/demo-model"


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
        "ROAD MoRF": mean_of(rows, "road_morf"),
        "ROAD LeRF": mean_of(rows, "road_lerf"),
        "passes / image": mean("passes"),
        "ms / image": mean("millis"),
        "images": len(rows),
    }


def mean_of(rows, key):
    """The mean over the rows that have `key` (ROAD may cover only the first images); None if none."""
    values = [r[key] for r in rows if key in r]
    return float(np.mean(values)) if values else None


def markdown_table(summaries):
    formats = {"ROAD MoRF": "{:.3f}", "ROAD LeRF": "{:.3f}", "Average Drop %": "{:.1f}", "Average Increase %": "{:.1f}", "Pointing (energy) %": "{:.1f}",
               "Deletion AUC": "{:.3f}", "Insertion AUC": "{:.3f}", "passes / image": "{:.1f}",
               "ms / image": "{:.1f}", "images": "{:d}", "method": "`{}`"}
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|"]
    for s in summaries:
        lines.append("| " + " | ".join("–" if s.get(c) is None else formats[c].format(s[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def road_note(road_of, method_limits):
    """What the table's text says about ROAD's coverage and the methods run on fewer images."""
    note = ""
    if road_of is None:
        note += " No ROAD: no model package (--package)."
    else:
        covered = "every image" if road_of.limit is None else f"the first {road_of.limit} images of each method"
        note += (f" ROAD (tools/road.py): mean p_c with 10%, 20%, ..., 90% of the pixels removed by noisy linear "
                 f"imputation, most (MoRF, lower is better) or least (LeRF, higher is better) relevant first, "
                 f"over {covered}, computed by the script with the model package.")
    if method_limits:
        note += " Fewer images for " + ", ".join(f"`{m}` ({n})" for m, n in method_limits.items()) + ": see `images`."
    return note


def place_between_markers(text, block, name="evaluation"):
    """`text` with what lies between the markers `<!-- name:begin/end -->` replaced by `block`; None
    when it has no such markers."""
    begin, end_marker = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    start, end = text.find(begin), text.find(end_marker)
    if start < 0 or end < start:
        return None
    return text[:start + len(begin)] + "\n" + block + "\n" + text[end:]


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


def evaluate_image(url, model, method, entry, dataset, geometry_of, steps, timeout, extra=(), road_of=None):
    path = dataset / entry["file"]
    fields = [("target", str(entry["label"])), *request_fields(method, steps, extra)]
    answer = client.explain(url, model, path.read_bytes(), fields=fields, filename=entry["file"],
                            image_type="application/octet-stream", timeout=timeout)
    if answer.status != 200:
        raise SystemExit(f"{entry['file']}: {answer.status} {answer.text(2000)}")
    return image_row(answer.json(), entry, geometry_of(path), road_of)


def evaluate_batch(url, model, method, entries, dataset, geometry_of, steps, timeout, extra=(), road_of=None):
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
        rows.append(image_row(body, entry, geometry_of(path), road_of))
    return rows


def image_row(body, entry, geometry, road_of=None):
    """One image's numbers from its explanation (JSON, with metrics); ROAD's when road_of(entry, map) gives them."""
    explanation = body["explanations"][0]
    saliency = decode_map(explanation["saliency"])
    faithfulness = explanation["faithfulness"]
    height, width = saliency.shape
    mask = box_mask(entry["box"], geometry, height, width)
    row = {
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
    scores = road_of(entry, saliency) if road_of else None
    if scores:
        row.update(road_morf=scores["morf"], road_lerf=scores["lerf"])
    return row


class RoadScorer:
    """ROAD of a map (tools/road.py) with the model package, for the first `limit` images of the
    dataset; each image's noise seeded by its place in the dataset, the same for every method."""

    def __init__(self, package, entries, dataset, limit):
        import torch
        from road import road
        from scorecam_reference import image_to_input, load_package
        torch.set_num_threads(2)
        self.model, self.meta = load_package(package)
        self.road, self.image_to_input = road, image_to_input
        self.index = {e["file"]: i for i, e in enumerate(entries)}
        self.dataset, self.limit = dataset, limit
        self.inputs = {}

    def __call__(self, entry, saliency):
        i = self.index[entry["file"]]
        if self.limit is not None and i >= self.limit:
            return None
        if i not in self.inputs:
            self.inputs[i] = self.image_to_input(self.dataset / entry["file"], self.meta).numpy()
        return self.road(self.model, self.inputs[i], saliency, entry["label"], seed=i)


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
    parser.add_argument("--package", type=Path,
                        help="the model's package, for ROAD (default: the bundled demo model of that name)")
    parser.add_argument("--road-limit", type=int, help="ROAD on the first N images only (0: none)")
    parser.add_argument("--method-limit", action="append", default=[], metavar="METHOD=N",
                        help="only the first N images for that method, e.g. sscam=20 (repeatable)")
    parser.add_argument("--out", type=Path, help="Markdown file to write the table into")
    parser.add_argument("--command", help="the command line to print above the table")
    parser.add_argument("--rows", type=Path, help="also write every image's numbers, per method, as JSON")
    parser.add_argument("--markers", default="evaluation",
                        help="write between <!-- NAME:begin --> and <!-- NAME:end --> (default: evaluation)")
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
    method_limits = {name: int(n) for name, n in (m.split("=", 1) for m in args.method_limit)}
    package = args.package or DEMO_PACKAGES / info["name"]
    road_of = None
    if args.road_limit != 0 and (package / "model.yaml").exists():
        road_of = RoadScorer(package, entries, args.dataset, args.road_limit)
    elif args.road_limit != 0:
        print(f"no ROAD: no model package at {package} (--package)", file=sys.stderr)
    suffix = "".join(f" {name}={value}" for name, value in extra)
    summaries, widest, every_row = [], [], {}

    def emit(final):
        """The table so far into --out and --rows (after each method: a stopped run keeps the
        methods it finished), printed at the end."""
        table = markdown_table(summaries)
        command = args.command or "tools/evaluate.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
        block = "\n".join([
            f"`{command}`",
            "",
            f"Model `{info['name']}`, {len(entries)} images of `{args.dataset.name}`, each explained for its labelled "
            f"class (top-1 accuracy on {len(widest)} of them {100 * np.mean([r['predicted'] == r['label'] for r in widest]):.1f}%); "
            f"class scores are softmax probabilities; "
            f"deletion/insertion in {args.steps} steps. Passes and ms are the explanation's own (stats.forwardPasses, "
            "stats.computeMillis), not the metrics'." + road_note(road_of, method_limits),
            "",
            table,
        ])
        if final:
            print(block)
        if args.rows:
            args.rows.write_text(json.dumps(every_row, indent=0) + "\n")
        if args.out:
            existing = args.out.read_text() if args.out.exists() else None
            placed = place_between_markers(existing, block, args.markers) if existing else None
            args.out.write_text(placed if placed is not None else f"# Evaluation\n\n{BEGIN}\n{block}\n{END}\n")
            if final:
                print(f"written to {args.out}", file=sys.stderr)

    for method in methods:
        started = time.monotonic()
        rows = []
        mine = entries[:method_limits[method]] if method in method_limits else entries
        if args.batch:
            for start in range(0, len(mine), args.batch):
                rows += evaluate_batch(url, info["name"], method, mine[start:start + args.batch], args.dataset,
                                       geometry_of, args.steps, args.timeout, extra, road_of)
                print(f"  {method}: {len(rows)}/{len(mine)} images", file=sys.stderr)
        else:
            for i, entry in enumerate(mine):
                rows.append(evaluate_image(url, info["name"], method, entry, args.dataset, geometry_of, args.steps,
                                           args.timeout, extra, road_of))
                if (i + 1) % 10 == 0:
                    print(f"  {method}: {i + 1}/{len(mine)} images", file=sys.stderr)
        summaries.append(summarise(method + suffix, rows))
        every_row[method + suffix] = [dict(r, file=e["file"]) for r, e in zip(rows, mine)]
        if len(rows) > len(widest):
            widest = rows
        print(f"{method}: {len(rows)} images in {time.monotonic() - started:.0f} s", file=sys.stderr)
        emit(final=False)

    emit(final=True)


if __name__ == "__main__":
    main()
