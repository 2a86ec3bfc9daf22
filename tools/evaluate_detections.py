#!/usr/bin/env python3
"""Localisation of detector explanations on multi-garment canvases, through a running service.

    /usr/bin/python3 tools/make_detection_canvases.py /tmp/detection-canvases
    /usr/bin/python3 tools/evaluate_detections.py /tmp/detection-canvases --url http://localhost:8080 \
        [--model fashion-detector] [--methods scorecam,eigencam] [--score logit] [--box-rule overlap] \
        [--min-score 0.3] [--limit N] [--out docs/evaluation.md]

(tools/evaluate.sh calls this for a dataset whose annotations list `boxes`.) With --reference
PACKAGE no service is asked: the package's own detections and the Python references' maps
(scorecam_reference.score_cam; cam_reference's eigen_cam, ablation_cam, recipro_cam; float64), a box scored as the service
scores it (BoxScore, by the same --box-rule), stand in: a cross-check of the service's numbers.
For each canvas the service's detections come from POST /v1/models/{model}/detections; each ground-truth garment
that the detector found (a detection of its class scored --min-score or more, 0.3 as the page
shows them, with IoU >= 0.5; the best-overlapping one) is
explained with `detection=i` by each method, and its raw map (JSON) is measured against the
ground-truth boxes, mapped onto the model input like evaluate.py does:
  Pointing %            100 x share of explained garments whose map maximum lies in their own box
  Energy own %          100 x mean share of the map's energy inside the garment's own box
  Energy other %        the same inside another garment's box (less the own box), averaged
                        over the other garments, over the canvases with more than one garment
  Own > every other %   100 x share of those garments with more energy in their own box than
                        in any other garment's
  ms / explanation      mean stats.computeMillis
  Deletion, Insertion   with --metrics: mean AUCs of the service's faithfulness curves of the
                        box's score p (metrics=true; lower deletion, higher insertion is better)
The table goes between `<!-- detection-evaluation:begin -->` and `...:end -->` of --out.
"""

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

import scorecam_client as client
from cam_reference import ablation_cam, eigen_cam, recipro_cam
from detection_map import iou
from evaluate import box_mask, decode_map, energy_in_box, placement
from scorecam_reference import as_float64, load_package, score_cam

BEGIN = "<!-- detection-evaluation:begin -->"
END = "<!-- detection-evaluation:end -->"
MATCH_IOU = 0.5
RULES = ("overlap", "match")
FOUND_SCORE = 0.3   # the page lists the detections scored this or more
RESCORING = {"ablation-cam": ablation_cam, "recipro-cam": recipro_cam}


# ---- the maths, apart from HTTP so the tests can check it on tiny fakes ----

def listed(rows, min_score):
    """[(box, class)] of a detector's rows (N_D, 6) scored min_score or more, padding left out: best
    first, as the service lists them (leaving out the weak ones only shortens the list from the end)."""
    return [(r[:4].tolist(), int(r[5])) for r in rows if r[5] >= 0 and r[4] >= min_score]


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
    """Pointing hit and energy shares of one map: the own mask, and each other garment's mask
    less the own (mean share and whether the own beats every one of them)."""
    row = {"hit": pointing_hit(saliency, own), "own": energy_in_box(saliency, own)}
    if others:
        shares = [energy_in_box(saliency, m & ~own) for m in others]
        row["other"] = float(np.mean(shares))
        row["beats"] = row["own"] > max(shares)
    return row


def summarise(method, rows):
    crowded = [r for r in rows if "other" in r]
    mean = lambda key, rs: 100 * float(np.mean([r[key] for r in rs])) if rs else float("nan")
    return {"method": method,
            "Pointing %": mean("hit", rows),
            "Energy own %": mean("own", rows),
            "Energy other %": mean("other", crowded),
            "Own > every other %": mean("beats", crowded),
            "ms / explanation": float(np.mean([r["millis"] for r in rows])),
            "garments": len(rows), "with others": len(crowded),
            **{c: float(np.mean([r[k] for r in rows]))
               for c, k in CURVES.items() if rows and all(k in r for r in rows)}}


COLUMNS = ["method", "Pointing %", "Energy own %", "Energy other %", "Own > every other %",
           "ms / explanation", "garments", "with others"]
CURVES = {"Deletion AUC": "deletion", "Insertion AUC": "insertion"}


def markdown_table(summaries):
    curves = [c for c in CURVES if all(c in s for s in summaries)]
    columns = COLUMNS + curves
    lines = ["| " + " | ".join(columns) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(columns) - 1)) + "|"]
    for s in summaries:
        cells = [f"`{s['method']}`"] + [f"{s[c]:.1f}" for c in COLUMNS[1:6]] \
            + [str(s["garments"]), str(s["with others"])] + [f"{s[c]:.3f}" for c in curves]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---- where detections and maps come from: the service, or the Python references ----

