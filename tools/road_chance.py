#!/usr/bin/env python3
"""ROAD's chance level: MoRF and LeRF of random maps shaped like a CAM, over the first N images.

    /usr/bin/python3 tools/road_chance.py PACKAGE DATASET_DIR N GRID

Each image's map is uniform noise on a GRID x GRID grid (seeded by the image's place), upsampled
bilinearly to the model's input; ROAD as tools/evaluate.py computes it (tools/road.py, the same
noise seeds). A method whose MoRF and LeRF sit near these numbers orders pixels no better than chance.
"""

import json
import sys
from pathlib import Path

import numpy as np
import torch

import road
from scorecam_reference import image_to_input, load_package


def main():
    package, dataset, n, grid = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(2)
    model, meta = load_package(package)
    entries = json.loads((dataset / "annotations.json").read_text())["images"][:n]
    height, width = meta["input"]["height"], meta["input"]["width"]
    scores = []
    for i, entry in enumerate(entries):
        x = image_to_input(dataset / entry["file"], meta).numpy()
        coarse = torch.from_numpy(np.random.default_rng(1000 + i).random((1, 1, grid, grid)))
        saliency = torch.nn.functional.interpolate(coarse, size=(height, width), mode="bilinear",
                                                   align_corners=False)[0, 0].numpy().astype(np.float32)
        result = road.road(model, x, saliency, entry["label"], seed=i)
        scores.append((result["morf"], result["lerf"]))
    scores = np.array(scores)
    print(f"random {grid}x{grid} maps upsampled, {n} images: MoRF {scores[:, 0].mean():.3f} "
          f"LeRF {scores[:, 1].mean():.3f}")


if __name__ == "__main__":
    main()
