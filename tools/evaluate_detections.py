#!/usr/bin/env python3
"""Localisation of detector explanations on multi-garment canvases, through a running service.

    /usr/bin/python3 tools/make_detection_canvases.py /tmp/detection-canvases
    /usr/bin/python3 tools/evaluate_detections.py /tmp/detection-canvases --url http://localhost:8080 \
        [--model fashion-detector] [--methods scorecam,eigencam] [--limit N] [--out docs/evaluation.md]

(tools/evaluate.sh calls this for a dataset whose annotations list `boxes`.) For each canvas the
service's detections come from POST /v1/models/{model}/detections; each ground-truth garment
that the detector found (a detection of its class with IoU >= 0.5; the best-overlapping one) is
explained with `detection=i` by each method, and its raw map (JSON) is measured against the
ground-truth boxes, mapped onto the model input like evaluate.py does:
  Pointing %            100 x share of explained garments whose map maximum lies in their own box
  Energy own %          100 x mean share of the map's energy inside the garment's own box
  Energy others %       the same inside the other garments' boxes (their union, less the own
                        box), over the garments of canvases with more than one garment
  Own > others %        100 x share of those garments with more energy in their own box
  ms / explanation      mean stats.computeMillis
The table goes between `<!-- detection-evaluation:begin -->` and `...:end -->` of --out.
"""

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

import scorecam_client as client
from detection_map import iou
from evaluate import box_mask, decode_map, energy_in_box, placement

BEGIN = "<!-- detection-evaluation:begin -->"
END = "<!-- detection-evaluation:end -->"
MATCH_IOU = 0.5


# ---- the maths, apart from HTTP so the tests can check it on tiny fakes ----

def match(truth_box, truth_class, detections):
    """Index of the detection of the garment's class that overlaps its box best with IoU >=
    MATCH_IOU; None when there is none. detections: [(box, class)]."""
    best, best_iou = None, MATCH_IOU
    for i, (box, cls) in enumerate(detections):
        if cls == truth_class:
            overlap = iou(np.asarray(truth_box, dtype=np.float64), [box])[0]
            if overlap >= best_iou:
                best, best_iou = i, overlap
    return best


def pointing_hit(saliency, mask):
    """True when the map's (first) maximum lies inside the mask; False for an all-zero map."""
    if not np.any(saliency > 0):
        return False
    return bool(mask.flat[int(np.argmax(saliency))])


def measure(saliency, own, others):
    """Pointing hit and energy shares of one map: own mask, others' union less the own (or None)."""
    row = {"hit": pointing_hit(saliency, own), "own": energy_in_box(saliency, own)}
    if others is not None:
        row["others"] = energy_in_box(saliency, others & ~own)
    return row


def summarise(method, rows):
    crowded = [r for r in rows if "others" in r]
    mean = lambda key, rs: 100 * float(np.mean([r[key] for r in rs])) if rs else float("nan")
    return {"method": method,
            "Pointing %": mean("hit", rows),
            "Energy own %": mean("own", rows),
            "Energy others %": mean("others", crowded),
            "Own > others %": 100 * float(np.mean([r["own"] > r["others"] for r in crowded]))
            if crowded else float("nan"),
            "ms / explanation": float(np.mean([r["millis"] for r in rows])),
            "garments": len(rows), "with others": len(crowded)}


COLUMNS = ["method", "Pointing %", "Energy own %", "Energy others %", "Own > others %",
           "ms / explanation", "garments", "with others"]


