"""Fashion-MNIST garments placed on cluttered RGB canvases.

Shared by ``train_demo_model.py`` (training and test sets, samples, the evaluation set) and
by the tests.  Everything here is vectorised over a batch and driven by an explicit
``torch.Generator``, so a given seed always yields the same canvases, boxes and labels.

A canvas is built in four steps:
  1. background: a random dark base colour plus low-contrast coloured blobs and lines;
  2. the 28x28 garment is scaled by s in ``scale_range`` (so it covers 28*s canvas pixels),
     optionally mirrored, and placed at a uniformly random position (one ``grid_sample``);
  3. the garment is tinted with a random colour and composited over the background;
  4. gaussian noise is added and the result clipped to [0, 1].
The ground-truth box is the bounding box of the garment's non-background pixels after
resampling (warped garment intensity > ``BOX_THRESHOLD``), in canvas pixel coordinates.
"""

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

DATA_DIR = Path("/usr/share/datasets/fashion-mnist")

LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

GARMENT_SIZE = 28          # Fashion-MNIST images are 28x28, background exactly 0
BOX_THRESHOLD = 0.05       # warped intensity above which a canvas pixel belongs to the garment
NOISE_STD = 0.03           # gaussian pixel noise added to every canvas
BLOBS_PER_IMAGE = 4
LINES_PER_IMAGE = 3


def load_fashion_mnist(split: str, data_dir: Path = DATA_DIR):
    """Returns (images uint8 [N,28,28], labels int64 [N]) for split 'train' or 't10k'/'test'."""
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(data_dir / f"{prefix}-images-idx3-ubyte.gz", "rb") as f:
        raw = f.read()
    # IDX header: magic, count, rows, cols as big-endian int32, then the pixels.
    count, rows, cols = np.frombuffer(raw, dtype=">i4", count=3, offset=4)
    images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows, cols)
    with gzip.open(data_dir / f"{prefix}-labels-idx1-ubyte.gz", "rb") as f:
        raw = f.read()
    labels = np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int64)
    return torch.from_numpy(images.copy()), torch.from_numpy(labels)


@dataclass
class CanvasBatch:
    images: torch.Tensor   # float32 [B,3,H,W] in [0,1]
    boxes: torch.Tensor    # int64 [B,4] = x0,y0,x1,y1 (pixel edges; x1,y1 exclusive)
    alpha: torch.Tensor    # float32 [B,H,W] warped garment intensity (for tests)


def _uniform(gen, shape, low, high):
    return low + (high - low) * torch.rand(shape, generator=gen)


def _colourise(maps, rgb):
    """sum_n maps[b,n,h,w] * rgb[b,n,c] -> [b,c,h,w] (a batched matmul; faster than einsum)."""
    b, n, h, w = maps.shape
    return torch.bmm(rgb.transpose(1, 2), maps.reshape(b, n, h * w)).view(b, 3, h, w)


def _background(gen, b, h, w):
    """Dark base colour + soft coloured blobs + thin soft lines, clipped to [0,1]."""
    ys = torch.arange(h, dtype=torch.float32).view(1, 1, h, 1) + 0.5
    xs = torch.arange(w, dtype=torch.float32).view(1, 1, 1, w) + 0.5
    base = _uniform(gen, (b, 3, 1, 1), 0.0, 0.25)

    # Gaussian blobs: [B,n,H,W] intensities, each with its own colour.
    n = BLOBS_PER_IMAGE
    cx = _uniform(gen, (b, n, 1, 1), 0, w)
    cy = _uniform(gen, (b, n, 1, 1), 0, h)
    sigma = _uniform(gen, (b, n, 1, 1), 4.0, 16.0)
    amp = _uniform(gen, (b, n, 1, 1), 0.03, 0.2)
    blobs = amp * torch.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * sigma ** 2))
    blob_rgb = torch.rand((b, n, 3), generator=gen)
    clutter = _colourise(blobs, blob_rgb)

    # Infinite lines through a random point at a random angle, soft width ~1 px.
    n = LINES_PER_IMAGE
    px = _uniform(gen, (b, n, 1, 1), 0, w)
    py = _uniform(gen, (b, n, 1, 1), 0, h)
    theta = _uniform(gen, (b, n, 1, 1), 0, np.pi)
    width = _uniform(gen, (b, n, 1, 1), 0.5, 1.5)
    amp = _uniform(gen, (b, n, 1, 1), 0.05, 0.2)
    dist = (xs - px) * torch.sin(theta) - (ys - py) * torch.cos(theta)
    lines = amp * torch.exp(-(dist / width) ** 2)
    line_rgb = torch.rand((b, n, 3), generator=gen)
    clutter = clutter + _colourise(lines, line_rgb)
    return (base + clutter).clamp(0, 1)


