#!/usr/bin/env python3
"""Score-CAM of the demo detector cut at other layers of the same frozen weights (no retraining).

    /usr/bin/python3 tools/detector_cut_sweep.py /tmp/detection-canvases --layers 2,5,6 \
        --rules overlap,match [--limit 15]

The bundled package exposes one cut (features = the backbone); its frozen graph still holds every
convolution (batch norms folded), so they are read back in order and run as plain convolutions:
layers 0-5 the backbone (after each ReLU; 5 is the package's target layer), 6 the head's 3x3
conv, 7 the prediction conv, then the package's own CenterDecoder. Score-CAM (float32, the
service's formula: min-max masks, baseline the zero input, softmax of S_k - S_b over channels)
of each found garment's detection is measured as tools/evaluate_detections.py measures the
service's maps, for each cut and box rule (BoxScore). A question the package split cannot ask
the service: which layer would localise best.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from evaluate import box_mask
from evaluate_detections import FOUND_SCORE, RULES, BoxScore, listed, markdown_table, match, measure, summarise
from model_package import CenterDecoder

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src/main/resources/demo-model/fashion-detector"
# (stride, dilation) of the 3x3 convs, as tools/train_detector.py builds them: the backbone, then the head's
PLAN = [(2, 1), (2, 1), (2, 1), (1, 1), (1, 2), (1, 4), (1, 1)]
CLASSES, STRIDE, MAX_DETECTIONS = 10, 8, 16


class Cut(torch.nn.Module):
    """The frozen detector's convolutions, cut after layer `layer`: features() and forward()."""

    def __init__(self, package, layer):
        super().__init__()
        self.convs = [(node.inputsAt(1).toIValue(), node.inputsAt(2).toIValue())
                      for method in (package.features, package.head) for node in method.graph.nodes()
                      if node.kind() == "aten::conv2d"]
        if len(self.convs) != len(PLAN) + 1:
            raise SystemExit(f"expected {len(PLAN) + 1} convolutions, found {len(self.convs)}")
        self.layer = layer
        self.decoder = CenterDecoder(STRIDE, MAX_DETECTIONS)

    def _run(self, h, start, stop):
        for i in range(start, stop + 1):
            weight, bias = self.convs[i]
            if i < len(PLAN):
                stride, dilation = PLAN[i]
                h = F.relu(F.conv2d(h, weight, bias, stride, dilation, dilation))
            else:
                h = F.conv2d(h, weight, bias)
        return h

    def features(self, x):
        return self._run(x, 0, self.layer)

    def forward(self, x):
        p = self._run(self.features(x), self.layer + 1, len(PLAN))
        return self.decoder(p[:, :CLASSES], p[:, CLASSES:CLASSES + 2], torch.sigmoid(p[:, CLASSES + 2:]))


@torch.no_grad()
def score_cam(model, x):
    """The service's Score-CAM of a one-score model (float32), the map at the input size in [0,1]."""
    a = model.features(x)
    size = x.shape[2:]
    live = a[0].flatten(1).amax(1) > a[0].flatten(1).amin(1)
    u = F.interpolate(a, size=size, mode="bilinear", align_corners=False)[0]
    lo, hi = u.flatten(1).amin(1).view(-1, 1, 1), u.flatten(1).amax(1).view(-1, 1, 1)
    masks = (u - lo) / (hi - lo + 1e-8)
    baseline = model(torch.zeros_like(x))[0, 0]
    scores = torch.full((len(masks),), float(baseline))
    scores[live] = model(x * masks[live].unsqueeze(1))[:, 0]
    weights = F.softmax(scores - baseline, 0)
    cam = F.relu((weights.view(-1, 1, 1) * a[0]).sum(0))
    saliency = F.interpolate(cam[None, None], size=size, mode="bilinear", align_corners=False)[0, 0]
    top, bottom = saliency.max(), saliency.min()
    return torch.zeros_like(saliency) if top <= 0 or top == bottom else (saliency - bottom) / (top - bottom)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path, help="tools/make_detection_canvases.py's directory")
    parser.add_argument("--layers", default="5", help="cuts: 0-5 backbone, 6 the head's 3x3 conv")
    parser.add_argument("--rules", default="overlap,match")
    parser.add_argument("--limit", type=int, default=15, help="the first N canvases")
    args = parser.parse_args()
    torch.set_num_threads(2)
    package = torch.jit.load(str(PACKAGE / "model.pt")).eval()
    cuts = {layer: Cut(package, layer) for layer in map(int, args.layers.split(","))}
    rules = args.rules.split(",")
    assert all(rule in RULES for rule in rules), rules
    entries = json.loads((args.dataset / "annotations.json").read_text())["images"][:args.limit]
    rows = {(layer, rule): [] for layer in cuts for rule in rules}
    started = time.monotonic()
    for entry in entries:
        pixels = np.asarray(Image.open(args.dataset / entry["file"]).convert("RGB"), dtype=np.float32) / 255
        x = torch.from_numpy(pixels).permute(2, 0, 1)[None]
        with torch.no_grad():
            found = package(x)[0]
        detections = listed(found, FOUND_SCORE)
        masks = [box_mask(b, (1, 1, 0, 0), x.shape[2], x.shape[3]) for b in entry["boxes"]]
        for g, (box, cls) in enumerate(zip(entry["boxes"], entry["classes"])):
            index = match(box, cls, detections)
            if index is None:
                continue
            others = [m for k, m in enumerate(masks) if k != g]
            for (layer, rule), out in rows.items():
                model = BoxScore(cuts[layer], found[index][:4], found[index][5], "logit", rule)
                out.append({**measure(score_cam(model, x).numpy(), masks[g], others), "millis": 0.0})
    print(f"{len(entries)} canvases of {args.dataset}, {time.monotonic() - started:.0f} s; "
          "layer 5 is the package's target layer")
    print(markdown_table([summarise(f"layer {layer}, {rule}", out) for (layer, rule), out in rows.items()]))


if __name__ == "__main__":
    main()