def post(url, path, image, fields, timeout):
    body, content_type = client.multipart(image, path.name, "image/png", fields)
    return client.call("POST", url, body, {"Content-Type": content_type,
                                           "Accept": "application/json"}, timeout)


class Service:
    def __init__(self, url, model, score, rule, min_score, timeout, metrics_steps=None):
        self.url, self.model, self.score, self.rule, self.timeout = url, model, score, rule, timeout
        self.min_score, self.metrics_steps = min_score, metrics_steps
        self.info = client.get_json(f"{url}/v1/models/{model}")

    def detections(self, path):
        """[(box in image pixels, class index)] as the service lists them."""
        answer = post(f"{self.url}/v1/models/{self.model}/detections", path, path.read_bytes(),
                      [("min-score", str(self.min_score))], self.timeout)
        if answer.status != 200:
            raise SystemExit(f"{path.name}: detections: {answer.status} {answer.text(2000)}")
        return [([d["box"][k] for k in ("x0", "y0", "x1", "y1")], d["classIndex"])
                for d in answer.json()["detections"]]

    def explain(self, path, method, index):
        """(raw map at the model input's size, stats.computeMillis, {deletion, insertion} or {}) of
        detection `index`; `method` is a method's name, or `name:param=value[;param=value]` (e.g.
        `scorecam:weighting=relu-increase`)."""
        name, _, params = method.partition(":")
        extra = [tuple(p.split("=", 1)) for p in params.split(";") if p]
        if self.metrics_steps:
            extra += [("metrics", "true"), ("metrics-steps", str(self.metrics_steps))]
        answer = post(f"{self.url}/v1/models/{self.model}/explanations", path, path.read_bytes(),
                      [("detection", str(index)), ("method", name), ("score", self.score),
                       ("box-rule", self.rule)] + extra,
                      self.timeout)
        if answer.status != 200:
            raise SystemExit(f"{path.name}: detection {index}, {method}: {answer.status} "
                             f"{answer.text(2000)}")
        body = answer.json()
        explanation = body["explanations"][0]
        curves = {k: explanation["faithfulness"][k] for k in CURVES.values()} if self.metrics_steps else {}
        return decode_map(explanation["saliency"]), body["stats"]["computeMillis"], curves


class BoxScore(torch.nn.Module):
    """A detector seen as a one-score model, for the classifier references, as the service
    scores a box (cam/BoxTarget): p = the best score x IoU with `box` of its detections of class
    `cls` (rule "overlap"), or the score of the one that overlaps `box` best with IoU >= MATCH_IOU
    (rule "match"); 0 when none; S = p (probability) or log(p / (1 - p)) with p clipped to
    [1e-4, 1 - 1e-4] (logit)."""

    def __init__(self, detector, box, cls, score="logit", rule="overlap"):
        super().__init__()
        if rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
        self.detector, self.box, self.cls, self.score, self.rule = detector, box, cls, score, rule

    def features(self, x):
        return self.detector.features(x)

    def forward(self, x):
        return self.scored(self.detector(x))

    def head(self, a):
        """The box's score from the target layer's activations, through the detector's head
        (for Ablation-CAM's and Recipro-CAM's rescoring)."""
        return self.scored(self.detector.head(a))

    def scored(self, rows):
        b = rows[..., :4]
        ix = (torch.minimum(b[..., 2], self.box[2]) - torch.maximum(b[..., 0], self.box[0])).clamp(min=0)
        iy = (torch.minimum(b[..., 3], self.box[3]) - torch.maximum(b[..., 1], self.box[1])).clamp(min=0)
        area = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
        own = (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])
        overlap = ix * iy / (area + own - ix * iy).clamp(min=1e-12)
        same = rows[..., 5] == self.cls
        if self.rule == "overlap":
            p = (rows[..., 4] * overlap * same).amax(1, keepdim=True)             # (N,1)
        else:
            candidate = same & (overlap >= MATCH_IOU)
            best = torch.where(candidate, overlap, torch.full_like(overlap, -1.0)).argmax(1, keepdim=True)
            p = rows[..., 4].gather(1, best) * candidate.gather(1, best)           # (N,1)
        if self.score == "probability":
            return p
        p = p.clamp(1e-4, 1 - 1e-4)
        return torch.log(p / (1 - p))


