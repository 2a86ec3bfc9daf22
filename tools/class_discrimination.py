#!/usr/bin/env python3
"""Class discrimination: on canvases with 2-3 different garments, does a method's map of one
garment's class fall on that garment?

    /usr/bin/python3 tools/class_discrimination.py make OUT_DIR [--count 40] [--seed 2103]
    /usr/bin/python3 tools/class_discrimination.py evaluate OUT_DIR --url URL [--model fashion-cnn]
        [--methods a,b] [--scores logit,probability] [--field sscam:samples=8] [--out docs/evaluation.md]

`make` writes --count canvases at the classifiers' 96 px: Fashion-MNIST TEST-split garments
(never trained on), 2 or 3 per canvas, all of different classes, barely overlapping
(fashion_canvas.make_scenes, scales 1.0-2.0 as the demo model was trained), with each garment's
box (the bounding box of its ink) and class in annotations.json. Scenes are drawn from the seed
and kept in order when their garments (at least 2 placed) are all of different classes.

`evaluate` explains each canvas once per configuration, every garment's class as one target
(`target` repeated; the Score-CAM family scores every target with the same passes), for every
method of GET /v1/methods, each value of a method's `weighting` parameter when it has one, and
each score (logit, probability). Per garment:
  own box       share of the map's energy (sum of the raw map) inside the explained garment's
                box, pixels whose centre lies inside, as tools/evaluate.py's pointing energy;
  other boxes   share inside the other garments' boxes (their union, less the own box);
  own first     1 when the own box holds more energy than each other garment's box;
  chance        the own box's share of the canvas: what a uniform (class-blind) map scores.
A class-blind map (e.g. Eigen-CAM's, the same for every class) lands on every garment alike:
its own-first rate is near 1/garments and its own-box share near its other boxes' over the
number of other garments.
"""

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

import scorecam_client as client
from evaluate import box_mask, decode_map, energy_in_box, get

SIZE = 96
SCALE_RANGE = (1.0, 2.0)
SEED = 2103
COUNT = 40
BEGIN = "<!-- discrimination:{model}:begin -->"
END = "<!-- discrimination:{model}:end -->"


# ---- canvases ----

def distinct_scenes(count=COUNT, seed=SEED):
    """(images float [count,3,H,W] quantised to 8 bits, [[box, ...]], [[class, ...]]): scenes with
    2-3 garments of different classes each."""
    import torch
    from fashion_canvas import load_fashion_mnist, make_backgrounds, make_scenes
    garments, labels = load_fashion_mnist("test")
    gen = torch.Generator().manual_seed(seed)
    images, boxes, classes = [], [], []
    while len(images) < count:
        draw = 4 * count
        scenes = make_scenes(garments, labels, gen, size=(SIZE, SIZE), count_range=(2, 3), scale_range=SCALE_RANGE,
                             backgrounds=make_backgrounds(draw, gen, size=(SIZE, SIZE)))
        for i in range(draw):
            keep = scenes.classes[i] >= 0
            kept = scenes.classes[i][keep].tolist()
            if keep_scene(kept) and len(images) < count:
                images.append((scenes.images[i] * 255).round() / 255)
                boxes.append(scenes.boxes[i][keep].int().tolist())
                classes.append(kept)
    return torch.stack(images), boxes, classes


def keep_scene(classes):
    """At least two garments, no two of the same class."""
    return len(classes) >= 2 and len(set(classes)) == len(classes)


def write(out_dir, images, boxes, classes, seed):
    from PIL import Image
    from fashion_canvas import to_uint8, write_annotations
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pixels = to_uint8(images)
    items = []
    for i in range(len(pixels)):
        name = f"{i:03d}.png"
        Image.fromarray(pixels[i]).save(out_dir / name)
        items.append({"file": name, "boxes": boxes[i], "classes": classes[i]})
    write_annotations(out_dir, f"Fashion-MNIST test-split garments, 2-3 of different classes per {SIZE}x{SIZE} "
                      f"canvas (tools/class_discrimination.py make --seed {seed})", items)


# ---- the maths ----

