#!/usr/bin/env python3
"""Writes the Java test fixtures: an analytic model package and golden Score-CAM maps.

    /usr/bin/python3 tools/make_test_models.py

Run it after tools/train_demo_model.py whenever the demo model or the samples change.
Writes (relative to the repository root):
  src/test/resources/models/quadrants/{model.pt,model.yaml}   hand-built 4-class model
  src/test/resources/golden/quadrants/   manifest.json + *.f32  (all-ones input, each class)
  src/test/resources/golden/fashion-cnn/ manifest.json + *.f32  (4 samples x {true class,
                                          best other class} x logit; sneaker x probability)
Golden maps come from tools/scorecam_reference.py (float64).  Every .f32 file is float32
little-endian, row-major: inputs [3,H,W] (already normalised), saliency [H,W] in [0,1],
weights [K] (the alphas).
"""

import json
from pathlib import Path

import torch
import torch.nn.functional as F

from model_package import ScoreCamPackage, descriptor, write_package
from scorecam_reference import image_to_input, load_package, score_cam

REPO = Path(__file__).resolve().parent.parent
QUADRANTS_DIR = REPO / "src/test/resources/models/quadrants"
GOLDEN_DIR = REPO / "src/test/resources/golden"
DEMO_PACKAGE = REPO / "src/main/resources/demo-model/fashion-cnn"
QUADRANT_LABELS = ["top-left", "top-right", "bottom-left", "bottom-right"]
DEMO_SAMPLES = {"sneaker": 7, "trouser": 1, "bag": 8, "ankle-boot": 9}   # PNG -> true class


class QuadrantsModel(ScoreCamPackage):
    """A hand-built classifier whose class c logit is the ink in image quadrant c.

    features(x), x (N,3,32,32): the colour-summed image is average-pooled to a 4x4 grid g
    (each cell covers 8x8 pixels).  Channel k < 16 holds g at grid cell k (row-major) and 0
    elsewhere; channel 16 is the constant 1 and channel 17 is all zeros (constant channels:
    Score-CAM gives them a zero mask and no forward pass).  A has shape (N,18,4,4).
    head(a): summing the channels gives back g (+1 from the constant channel); the class c
    logit is gain x the sum of the 4 grid cells in quadrant c (+4, the same for every class).

    Why the answer is known: for an all-ones image every g cell is 3, so A^k is a one-hot
    bump at cell k.  Its mask M^k is a bilinear tent centred on cell k, and the score of
    class c for x*M^k is gain x the mask's mass inside quadrant c (+4; the baseline scores 4).
    Cells inside quadrant c keep (almost) all their mass there, cells outside put at most the
    tail of their tent there, so the softmax gives the 4 cells of quadrant c nearly all the
    weight and the saliency map lights exactly quadrant c.  The picture is symmetric under
    the mirror maps exchanging the quadrants.
    """

    def __init__(self, gain: float = 1.0):
        super().__init__()
        self.gain = gain
        self.register_buffer("cells", torch.eye(16).view(16, 4, 4))
        quadrant = torch.zeros(4, 4, 4)                 # quadrant[c] marks its 2x2 cells
        for c in range(4):
            r, q = divmod(c, 2)
            quadrant[c, 2 * r:2 * r + 2, 2 * q:2 * q + 2] = 1.0
        self.register_buffer("quadrants", quadrant)

    @torch.jit.export
    def features(self, x):
        grid = F.avg_pool2d(x.sum(dim=1, keepdim=True), 8)          # (N,1,4,4)
        one_hot = grid * self.cells.unsqueeze(0)                    # (N,16,4,4)
        constant = torch.ones_like(grid)
        zero = torch.zeros_like(grid)
        return torch.cat([one_hot, constant, zero], dim=1)          # (N,18,4,4)

    @torch.jit.export
    def head(self, a):
        grid = a.sum(dim=1)                                         # (N,4,4)
        return self.gain * grid.flatten(1).matmul(self.quadrants.flatten(1).t())


