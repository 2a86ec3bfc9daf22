#!/usr/bin/env python3
"""Independent torch reference of Score-CAM (Wang et al., 2020), used to write the goldens.

    /usr/bin/python3 tools/scorecam_reference.py --package src/main/resources/demo-model/fashion-cnn \
        --image samples/sneaker.png [--target 7] [--score probability] [--out /tmp/cam.png]

For a normalised input x (1,3,H,W), a model package module (forward, features, head) and a
class c:
  A     = features(x)                                   activations (1,K,h,w)
  U^k   = bilinear upsample of A^k to (H,W), align_corners=False
  M^k   = (U^k - min U^k) / (max U^k - min U^k + 1e-8)  masks; a constant channel -> zero mask
  S_k   = score_c(forward(x * M^k))                     masked scores
  S_b   = score_c(forward(0))                           baseline (x * zero mask)
  alpha = softmax_k(S_k - S_b) over ALL K channels      constant channels have S_k = S_b
  L     = relu(sum_k alpha_k A^k) at (h,w), upsampled bilinearly to (H,W), min-max to [0,1]
          (all zeros if max <= 0 or max == min)
score_c is the logit (default) or the softmax probability of class c.

Precision: everything, the model included, runs in float64 (a float64 copy of the model).
A channel counts as live when its activation map A^k is not constant (max A^k > min A^k);
that is the same as U^k not being constant, without trusting rounding in the upsampling.
Constant channels get no forward pass: their masked input is the baseline, so S_k = S_b.
"""

import argparse
import copy
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from PIL import Image

from model_package import cast_constants, is_frozen, load_portable

MASK_EPS = 1e-8


@dataclass
class ScoreCamResult:
    saliency: torch.Tensor        # float64 [H,W] in [0,1]
    weights: torch.Tensor         # float64 [K], alpha (softmax over channels)
    scores: torch.Tensor          # float64 [K], S_k (S_b for constant channels)
    baseline_score: float         # S_b
    live_channels: int            # channels with a non-constant activation map
    cam: torch.Tensor             # float64 [h,w], relu(sum_k alpha_k A^k) before upsampling


def as_float64(model):
    """A float64 copy of an nn.Module or TorchScript module (the caller's model is untouched)."""
    try:
        clone = copy.deepcopy(model)
    except Exception:                       # some ScriptModules refuse deepcopy: round-trip
        buffer = io.BytesIO()
        torch.jit.save(model, buffer)
        buffer.seek(0)
        clone = torch.jit.load(buffer)
    if isinstance(clone, torch.jit.ScriptModule) and is_frozen(clone):   # weights are graph constants
        cast_constants(clone, torch.float64)
    with warnings.catch_warnings():
        # .double() reads .grad of a script module's non-leaf parameters: harmless, noisy
        warnings.filterwarnings("ignore", message="The .grad attribute of a Tensor that is not a leaf")
        return clone.double().eval()


def class_score(logits, target, score):
    """Score of class `target` per row: the logit, or the softmax probability."""
    if score == "logit":
        return logits[:, target]
    if score == "probability":
        return F.softmax(logits, dim=1)[:, target]
    raise ValueError(f"score must be 'logit' or 'probability', not {score!r}")


def upsample(maps, size):
    return F.interpolate(maps, size=size, mode="bilinear", align_corners=False)


def masks_from_activations(activations, size):
    """M^k: each upsampled channel min-max scaled to [0,1]; returns (masks [K,H,W], live [K])."""
    a = activations[0]
    live = a.flatten(1).amax(1) > a.flatten(1).amin(1)
    u = upsample(activations, size)[0]
    lo = u.flatten(1).amin(1).view(-1, 1, 1)
    hi = u.flatten(1).amax(1).view(-1, 1, 1)
    masks = (u - lo) / (hi - lo + MASK_EPS)
    masks[~live] = 0.0
    return masks, live


