#!/usr/bin/env python3
"""Seconds per Score-CAM map at 224 px for each torchvision classifier family, on this CPU.

    nice -n 5 /usr/bin/python3 tools/family_timings.py [ARCH...]

Each family is exported the way tools/export_model.py does by default (its default target layer,
fx or hook split, layout), then timed: the median of 3 rounds of one batch of 8 forward passes of
the package (torch 1.13, 2 threads), per image.  A Score-CAM map costs K + 2 forward images
(K masked inputs, the baseline, the input's own pass), so seconds per map = (K + 2) x that; the
service's engine forwards as fast as torch here (docs/load.md).  Prints a Markdown table and
the load average before and after.
"""

import os
import statistics
import sys
import time

import torch

import export_model

ARCHS = ["resnet18", "vgg11", "densenet121", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0",
         "regnet_y_400mf", "convnext_tiny", "vit_b_16", "swin_t", "maxvit_t"]


def main(archs):
    torch.set_num_threads(2)
    print(f"load average before: {os.getloadavg()}", flush=True)
    print("| family (arch) | target layer | split | layout | K x h x w | s / forward image | s / Score-CAM map |")
    print("|---|---|---|---|---|---:|---:|")
    for arch in archs:
        model = export_model.build_model(arch, None, None, 0)
        layer = export_model.default_target_layer(arch, model)
        x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
        package, layout, how = export_model.split_package(model, layer, x)
        with torch.no_grad():
            a = package.features(x)
            batch = torch.randn(8, 3, 224, 224)
            package(batch)
            rounds = []
            for _ in range(3):
                t0 = time.perf_counter()
                package(batch)
                rounds.append((time.perf_counter() - t0) / 8)
        per_image = statistics.median(rounds)
        k, h, w = a.shape[1:]
        print(f"| {arch} | {layer} | {'hooks' if 'hooks' in how else 'fx'} | {layout.kind}"
              f"{', prefix ' + str(layout.prefix_tokens) if layout.prefix_tokens else ''} | {k} x {h} x {w} "
              f"| {per_image:.3f} | {(k + 2) * per_image:.0f} |", flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main(sys.argv[1:] or ARCHS)
