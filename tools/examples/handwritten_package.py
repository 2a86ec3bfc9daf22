#!/usr/bin/env python3
"""A model package written by hand: the three methods for a model no automatic split takes.

    /usr/bin/python3 tools/examples/handwritten_package.py --out /tmp/dict-net

DictNet returns a dict ({"logits", "embedding"}), as many user models do: torch.fx cuts a graph
whose output is one tensor, and the hook split traces a forward that returns one, so
tools/export_model.py refuses it.  Written by hand (docs/model-package.md, "Writing the three
methods by hand"):
  features(x)  the model's own code up to the target layer, giving (N,K,h,w);
  head(a)      the code after it, from those activations to the logits;
  forward(x)   head(features(x)) (ScoreCamPackage's), or the model's logits.
model_package.write_package checks head(features(x)) == forward(x) == the model's logits before
and after saving.  A token or channels-last layer would convert in features and back in head,
as tools/layouts.py does, and model.yaml would say its layout.
"""

import argparse
import sys
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model_package import ScoreCamPackage, descriptor, write_package   # noqa: E402


class DictNet(nn.Module):
    """A small CNN whose forward returns a dict."""

    def __init__(self, classes=4):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU())
        self.classifier = nn.Linear(16, classes)

    def forward(self, x):
        embedding = self.body(x).mean(dim=(2, 3))
        return {"logits": self.classifier(embedding), "embedding": embedding}


class DictNetPackage(ScoreCamPackage):
    """The three methods of the contract, written from DictNet.forward."""

    def __init__(self, net: DictNet):
        super().__init__()
        self.net = net

    @torch.jit.export
    def features(self, x):
        return self.net.body(x)                              # target layer body.3: (N,16,h,w)

    @torch.jit.export
    def head(self, a):
        return self.net.classifier(a.mean(dim=(2, 3)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.manual_seed(0)
    net = DictNet().eval()
    x = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        expected = net(x)["logits"]
    meta = descriptor("dict-net", 32, 32, [0, 0, 0], [1, 1, 1], "stretch",
                      ["a", "b", "c", "d"], "body.3", 16)
    shape = write_package(args.out, torch.jit.script(DictNetPackage(net).eval()), meta,
                          "DictNet written by hand (tools/examples/handwritten_package.py)", x, expected)
    print(f"wrote {args.out}/model.pt, model.yaml: activations {list(shape[1:])}")


if __name__ == "__main__":
    main()
