#!/usr/bin/env python3
"""Independent float64 references of the CAM methods beside Score-CAM, from the papers' equations.

    /usr/bin/python3 tools/cam_reference.py --package src/main/resources/demo-model/fashion-cnn \
        --image samples/sneaker.png --method gradcam++ [--target 7] [--score probability]

Written from the papers, not from the Java code; tools/make_method_goldens.py writes the goldens
the Java tests compare with. Notation as tools/scorecam_reference.py: x (1,3,H,W) normalised,
A = features(x) (1,K,h,w), M^k the min-max normalised upsampled masks (zero for a constant
channel), S_b = score_c(forward(0)), L = relu(sum_k w_k A^k) upsampled and min-max normalised.

faster-scorecam  C = the max_channels channels of largest spatial variance of A^k (population
                 variance rounded to float32; ties: lower index); w_k = softmax over k in C of (S_k - S_b), 0 outside C.
sscam            S_k = mean_i score_c(forward(x * (M^k + delta_i))), delta_i ~ N(0, noise^2) per
                 pixel (shared by the colours), i = 1..samples; w = softmax_k(S_k - S_b); constant
                 channels keep S_k = S_b. The noise of channel k, sample i (counted from 0) is a
                 function of (seed, k, i, pixel), row-major (H,W), as float32:
                   row = mix(seed ^ mix(k << 32 | i)), x_n = mix(row + (n+1) * 0x9E3779B97F4A7C15)
                   (SplitMix64; mix is its output function), u1 = ((x_2j >> 11) + 1) / 2^53,
                   u2 = (x_2j+1 >> 11) / 2^53, delta_j = noise * sqrt(-2 ln u1) * cos(2 pi u2).
iscam            S_k = mean_{i=1..steps} score_c(forward(x * (i/steps) M^k)); w = softmax_k(S_k - S_b).
scorecam         S_k = score_c(forward(x * M^k)); w = softmax_k(S_k - S_b) (scorecam_reference.py's, here
                 for the weightings below).
weighting        the Score-CAM family's weights from the (averaged) masked scores, by `weighting`:
                 softmax        w_k = softmax over the method's channels of (S_k - S_b) (the above);
                 probability    w_k = P_k, P_k the mean softmax probability of class c of the masked
                                inputs of channel k (the Score-CAM authors' code), 0 for a constant channel;
                 relu-increase  w_k = max(0, P_k - P_b), P_b the baseline's probability;
                 the last two read probabilities whatever `score` is.
gradcam          g = d score_c / dA through head; w_k = mean_ij g^k_ij (Selvaraju et al., Eq. 1).
gradcam++        alpha_ij = g^2 / (2 g^2 + sum_ab A^k_ab g^3) (0 where g = 0), w_k = sum_ij alpha_ij
                 relu(g_ij) (Chattopadhay et al., Eq. 19 and 10 with Y = exp(S); the common factor
                 exp(S) is left out: it vanishes in the normalisation).
eigencam         X = A as (h*w, K), each column centred; v = first right singular vector of X
                 (numpy SVD), sign flipped when |min Xv| > |max Xv| (on a tie: when sum v < 0);
                 L = relu(Xv) on the grid, upsampled and normalised; weights v (Muhammad & Yeasin).
ablation-cam     S_k = score_c(head(A with channel k set to 0)) for every k; w_k = (S - S_k) / S
                 (Desai & Ramaswamy, Eq. 1).
recipro-cam      F^(i,j) = G placed at (i,j), cut at the grid's edges, times the vector A[:, i, j]
                 (G = [1 2 1; 2 4 2; 1 2 1] / 16, as the authors' code); L[i,j] = score_c(head(F^(i,j)));
                 L - min L upsampled and normalised; weights the h*w scores (Byun & Lee).
layercam         L = relu(sum_k relu(g^k) * A^k) on the grid (Jiang et al., Eq. 6-7); weights the
                 spatial means of relu(g).
hirescam         L = relu(sum_k g^k * A^k) on the grid (Draelos & Carin); weights the spatial means of g.
Every method also reports the passes it ran: forward images (the input's own, the baseline and
each masked input; constant channels cost none), backward images and head-only images (the
modified activations that Ablation-CAM and Recipro-CAM rescore through head).
"""

