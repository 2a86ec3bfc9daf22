#!/usr/bin/env python3
"""Writes the Java test fixtures of the demo ViT (fashion-vit): golden Score-CAM maps and
golden maps of a few other methods, from the float64 references on the package.

    /usr/bin/python3 tools/make_vit_goldens.py

Run it after tools/train_demo_vit.py.  Writes src/test/resources/golden/fashion-vit/
manifest.json (ScoreCamGoldenTest) and methods.json (MethodGoldenTest) with their .f32 files,
in the formats tools/make_test_models.py and tools/make_method_goldens.py write for fashion-cnn,
and src/test/resources/models/tiny-vit-class-token/: a small torchvision ViT (random, seeded)
exported at its class-token layer, a package without a head (TokenLayoutTest).
The package's own split is checked against the original module elsewhere
(tools/tests/test_families.py); these goldens check the service against the reference.
"""

import torch

from make_method_goldens import case, manifest
from make_test_models import GOLDEN_DIR, REPO, golden_case, write_f32, write_manifest
from scorecam_reference import image_to_input, load_package

PACKAGE = REPO / "src/main/resources/demo-model/fashion-vit"
SAMPLES = {"ankle-boot": 9, "trouser": 1, "bag": 8}      # PNG -> true class; each map well above 0
# (the sneaker's Score-CAM sum is almost all negative, max 0.002: min-max scaling blows float32
# rounding up to 1e-4, beyond the goldens' 1e-5)
METHODS = [("gradcam", {}), ("gradcam++", {}), ("ablation-cam", {}), ("eigencam", {})]


def write_class_token_package():
    import export_model
    out = REPO / "src/test/resources/models/tiny-vit-class-token"
    argv = ["--module", f"{REPO / 'tools/tests/family_models.py'}:vit_small", "--name", "tiny-vit-class-token",
            "--target-layer", "encoder.layers.encoder_layer_1", "--input-size", "32",
            "--mean", "0", "0", "0", "--std", "1", "1", "1", "--batch-size", "16", "--out", str(out)]
    assert export_model.main(argv) == 0


def main():
    write_class_token_package()
    model, meta = load_package(PACKAGE)
    out_dir = GOLDEN_DIR / "fashion-vit"
    out_dir.mkdir(parents=True, exist_ok=True)
    maps, methods = [], []
    for sample, true_class in SAMPLES.items():
        x = image_to_input(REPO / "samples" / f"{sample}.png", meta)
        input_file = f"{sample}.input.f32"
        write_f32(out_dir / input_file, x[0])
        with torch.no_grad():
            assert int(model(x).argmax()) == true_class, f"{sample}.png is misclassified"
        maps.append(golden_case(out_dir, model, f"{sample}-true-logit", x, true_class, "logit",
                                input_file, {"sourcePng": f"samples/{sample}.png", "role": "true",
                                             "targetLabel": meta["labels"][true_class]}))
        for method, parameters in METHODS:
            methods.append(case(out_dir, model, x, f"{method}-{sample}-true-logit", method,
                                true_class, "logit", parameters, input_file))
    write_manifest(out_dir, "fashion-vit", PACKAGE, x.shape, int(model.features(x).shape[1]), maps)
    manifest(out_dir, "fashion-vit", PACKAGE, methods)
    for c in maps:
        print(f"{c['name']}: live {c['liveChannels']}")


if __name__ == "__main__":
    main()
