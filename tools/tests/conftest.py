"""Puts tools/ on sys.path so the tests import the tools as modules."""

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
torch.set_num_threads(2)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: minutes on a busy 2-core machine (deselect with -m 'not slow')")