import argparse
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from scorecam_reference import (as_float64, class_score, image_to_input, load_package,
                                masks_from_activations, normalise, upsample)


@dataclass
class CamResult:
    saliency: torch.Tensor     # float64 [H,W] in [0,1]
    weights: torch.Tensor      # float64 [K]
    forward_images: int
    backward_images: int
    live_channels: int
    head_images: int = 0


WEIGHTINGS = ("softmax", "probability", "relu-increase")
MASK64 = (1 << 64) - 1
GAMMA = np.uint64(0x9E3779B97F4A7C15)


def splitmix(z):
    """SplitMix64's output function on uint64 values (numpy wraps the products modulo 2^64)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def mask_noise(seed, channel, sample, pixels, sigma):
    """The noise of one mask, a function of (seed, channel, sample, pixel): SplitMix64 outputs by
    counter, two uniforms per pixel, Box-Muller; as float32 values. See the module docstring."""
    with np.errstate(over="ignore"):
        key = np.array([((channel << 32) | (sample & 0xFFFFFFFF)) & MASK64], dtype=np.uint64)
        row = splitmix(np.array([seed & MASK64], dtype=np.uint64) ^ splitmix(key))[0]
        counters = np.arange(1, 2 * pixels + 1, dtype=np.uint64)
        x = splitmix(row + counters * GAMMA)
    u1 = ((x[0::2] >> np.uint64(11)).astype(np.float64) + 1) * 2.0 ** -53
    u2 = (x[1::2] >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    return (sigma * np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)).astype(np.float32)


def finish(activations, weights, size):
    weights = weights.to(activations.device)       # scores are gathered on the CPU
    cam = F.relu((weights.view(-1, 1, 1) * activations[0]).sum(0))
    return normalise(upsample(cam[None, None], size)[0, 0])


class Counted:
    """The model with its forward images counted here, in the reference."""

    def __init__(self, model):
        self.model = model
        self.images = 0

    def __call__(self, batch):
        self.images += batch.shape[0]
        return self.model(batch)


def _prepare(model, x):
    model = as_float64(model)
    x = x.to(torch.float64)
    return model, x, tuple(x.shape[2:])


def masked_mean_scores(counted, x, masks, channels, repetitions, perturb, target, score, batch_size=64):
    """S_k = mean over r of score_c(counted(x * perturb(M^k, k, r))) for k in channels, in that order."""
    rows = [(k, r) for k in channels for r in range(repetitions)]
    sums = {k: 0.0 for k in channels}
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        batch = torch.stack([perturb(masks[k], k, r) for k, r in chunk]).unsqueeze(1) * x
        scores = class_score(counted(batch), target, score)
        for (k, _), s in zip(chunk, scores.tolist()):
            sums[k] += s
    return {k: v / repetitions for k, v in sums.items()}


@torch.no_grad()
def _score_family(model, x, target, score, channels_of, repetitions, perturb, softmax_over, weighting="softmax"):
    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown weighting {weighting!r}")
    if weighting != "softmax":
        score = "probability"                            # P_k and P_b
    model, x, size = _prepare(model, x)
    counted = Counted(model)
    counted.images += 1                                  # the input's own pass (features + head)
    activations = model.features(x)
    masks, live = masks_from_activations(activations, size)
    baseline = class_score(counted(torch.zeros_like(x)), target, score).item()
    chosen = channels_of(activations, live)              # channels in the softmax
    scored = [k for k in chosen if live[k]]
    means = masked_mean_scores(counted, x, masks, scored, repetitions, perturb, target, score)
    differences = torch.zeros(len(chosen), dtype=torch.float64)
    for i, k in enumerate(chosen):
        if k in means:
            differences[i] = means[k] - baseline
    weights = torch.zeros(activations.shape[1], dtype=torch.float64)
    if weighting == "softmax":
        weights[chosen] = F.softmax(differences, dim=0)
    else:
        for k in means:                                  # scored channels only: constant ones weigh 0
            weights[k] = means[k] if weighting == "probability" else max(0.0, means[k] - baseline)
    return CamResult(finish(activations, weights, size), weights, counted.images, 0, int(live.sum()))


def largest_variance(activations, count):
    # rounded to float32 as the service does, so that channels equal up to summation order tie
    variance = activations[0].flatten(1).var(dim=1, unbiased=False).float()
    order = sorted(range(len(variance)), key=lambda k: (-variance[k].item(), k))
    return sorted(order[:count])


def score_cam(model, x, target, score="logit", weighting="softmax"):
    return _score_family(model, x, target, score, lambda a, live: list(range(a.shape[1])), 1,
                         lambda m, k, r: m, None, weighting)


def faster_score_cam(model, x, target, score="logit", max_channels=16, weighting="softmax"):
    return _score_family(model, x, target, score,
                         lambda a, live: largest_variance(a, max_channels), 1,
                         lambda m, k, r: m, None, weighting)


def ss_cam(model, x, target, score="logit", samples=35, noise=2.0, seed=0, weighting="softmax"):
    def perturb(mask, k, r):
        delta = mask_noise(seed, k, r, mask.numel(), noise)
        return mask + torch.from_numpy(delta.astype(np.float64)).to(mask.device).view_as(mask)

    return _score_family(model, x, target, score,
                         lambda a, live: list(range(a.shape[1])), samples, perturb, None, weighting)


def is_cam(model, x, target, score="logit", steps=10, weighting="softmax"):
    return _score_family(model, x, target, score,
                         lambda a, live: list(range(a.shape[1])), steps,
                         lambda m, k, r: m * ((r + 1) / steps), None, weighting)


def _gradient(model, x, target, score):
    model, x, size = _prepare(model, x)
    with torch.no_grad():
        activations = model.features(x)
    leaf = activations.clone().requires_grad_(True)
    class_score(model.head(leaf), target, score).sum().backward()
    live = activations[0].flatten(1).amax(1) > activations[0].flatten(1).amin(1)
    return activations, leaf.grad[0], size, int(live.sum())


def grad_cam(model, x, target, score="logit"):
    activations, g, size, live = _gradient(model, x, target, score)
    weights = g.flatten(1).mean(1)                                         # Eq. 1
    return CamResult(finish(activations, weights, size), weights, 1, 1, live)


def grad_cam_pp(model, x, target, score="logit"):
    activations, g, size, live = _gradient(model, x, target, score)
    g = g.flatten(1)
    a_sum = activations[0].flatten(1).sum(1, keepdim=True)
    denominator = 2 * g ** 2 + a_sum * g ** 3
    alpha = torch.where((g != 0) & (denominator != 0), g ** 2 / torch.where(denominator == 0,
                        torch.ones_like(denominator), denominator), torch.zeros_like(g))   # Eq. 19
    weights = (alpha * F.relu(g)).sum(1)                                   # Eq. 10 / exp(S)
    return CamResult(finish(activations, weights, size), weights, 1, 1, live)


def finish_grid(cam, size):
    """A map computed on the h x w grid: upsampled and normalised as every map."""
    return normalise(upsample(cam[None, None], size)[0, 0])


def _live(activations):
    flat = activations[0].flatten(1)
    return int((flat.amax(1) > flat.amin(1)).sum())


@torch.no_grad()
def eigen_cam(model, x, target, score="logit", sign_rule=True):
    """sign_rule=False keeps the sign numpy's SVD gives v (as pytorch-grad-cam, for the comparison)."""
    model, x, size = _prepare(model, x)
    activations = model.features(x)
    _, channels, h, w = activations.shape
    centred = activations[0].reshape(channels, -1).t().numpy()
    centred = centred - centred.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    v = vt[0]
    projection = centred @ v
    if sign_rule and (abs(projection.min()) > abs(projection.max()) or (
            abs(projection.min()) == abs(projection.max()) and v.sum() < 0)):
        v, projection = -v, -projection
    cam = F.relu(torch.from_numpy(projection).reshape(h, w))
    return CamResult(finish_grid(cam, size), torch.from_numpy(v.copy()), 1, 0, _live(activations))


