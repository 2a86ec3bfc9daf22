#!/usr/bin/env bash
# Writes the WebP and TIFF uploads of the hostile corpus (HostileInputTest, ImageDecoderTest) to
# src/test/resources/images/, with Debian's encoders: cwebp and img2webp (package webp), tiffcp
# (libtiff-tools) and Pillow (python3-pil). Deterministic; run again after changing it and commit
# the files. The truncated variants are cut from these by the tests themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/test/resources/images
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 40x30 pictures: a gradient with a square, as RGB, RGBA (a transparent stripe) and three frames.
/usr/bin/python3 - "$work" <<'PY'
import sys
from PIL import Image, ImageDraw

work = sys.argv[1]

def picture(shift=0):
    image = Image.new("RGB", (40, 30))
    image.putdata([((x * 6 + shift) % 256, y * 8, 128) for y in range(30) for x in range(40)])
    ImageDraw.Draw(image).rectangle((10 + shift // 20, 8, 24 + shift // 20, 20), fill=(250, 250, 40))
    return image

picture().save(f"{work}/rgb.png")
rgba = picture().convert("RGBA")
rgba.putalpha(Image.new("L", (40, 30), 255))
ImageDraw.Draw(rgba).rectangle((0, 0, 39, 4), fill=(0, 0, 0, 0))
rgba.save(f"{work}/rgba.png")
for frame in range(3):
    picture(40 * frame).save(f"{work}/frame{frame}.png")
# 7000x7000 = 49 million pixels, more than scorecam.limits.max-pixels (40 million): one colour, so
# the files stay a few kilobytes, as a decompression bomb would.
Image.new("RGB", (7000, 7000), (20, 20, 20)).save(f"{work}/huge.png")
Image.new("1", (7000, 7000), 0).save(f"{work}/huge-bilevel.tiff", compression="group4")

picture().save(f"{work}/rgb-lzw.tiff", compression="tiff_lzw")
picture().convert("CMYK").save(f"{work}/cmyk.tiff", compression="tiff_deflate")
grey16 = Image.new("I;16", (40, 30))
grey16.putdata([(x * 1600 + y * 50) % 65536 for y in range(30) for x in range(40)])
grey16.save(f"{work}/grey16.tiff")
picture().save(f"{work}/two-pages.tiff", save_all=True,
               append_images=[Image.new("RGB", (64, 64), (0, 0, 255))], compression="tiff_lzw")
PY

cwebp -quiet -q 80 -metadata none "$work/rgb.png" -o "$out/lossy.webp"
cwebp -quiet -lossless -exact -metadata none "$work/rgba.png" -o "$out/lossless-alpha.webp"
img2webp -q 80 -d 100 -loop 0 "$work/frame0.png" "$work/frame1.png" "$work/frame2.png" -o "$out/animated.webp" >/dev/null 2>&1
cwebp -quiet -lossless -metadata none "$work/huge.png" -o "$out/huge.webp"

tiffcp -c lzw "$work/rgb-lzw.tiff" "$out/rgb-lzw.tiff"
tiffcp "$work/cmyk.tiff" "$out/cmyk.tiff"
tiffcp "$work/grey16.tiff" "$out/grey16.tiff"
tiffcp "$work/two-pages.tiff" "$out/two-pages.tiff"
tiffcp -c g4 "$work/huge-bilevel.tiff" "$out/huge.tiff"
ls -l "$out"
