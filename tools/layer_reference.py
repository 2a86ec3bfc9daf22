"""The reference's view of an original nn.Module at a target module, for any layout.

The references (scorecam_reference.py, cam_reference.py) take a module with forward, features and
head.  A model package gives them its own split; HookedModel gives the same three from the
original, unsplit model, the way pytorch-grad-cam reads a layer, so that a package can be checked
against its model:
  features(x)  the target module's output in an eager forward of x (a forward hook), as a grid:
               channels-last (N,h,w,K) and tokens (N, p + h*w, K) are re-indexed here with their
               own code, not layouts.py's;
  head(a)      an eager forward of the last input given to features (repeated to a's batch)
               with the target's output replaced by a; prefix tokens keep the values that
               forward computed, so a layer with a class token has a head here;
  forward(x)   the model.
"""

import torch
import torch.nn as nn


class HookedModel(nn.Module):
    def __init__(self, model, path, layout, prefix_tokens=0, grid=None):
        super().__init__()
        self.model = model
        self.path = path
        self.layout = layout
        self.prefix = prefix_tokens
        self.grid = grid
        self.last_input = None

    def _target(self):
        return dict(self.model.named_modules())[self.path]

    def forward(self, x):
        return self.model(x)

    def _grid_of(self, out):
        if self.layout == "channels-last":
            return torch.einsum("nhwk->nkhw", out)
        if self.layout == "tokens":
            n, _, k = out.shape
            h, w = self.grid
            cells = out[:, self.prefix:, :]
            return torch.stack([cells[:, r * w:(r + 1) * w, :] for r in range(h)], dim=1) \
                .permute(0, 3, 1, 2)                       # (N,h,w,K) row by row -> (N,K,h,w)
        return out

    def _layer_of(self, a, original):
        if self.layout == "channels-last":
            return torch.einsum("nkhw->nhwk", a)
        if self.layout == "tokens":
            n, k, h, w = a.shape
            cells = torch.cat([a[:, :, r, :].permute(0, 2, 1) for r in range(h)], dim=1)
            prefix = original[:1, :self.prefix, :].expand(n, -1, -1)
            return torch.cat([prefix, cells], dim=1)
        return a.clone()                 # later in-place ops must not write into a

    def features(self, x):
        self.last_input = x
        kept = []
        # a copy: a later in-place op (densenet's relu after `features`) must not change it
        handle = self._target().register_forward_hook(lambda m, i, o: kept.append(o.clone()))
        try:
            self.model(x)
        finally:
            handle.remove()
        return self._grid_of(kept[0])

    def head(self, a):
        x = self.last_input[:1].expand(a.shape[0], -1, -1, -1)
        handle = self._target().register_forward_hook(lambda m, i, o: self._layer_of(a, o))
        try:
            return self.model(x)
        finally:
            handle.remove()
