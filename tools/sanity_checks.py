#!/usr/bin/env python3
"""Sanity checks of the service's methods (Adebayo et al. 2018, "Sanity checks for saliency maps"):
how much of each map survives when the model's parameters are randomised.

    /usr/bin/python3 tools/sanity_checks.py RANDOMISED_DIR DATASET_DIR --url URL [--count 40]
        [--methods a,b] [--field sscam:samples=8] [--maps maps.npz] [--out docs/evaluation.md]
        [--figure docs/images/sanity-fashion-cnn.png]

(tools/evaluate.sh --sanity makes RANDOMISED_DIR with tools/randomise_package.py, starts the
packaged jar serving it, and calls this.) RANDOMISED_DIR/randomisations.json names the trained
model and its randomised copies: the cascade (the top stage, fc, then stage by stage toward the
input) and the independent randomisation of the target layer's stage alone. --count images taken
evenly over DATASET_DIR's list (datasets/fashion-canvas-eval lists 20 per class in class order, so
40 are 4 of each class) are explained for their labelled class, by every method
(GET /v1/methods) on every model, and each randomised model's map compared with the trained
model's map of the same image and class:
  Spearman rho  rank correlation of the maps' pixels (Pearson correlation of the ranks, ties
                given their mean rank), as Adebayo et al. compare maps; 0 when either map is
                constant (an all-zero map has no order);
  SSIM          structural similarity (Wang et al. 2004) of the two [0,1] maps as the
                scikit-image default computes it: 7x7 uniform windows, sample covariances,
                K1 = 0.01, K2 = 0.03, data range 1, averaged over the windows that fit whole.
Both are computed here in numpy (no scipy or scikit-image on this machine);
tools/tests/test_sanity_checks.py checks them against hand-computed cases.
Chance is the same similarity between the trained model's maps of two different images (image i
against image i+1): what two unrelated maps share (the centre bias of maps on centred garments).
A method passes a randomisation when the mean rho and the mean SSIM are both at most 0.5 (the
maps are no longer the trained model's, Adebayo et al.'s Figure 2 reading); the table marks them.
"""

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

import scorecam_client as client
from evaluate import decode_map, get

PASS_BELOW = 0.5
BEGIN = "<!-- sanity:{model}:begin -->"
END = "<!-- sanity:{model}:end -->"


# ---- the maths, apart from HTTP so that the tests can check it on hand cases ----

def rank(values):
    """Ranks 1..n of a flat array, ties given the mean of their ranks (scipy's rankdata 'average')."""
    values = np.asarray(values, dtype=np.float64).ravel()
    order = np.argsort(values, kind="mergesort")
    place = np.empty(len(values), dtype=np.int64)
    place[order] = np.arange(len(values))
    sorted_values = values[order]
    new_value = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    group = np.cumsum(new_value)[place]                  # 1-based group of equal values
    bounds = np.r_[np.flatnonzero(new_value), len(values)]  # where each group starts, and the end
    return 0.5 * (bounds[group - 1] + 1 + bounds[group])


def spearman(a, b):
    """Spearman's rank correlation of two maps' pixels; 0 when either is constant."""
    ra, rb = rank(a), rank(b)
    ra -= ra.mean()
    rb -= rb.mean()
    denominator = np.sqrt(np.sum(ra * ra) * np.sum(rb * rb))
    return float(np.sum(ra * rb) / denominator) if denominator > 0 else 0.0


def _window_means(image, size):
    """Means of every size x size window that fits whole, by a summed-area table: (H-size+1, W-size+1)."""
    table = np.zeros((image.shape[0] + 1, image.shape[1] + 1))
    table[1:, 1:] = np.cumsum(np.cumsum(image, axis=0), axis=1)
    sums = table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]
    return sums / (size * size)


