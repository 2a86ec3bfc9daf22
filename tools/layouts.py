"""Activation layouts: how a target layer's output is laid out, and its (N,K,h,w) grid view.

A model package's features() always gives the service (N,K,h,w); model.yaml's `layout` says what
the target layer itself gives (docs/model-package.md):
  channels-first  (N,K,h,w)                 convolutional networks (the default, not written)
  channels-last   (N,h,w,K)                 Swin stages, the inside of ConvNeXt blocks
  tokens          (N, prefix + h*w, K)      vision transformers: `prefix-tokens` class/register
                                            tokens first, then the grid row by row (`grid`)
to_grid turns the layer's output into (N,K,h,w); from_grid turns a grid back, for head.  Prefix
tokens carry no location: they are left out of the grid, and a package whose layer has some
cannot rebuild them from the grid, so its head is unavailable (see model_split.NoHead).
"""

from dataclasses import dataclass
from typing import Optional, Tuple

import torch
import torch.nn as nn

CHANNELS_FIRST, CHANNELS_LAST, TOKENS = "channels-first", "channels-last", "tokens"
KINDS = (CHANNELS_FIRST, CHANNELS_LAST, TOKENS)


class LayoutError(ValueError):
    """A layer output that fits no layout, or a layout that does not fit the output."""


@dataclass(frozen=True)
class Layout:
    kind: str = CHANNELS_FIRST
    prefix_tokens: int = 0
    grid: Optional[Tuple[int, int]] = None        # (height, width) of a token grid

    def __post_init__(self):
        if self.kind not in KINDS:
            raise LayoutError(f"unknown layout {self.kind!r}; layouts are {', '.join(KINDS)}")
        if self.kind == TOKENS and (self.grid is None or min(self.grid) < 1 or self.prefix_tokens < 0):
            raise LayoutError("a tokens layout needs a grid (height, width) and prefix tokens >= 0")
        if self.kind != TOKENS and (self.grid is not None or self.prefix_tokens):
            raise LayoutError(f"prefix tokens and a grid belong to the tokens layout, not {self.kind}")

    def yaml_fields(self):
        """What model.yaml says of the layout: nothing for channels-first."""
        if self.kind == CHANNELS_FIRST:
            return {}
        if self.kind == CHANNELS_LAST:
            return {"layout": CHANNELS_LAST}
        return {"layout": TOKENS, "prefix-tokens": self.prefix_tokens,
                "grid": {"width": self.grid[1], "height": self.grid[0]}}

    @staticmethod
    def from_yaml(meta):
        kind = meta.get("layout", CHANNELS_FIRST)
        grid = meta.get("grid")
        return Layout(kind, int(meta.get("prefix-tokens", 0)),
                      None if grid is None else (int(grid["height"]), int(grid["width"])))

    @property
    def has_head(self):
        return self.prefix_tokens == 0


def infer(shape, input_height, input_width):
    """The layout of an output shape for an input of the given size: 3-D is tokens (the fewest
    prefix tokens that leave a grid of the input's aspect ratio); 4-D is channels-first when its
    last two sizes divide the input with its aspect ratio, else channels-last when the middle
    two do. Pass the layout by hand (--layout, --grid, --prefix-tokens) where this guesses wrong."""
    def fits(h, w):
        return h * input_width == w * input_height and input_height % h == 0 and input_width % w == 0

    if len(shape) == 4:
        if fits(shape[2], shape[3]):
            return Layout(CHANNELS_FIRST)
        if fits(shape[1], shape[2]):
            return Layout(CHANNELS_LAST)
        raise LayoutError(f"cannot tell the layout of {tuple(shape)}: neither (N,K,h,w) nor (N,h,w,K) "
                          f"divides the {input_width}x{input_height} input; pass --layout")
    if len(shape) == 3:
        tokens = shape[1]
        for prefix in range(0, min(tokens, 16)):
            cells = tokens - prefix
            for h in range(1, input_height + 1):
                if input_height % h == 0 and cells % h == 0 and fits(h, cells // h):
                    return Layout(TOKENS, prefix, (h, cells // h))
        raise LayoutError(f"cannot find a token grid in {tuple(shape)} for a {input_width}x"
                          f"{input_height} input; pass --layout tokens --grid H W --prefix-tokens P")
    raise LayoutError(f"a target layer gives {len(shape)}-D output {tuple(shape)}; layouts need 3-D or 4-D")


def to_grid(t, layout: Layout):
    """The layer's output as (N,K,h,w)."""
    if layout.kind == CHANNELS_FIRST:
        return t
    if layout.kind == CHANNELS_LAST:
        return t.permute(0, 3, 1, 2)
    h, w = layout.grid
    if t.shape[1] != layout.prefix_tokens + h * w:
        raise LayoutError(f"{t.shape[1]} tokens do not fit {layout.prefix_tokens} prefix tokens "
                          f"and a {h}x{w} grid")
    grid = t[:, layout.prefix_tokens:]
    return grid.transpose(1, 2).reshape(t.shape[0], t.shape[2], h, w)


def from_grid(a, layout: Layout):
    """A (N,K,h,w) grid in the layer's own layout (tokens: the grid tokens only, no prefix)."""
    if layout.kind == CHANNELS_FIRST:
        return a
    if layout.kind == CHANNELS_LAST:
        return a.permute(0, 2, 3, 1)
    return a.flatten(2).transpose(1, 2)


class ToGrid(nn.Module):
    """to_grid as a module, for scripted packages."""

    def __init__(self, layout: Layout):
        super().__init__()
        self.channels_last = layout.kind == CHANNELS_LAST
        self.tokens = layout.kind == TOKENS
        self.prefix = layout.prefix_tokens
        self.height, self.width = layout.grid or (0, 0)

    def forward(self, t):
        if self.channels_last:
            return t.permute(0, 3, 1, 2).contiguous()
        if self.tokens:
            grid = t[:, self.prefix:]
            return grid.transpose(1, 2).reshape(t.shape[0], t.shape[2], self.height, self.width)
        return t


class FromGrid(nn.Module):
    """from_grid as a module (tokens: grid tokens only)."""

    def __init__(self, layout: Layout):
        super().__init__()
        self.channels_last = layout.kind == CHANNELS_LAST
        self.tokens = layout.kind == TOKENS

    def forward(self, a):
        if self.channels_last:
            return a.permute(0, 2, 3, 1)
        if self.tokens:
            return a.flatten(2).transpose(1, 2)
        return a