def _place_garments(gen, garments, h, w, scale_range, flip):
    """Scales, mirrors and translates each garment onto an HxW grid; returns [B,H,W] in [0,1]."""
    b = garments.shape[0]
    s = _uniform(gen, (b,), *scale_range)
    side = GARMENT_SIZE * s
    x0 = torch.rand(b, generator=gen) * (w - side)
    y0 = torch.rand(b, generator=gen) * (h - side)
    mirror = torch.ones(b)
    if flip:
        mirror = torch.where(torch.rand(b, generator=gen) < 0.5, -1.0, 1.0)
    return warp_garments(garments, h, w, x0, y0, side, mirror)


def warp_garments(garments, h, w, x0, y0, side, mirror):
    """Draws garment i as a side[i]-pixel square with its top-left corner at (x0[i], y0[i]),
    mirrored where mirror[i] is -1, on an HxW grid; returns the intensities [B,H,W] in [0,1]."""
    b = garments.shape[0]
    # affine_grid maps output coords o in [-1,1] (align_corners=False) to source coords:
    # canvas pixel u = (o+1)*W/2, garment pixel g = (u - x0)/s, source coord = 2g/28 - 1.
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = mirror * w / side
    theta[:, 0, 2] = mirror * ((w - 2 * x0) / side - 1)
    theta[:, 1, 1] = h / side
    theta[:, 1, 2] = (h - 2 * y0) / side - 1
    grid = F.affine_grid(theta, [b, 1, h, w], align_corners=False)
    src = garments.float().unsqueeze(1) / 255.0
    return F.grid_sample(src, grid, mode="bilinear", padding_mode="zeros",
                         align_corners=False).squeeze(1)


def _boxes(alpha):
    """Bounding boxes [x0,y0,x1,y1) of pixels with alpha > BOX_THRESHOLD (zeros if none)."""
    mask = alpha > BOX_THRESHOLD
    boxes = torch.zeros(alpha.shape[0], 4, dtype=torch.int64)
    for i, m in enumerate(mask):
        rows = torch.nonzero(m.any(dim=1)).flatten()
        cols = torch.nonzero(m.any(dim=0)).flatten()
        if len(rows):
            boxes[i] = torch.tensor([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1])
    return boxes


def make_backgrounds(count, gen, size=(96, 96), chunk=1000):
    """A pool of clutter backgrounds [count,3,H,W] (training reuses them: they cost the most)."""
    return torch.cat([_background(gen, min(chunk, count - i), *size)
                      for i in range(0, count, chunk)])


def make_canvases(garments, gen, size=(96, 96), scale_range=(1.0, 2.0), flip=False,
                  backgrounds=None):
    """Builds one canvas per garment.

    garments: uint8 [B,28,28]; gen: torch.Generator (all randomness comes from it);
    size: (height, width); scale_range: garment scale factor range (1.0 = 28 px);
    flip: mirror garments at random (training augmentation);
    backgrounds: optional [B,3,H,W] backgrounds to use instead of drawing new ones.
    """
    h, w = size
    b = garments.shape[0]
    background = _background(gen, b, h, w) if backgrounds is None else backgrounds
    alpha = _place_garments(gen, garments, h, w, scale_range, flip)
    tint = _uniform(gen, (b, 3, 1, 1), 0.45, 1.0)
    # The garment is mostly opaque wherever it has ink; its colour is intensity x tint.
    opacity = (3 * alpha).clamp(0, 1).unsqueeze(1)
    canvas = background * (1 - opacity) + alpha.unsqueeze(1) * tint
    canvas = canvas + NOISE_STD * torch.randn(canvas.shape, generator=gen)
    return CanvasBatch(canvas.clamp(0, 1), _boxes(alpha), alpha)