def masked_scores(model, x, masks, live, target, score, baseline, batch_size):
    """S_k for every channel: forward passes of x*M^k for live channels, S_b for the rest."""
    scores = torch.full((masks.shape[0],), baseline, dtype=torch.float64)
    live_idx = torch.nonzero(live).flatten()
    for start in range(0, len(live_idx), batch_size):
        idx = live_idx[start:start + batch_size]
        batch = x * masks[idx].unsqueeze(1)            # (n,1,H,W) broadcast over colours
        scores[idx] = class_score(model(batch), target, score)
    return scores


def normalise(saliency):
    """Min-max to [0,1]; all zeros when the map has no positive maximum or is flat."""
    hi, lo = saliency.max(), saliency.min()
    if hi <= 0 or hi == lo:
        return torch.zeros_like(saliency)
    return (saliency - lo) / (hi - lo)


@torch.no_grad()
def score_cam(model, x, target, score="logit", batch_size=64, model_is_float64=False):
    """Score-CAM of class `target` for the normalised input x (1,3,H,W)."""
    if not model_is_float64:
        model = as_float64(model)
    x = x.to(torch.float64)
    size = tuple(x.shape[2:])
    activations = model.features(x)                                      # A
    masks, live = masks_from_activations(activations, size)               # M^k
    baseline = class_score(model(torch.zeros_like(x)), target, score).item()   # S_b
    scores = masked_scores(model, x, masks, live, target, score, baseline, batch_size)  # S_k
    weights = F.softmax(scores - baseline, dim=0)                         # alpha
    cam = F.relu((weights.view(-1, 1, 1) * activations[0]).sum(0))       # L at (h,w)
    saliency = normalise(upsample(cam[None, None], size)[0, 0])
    return ScoreCamResult(saliency, weights, scores, baseline, int(live.sum()), cam)


def load_package(directory):
    """(TorchScript model, model.yaml dict) of a model package directory: its portable network
    (model.portable.pt, with parameters that .double() reaches) where it has one, else model.pt."""
    directory = Path(directory)
    meta = yaml.safe_load((directory / "model.yaml").read_text())
    return load_portable(directory), meta


def image_to_input(path, meta):
    """PNG -> normalised (1,3,H,W) float32: stretched to the input size, /255, (x-mean)/std.

    Transparency is composited over the mean colour (0 after normalisation, "no signal", as the
    server does), after resizing colours premultiplied by alpha.
    """
    size = (meta["input"]["width"], meta["input"]["height"])
    mean = torch.tensor(meta["input"]["mean"], dtype=torch.float32).view(3, 1, 1)
    std = torch.tensor(meta["input"]["std"], dtype=torch.float32).view(3, 1, 1)
    image = Image.open(path)
    transparent = image.mode in ("RGBA", "LA", "PA", "RGBa") or "transparency" in image.info
    image = image.convert("RGBA").convert("RGBa") if transparent else image.convert("RGB")
    if image.size != size:
        image = image.resize(size, Image.BILINEAR)
    x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)
    if transparent:
        x = x[:3] + (1 - x[3:]) * mean
    return ((x - mean) / std)[None]


def main():
    parser = argparse.ArgumentParser(description="Reference Score-CAM of one image.")
    parser.add_argument("--package", required=True, help="model package directory")
    parser.add_argument("--image", required=True)
    parser.add_argument("--target", type=int, help="class index (default: predicted class)")
    parser.add_argument("--score", choices=["logit", "probability"], default="logit")
    parser.add_argument("--out", help="write the saliency map as a grey PNG")
    args = parser.parse_args()
    model, meta = load_package(args.package)
    x = image_to_input(args.image, meta)
    with torch.no_grad():
        probs = F.softmax(model(x), dim=1)[0]
    target = int(probs.argmax()) if args.target is None else args.target
    result = score_cam(model, x, target, args.score)
    print(f"class {target} ({meta['labels'][target]}), p={probs[target]:.4f}, "
          f"live channels {result.live_channels}/{len(result.weights)}")
    if args.out:
        Image.fromarray((result.saliency.numpy() * 255).round().astype(np.uint8)).save(args.out)


if __name__ == "__main__":
    main()
