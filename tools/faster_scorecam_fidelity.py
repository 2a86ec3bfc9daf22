#!/usr/bin/env python3
"""How close Faster Score-CAM's maps are to exact Score-CAM's, against `max-channels`.

    /usr/bin/python3 tools/faster_scorecam_fidelity.py --url http://localhost:8080 \
        datasets/fashion-canvas-eval [--limit N] [--max-channels 1,2,4,8,16,32,48] [--out docs/evaluation.md]

Against a running service (start the packaged jar, or `./mvnw spring-boot:run`). Each image of
the data set (the format of tools/evaluate.py) is explained for its labelled class once with
`method=scorecam` and once per `max-channels` value with `method=faster-scorecam`; the raw maps
(saliency.data, at the model's input resolution) are compared with the Pearson correlation.
The default values are 1, 2, 4, ..., up to the model's channel count K (GET /v1/models), and K
itself, where faster-scorecam scores every channel and must give Score-CAM's map (r = 1): a
check on the tool as much as on the service.

Per max-channels value: mean and min r over the images, how many maps were constant (all
zero), mean stats.forwardPasses and stats.computeMillis per image. The correlation of two
maps where one is constant is undefined; it is counted as 1 when both are the same constant
map and 0 otherwise (a constant map says nothing about where the class is), and such images
are counted in their own column, so they are neither hidden nor dropped from the mean.

With --out the table goes between `<!-- fidelity:begin -->` and `<!-- fidelity:end -->`.
"""

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

import evaluate

BEGIN = "<!-- fidelity:begin -->"
END = "<!-- fidelity:end -->"


# ---- the maths, kept apart from HTTP so the tests can check it ----

def pearson(a, b):
    """Pearson r of two maps in float64; 1 for two equal constant maps, 0 where only one is constant or they differ."""
    x = np.asarray(a, dtype=np.float64).ravel()
    y = np.asarray(b, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"maps of different sizes: {np.shape(a)} and {np.shape(b)}")
    dx, dy = x - x.mean(), y - y.mean()
    sx, sy = np.sqrt(np.dot(dx, dx)), np.sqrt(np.dot(dy, dy))
    if sx == 0 or sy == 0:
        return 1.0 if sx == 0 and sy == 0 and np.array_equal(x, y) else 0.0
    return float(np.clip(np.dot(dx, dy) / (sx * sy), -1.0, 1.0))


def default_channel_counts(channels):
    """1, 2, 4, ... below K, then 3K/4 where it is new, then K (the exact case)."""
    counts, k = [], 1
    while k < channels:
        counts.append(k)
        k *= 2
    three_quarters = 3 * channels // 4
    if three_quarters not in counts and 0 < three_quarters < channels:
        counts.append(three_quarters)
    return sorted(counts) + [channels]


def summarise(max_channels, rows):
    """One table row from per-image dicts with r, constant (bool), passes, millis."""
    r = [row["r"] for row in rows]
    return {
        "max-channels": max_channels,
        "mean r": float(np.mean(r)),
        "min r": float(np.min(r)),
        "constant maps": sum(1 for row in rows if row["constant"]),
        "passes / image": float(np.mean([row["passes"] for row in rows])),
        "ms / image": float(np.mean([row["millis"] for row in rows])),
        "images": len(rows),
    }


def markdown_table(exact, summaries):
    """The table: the exact Score-CAM row first (r = 1 by definition), then one row per max-channels."""
    lines = ["| method | max-channels | mean r | min r | constant maps | passes / image | ms / image | images |",
             "|---|---:|---:|---:|---:|---:|---:|---:|",
             f"| `scorecam` (exact) | all | 1 | 1 | {exact['constant maps']} | {exact['passes / image']:.1f} "
             f"| {exact['ms / image']:.1f} | {exact['images']} |"]
    for s in summaries:
        lines.append(f"| `faster-scorecam` | {s['max-channels']} | {s['mean r']:.4f} | {s['min r']:.4f} "
                     f"| {s['constant maps']} | {s['passes / image']:.1f} | {s['ms / image']:.1f} | {s['images']} |")
    return "\n".join(lines)


