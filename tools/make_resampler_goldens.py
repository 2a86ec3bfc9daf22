#!/usr/bin/env python3
"""Writes PIL's pixels for the service's three resize modes (imaging.ResamplerPilGoldenTest).

    /usr/bin/python3 tools/make_resampler_goldens.py

Three small RGB inputs are generated here (seeded noise, a scene of gradients and hard edges, a
tiny one to enlarge) and written as PNG; each case resizes one of them with PIL's own recipe
for the mode, filter BILINEAR (the antialiased tent filter):
  stretch      Image.resize((W, H))
  letterbox    ImageOps.pad((W, H), color=0): fit inside, keep the aspect ratio, centre, pad
  center-crop  ImageOps.fit((W, H)): cover, keep the aspect ratio, cut out the centre
Each case is written twice: as PIL computes it on the 8-bit RGB image (<case>.png; PIL rounds
to 8 bits after each of its two passes), and as it computes it on 32-bit float planes, one
per channel (<case>.f32: float32 little-endian [3, H, W] in 0..255, no rounding anywhere).
The Java test compares the service's Preprocessor (unnormalised, so value x 255 is the
resampled pixel) with both, each with its own tolerance.

The geometry is PIL's too; this script checks that it is the service's (Placement): where
ImageOps.pad rounds half to even a size or a margin that the service rounds otherwise, the two
would sit a pixel apart, and the script refuses such a case rather than compare shifted images.
For the stretch cases it also checks torchvision's Resize: on a PIL image it must give PIL's
bytes exactly, on a float tensor with antialias=True PIL's float planes within 1e-3 of a level.
Writes src/test/resources/golden/resampler/: the inputs, the goldens and manifest.json.
"""

import json
import math
from pathlib import Path

import numpy as np
import torch
import torchvision.transforms.functional as TF
from PIL import Image, ImageDraw, ImageOps

OUT = Path(__file__).resolve().parent.parent / "src/test/resources/golden/resampler"
BILINEAR = Image.Resampling.BILINEAR
TORCH_TOLERANCE = 1e-3  # of an 8-bit level: float32 rounding, two kernels

CASES = [  # name, input, mode, width, height
    ("noise-stretch-down", "noise", "stretch", 16, 16),
    ("scene-stretch-down", "scene", "stretch", 28, 28),
    ("small-stretch-up", "small", "stretch", 48, 40),
    ("scene-letterbox-down", "scene", "letterbox", 32, 32),
    ("noise-letterbox-down", "noise", "letterbox", 24, 24),
    ("small-letterbox-up", "small", "letterbox", 36, 36),
    ("noise-crop-down", "noise", "center-crop", 16, 16),
    ("scene-crop-down", "scene", "center-crop", 32, 32),
    ("scene-crop-tall", "scene", "center-crop", 24, 40),
    ("small-crop-up", "small", "center-crop", 32, 32),
]


def inputs():
    rng = np.random.default_rng(19)
    noise = rng.integers(0, 256, size=(23, 37, 3), dtype=np.uint8)

    y, x = np.mgrid[0:48, 0:64]
    scene = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1).clip(0, 255).astype(np.uint8)
    image = Image.fromarray(scene)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 8, 29, 30), fill=(250, 20, 30))
    draw.ellipse((36, 14, 58, 40), fill=(10, 10, 200))
    draw.line((0, 47, 63, 0), fill=(255, 255, 255), width=1)

    small = rng.integers(0, 256, size=(20, 15, 3), dtype=np.uint8)
    return {"noise": Image.fromarray(noise), "scene": image, "small": Image.fromarray(small)}


def service_geometry(mode, w, h, width, height):
    """(content width, content height, left, top) as the service's Placement places the image."""
    if mode != "letterbox":
        return None
    s = min(width / w, height / h)
    cw = max(1, min(math.floor(w * s + 0.5), width))     # Java's Math.round: half up
    ch = max(1, min(math.floor(h * s + 0.5), height))
    return cw, ch, (width - cw) // 2, (height - ch) // 2


def pil_recipe(image, mode, width, height):
    if mode == "stretch":
        return image.resize((width, height), BILINEAR)
    if mode == "letterbox":
        return ImageOps.pad(image, (width, height), BILINEAR, color=0)
    return ImageOps.fit(image, (width, height), BILINEAR)


def pil_letterbox_geometry(image, width, height):
    """Where ImageOps.pad puts the content: its bounding box on a canvas of ones."""
    ones = Image.new("L", image.size, 255)
    padded = np.asarray(ImageOps.pad(ones, (width, height), BILINEAR, color=0))
    rows, cols = np.nonzero(padded)
    return cols.max() - cols.min() + 1, rows.max() - rows.min() + 1, cols.min(), rows.min()


def float_planes(image, mode, width, height):
    rgb = np.asarray(image, dtype=np.float32)
    planes = [np.asarray(pil_recipe(Image.fromarray(rgb[..., c], mode="F"), mode, width, height))
              for c in range(3)]
    return np.stack(planes).astype("<f4")


def check_torchvision(name, image, planes, width, height):
    """torchvision's Resize gives PIL's pixels: on a PIL image (it calls PIL), and on a tensor
    with antialias=True (its own kernel) within TORCH_TOLERANCE of PIL's float planes."""
    pil_bytes = np.asarray(image.resize((width, height), BILINEAR))
    via_torchvision = np.asarray(TF.resize(image, [height, width], TF.InterpolationMode.BILINEAR))
    if not np.array_equal(via_torchvision, pil_bytes):
        raise SystemExit(f"{name}: torchvision's Resize on a PIL image is not PIL's resize")
    tensor = torch.from_numpy(np.asarray(image, dtype=np.float32)).permute(2, 0, 1)
    on_tensor = TF.resize(tensor, [height, width], TF.InterpolationMode.BILINEAR, antialias=True).numpy()
    difference = float(np.abs(on_tensor - planes).max())
    print(f"{name}: torchvision Resize on a tensor (antialias) vs PIL float planes: largest difference "
          f"{difference:.1e} of 255")
    if difference > TORCH_TOLERANCE:
        raise SystemExit(f"{name}: torchvision's tensor Resize is {difference} away from PIL")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    images = inputs()
    for name, image in images.items():
        image.save(OUT / f"{name}.png")
    manifest = []
    for name, source, mode, width, height in CASES:
        image = images[source]
        expected = service_geometry(mode, *image.size, width, height)
        if expected is not None:
            actual = tuple(int(v) for v in pil_letterbox_geometry(image, width, height))
            if actual != expected:
                raise SystemExit(f"{name}: ImageOps.pad places the image at {actual}, the service at {expected}")
        pil_recipe(image, mode, width, height).save(OUT / f"{name}.png")
        planes = float_planes(image, mode, width, height)
        planes.tofile(OUT / f"{name}.f32")
        if mode == "stretch":
            check_torchvision(name, image, planes, width, height)
        manifest.append({"name": name, "input": f"{source}.png", "resize": mode, "width": width, "height": height,
                         "png": f"{name}.png", "f32": f"{name}.f32"})
    (OUT / "manifest.json").write_text(json.dumps({"cases": manifest}, indent=1) + "\n")
    print(f"{len(manifest)} cases in {OUT}")


if __name__ == "__main__":
    main()
