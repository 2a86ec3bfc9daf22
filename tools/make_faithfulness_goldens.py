#!/usr/bin/env python3
"""Golden faithfulness metrics for the Java test (FaithfulnessGoldenTest), from the reference.

    /usr/bin/python3 tools/make_faithfulness_goldens.py

Reads the Score-CAM goldens (src/test/resources/golden/{fashion-cnn,quadrants}: inputs and
maps, written by make_test_models.py) and writes src/test/resources/golden/faithfulness/
manifest.json: for each map, the metrics of tools/faithfulness_reference.py in float64, at 20
steps and, for the first map of each model, at 7 (a step count that does not divide H*W).
"""

import json
from pathlib import Path

import numpy as np
import torch

from faithfulness_reference import faithfulness
from scorecam_reference import as_float64, load_package

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "src/test/resources/golden"
OUT = GOLDEN / "faithfulness"


def cases_of(model_name):
    manifest = json.loads((GOLDEN / model_name / "manifest.json").read_text())
    model, meta = load_package(REPO / manifest["package"])
    model = as_float64(model)
    channels, height, width = manifest["inputShape"]
    out = []
    for i, case in enumerate(manifest["cases"]):
        x = np.fromfile(GOLDEN / model_name / case["input"], dtype="<f4").reshape(1, channels, height, width)
        saliency = np.fromfile(GOLDEN / model_name / case["saliency"], dtype="<f4").reshape(height, width)
        for steps in ([20, 7] if i == 0 else [20]):
            metrics = faithfulness(model, torch.from_numpy(x), saliency, case["target"], steps,
                                   model_is_float64=True)
            out.append({"name": f"{case['name']}-{steps}", "model": model_name, "package": manifest["package"],
                        "input": f"{model_name}/{case['input']}", "saliency": f"{model_name}/{case['saliency']}",
                        "inputShape": manifest["inputShape"], "target": case["target"], **metrics})
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = cases_of("fashion-cnn") + cases_of("quadrants")
    manifest = {
        "reference": "tools/faithfulness_reference.py, float64; inputs and maps are the Score-CAM goldens",
        "score": "softmax probability of the target class",
        "cases": cases,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    for c in cases:
        print(f"{c['name']}: drop {c['averageDrop']:.4f} increase {c['increase']} "
              f"deletion {c['deletion']:.4f} insertion {c['insertion']:.4f} (Y {c['score']:.4f}, O {c['maskedScore']:.4f})")


if __name__ == "__main__":
    main()