def ssim(a, b, data_range=1.0, window=7, k1=0.01, k2=0.03):
    """Mean structural similarity of two 2-D maps, as skimage.metrics.structural_similarity with
    its defaults (uniform window, sample covariance) and data_range, over whole windows."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n = window * window
    unbiased = n / (n - 1)
    mean_a, mean_b = _window_means(a, window), _window_means(b, window)
    var_a = unbiased * (_window_means(a * a, window) - mean_a * mean_a)
    var_b = unbiased * (_window_means(b * b, window) - mean_b * mean_b)
    cov = unbiased * (_window_means(a * b, window) - mean_a * mean_b)
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    index = ((2 * mean_a * mean_b + c1) * (2 * cov + c2)) / ((mean_a ** 2 + mean_b ** 2 + c1) * (var_a + var_b + c2))
    return float(index.mean())


def compare(trained, randomised):
    """Mean Spearman rho and SSIM over the images: two [N,H,W] stacks of maps."""
    rho = [spearman(t, r) for t, r in zip(trained, randomised)]
    structure = [ssim(t, r) for t, r in zip(trained, randomised)]
    return float(np.mean(rho)), float(np.mean(structure))


def chance(trained):
    """compare() of each image's map against the next image's (the last against the first)."""
    return compare(trained, np.roll(trained, -1, axis=0))


def spread(items, count):
    """`count` items taken evenly over the list, the first one first."""
    return [items[int(i)] for i in np.linspace(0, len(items), min(count, len(items)), endpoint=False)]


def passes(rho, structure):
    return rho <= PASS_BELOW and structure <= PASS_BELOW


def column_names(manifest):
    """A short heading per randomisation: '+fc', '+body.8', ..., 'only body.8'."""
    names = []
    for r in manifest["randomisations"]:
        names.append(f"only {r['stages'][0]}" if r["kind"] == "independent" else f"+{r['stages'][-1]}")
    return names


def markdown_table(manifest, results):
    """results[method] = {"chance": (rho, ssim), model name: (rho, ssim), ...}."""
    headings = column_names(manifest)
    models = [r["model"] for r in manifest["randomisations"]]
    cascade = [r["model"] for r in manifest["randomisations"] if r["kind"] == "cascade"]
    independent = [r["model"] for r in manifest["randomisations"] if r["kind"] == "independent"]
    lines = ["| method | " + " | ".join(headings) + " | chance (other image) | passes |",
             "|---|" + "---:|" * (len(headings) + 1) + "---|"]
    for method, row in results.items():
        cells = [f"{row[m][0]:.2f} / {row[m][1]:.2f}" for m in models]
        verdict = [f"fc {'yes' if passes(*row[cascade[0]]) else 'no'}",
                   f"cascade {'yes' if all(passes(*row[m]) for m in cascade[1:]) else 'no'}",
                   f"target layer {'yes' if all(passes(*row[m]) for m in independent) else 'no'}"]
        lines.append(f"| `{method}` | " + " | ".join(cells) + f" | {row['chance'][0]:.2f} / {row['chance'][1]:.2f} | "
                     + ", ".join(verdict) + " |")
    return "\n".join(lines)


def jet(values):
    """[H,W] in [0,1] -> uint8 [H,W,3], the jet colour scale."""
    v = np.clip(values, 0, 1)[..., None]
    return (np.clip(1.5 - np.abs(4 * v - np.array([3.0, 2.0, 1.0])), 0, 1) * 255).astype(np.uint8)


# ---- the service ----

def explain(url, model, method, fields, path, label, timeout):
    answer = client.explain(url, model, path.read_bytes(), fields=[("target", str(label)), ("method", method),
                                                                   *fields],
                            filename=path.name, image_type="application/octet-stream", timeout=timeout)
    if answer.status != 200:
        raise SystemExit(f"{model} {method} {path.name}: {answer.status} {answer.text(2000)}")
    return decode_map(answer.json()["explanations"][0]["saliency"])


def variants(listed, weighted):
    """The configurations to check: each method of GET /v1/methods by its name, and for the methods
    in `weighted` also each other value of its `weighting` parameter, as 'scorecam weighting=probability'."""
    result = []
    for method in listed:
        result.append(method["name"])
        parameter = next((p for p in method.get("parameters", []) if p["name"] == "weighting"), None)
        if parameter and method["name"] in weighted:
            result += [f"{method['name']} weighting={v}" for v in parameter["enum"] if v != parameter["default"]]
    return result


def request_fields(variant, extra):
    """(method, fields) of a configuration: 'scorecam weighting=probability' -> scorecam, [(weighting, probability)]."""
    method, *settings = variant.split(" ")
    return method, [tuple(s.split("=", 1)) for s in settings] + extra.get(method, [])


def method_fields(specs):
    """{'sscam': [('samples', '8')]} from ['sscam:samples=8', ...]."""
    fields = {}
    for spec in specs:
        method, assignment = spec.split(":", 1)
        name, value = assignment.split("=", 1)
        fields.setdefault(method, []).append((name, value))
    return fields


def figure(out, image_path, manifest, maps, methods, index):
    """One image's maps, one row per method, one column per model (trained, then the cascade)."""
    from PIL import Image, ImageDraw
    scale, caption = 1, 12
    models = [manifest["trained"]] + [r["model"] for r in manifest["randomisations"] if r["kind"] == "cascade"]
    headings = ["trained"] + [h for h, r in zip(column_names(manifest), manifest["randomisations"])
                              if r["kind"] == "cascade"]
    image = Image.open(image_path).convert("RGB")
    side = image.width * scale
    label_width = 90
    sheet = Image.new("RGB", (label_width + side * (len(models) + 1), caption + side * len(methods)), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((label_width + 2, 0), "input", fill="black")
    for c, heading in enumerate(headings):
        draw.text((label_width + side * (c + 1) + 2, 0), heading, fill="black")
    for r, method in enumerate(methods):
        y = caption + r * side
        sheet.paste(image.resize((side, side)), (label_width, y))
        draw.text((2, y + side // 2 - 5), method, fill="black")
        for c, model in enumerate(models):
            saliency = maps[f"{model}/{method}"][index]
            heat = Image.fromarray(jet(saliency)).resize((side, side), Image.BILINEAR)
            sheet.paste(Image.blend(image.resize((side, side)), heat, 0.6), (label_width + side * (c + 1), y))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.convert("P", palette=Image.ADAPTIVE, colors=128).save(out, optimize=True)
    print(f"{out}: {image_path.name}, {out.stat().st_size} bytes", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("randomised", type=Path, help="directory written by tools/randomise_package.py")
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--count", type=int, default=40, help="images, taken evenly over the dataset's list")
    parser.add_argument("--methods", help="comma-separated configurations, e.g. gradcam,'scorecam weighting=probability'; "
                        "default: all of GET /v1/methods and the --weightings variants")
    parser.add_argument("--weightings", default="scorecam",
                        help="methods checked with each value of their weighting parameter (comma-separated)")
    parser.add_argument("--field", action="append", default=[], metavar="METHOD:NAME=VALUE",
                        help="a request field for one method, e.g. sscam:samples=8 (repeatable)")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--maps", type=Path, help="npz of the maps: those it holds are not asked for again; "
                        "the others are added to it")
    parser.add_argument("--out", type=Path, help="Markdown file with the sanity markers of the trained model")
    parser.add_argument("--figure", type=Path, help="PNG of one image's maps along the cascade")
    parser.add_argument("--figure-image", type=int, default=0, help="which of the images the figure shows")
    parser.add_argument("--command", help="the command line to print above the table")
    args = parser.parse_args(argv)

    manifest = json.loads((args.randomised / "randomisations.json").read_text())
    annotations = json.loads((args.dataset / "annotations.json").read_text())
    entries = spread(annotations["images"], args.count)
    url = args.url.rstrip("/")
    models = [manifest["trained"]] + [r["model"] for r in manifest["randomisations"]]
    extra = method_fields(args.field)

    listed = args.methods.split(",") if args.methods else None
    maps = {}
    if args.maps and args.maps.exists():                 # maps already fetched are not asked for again
        stored = np.load(args.maps)
        maps = {key: stored[key] for key in stored.files}
    methods = listed or variants(get(f"{url}/v1/methods")[1], args.weightings.split(","))
    for method in methods:
        missing = [model for model in models if f"{model}/{method}" not in maps]
        started = time.monotonic()
        for model in missing:
            maps[f"{model}/{method}"] = np.stack([
                explain(url, model, *request_fields(method, extra), args.dataset / e["file"], e["label"], args.timeout)
                for e in entries])
            if args.maps:
                np.savez_compressed(args.maps, **maps)
        if missing:
            print(f"{method}: {len(missing)} models x {len(entries)} images in {time.monotonic() - started:.0f} s",
                  file=sys.stderr)

    results = {}
    for method in methods:
        trained = maps[f"{manifest['trained']}/{method}"]
        row = {"chance": chance(trained)}
        for r in manifest["randomisations"]:
            row[r["model"]] = compare(trained, maps[f"{r['model']}/{method}"])
        results[method] = row
    fields = "".join(f", `{m}` with " + " ".join(f"{n}={v}" for n, v in f) for m, f in extra.items())
    command = args.command or "tools/sanity_checks.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    block = "\n".join([
        f"`{command}`",
        "",
        f"Model `{manifest['trained']}`, {len(entries)} images of `{args.dataset.name}` explained for their labelled "
        f"class (score=logit{fields}); randomisations by tools/randomise_package.py --seed {manifest['seed']}. "
        "Each cell: mean Spearman rho / mean SSIM between the trained model's map and the randomised model's. "
        "Columns `+stage`: the cascade, every stage from the top down to this one randomised; `only "
        f"{manifest['targetStage']}`: the target layer's stage alone. Passes: both means at most {PASS_BELOW} "
        "(fc: the first cascade step; cascade: every later step; target layer: the independent one).",
        "",
        markdown_table(manifest, results),
    ])
    print(block)
    if args.out:
        begin, end = BEGIN.format(model=manifest["trained"]), END.format(model=manifest["trained"])
        text = args.out.read_text() if args.out.exists() else ""
        start, stop = text.find(begin), text.find(end)
        if start < 0 or stop < start:
            text += f"\n{begin}\n{block}\n{end}\n"
        else:
            text = text[:start + len(begin)] + "\n" + block + "\n" + text[stop:]
        args.out.write_text(text)
        print(f"written to {args.out}", file=sys.stderr)
    (args.randomised / f"sanity-{manifest['trained']}.json").write_text(json.dumps(results, indent=1) + "\n")
    if args.figure:
        figure(args.figure, args.dataset / entries[args.figure_image]["file"], manifest, maps, methods,
               args.figure_image)


if __name__ == "__main__":
    main()
