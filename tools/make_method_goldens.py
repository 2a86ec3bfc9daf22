#!/usr/bin/env python3
"""Writes the goldens of the methods beside Score-CAM (MethodGoldenTest), from tools/cam_reference.py.

    /usr/bin/python3 tools/make_method_goldens.py

Run it after tools/make_test_models.py (it reads the inputs that script wrote). Writes
src/test/resources/golden/{fashion-cnn,quadrants}/methods.json and, per case,
<name>.saliency.f32 ([H,W] in [0,1]) and <name>.weights.f32 ([K]), float32 little-endian.
For faster-scorecam it also checks that the variance ranking has a clear gap at the cut, so
that float32 activations cannot rank the channels differently from the float64 reference
(the quadrants model's ties are exact by construction and broken by index).
"""

import json
from pathlib import Path

import numpy as np
import torch

from cam_reference import METHODS, eigengap, largest_variance
from make_test_models import DEMO_PACKAGE, GOLDEN_DIR, QUADRANTS_DIR, REPO, write_f32
from scorecam_reference import as_float64, load_package

FASHION = [  # input, role, target, score, method, parameters
    ("sneaker", "true", 7, "logit", "gradcam", {}),
    ("sneaker", "true", 7, "probability", "gradcam", {}),
    ("bag", "other", None, "logit", "gradcam", {}),
    ("trouser", "true", 1, "logit", "gradcam", {}),
    ("sneaker", "true", 7, "logit", "gradcam++", {}),
    ("sneaker", "true", 7, "probability", "gradcam++", {}),
    ("bag", "other", None, "logit", "gradcam++", {}),
    ("trouser", "true", 1, "logit", "gradcam++", {}),
    ("sneaker", "true", 7, "logit", "faster-scorecam", {"max-channels": 16}),
    ("sneaker", "true", 7, "probability", "faster-scorecam", {"max-channels": 16}),
    ("bag", "true", 8, "logit", "faster-scorecam", {"max-channels": 8}),
    ("ankle-boot", "true", 9, "logit", "faster-scorecam", {"max-channels": 32}),
    ("sneaker", "true", 7, "logit", "iscam", {"steps": 3}),
    ("trouser", "other", None, "logit", "iscam", {"steps": 2}),
    ("sneaker", "true", 7, "logit", "sscam", {"samples": 2, "noise": 0.5, "seed": 7}),
    ("bag", "true", 8, "probability", "sscam", {"samples": 2, "noise": 2.0, "seed": 0}),
    ("sneaker", "true", 7, "logit", "eigencam", {}),
    ("trouser", "true", 1, "logit", "eigencam", {}),
    ("sneaker", "true", 7, "logit", "ablation-cam", {}),
    ("sneaker", "true", 7, "probability", "ablation-cam", {}),
    ("bag", "other", None, "logit", "ablation-cam", {}),
    ("sneaker", "true", 7, "probability", "recipro-cam", {}),
    ("sneaker", "true", 7, "logit", "recipro-cam", {}),
    ("ankle-boot", "other", None, "probability", "recipro-cam", {}),
    ("sneaker", "true", 7, "logit", "layercam", {}),
    ("sneaker", "true", 7, "probability", "layercam", {}),
    ("bag", "other", None, "logit", "layercam", {}),
    ("sneaker", "true", 7, "logit", "hirescam", {}),
    ("sneaker", "true", 7, "probability", "hirescam", {}),
    ("bag", "other", None, "logit", "hirescam", {}),
    ("sneaker", "true", 7, "logit", "scorecam", {"weighting": "probability"}),
    ("sneaker", "true", 7, "logit", "scorecam", {"weighting": "relu-increase"}),
    ("bag", "other", None, "probability", "scorecam", {"weighting": "relu-increase"}),
    ("ankle-boot", "true", 9, "probability", "scorecam", {"weighting": "softmax"}),
    ("sneaker", "true", 7, "logit", "faster-scorecam", {"max-channels": 16, "weighting": "relu-increase"}),
    ("trouser", "true", 1, "logit", "iscam", {"steps": 3, "weighting": "probability"}),
    ("bag", "true", 8, "logit", "sscam", {"samples": 2, "noise": 0.5, "seed": 7, "weighting": "relu-increase"}),
]

# The methods added after the first goldens: their entries also carry headPasses (images rescored
# through head only), so that the entries of the others stay as they were written.
HEAD_COUNTED = {"eigencam", "ablation-cam", "recipro-cam", "layercam", "hirescam"}

# On the all-ones image every channel reaches the head alike, so the gradient methods give every
# cell channel one weight and a flat map (only rounding left to normalise): they are checked on
# images inked in one quadrant instead (and analytically on the flat one, MethodAnalyticTest).
QUADRANTS = [  # input, target, method, parameters
    ("ink-0", 0, "gradcam", {}), ("ink-3", 3, "gradcam", {}),
    ("ink-0", 0, "gradcam++", {}), ("ink-3", 3, "gradcam++", {}),
    ("ones", 0, "faster-scorecam", {"max-channels": 5}), ("ones", 3, "faster-scorecam", {"max-channels": 16}),
    ("ones", 1, "iscam", {"steps": 10}),
    ("ones", 2, "sscam", {"samples": 35, "noise": 2.0, "seed": 0}),
    ("cell-5", 0, "eigencam", {}), ("cell-14", 3, "eigencam", {}),
    ("ink-0", 0, "ablation-cam", {}), ("ones", 3, "ablation-cam", {}),
    ("ink-3", 3, "recipro-cam", {}), ("ones", 1, "recipro-cam", {}),
    ("ink-0", 0, "layercam", {}), ("ink-3", 3, "layercam", {}),
    ("ink-0", 0, "hirescam", {}), ("ink-3", 3, "hirescam", {}),
    ("ink-0", 0, "scorecam", {"weighting": "probability"}), ("ink-3", 3, "scorecam", {"weighting": "relu-increase"}),
]