@torch.no_grad()
def eigengap(model, x):
    """(s_1^2 - s_2^2) / s_1^2 of the centred activations: how well the first component is defined."""
    a = as_float64(model).features(x.double())[0]
    centred = a.reshape(a.shape[0], -1).t().numpy()
    s = np.linalg.svd(centred - centred.mean(axis=0), compute_uv=False)
    return float((s[0] ** 2 - s[1] ** 2) / s[0] ** 2)


@torch.no_grad()
def ablation_cam(model, x, target, score="logit"):
    model, x, size = _prepare(model, x)
    activations = model.features(x)
    y = class_score(model.head(activations), target, score).item()
    channels = activations.shape[1]
    # Zeroing a channel that is zero everywhere changes nothing (y_k = y, weight 0): no pass for it.
    nonzero = [k for k in range(channels) if activations[0, k].abs().max() > 0]
    ablated = activations.repeat(len(nonzero), 1, 1, 1)
    for row, k in enumerate(nonzero):
        ablated[row, k] = 0
    weights = torch.zeros(channels, dtype=torch.float64)
    if nonzero:
        weights[nonzero] = (y - class_score(model.head(ablated), target, score)) / y
    return CamResult(finish(activations, weights, size), weights, 1, 0, _live(activations), len(nonzero))


