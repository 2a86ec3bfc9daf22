"""Splitting a network at a module without torch.fx, for models fx cannot trace.

torch.fx fails on models that read tensor shapes in Python (Debian's torchvision cannot trace its
own VisionTransformer: "Proxy object cannot be iterated").  This split needs only that the
target module is called once per forward; it works through forward hooks and torch.jit.trace:

  features(x)  runs the model with a hook on the target module that keeps its output and stops
               the forward there (an exception), then turns the output into (N,K,h,w)
               (layouts.to_grid).  Traced, it holds exactly the operations up to the target.
  head(a)      runs the model on a fixed dummy input with a hook that replaces the target's
               output by from_grid(a).  Traced, the dummy's path up to the target feeds nothing
               that reaches the logits and is removed (inlining, then dead-code elimination),
               so head holds only the operations after the target.
  forward(x)   the model itself, scripted (traced where scripting fails).

Which structures work: any model where everything after the target depends on the input only
through the target's output (checked: head gives bit-identical logits for two different dummy
inputs) and whose Python control flow after the target does not depend on tensor values
(tracing records one path; checked at a second batch size).  That covers sequential stacks
(ViT encoder layers, Swin and ConvNeXt stages, ResNet layers, any nn.Sequential) and the model's
own code around them (class tokens, position embeddings, pooling).  It does not cover a cut
inside a residual block (the block's input skips over the target: refused with that message),
a target called several times per forward (shared modules, recurrent loops: refused), or a
network whose later path depends on values computed before the target other than through it.
A target whose output has prefix tokens (a class token) gets no head: the prefix holds what
the grid cannot restore (layouts.py).
"""

import warnings

import torch
import torch.nn as nn

from layouts import FromGrid, Layout, ToGrid, infer
from model_package import PackageError, SplitNetwork


class SplitError(PackageError):
    """The model cannot be split at that module (the message says why and what to do)."""


class _Stop(Exception):
    """Ends a forward pass at the target module."""


def find_module(model, path):
    modules = dict(model.named_modules())
    if path not in modules or path == "":
        tops = [name for name, _ in model.named_children()]
        raise SplitError(f"unknown --target-layer {path!r}: no such module; top-level modules are "
                         f"{', '.join(tops)} (full list: --list-layers)")
    return modules[path]


def target_output(model, path, x):
    """The target module's output for x, and how often the module ran in one forward."""
    outputs = []
    handle = find_module(model, path).register_forward_hook(lambda m, i, o: outputs.append(o))
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
    if not outputs:
        raise SplitError(f"{path} is not called by the model's forward")
    if not isinstance(outputs[0], torch.Tensor):
        raise SplitError(f"{path} returns {type(outputs[0]).__name__}, not one tensor; pick the "
                         "module that computes the tensor you mean (--list-layers)")
    return outputs[0], len(outputs)


class HookFeatures(nn.Module):
    """The model up to the target module's output, as (N,K,h,w)."""

    def __init__(self, model, path, layout):
        super().__init__()
        self.model = model
        self.path = path
        self.to_grid = ToGrid(layout)

    def forward(self, x):
        captured = []

        def stop(module, inputs, output):
            captured.append(output)
            raise _Stop()

        handle = self.model.get_submodule(self.path).register_forward_hook(stop)
        try:
            self.model(x)
        except _Stop:
            pass
        finally:
            handle.remove()
        return self.to_grid(captured[0])


class HookHead(nn.Module):
    """The model after the target module: its output replaced by the activations."""

    def __init__(self, model, path, layout, dummy):
        super().__init__()
        self.model = model
        self.path = path
        self.from_grid = FromGrid(layout)
        self.dummy = dummy

    def forward(self, a):
        tokens = self.from_grid(a)
        handle = self.model.get_submodule(self.path).register_forward_hook(lambda m, i, o: tokens)
        try:
            return self.model(self.dummy)
        finally:
            handle.remove()


class NoHead(nn.Module):
    """head of a package whose target layer has prefix tokens: refused, with the reason."""

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("this package has no head: its target layer has prefix tokens, "
                           "which the activation grid cannot restore")


class HookSplitPackage(SplitNetwork):
    """forward = the model; features and head split at a module by HookFeatures / HookHead."""

    def __init__(self, network, feature_net, head_net):
        super().__init__(feature_net, head_net)
        self.network = network

    def forward(self, x):
        return self.network(x)


def _trace(module, example):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")             # TracerWarnings: checked at two batch sizes instead
        return torch.jit.trace(module, example, check_trace=False)


def prune(traced):
    """Inlines a traced module's forward and removes what does not reach its result."""
    graph = traced.graph
    torch._C._jit_pass_inline(graph)
    torch._C._jit_pass_dce(graph)
    return traced


def script_or_trace(model, x):
    try:
        return torch.jit.script(model)
    except Exception:                                # models that read shapes in Python
        return _trace(model, x)


def check_independent(model, path, layout, x, a):
    """head must depend on the input only through the target's output: two dummy inputs, same a."""
    other = torch.randn(x.shape, generator=torch.Generator().manual_seed(12345))
    with torch.no_grad():
        first = HookHead(model, path, layout, x[:1])(a)
        second = HookHead(model, path, layout, other[:1])(a)
    if not torch.equal(first, second):
        raise SplitError(f"cannot cut at {path!r}: the layers after it also use values computed "
                         "before it (a skip connection crosses the cut, as inside a residual "
                         "block); pick a block boundary (--list-layers)")


def split_at_module(model, path, x, layout=None):
    """A HookSplitPackage (scripted) cut at module `path`, and the layout of its output."""
    output, calls = target_output(model, path, x)
    if calls != 1:
        raise SplitError(f"{path} runs {calls} times per forward; a target layer must run once")
    layout = layout or infer(output.shape, x.shape[2], x.shape[3])
    a = ToGrid(layout)(output)
    if layout.has_head:
        check_independent(model, path, layout, x, a)
        head = prune(_trace(HookHead(model, path, layout, x[:1].clone()), a))
    else:
        head = torch.jit.script(NoHead())
    features = _trace(HookFeatures(model, path, layout), x)
    network = script_or_trace(model, x)
    return torch.jit.script(HookSplitPackage(network, features, head)), layout
