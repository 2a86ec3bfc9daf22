#!/usr/bin/env python3
"""ROAD: remove and debias (Rong et al. 2022, "A Consistent and Efficient Evaluation Strategy
for Attribution Methods", ICML), for one saliency map of one image.

Zero-filled deletion leaks the mask's shape: a model can read where the black pixels are. ROAD
removes pixels by noisy linear imputation instead, so the removed region carries no shape:

  each removed pixel's value (every colour alike) is the weighted mean of its 8 neighbours,
  direct neighbours weighing 1/6 and diagonal ones 1/12 (the authors' `neighbors_weights`),
  those outside the image left out and the rest renormalised; removed neighbours are unknowns
  too, so all removed pixels solve one sparse linear system together (scipy's sparse LU); then
  Gaussian noise of standard deviation 0.01 (the authors' default) is added to each imputed
  value, in the model's normalised input space.

At each fraction f (the paper's 10%, 20%, ..., 90%) the first floor(f * H * W) pixels are
removed: most relevant first (MoRF: highest saliency first, a faithful map makes p_c fall fast,
lower is better) or least relevant first (LeRF: lowest first, p_c should stay, higher is
better); ties by row-major index (stable sorts). p_c is the softmax probability of the class,
and a map's MoRF and LeRF scores are the means of p_c over the fractions.
"""

import numpy as np
import torch
import torch.nn.functional as F
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import splu

FRACTIONS = tuple(round(0.1 * i, 1) for i in range(1, 10))
NOISE = 0.01
# (row offset, column offset) -> weight; they sum to 1
NEIGHBOURS = (((-1, -1), 1 / 12), ((-1, 0), 1 / 6), ((-1, 1), 1 / 12), ((0, -1), 1 / 6),
              ((0, 1), 1 / 6), ((1, -1), 1 / 12), ((1, 0), 1 / 6), ((1, 1), 1 / 12))


def impute(image, removed, noise=NOISE, rng=None):
    """`image` (C,H,W) with the pixels where `removed` (H,W) is True imputed; float64.

    For each removed pixel i with valid neighbours N(i): (sum_n w_n) x_i - sum_{n removed} w_n x_n
    = sum_{n kept} w_n v_n, one equation per removed pixel and colour.
    """
    image = np.asarray(image, dtype=np.float64)
    removed = np.asarray(removed, dtype=bool)
    channels, height, width = image.shape
    out = image.copy()
    unknown = np.flatnonzero(removed)
    if unknown.size == 0:
        return out
    if unknown.size == removed.size:
        raise ValueError("nothing left to impute from: every pixel is removed")
    variable = np.full(removed.size, -1)
    variable[unknown] = np.arange(unknown.size)
    rows, cols = np.divmod(unknown, width)
    flat = image.reshape(channels, -1)
    diagonal = np.zeros(unknown.size)
    b = np.zeros((unknown.size, channels))
    a_rows, a_cols, a_values = [], [], []
    for (dy, dx), weight in NEIGHBOURS:
        y, x = rows + dy, cols + dx
        valid = (y >= 0) & (y < height) & (x >= 0) & (x < width)
        diagonal[valid] += weight
        neighbour = np.where(valid, y * width + x, 0)
        is_unknown = valid & removed.ravel()[neighbour]
        is_known = valid & ~removed.ravel()[neighbour]
        b[is_known] += weight * flat[:, neighbour[is_known]].T
        a_rows.append(np.flatnonzero(is_unknown))
        a_cols.append(variable[neighbour[is_unknown]])
        a_values.append(np.full(int(is_unknown.sum()), -weight))
    a_rows.append(np.arange(unknown.size))
    a_cols.append(np.arange(unknown.size))
    a_values.append(diagonal)
    a = coo_matrix((np.concatenate(a_values), (np.concatenate(a_rows), np.concatenate(a_cols))),
                   shape=(unknown.size, unknown.size)).tocsc()
    # symmetric (w is the same both ways): a minimum-degree ordering of A^T + A keeps the fill low
    solved = splu(a, permc_spec="MMD_AT_PLUS_A").solve(b)
    if noise:
        rng = rng if rng is not None else np.random.default_rng(0)
        solved = solved + noise * rng.standard_normal(solved.shape)
    out.reshape(channels, -1)[:, unknown] = solved.T
    return out


def orders(saliency):
    """(MoRF, LeRF) pixel orders of a map: highest first, lowest first; ties by row-major index."""
    values = np.asarray(saliency, dtype=np.float32).ravel()
    return np.argsort(-values, kind="stable"), np.argsort(values, kind="stable")


def removal_masks(order, shape, fractions=FRACTIONS):
    """The (H,W) masks of the first floor(f * H * W) pixels of `order`, one per fraction."""
    pixels = shape[0] * shape[1]
    masks = []
    for f in fractions:
        mask = np.zeros(pixels, dtype=bool)
        mask[order[:int(f * pixels + 1e-9)]] = True
        masks.append(mask.reshape(shape))
    return masks


@torch.no_grad()
def road(model, x, saliency, target, fractions=FRACTIONS, noise=NOISE, seed=0):
    """MoRF and LeRF of map `saliency` (H,W) for class `target` of input x (1,C,H,W), normalised.

    Returns {"morf", "lerf": means of p_c over the fractions, "morfCurve", "lerfCurve",
    "fractions", "passes": images run through the model}. The noise is drawn from `seed`, the same
    draws for MoRF and LeRF at each fraction.
    """
    image = np.asarray(x, dtype=np.float64)[0]
    morf_order, lerf_order = orders(saliency)
    images = []
    for order in (morf_order, lerf_order):
        rng = np.random.default_rng(seed)
        for mask in removal_masks(order, image.shape[1:], fractions):
            images.append(impute(image, mask, noise, rng))
    batch = torch.from_numpy(np.stack(images)).to(torch.float32)
    p = F.softmax(model(batch), dim=1)[:, target].double().numpy()
    k = len(fractions)
    return {"morf": float(p[:k].mean()), "lerf": float(p[k:].mean()), "morfCurve": p[:k].tolist(),
            "lerfCurve": p[k:].tolist(), "fractions": list(fractions), "passes": len(images)}