def place_between_markers(text, block):
    """`text` with what lies between the fidelity markers replaced by `block`; None when it has none."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return text[:start + len(BEGIN)] + "\n" + block + "\n" + text[end:]


def without_url(argv):
    """The arguments less `--url X` / `--url=X`: the port of one run means nothing in the docs."""
    kept, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--url":
            skip = True
        elif not a.startswith("--url="):
            kept.append(a)
    return kept


# ---- the service ----

def explain(url, model, entry, dataset, fields, timeout):
    """(map, passes, millis) of one explanation of the labelled class."""
    path = dataset / entry["file"]
    body = evaluate.post_multipart(f"{url}/v1/models/{model}/explanations",
                                   [("target", str(entry["label"])), *fields], entry["file"], path.read_bytes(),
                                   timeout)
    saliency = evaluate.decode_map(body["explanations"][0]["saliency"])
    return saliency, body["stats"]["forwardPasses"], body["stats"]["computeMillis"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Faster Score-CAM's map correlation with Score-CAM vs max-channels.")
    parser.add_argument("dataset", type=Path, help="directory with images and annotations.json")
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--model", help="default: the first model the service lists")
    parser.add_argument("--max-channels", help="comma-separated; default 1, 2, 4, ... below K, 3K/4, K")
    parser.add_argument("--limit", type=int, help="only the first N images")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per request")
    parser.add_argument("--out", type=Path, help="Markdown file with the fidelity markers to write the table into")
    args = parser.parse_args(argv)

    url = args.url.rstrip("/")
    annotations = json.loads((args.dataset / "annotations.json").read_text())
    entries = annotations["images"][:args.limit] if args.limit else annotations["images"]
    status, models = evaluate.get(f"{url}/v1/models")
    if status != 200:
        raise SystemExit(f"GET {url}/v1/models answered {status}")
    info = next(m for m in models if args.model in (None, m["name"]))
    if annotations["labels"] != info["labels"]:
        raise SystemExit(f"the dataset's labels are not model {info['name']}'s: {annotations['labels']}")
    counts = ([int(c) for c in args.max_channels.split(",")] if args.max_channels
              else default_channel_counts(int(info["channels"])))

    started = time.monotonic()
    exact_rows, rows = [], {c: [] for c in counts}
    for i, entry in enumerate(entries):
        exact, passes, millis = explain(url, info["name"], entry, args.dataset, [("method", "scorecam")], args.timeout)
        exact_rows.append({"r": 1.0, "constant": exact.min() == exact.max(), "passes": passes, "millis": millis})
        for c in counts:
            fast, passes, millis = explain(url, info["name"], entry, args.dataset,
                                           [("method", "faster-scorecam"), ("max-channels", str(c))], args.timeout)
            rows[c].append({"r": pearson(fast, exact), "constant": fast.min() == fast.max(),
                            "passes": passes, "millis": millis})
        if (i + 1) % 25 == 0:
            print(f"  {i + 1}/{len(entries)} images, {time.monotonic() - started:.0f} s", file=sys.stderr)

    command = "tools/faster_scorecam_fidelity.py " + " ".join(shlex.quote(a) for a in without_url(argv or sys.argv[1:]))
    block = "\n".join([
        f"`{command}`",
        "",
        f"Model `{info['name']}` (K = {info['channels']} channels), {len(entries)} images of `{args.dataset.name}`, "
        "each explained for its labelled class; r = Pearson correlation of the raw map with exact Score-CAM's.",
        "",
        markdown_table(summarise("all", exact_rows), [summarise(c, rows[c]) for c in counts]),
    ])
    print(block)
    print(f"{len(entries)} images in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if args.out:
        placed = place_between_markers(args.out.read_text(), block) if args.out.exists() else None
        if placed is None:
            raise SystemExit(f"{args.out} has no {BEGIN} ... {END} lines to write between")
        args.out.write_text(placed)
        print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