def to_uint8(images):
    """float [B,3,H,W] in [0,1] -> uint8 numpy [B,H,W,3], as written to PNG."""
    return (images.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


@dataclass
class SceneBatch:
    images: torch.Tensor   # float32 [B,3,H,W] in [0,1]
    boxes: torch.Tensor    # float32 [B,S,4] = x0,y0,x1,y1 (pixel edges; x1,y1 exclusive)
    classes: torch.Tensor  # int64 [B,S], -1 where slot s holds no garment


MAX_OVERLAP = 0.25         # a garment's square may cover at most this share of an earlier one's
PLACEMENT_TRIES = 8


def _tight_boxes(alpha):
    """Vectorised _boxes: [B,H,W] -> float [B,4] bounding boxes of alpha > BOX_THRESHOLD."""
    mask = alpha > BOX_THRESHOLD
    rows, cols = mask.any(dim=2).float(), mask.any(dim=1).float()
    h, w = alpha.shape[1:]
    return torch.stack([cols.argmax(1), rows.argmax(1),
                        w - cols.flip(1).argmax(1), h - rows.flip(1).argmax(1)], dim=1).float()


def _positions(gen, count, side, h, w):
    """Top-left corners [B,S,2] for the garment squares; a slot whose square overlaps an earlier
    one by more than MAX_OVERLAP of either area in every one of PLACEMENT_TRIES draws is dropped.
    Returns (corners, kept [B,S] bool)."""
    b, slots = side.shape
    u = torch.rand((b, slots, PLACEMENT_TRIES, 2), generator=gen)
    corners = torch.zeros(b, slots, 2)
    kept = torch.zeros(b, slots, dtype=torch.bool)
    for i in range(b):
        placed = []
        for s in range(int(count[i])):
            d = float(side[i, s])
            for t in range(PLACEMENT_TRIES):
                x, y = float(u[i, s, t, 0]) * (w - d), float(u[i, s, t, 1]) * (h - d)
                if all(_overlap(x, y, d, px, py, pd) <= MAX_OVERLAP * min(d, pd) ** 2
                       for px, py, pd in placed):
                    placed.append((x, y, d))
                    corners[i, s] = torch.tensor([x, y])
                    kept[i, s] = True
                    break
    return corners, kept


def _overlap(x, y, d, px, py, pd):
    return max(0.0, min(x + d, px + pd) - max(x, px)) * max(0.0, min(y + d, py + pd) - max(y, py))


def make_scenes(garments, labels, gen, size=(128, 128), count_range=(1, 4),
                scale_range=(1.0, 2.2), flip=False, backgrounds=None):
    """Canvases with count_range[0]..count_range[1] garments each, drawn from `garments` (uint8
    [N,28,28]) with their `labels`; one canvas per background if `backgrounds` is given, else
    `len(garments) // count_range[1]` canvases.  Garments are scaled, placed so that they barely
    overlap (MAX_OVERLAP), tinted and composited in slot order; boxes are tight as in make_canvases.
    """
    h, w = size
    slots = count_range[1]
    b = len(backgrounds) if backgrounds is not None else len(garments) // slots
    background = _background(gen, b, h, w) if backgrounds is None else backgrounds
    count = torch.randint(count_range[0], slots + 1, (b,), generator=gen)
    pick = torch.randint(len(garments), (b, slots), generator=gen)
    side = GARMENT_SIZE * _uniform(gen, (b, slots), *scale_range)
    mirror = torch.ones(b, slots)
    if flip:
        mirror = torch.where(torch.rand((b, slots), generator=gen) < 0.5, -1.0, 1.0)
    tint = _uniform(gen, (b, slots, 3, 1, 1), 0.45, 1.0)
    corners, kept = _positions(gen, count, side, h, w)

    canvas = background
    boxes = torch.zeros(b, slots, 4)
    classes = torch.full((b, slots), -1, dtype=torch.int64)
    for s in range(slots):
        alpha = warp_garments(garments[pick[:, s]], h, w, corners[:, s, 0], corners[:, s, 1],
                              side[:, s], mirror[:, s]) * kept[:, s].view(b, 1, 1)
        opacity = (3 * alpha).clamp(0, 1).unsqueeze(1)
        canvas = canvas * (1 - opacity) + alpha.unsqueeze(1) * tint[:, s]
        boxes[:, s] = _tight_boxes(alpha) * kept[:, s].view(b, 1)
        classes[:, s] = torch.where(kept[:, s], labels[pick[:, s]], -1)
    canvas = canvas + NOISE_STD * torch.randn(canvas.shape, generator=gen)
    return SceneBatch(canvas.clamp(0, 1), boxes, classes)


BOX_FORMAT = ("[x0, y0, x1, y1] in canvas pixels; x1, y1 exclusive; the bounding box of the garment's "
              "non-background pixels (warped intensity > 0.05)")


def write_annotations(out_dir, description, items):
    """annotations.json of a canvas set with garment boxes: the header, then one line per image
    ({"file", "boxes", "classes"}), so that diffs of the file stay readable."""
    header = {"description": description, "labels": LABELS, "boxFormat": BOX_FORMAT}
    text = json.dumps(header, indent=1)[:-2] + ',\n "images": [\n'
    text += ",\n".join("  " + json.dumps(item) for item in items) + "\n ]\n}\n"
    (Path(out_dir) / "annotations.json").write_text(text)