KEYWORDS = {"max-channels": "max_channels", "samples": "samples", "noise": "noise", "seed": "seed",
            "steps": "steps", "weighting": "weighting"}


def read_f32(path, shape):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(shape).copy())


def check_variance_gap(model, x, count, name):
    variance = as_float64(model).features(x.double())[0].flatten(1).var(dim=1, unbiased=False)
    ranked = variance.sort(descending=True).values
    if count < len(ranked):
        gap = (ranked[count - 1] - ranked[count]).item() / ranked[count - 1].item()
        assert gap > 1e-4, f"{name}: variance gap {gap:.1e} at the cut is too small for float32"
        return gap
    return None


def case(out_dir, model, x, name, method, target, score, parameters, input_file, exact_ties=False):
    kwargs = {KEYWORDS[k]: v for k, v in parameters.items()}
    result = METHODS[method](model, x, target, score, **kwargs)
    write_f32(out_dir / f"{name}.saliency.f32", result.saliency)
    write_f32(out_dir / f"{name}.weights.f32", result.weights)
    entry = {"name": name, "method": method, "parameters": parameters, "input": input_file,
             "target": target, "score": score, "saliency": f"{name}.saliency.f32",
             "weights": f"{name}.weights.f32", "forwardPasses": result.forward_images,
             "backwardPasses": result.backward_images, "liveChannels": result.live_channels,
             "allZero": bool((result.saliency == 0).all())}
    if method == "faster-scorecam" and not exact_ties:
        entry["varianceGapAtCut"] = check_variance_gap(model, x, parameters["max-channels"], name)
    if method in HEAD_COUNTED:
        entry["headPasses"] = result.head_images
    if method == "eigencam":
        gap = eigengap(model, x)
        assert gap > 1e-3, f"{name}: eigengap {gap:.1e} leaves the first component ill-defined"
        entry["eigengap"] = gap
    print(f"{name}: forward {result.forward_images}, backward {result.backward_images}")
    return entry


def manifest(out_dir, model_name, package, cases):
    (out_dir / "methods.json").write_text(json.dumps({
        "model": model_name,
        "package": str(package.relative_to(REPO)),
        "reference": "tools/cam_reference.py, computed in float64, stored as float32",
        "cases": cases}, indent=1) + "\n")


def fashion():
    model, meta = load_package(DEMO_PACKAGE)
    out_dir = GOLDEN_DIR / "fashion-cnn"
    cases = []
    for sample, role, target, score, method, parameters in FASHION:
        input_file = f"{sample}.input.f32"
        x = read_f32(out_dir / input_file, (1, 3, 96, 96))
        if target is None:
            with torch.no_grad():
                target = int(model(x)[0].argsort(descending=True)[1])
        suffix = "-".join(f"{k}{v}" for k, v in parameters.items())
        name = f"{method}-{sample}-{role}-{score}" + (f"-{suffix}" if suffix else "")
        cases.append(case(out_dir, model, x, name, method, target, score, parameters, input_file))
    manifest(out_dir, "fashion-cnn", DEMO_PACKAGE, cases)


def quadrants():
    model, _ = load_package(QUADRANTS_DIR)
    out_dir = GOLDEN_DIR / "quadrants"
    inputs = {"ones": read_f32(out_dir / "ones.input.f32", (1, 3, 32, 32))}
    for q in (0, 3):                      # ink 1 in quadrant q, 0 elsewhere
        x = torch.zeros(1, 3, 32, 32)
        x[:, :, 16 * (q // 2):16 * (q // 2) + 16, 16 * (q % 2):16 * (q % 2) + 16] = 1
        write_f32(out_dir / f"ink-{q}.input.f32", x[0])
        inputs[f"ink-{q}"] = x
    for cell in (5, 14):                  # ink 1 in one 8x8 grid cell: A has rank one
        x = torch.zeros(1, 3, 32, 32)
        x[:, :, 8 * (cell // 4):8 * (cell // 4) + 8, 8 * (cell % 4):8 * (cell % 4) + 8] = 1
        write_f32(out_dir / f"cell-{cell}.input.f32", x[0])
        inputs[f"cell-{cell}"] = x
    cases = [case(out_dir, model, inputs[name], f"{method}-{name}-{target}", method, target, "logit",
                  parameters, f"{name}.input.f32", exact_ties=True)
             for name, target, method, parameters in QUADRANTS]
    manifest(out_dir, "quadrants", QUADRANTS_DIR, cases)


if __name__ == "__main__":
    quadrants()
    fashion()
