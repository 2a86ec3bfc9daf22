"""fashion_canvas.py: determinism and ground-truth boxes."""

import pytest
import torch

from fashion_canvas import BOX_THRESHOLD, LABELS, load_fashion_mnist, make_canvases


@pytest.fixture(scope="module")
def garments():
    images, labels = load_fashion_mnist("test")
    assert images.shape == (10000, 28, 28) and images.dtype == torch.uint8
    assert labels.shape == (10000,) and int(labels.max()) == len(LABELS) - 1
    return images[:32]


def canvases(garments, seed, **kwargs):
    return make_canvases(garments, torch.Generator().manual_seed(seed), **kwargs)


def test_same_seed_same_canvases(garments):
    a, b = canvases(garments, 5, flip=True), canvases(garments, 5, flip=True)
    assert torch.equal(a.images, b.images) and torch.equal(a.boxes, b.boxes)
    c = canvases(garments, 6, flip=True)
    assert not torch.equal(a.images, c.images)


@pytest.mark.parametrize("size", [(96, 96), (160, 240)])
def test_boxes_are_the_tight_bounds_of_the_garment(garments, size):
    batch = canvases(garments, 11, size=size, scale_range=(1.0, 2.0))
    h, w = size
    assert batch.images.shape == (len(garments), 3, h, w)
    assert 0 <= batch.images.min() and batch.images.max() <= 1
    for alpha, (x0, y0, x1, y1) in zip(batch.alpha, batch.boxes.tolist()):
        inside = torch.zeros(h, w, dtype=torch.bool)
        inside[y0:y1, x0:x1] = True
        garment = alpha > BOX_THRESHOLD
        assert garment.any()
        assert not (garment & ~inside).any()                  # the box contains the garment
        assert garment[y0].any() and garment[y1 - 1].any()   # and is tight
        assert garment[:, x0].any() and garment[:, x1 - 1].any()
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        assert 28 <= max(x1 - x0, y1 - y0) + 2 and max(x1 - x0, y1 - y0) <= 2 * 28 + 2


def test_garment_stands_out_from_the_background(garments):
    batch = canvases(garments, 12)
    for image, alpha in zip(batch.images, batch.alpha):
        assert image[:, alpha > 0.5].mean() > image[:, alpha == 0].mean()