class Reference:
    """The same questions answered in Python (float64): the package's own detections, Score-CAM
    (scorecam_reference), EigenCAM, Ablation-CAM and Recipro-CAM (cam_reference) of a detection.
    Canvases at the input size."""

    def __init__(self, package, score, rule, min_score):
        self.score, self.rule, self.min_score = score, rule, min_score
        model, meta = load_package(package)
        self.detector = as_float64(model)
        self.info = meta
        self.rows = {}

    def _input(self, path):
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB"), dtype=np.float64) / 255
        size = (self.info["input"]["height"], self.info["input"]["width"])
        if pixels.shape[:2] != size:
            raise SystemExit(f"{path.name}: the reference takes canvases of the input size {size}")
        mean, std = (torch.tensor(self.info["input"][k], dtype=torch.float64).view(1, 3, 1, 1)
                     for k in ("mean", "std"))
        return (torch.from_numpy(pixels).permute(2, 0, 1)[None] - mean) / std

    @torch.no_grad()
    def detections(self, path):
        rows = self.detector(self._input(path))[0]
        self.rows[path] = rows
        return listed(rows, self.min_score)

    def explain(self, path, method, index):
        x = self._input(path)
        row = self.rows[path][index]
        started = time.perf_counter()
        scored = BoxScore(self.detector, row[:4], row[5], self.score, self.rule)
        if method == "scorecam":
            saliency = score_cam(scored, x, 0, model_is_float64=True).saliency
        elif method in RESCORING:
            saliency = RESCORING[method](scored, x, 0).saliency   # BoxScore gives S itself
        elif method == "eigencam":
            saliency = eigen_cam(self.detector, x, 0).saliency
        else:
            raise SystemExit(f"the reference has scorecam, eigencam, {', '.join(RESCORING)}, not {method}")
        return saliency.numpy(), 1000 * (time.perf_counter() - started), {}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path, help="directory with canvases and annotations.json")
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--model", default="fashion-detector")
    parser.add_argument("--reference", type=Path, metavar="PACKAGE",
                        help="no service: detections and maps from the Python references on this package")
    parser.add_argument("--methods", default="scorecam,eigencam",
                        help="comma-separated; a method may carry parameters: scorecam:weighting=relu-increase")
    parser.add_argument("--score", default="logit", choices=["logit", "probability"],
                        help="the score Score-CAM reads of a box's detection (the service's `score`)")
    parser.add_argument("--box-rule", default="overlap", choices=RULES,
                        help="how a masked input's detections score the box (the service's `box-rule`)")
    parser.add_argument("--min-score", type=float, default=FOUND_SCORE,
                        help="a garment counts as found by a detection scored this or more (the page's 0.3)")
    parser.add_argument("--metrics", type=int, metavar="STEPS",
                        help="also the service's deletion and insertion AUCs in STEPS steps (metrics=true)")
    parser.add_argument("--limit", type=int, help="only the first N canvases")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per request")
    parser.add_argument("--out", type=Path, help="Markdown file to write the table into")
    parser.add_argument("--command", help="the command line to print above the table")
    args = parser.parse_args(argv)

    url = args.url.rstrip("/")
    notes = json.loads((args.dataset / "annotations.json").read_text())
    entries = notes["images"][:args.limit] if args.limit else notes["images"]
    if args.metrics and args.reference:
        raise SystemExit("--metrics asks the service; the reference has no faithfulness curves")
    source = Reference(args.reference, args.score, args.box_rule, args.min_score) if args.reference else \
        Service(url, args.model, args.score, args.box_rule, args.min_score, args.timeout, args.metrics)
    info = source.info
    size = (info["input"]["width"], info["input"]["height"])
    methods = args.methods.split(",")
    rows = {m: [] for m in methods}
    truths = found = 0
    started = time.monotonic()
    for n, entry in enumerate(entries):
        path = args.dataset / entry["file"]
        with Image.open(path) as image:
            geometry = placement(info["input"]["resize"], image.size, size)
        detections = source.detections(path)
        masks = [box_mask(b, geometry, size[1], size[0]) for b in entry["boxes"]]
        for g, (box, cls) in enumerate(zip(entry["boxes"], entry["classes"])):
            truths += 1
            index = match(box, cls, detections)
            if index is None:
                continue
            found += 1
            others = [m for k, m in enumerate(masks) if k != g]
            for method in methods:
                saliency, millis, curves = source.explain(path, method, index)
                rows[method].append({**measure(saliency, masks[g], others), "millis": millis, **curves})
        if (n + 1) % 20 == 0:
            print(f"  {n + 1}/{len(entries)} canvases, {time.monotonic() - started:.0f} s", file=sys.stderr)

    summaries = [summarise(m, rows[m]) for m in methods]
    command = args.command or "tools/evaluate_detections.py " + " ".join(
        shlex.quote(a) for a in (argv or sys.argv[1:]))
    block = "\n".join([
        f"`{command}`",
        "",
        f"Model `{info['name']}`, {len(entries)} canvases of `{args.dataset.name}` with {truths} garments; "
        f"{found} found by the detector (a detection of the garment's class scored {args.min_score} or more, "
        f"IoU >= {MATCH_IOU}), "
        + ("each explained by the Python references (float64; ms on the reference, not the service). "
           if args.reference else "each explained with `detection=i` by each method. ")
        + f"score={args.score}, box-rule={args.box_rule}. Energy shares of the raw map inside the garment's "
        "own ground-truth box and inside another garment's box (canvases with two or more)."
        + (f" Deletion and insertion: mean AUCs of the service's faithfulness curves of the box's score p "
           f"(metrics=true, {args.metrics} steps)." if args.metrics else ""),
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
