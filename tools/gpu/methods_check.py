#!/usr/bin/env python3
"""Every CAM method of the service on the device, each map against its float64 reference.

    methods_check.py --url URL --model NAME --package DIR --image PNG --device cuda --out methods.json

Asks GET /v1/methods for the methods, explains the image once with each (small sscam and iscam
settings, so that the check stays short; `metrics=true` on scorecam), then computes the
independent float64 references of tools/cam_reference.py on the same device for the same target,
and compares: Pearson correlation and largest difference of the maps, and the forward and
backward passes the service counted against the reference's. Score-CAM's own reference is
tools/gpu/reference_maps.py's.
"""

import argparse
import base64
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cam_reference  # noqa: E402
import scorecam_reference as ref  # noqa: E402
import scorecam_client as client  # noqa: E402

# Small enough for a few seconds per method on a GPU; the same settings go to the reference.
SETTINGS = {"sscam": {"samples": 2, "noise": 2.0, "seed": 7}, "iscam": {"steps": 3},
            "faster-scorecam": {"max-channels": 16}}
REFERENCE_ARGS = {"sscam": {"samples": 2, "noise": 2.0, "seed": 7}, "iscam": {"steps": 3},
                  "faster-scorecam": {"max_channels": 16}}
NO_REFERENCE = {"scorecam": "reference_maps.py's"}


def correlation(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return None if a.std() == 0 or b.std() == 0 else float(np.corrcoef(a, b)[0, 1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--package", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    image = Path(args.image).read_bytes()
    methods = [m["name"] for m in client.get_json(f"{args.url}/v1/methods")]

    answers = {}
    for method in methods:
        params = dict(SETTINGS.get(method, {}))
        if method == "scorecam":
            params["metrics"] = "true"
        answer = client.explain(args.url, args.model, image, params={"method": method, **params})
        entry = {"status": answer.status, "seconds": round(answer.seconds, 4), "params": params}
        if answer.status == 200:
            payload = answer.json()
            stats = payload["stats"]
            first = payload["explanations"][0]
            entry.update(target=first["target"]["index"], computeMillis=stats["computeMillis"],
                         forwardPasses=stats["forwardPasses"], backwardPasses=stats.get("backwardPasses", 0),
                         faithfulness="faithfulness" in first, score=payload["score"],
                         map=[first["saliency"]["height"], first["saliency"]["width"], first["saliency"]["data"]])
        else:
            entry["error"] = answer.text(300)
        answers[method] = entry
        print(f"{method}: HTTP {answer.status} in {answer.seconds:.3f} s", flush=True)

    device = torch.device(args.device)
    model, meta = ref.load_package(args.package)
    model = model.to(device)
    x = ref.image_to_input(args.image, meta).to(device)
    for method, entry in answers.items():
        if entry["status"] != 200:
            continue
        height, width, data = entry.pop("map")
        service_map = np.frombuffer(base64.b64decode(data), "<f4").reshape(height, width)
        if method in NO_REFERENCE:
            entry["reference"] = NO_REFERENCE[method]
            continue
        start = time.perf_counter()
        result = cam_reference.METHODS[method](model, x, entry["target"], entry["score"],
                                               **REFERENCE_ARGS.get(method, {}))
        reference = result.saliency.cpu().numpy()
        entry.update(referenceSeconds=round(time.perf_counter() - start, 2),
                     correlation=correlation(service_map, reference),
                     maxAbsDiff=float(np.abs(service_map - reference).max()),
                     referenceForward=result.forward_images, referenceBackward=result.backward_images)
        print(f"{method}: correlation {entry['correlation']}, max diff {entry['maxAbsDiff']:.2e}, passes "
              f"{entry['forwardPasses']}/{entry['backwardPasses']} (reference {result.forward_images}/"
              f"{result.backward_images})", flush=True)
    for entry in answers.values():
        entry.pop("map", None)
    Path(args.out).write_text(json.dumps({"model": args.model, "device": str(device), "methods": answers}, indent=1))
    return 0 if all(e["status"] == 200 for e in answers.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