def garment_rows(maps, boxes, geometry):
    """One dict per garment from the maps of its canvas (maps[g] explains garment g's class)."""
    height, width = maps[0].shape
    masks = [box_mask(box, geometry, height, width) for box in boxes]
    rows = []
    for g, saliency in enumerate(maps):
        others = np.zeros_like(masks[g])
        for o, mask in enumerate(masks):
            if o != g:
                others |= mask
        others &= ~masks[g]
        own = energy_in_box(saliency, masks[g])
        each_other = [energy_in_box(saliency, masks[o]) for o in range(len(masks)) if o != g]
        rows.append({"own": own, "others": energy_in_box(saliency, others),
                     "first": 1.0 if all(own > e for e in each_other) else 0.0,
                     "chance": float(masks[g].mean()), "garments": len(boxes)})
    return rows


def summarise(rows):
    return {key: float(np.mean([r[key] for r in rows])) for key in ("own", "others", "first", "chance")}


def configurations(methods, scores, weightings=None):
    """(method, weighting or None, score) for every method, each value of its `weighting`
    parameter (from GET /v1/methods: a parameter named weighting with its `enum`; only those in
    `weightings` when given), and each score."""
    result = []
    for method in methods:
        weighting = next((p for p in method.get("parameters", []) if p["name"] == "weighting"), None)
        values = [v for v in weighting["enum"] if weightings is None or v in weightings] if weighting else [None]
        for value in values:
            for score in scores:
                result.append((method["name"], value, score))
    return result


def markdown_table(summaries, chance):
    lines = ["| method | weighting | score | energy in own box | in other garments' boxes | own box first % "
             "| passes / canvas | ms / canvas |",
             "|---|---|---|---:|---:|---:|---:|---:|",
             f"| chance (uniform map) | | | {chance:.3f} | | | | |"]
    for s in summaries:
        label = f"`{s['method']}`" + "".join(f" {n}={v}" for n, v in s.get("fields", []))
        lines.append(f"| {label} | {s['weighting'] or ''} | {s['score']} | {s['own']:.3f} | "
                     f"{s['others']:.3f} | {100 * s['first']:.1f} | {s['passes']:.0f} | {s['millis']:.0f} |")
    return "\n".join(lines)


def merge(summaries, previous, methods):
    """This run's summaries and those of an earlier run (its --json) for the configurations this run
    did not compute, in the order of `methods` (GET /v1/methods), each method's weightings in their
    order, logit before probability. An earlier row without a weighting, of a method that now takes
    one, is of its default."""
    done = {(s["method"], s["weighting"], s["score"]) for s in summaries}
    order = {m["name"]: m for m in methods}
    rows = list(summaries)
    for s in previous:
        weighting = next((p for p in order.get(s["method"], {}).get("parameters", []) if p["name"] == "weighting"), None)
        s = {**s, "weighting": s["weighting"] or (weighting["default"] if weighting else None)}
        if (s["method"], s["weighting"], s["score"]) not in done and s["method"] in order:
            rows.append(s)

    def key(s):
        method = order[s["method"]]
        weighting = next((p for p in method.get("parameters", []) if p["name"] == "weighting"), None)
        values = weighting["enum"] if weighting else [None]
        return (list(order).index(s["method"]), values.index(s["weighting"]) if s["weighting"] in values else 0,
                s["score"] != "logit")
    return sorted(rows, key=key)


def place(text, begin, end, block):
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        return text + f"\n{begin}\n{block}\n{end}\n"
    return text[:start + len(begin)] + "\n" + block + "\n" + text[stop:]


# ---- the service ----

def explain(url, model, path, classes, fields, timeout):
    answer = client.explain(url, model, path.read_bytes(),
                            fields=[*(("target", str(c)) for c in classes), *fields],
                            filename=path.name, image_type="application/octet-stream", timeout=timeout)
    if answer.status != 200:
        raise SystemExit(f"{path.name} {fields}: {answer.status} {answer.text(2000)}")
    body = answer.json()
    by_class = {e["target"]["index"]: e for e in body["explanations"]}
    maps = [decode_map(by_class[c]["saliency"]) for c in classes]
    return maps, body["stats"]["forwardPasses"], body["stats"]["computeMillis"]