RECIPRO_KERNEL = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]], dtype=torch.float64) / 16


@torch.no_grad()
def recipro_cam(model, x, target, score="logit"):
    model, x, size = _prepare(model, x)
    activations = model.features(x)
    _, channels, h, w = activations.shape
    padded = torch.zeros(h * w, channels, h + 2, w + 2, dtype=torch.float64)
    for i in range(h):
        for j in range(w):
            padded[i * w + j, :, i:i + 3, j:j + 3] = activations[0, :, i, j, None, None] * RECIPRO_KERNEL
    scores = class_score(model.head(padded[:, :, 1:h + 1, 1:w + 1]), target, score)
    cam = (scores - scores.min()).reshape(h, w)
    return CamResult(finish_grid(cam, size), scores, 1, 0, _live(activations), h * w)


def _elementwise(model, x, target, score, weight_of):
    activations, g, size, live = _gradient(model, x, target, score)
    elementwise = weight_of(g)
    cam = F.relu((elementwise * activations[0]).sum(0))
    return CamResult(finish_grid(cam, size), elementwise.flatten(1).mean(1), 1, 1, live)


def layer_cam(model, x, target, score="logit"):
    return _elementwise(model, x, target, score, F.relu)


def hires_cam(model, x, target, score="logit"):
    return _elementwise(model, x, target, score, lambda g: g)


METHODS = {
    "scorecam": score_cam,
    "faster-scorecam": faster_score_cam,
    "sscam": ss_cam,
    "iscam": is_cam,
    "gradcam": grad_cam,
    "gradcam++": grad_cam_pp,
    "eigencam": eigen_cam,
    "ablation-cam": ablation_cam,
    "recipro-cam": recipro_cam,
    "layercam": layer_cam,
    "hirescam": hires_cam,
}


def main():
    parser = argparse.ArgumentParser(description="Reference CAM map of one image.")
    parser.add_argument("--package", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--method", choices=sorted(METHODS), required=True)
    parser.add_argument("--target", type=int)
    parser.add_argument("--score", choices=["logit", "probability"], default="logit")
    parser.add_argument("--weighting", choices=WEIGHTINGS, help="the Score-CAM family's channel weights")
    args = parser.parse_args()
    model, meta = load_package(args.package)
    x = image_to_input(args.image, meta)
    with torch.no_grad():
        target = int(model(x).argmax()) if args.target is None else args.target
    options = {"weighting": args.weighting} if args.weighting else {}
    result = METHODS[args.method](model, x, target, args.score, **options)
    print(f"{args.method}: class {target} ({meta['labels'][target]}), forward images "
          f"{result.forward_images}, backward images {result.backward_images}, head-only images "
          f"{result.head_images}")


if __name__ == "__main__":
    main()
