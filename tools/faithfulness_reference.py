#!/usr/bin/env python3
"""Independent float64 reference of the faithfulness metrics the service reports (metrics=true).

    /usr/bin/python3 tools/faithfulness_reference.py --package src/main/resources/demo-model/fashion-cnn \
        --image samples/sneaker.png --map /tmp/map.f32 [--target 7] [--steps 20]

Given a model package, a normalised input x (1,3,H,W) and a saliency map L (H,W) in [0,1] for
class c, with p_c the softmax probability of class c (as in both papers):
  Y = p_c(x), O = p_c(x * L)                  (Score-CAM paper 4.3, from Grad-CAM++ eq. 19-20)
  drop     = max(0, Y - O) / Y                 this image's term of Average Drop
  increase = O > Y                             this image's term of Average Increase
  pixels ranked by L, highest first, ties by row-major index (a stable sort);
  after step i = 0..steps the first n_i = floor(i*H*W/steps) pixels (all colours) are
  deletion:  set to 0, the model's mean colour (Petsiuk et al. 2018, RISE)
  insertion: copied from x into blur(x), an 11x11 Gaussian (sigma 5) with zero padding (RISE's)
  AUC = trapezoid rule of p_c over the fractions n_i / (H*W), 0 to 1; the curves are p_c at
  those fractions (--curves prints them, as the service's fractions, deletionCurve, insertionCurve).
Everything, the model included, runs in float64.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from scorecam_reference import as_float64, image_to_input, load_package

BLUR_SIZE = 11
BLUR_SIGMA = 5.0


def gaussian_blur(x):
    """RISE's insertion substrate: per-colour 2-D Gaussian (11x11, sigma 5), zero padding."""
    j = torch.arange(BLUR_SIZE, dtype=torch.float64) - BLUR_SIZE // 2
    g = torch.exp(-j ** 2 / (2 * BLUR_SIGMA ** 2))
    g = g / g.sum()
    kernel = torch.outer(g, g).expand(x.shape[1], 1, BLUR_SIZE, BLUR_SIZE)
    return F.conv2d(x, kernel, padding=BLUR_SIZE // 2, groups=x.shape[1])


def probability(model, batch, target):
    return F.softmax(model(batch), dim=1)[:, target]


def curve(model, start, finish, order, steps, target):
    """p_c as the ranked pixels go from `start` to `finish`, at each of the steps + 1 points."""
    _, channels, height, width = start.shape
    pixels = height * width
    counts = [i * pixels // steps for i in range(steps + 1)]
    images = []
    for n in counts:
        image = start.clone().view(channels, pixels)
        chosen = torch.from_numpy(order[:n])
        image[:, chosen] = finish.view(channels, pixels)[:, chosen]
        images.append(image.view(1, channels, height, width))
    p = torch.cat([probability(model, batch, target) for batch in torch.cat(images).split(32)])
    return np.array(counts, dtype=np.float64) / pixels, p.numpy()


def trapezoid(fractions, values):
    return float(np.sum((fractions[1:] - fractions[:-1]) * (values[1:] + values[:-1]) / 2))


@torch.no_grad()
def faithfulness(model, x, saliency, target, steps=20, model_is_float64=False):
    """The four metrics (and the curves) of map `saliency` (H,W) for class `target` of input x."""
    if not model_is_float64:
        model = as_float64(model)
    x = torch.as_tensor(x).to(torch.float64)
    mask = torch.as_tensor(saliency).to(torch.float64)
    y = probability(model, x, target).item()
    o = probability(model, x * mask, target).item()
    order = np.argsort(-np.asarray(saliency, dtype=np.float32).ravel(), kind="stable")
    fractions, deletion = curve(model, x, torch.zeros_like(x), order, steps, target)
    _, insertion = curve(model, gaussian_blur(x), x, order, steps, target)
    return {
        "score": y,
        "maskedScore": o,
        "averageDrop": max(0.0, y - o) / y,
        "increase": bool(o > y),
        "deletion": trapezoid(fractions, deletion),
        "insertion": trapezoid(fractions, insertion),
        "steps": steps,
        "fractions": fractions.tolist(),
        "deletionCurve": deletion.tolist(),
        "insertionCurve": insertion.tolist(),
    }


def main():
    parser = argparse.ArgumentParser(description="Reference faithfulness metrics of one saliency map.")
    parser.add_argument("--package", required=True, help="model package directory")
    parser.add_argument("--image", required=True, help="a PNG, or a float32 LE [3,H,W] normalised .f32")
    parser.add_argument("--map", required=True, help="float32 LE [H,W] saliency map in [0,1]")
    parser.add_argument("--target", type=int, help="class index (default: predicted class)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--curves", action="store_true", help="also the curves and their fractions")
    args = parser.parse_args()
    model, meta = load_package(args.package)
    height, width = meta["input"]["height"], meta["input"]["width"]
    if args.image.endswith(".f32"):
        x = torch.from_numpy(np.fromfile(args.image, dtype="<f4").reshape(1, 3, height, width))
    else:
        x = image_to_input(args.image, meta)
    saliency = np.fromfile(args.map, dtype="<f4").reshape(height, width)
    target = args.target
    if target is None:
        with torch.no_grad():
            target = int(model(x).argmax())
    metrics = faithfulness(model, x, saliency, target, args.steps)
    if not args.curves:
        metrics = {k: v for k, v in metrics.items() if k != "fractions" and not k.endswith("Curve")}
    print(json.dumps(metrics, indent=1))


if __name__ == "__main__":
    main()