def evaluate(args):
    from evaluate import placement
    url = args.url.rstrip("/")
    notes = json.loads((args.dataset / "annotations.json").read_text())
    entries = notes["images"][:args.limit] if args.limit else notes["images"]
    status, models = get(f"{url}/v1/models")
    info = next(m for m in models if args.model in (None, m["name"]))
    if notes["labels"] != info["labels"]:
        raise SystemExit(f"the canvases' labels are not model {info['name']}'s")
    geometry = placement(info["input"]["resize"], (SIZE, SIZE), (info["input"]["width"], info["input"]["height"]))
    status, listed = get(f"{url}/v1/methods")
    wanted = args.methods.split(",") if args.methods else [m["name"] for m in listed]
    methods = [m for m in listed if m["name"] in wanted]
    extra = {}
    for spec in args.field:
        method, assignment = spec.split(":", 1)
        extra.setdefault(method, []).append(tuple(assignment.split("=", 1)))
    summaries, chance = [], []
    weightings = args.weightings.split(",") if args.weightings else None
    for method, weighting, score in configurations(methods, args.scores.split(","), weightings):
        started = time.monotonic()
        fields = [("method", method), ("score", score), *extra.get(method, [])]
        if weighting:
            fields.append(("weighting", weighting))
        rows, passes, millis = [], [], []
        for entry in entries:
            maps, p, ms = explain(url, info["name"], args.dataset / entry["file"], entry["classes"], fields,
                                  args.timeout)
            rows += garment_rows(maps, entry["boxes"], geometry)
            passes.append(p)
            millis.append(ms)
        summary = summarise(rows)
        chance = summary["chance"]
        summaries.append({**summary, "method": method, "weighting": weighting, "score": score,
                          "fields": extra.get(method, []),
                          "passes": float(np.mean(passes)), "millis": float(np.mean(millis)), "garments": len(rows)})
        print(f"{method} {weighting or ''} {score}: own {summary['own']:.3f} others {summary['others']:.3f} "
              f"first {summary['first']:.2f} ({len(entries)} canvases, {time.monotonic() - started:.0f} s)",
              file=sys.stderr)
    if args.also:
        summaries = merge(summaries, json.loads(args.also.read_text()), listed)
    garments = summaries[0]["garments"] if summaries else 0
    command = args.command or "tools/class_discrimination.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    fields = "".join(f"; `{m}` with " + " ".join(f"{n}={v}" for n, v in f) for m, f in extra.items())
    block = "\n".join([
        f"`{command}`",
        "",
        f"Model `{info['name']}`, {len(entries)} canvases of `{args.dataset.name}` with {garments} garments, each "
        f"explained for its own class (all of a canvas's classes as the targets of one request{fields}). Energy: "
        "the mean share of the raw map's sum inside the box; own box first: the own box holds more than each "
        "other garment's; passes and ms are per canvas (all its targets).",
        "",
        markdown_table(summaries, chance),
    ])
    print(block)
    if args.out:
        text = args.out.read_text() if args.out.exists() else ""
        args.out.write_text(place(text, BEGIN.format(model=info["name"]), END.format(model=info["name"]), block))
        print(f"written to {args.out}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=1) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command_name", required=True)
    make = commands.add_parser("make", help="write the canvases")
    make.add_argument("out_dir", type=Path)
    make.add_argument("--count", type=int, default=COUNT)
    make.add_argument("--seed", type=int, default=SEED)
    run = commands.add_parser("evaluate", help="explain every garment through a running service")
    run.add_argument("dataset", type=Path)
    run.add_argument("--url", default="http://localhost:8080")
    run.add_argument("--model", default="fashion-cnn")
    run.add_argument("--methods", help="comma-separated; default: all of GET /v1/methods")
    run.add_argument("--scores", default="logit,probability")
    run.add_argument("--weightings", help="only these values of a method's weighting (comma-separated)")
    run.add_argument("--field", action="append", default=[], metavar="METHOD:NAME=VALUE")
    run.add_argument("--limit", type=int, help="only the first N canvases")
    run.add_argument("--timeout", type=float, default=1800)
    run.add_argument("--out", type=Path, help="Markdown file for the table (between discrimination markers)")
    run.add_argument("--json", type=Path, help="the summaries as JSON")
    run.add_argument("--also", type=Path, help="an earlier run's --json: its rows join the table where this run "
                     "has none (e.g. the methods not asked for with --methods)")
    run.add_argument("--command", help="the command line to print above the table")
    args = parser.parse_args(argv)
    if args.command_name == "make":
        import torch
        torch.set_num_threads(2)
        images, boxes, classes = distinct_scenes(args.count, args.seed)
        write(args.out_dir, images, boxes, classes, args.seed)
        print(f"{len(images)} canvases, {sum(map(len, classes))} garments -> {args.out_dir}")
    else:
        evaluate(args)


if __name__ == "__main__":
    main()
