#!/usr/bin/env python3
"""Eigen-CAM, Ablation-CAM, LayerCAM and HiResCAM of tools/cam_reference.py beside
pytorch-grad-cam's, on the same model package and images: the Pearson correlation of the maps.

    /usr/bin/python3 tools/peer_methods.py --peer /path/to/pytorch-grad-cam \
        [--package src/main/resources/demo-model/fashion-cnn] [IMAGE...]

The peer gets the package's TorchScript wrapped as an nn.Module, forward(x) =
head(identity(features(x))), with the identity as its target layer (as tools/peer_benchmark.py),
and the same normalised input as the reference. The Java service equals the reference within
the goldens' tolerance (MethodGoldenTest), so this compares the service's equations with the
peer's. The peer's optional dependencies that these four methods never call (ttach's test-time
augmentation, scikit-learn's kernel PCA, SciPy's zoom for 3-D maps, Matplotlib's colour maps;
tqdm's progress bar) are
stood in by empty modules where they are not installed; cv2.resize, where OpenCV is not installed, by PyTorch's
bilinear interpolation with half-pixel centres, which is what cv2.resize(INTER_LINEAR) computes
on float32 maps (both clamp at the border). The script says which it used.
"""

import argparse
import functools
import sys
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from cam_reference import METHODS
from scorecam_reference import image_to_input, load_package

REPO = Path(__file__).resolve().parent.parent
PEER_CLASSES = {"eigencam": "EigenCAM", "ablation-cam": "AblationCAM", "layercam": "LayerCAM",
                "hirescam": "HiResCAM"}


def stand_in(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module
    return module


def stand_in_attribute(attribute):
    """Any name a stood-in module is asked for: a callable that does nothing (never called here)."""
    if attribute.startswith("__"):
        raise AttributeError(attribute)
    return lambda *args, **kwargs: None


def import_peer(peer):
    used = []
    try:
        import cv2  # noqa: F401
        used.append("OpenCV's cv2.resize")
    except ImportError:
        def resize(image, size):
            width, height = size
            t = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None]
            return F.interpolate(t, size=(height, width), mode="bilinear", align_corners=False)[0, 0].numpy()
        stand_in("cv2", resize=resize, COLORMAP_JET=2, INTER_LINEAR=1)
        used.append("cv2.resize stood in by torch bilinear, align_corners=False")
    for name in ("ttach", "sklearn", "sklearn.decomposition", "scipy", "scipy.ndimage", "scipy.sparse",
                 "scipy.sparse.linalg", "matplotlib", "matplotlib.pyplot", "matplotlib.lines"):
        try:
            __import__(name)
        except ImportError:
            module = stand_in(name)
            module.__getattr__ = stand_in_attribute
            parent, _, child = name.rpartition(".")
            if parent:
                setattr(sys.modules[parent], child, module)
    try:
        import tqdm
        tqdm.tqdm = functools.partial(tqdm.tqdm, disable=True)   # the peer prints a bar per batch
    except ImportError:
        stand_in("tqdm", tqdm=lambda iterable, **kwargs: iterable)
    sys.path.insert(0, str(peer))
    import pytorch_grad_cam
    return pytorch_grad_cam, used


class Wrapped(nn.Module):
    """A model package as the peer takes it: hooks on an identity layer at the cut."""

    def __init__(self, scripted):
        super().__init__()
        self.net = scripted
        self.device_marker = nn.Parameter(torch.zeros(0), requires_grad=False)
        self.target = nn.Identity()

    def forward(self, x):
        return self.net.head(self.target(self.net.features(x)))


class Logit:
    def __init__(self, target):
        self.target = target

    def __call__(self, output):
        return output[..., self.target]


def pearson(a, b):
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", required=True, help="a checkout of jacobgil/pytorch-grad-cam")
    parser.add_argument("--package", default=str(REPO / "src/main/resources/demo-model/fashion-cnn"))
    parser.add_argument("images", nargs="*")
    args = parser.parse_args()
    peer, used = import_peer(args.peer)
    print("peer upsampling:", "; ".join(used))
    model, meta = load_package(args.package)
    wrapped = Wrapped(model).eval()
    images = args.images or sorted(str(p) for p in (REPO / "samples").glob("*.png"))
    print(f"{'image':28s} {'method':14s} {'class':>5s} {'pearson':>8s} {'max|diff|':>9s}  (reference vs peer)")
    for image in images:
        x = image_to_input(image, meta)
        with torch.no_grad():
            target = int(model(x).argmax())
        for method, peer_class in PEER_CLASSES.items():
            ours = METHODS[method](model, x, target, "logit").saliency.numpy()
            cam = getattr(peer, peer_class)(model=wrapped, target_layers=[wrapped.target])
            theirs = cam(input_tensor=x, targets=[Logit(target)])[0]
            cam.activations_and_grads.release()
            line = (f"{Path(image).name:28s} {method:14s} {target:5d} {pearson(ours, theirs):8.5f} "
                    f"{np.abs(ours - theirs).max():9.2e}")
            if method == "eigencam":   # the peer keeps the SVD's sign
                unsigned = METHODS[method](model, x, target, "logit", sign_rule=False).saliency.numpy()
                line += f"   with the SVD's own sign: {pearson(unsigned, theirs):8.5f}"
            print(line)


if __name__ == "__main__":
    main()
