"""Small, seeded members of torchvision's classifier families (and one model from outside it),
for the export tests: export_model.py --module tools/tests/family_models.py:NAME.

Each keeps its family's classes and structure but few channels and blocks, so that a float64
Score-CAM over every channel takes seconds.  INPUT gives the input size each one needs."""

import sys
from pathlib import Path

import torch.nn as nn
from torchvision.models import convnext, maxvit, swin_transformer, vgg, vision_transformer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

INPUT = {"vgg_small": 32, "convnext_small": 32, "vit_small": 32, "swin_small": 32,
         "maxvit_small": 64, "fashion_vit": 96}


def vgg_small():
    model = vgg.VGG(vgg.make_layers([16, "M", 32, "M", 32, "M"]), num_classes=10)
    model.avgpool = nn.AdaptiveAvgPool2d(1)
    model.classifier = nn.Sequential(nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 10))
    return model


def convnext_small():
    Config = convnext.CNBlockConfig
    return convnext.ConvNeXt([Config(16, 32, 1), Config(32, None, 1)], num_classes=10)


def vit_small():
    return vision_transformer.VisionTransformer(image_size=32, patch_size=8, num_layers=3,
                                                num_heads=2, hidden_dim=16, mlp_dim=32,
                                                num_classes=10)


def swin_small():
    return swin_transformer.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[1, 1],
                                            num_heads=[1, 2], window_size=[2, 2], num_classes=10)


def maxvit_small():
    return maxvit.MaxVit(input_size=(64, 64), stem_channels=8, partition_size=2,
                         block_channels=[16, 32], block_layers=[1, 1], head_dim=8,
                         stochastic_depth_prob=0.0, num_classes=10)


def fashion_vit():
    """The demo ViT's architecture with random weights: a model written outside torchvision."""
    from train_demo_vit import FashionVit
    return FashionVit()