def markdown_table(summaries):
    lines = ["| " + " | ".join(COLUMNS) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|"]
    for s in summaries:
        cells = [f"`{s['method']}`"] + [f"{s[c]:.1f}" for c in COLUMNS[1:6]] \
            + [str(s["garments"]), str(s["with others"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---- the service ----

def post(url, path, image, fields, timeout):
    body, content_type = client.multipart(image, path.name, "image/png", fields)
    return client.call("POST", url, body, {"Content-Type": content_type,
                                           "Accept": "application/json"}, timeout)


def detections_of(url, model, path, timeout):
    """[(box in image pixels, class index)] as the service lists them."""
    answer = post(f"{url}/v1/models/{model}/detections", path, path.read_bytes(), (), timeout)
    if answer.status != 200:
        raise SystemExit(f"{path.name}: detections: {answer.status} {answer.text(2000)}")
    return [(d["box"], d["index"]) for d in answer.json()["detections"]]


def explain_detection(url, model, path, method, index, timeout):
    """(raw map at the model input's size, stats.computeMillis) of detection `index`."""
    answer = post(f"{url}/v1/models/{model}/explanations", path, path.read_bytes(),
                  [("detection", str(index)), ("method", method)], timeout)
    if answer.status != 200:
        raise SystemExit(f"{path.name}: detection {index}, {method}: {answer.status} {answer.text(2000)}")
    body = answer.json()
    return decode_map(body["explanations"][0]["saliency"]), body["stats"]["computeMillis"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path, help="directory with canvases and annotations.json")
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--model", default="fashion-detector")
    parser.add_argument("--methods", default="scorecam,eigencam")
    parser.add_argument("--limit", type=int, help="only the first N canvases")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per request")
    parser.add_argument("--out", type=Path, help="Markdown file to write the table into")
    parser.add_argument("--command", help="the command line to print above the table")
    args = parser.parse_args(argv)

    url = args.url.rstrip("/")
    notes = json.loads((args.dataset / "annotations.json").read_text())
    entries = notes["images"][:args.limit] if args.limit else notes["images"]
    info = client.get_json(f"{url}/v1/models/{args.model}")
    size = (info["input"]["width"], info["input"]["height"])
    methods = args.methods.split(",")
    rows = {m: [] for m in methods}
    truths = found = 0
    started = time.monotonic()
    for n, entry in enumerate(entries):
        path = args.dataset / entry["file"]
        with Image.open(path) as image:
            geometry = placement(info["input"]["resize"], image.size, size)
        detections = detections_of(url, args.model, path, args.timeout)
        masks = [box_mask(b, geometry, size[1], size[0]) for b in entry["boxes"]]
        for g, (box, cls) in enumerate(zip(entry["boxes"], entry["classes"])):
            truths += 1
            index = match(box, cls, detections)
            if index is None:
                continue
            found += 1
            others = None
            if len(masks) > 1:
                others = np.any([m for k, m in enumerate(masks) if k != g], axis=0)
            for method in methods:
                saliency, millis = explain_detection(url, args.model, path, method, index, args.timeout)
                rows[method].append({**measure(saliency, masks[g], others), "millis": millis})
        if (n + 1) % 20 == 0:
            print(f"  {n + 1}/{len(entries)} canvases, {time.monotonic() - started:.0f} s", file=sys.stderr)

    summaries = [summarise(m, rows[m]) for m in methods]
    command = args.command or "tools/evaluate_detections.py " + " ".join(
        shlex.quote(a) for a in (argv or sys.argv[1:]))
    block = "\n".join([
        f"`{command}`",
        "",
        f"Model `{args.model}`, {len(entries)} canvases of `{args.dataset.name}` with {truths} garments; "
        f"{found} found by the detector (a detection of the garment's class, IoU >= {MATCH_IOU}) and "
        "each explained with `detection=i` by each method. Energy shares of the raw map inside the "
        "garment's own ground-truth box and inside the other garments' boxes (canvases with two or more).",
        "",
        markdown_table(summaries),
    ])
    print(block)
    if args.out:
        text = args.out.read_text() if args.out.exists() else ""
        start, end = text.find(BEGIN), text.find(END)
        if 0 <= start < end:
            text = text[:start + len(BEGIN)] + "\n" + block + "\n" + text[end:]
        else:
            text += f"\n{BEGIN}\n{block}\n{END}\n"
        args.out.write_text(text)
        print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