def write_quadrants_package(directory=QUADRANTS_DIR):
    meta = descriptor("quadrants", 32, 32, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], "stretch",
                      QUADRANT_LABELS, "features", 16)
    write_package(directory, torch.jit.script(QuadrantsModel().eval()), meta,
                  "Analytic test model (tools/make_test_models.py): class c's logit reads "
                  "quadrant c.", torch.rand(3, 3, 32, 32))
    return torch.jit.load(str(directory / "model.pt"))


def write_f32(path, tensor):
    path.write_bytes(tensor.detach().to(torch.float32).contiguous().numpy()
                     .astype("<f4").tobytes())


def golden_case(out_dir, model, name, x, target, score, input_file, extra=None):
    """Runs the reference and writes <name>.saliency.f32 / <name>.weights.f32; returns the entry."""
    result = score_cam(model, x, target, score)
    write_f32(out_dir / f"{name}.saliency.f32", result.saliency)
    write_f32(out_dir / f"{name}.weights.f32", result.weights)
    case = {"name": name, "input": input_file, "target": target, "score": score,
            "saliency": f"{name}.saliency.f32", "weights": f"{name}.weights.f32",
            "liveChannels": result.live_channels, "baselineScore": result.baseline_score}
    case.update(extra or {})
    return case


def write_manifest(out_dir, model_name, package, x_shape, channels, cases):
    manifest = {
        "model": model_name,
        "package": str(package.relative_to(REPO)),
        "reference": "tools/scorecam_reference.py, computed in float64, stored as float32",
        "format": "float32 little-endian, row-major; input [3,H,W] normalised, "
                  "saliency [H,W] in [0,1], weights [K] (softmax over all channels)",
        "inputShape": list(x_shape[1:]),
        "saliencyShape": list(x_shape[2:]),
        "channels": channels,
        "cases": cases,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def write_quadrants_goldens(model):
    out_dir = GOLDEN_DIR / "quadrants"
    out_dir.mkdir(parents=True, exist_ok=True)
    x = torch.ones(1, 3, 32, 32)
    write_f32(out_dir / "ones.input.f32", x[0])
    cases = [golden_case(out_dir, model, f"ones-{label}-logit", x, c, "logit", "ones.input.f32")
             for c, label in enumerate(QUADRANT_LABELS)]
    write_manifest(out_dir, "quadrants", QUADRANTS_DIR, x.shape, 18, cases)
    return cases


def write_demo_goldens():
    """For each sample: its true class and the model's best other class (logit), plus one
    probability case."""
    model, meta = load_package(DEMO_PACKAGE)
    out_dir = GOLDEN_DIR / "fashion-cnn"
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for sample, true_class in DEMO_SAMPLES.items():
        png = REPO / "samples" / f"{sample}.png"
        x = image_to_input(png, meta)          # 96x96 PNG: identity resize, pixel/255
        input_file = f"{sample}.input.f32"
        write_f32(out_dir / input_file, x[0])
        with torch.no_grad():
            ranked = model(x)[0].argsort(descending=True).tolist()
        assert ranked[0] == true_class, f"{png.name} is misclassified"
        targets = [("true", true_class, "logit"), ("other", ranked[1], "logit")]
        if sample == "sneaker":
            targets.append(("true", true_class, "probability"))
        for role, target, score in targets:
            extra = {"sourcePng": f"samples/{png.name}", "role": role,
                     "targetLabel": meta["labels"][target]}
            cases.append(golden_case(out_dir, model, f"{sample}-{role}-{score}", x, target,
                                     score, input_file, extra))
    write_manifest(out_dir, "fashion-cnn", DEMO_PACKAGE, x.shape,
                   int(model.features(x).shape[1]), cases)
    return cases


def main():
    torch.manual_seed(0)
    quadrants = write_quadrants_package()
    cases = write_quadrants_goldens(quadrants) + write_demo_goldens()
    for case in cases:
        print(f"{case['name']}: target {case['target']} ({case['score']}), "
              f"live {case['liveChannels']}")


if __name__ == "__main__":
    main()
