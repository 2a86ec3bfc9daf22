#!/usr/bin/env python3
"""Randomised copies of a trained model package, for the sanity checks (Adebayo et al. 2018).

    /usr/bin/python3 tools/randomise_package.py PACKAGE_DIR OUT_DIR [--seed 2018] [--stages fc,body.8,...]

Writes into OUT_DIR one package per randomisation, each a copy of PACKAGE_DIR (a TorchScript
package that is not frozen: its parameters are read and replaced) under its own name:
  NAME-cascade-1 .. NAME-cascade-S  cascading randomisation from the top: stage 1 is the top stage
                                   (the classifier, fc), stage s randomises the s top stages, the last
                                   one every stage down to the input;
  NAME-independent                 only the target layer's stage (the last one before the head);
and OUT_DIR/randomisations.json listing, for each, the stages randomised.

Stages group the parameters by layer (parameter names without the package's own wrapper
prefixes feature_net./head_net.): a Sequential's numbered child (`body.8`), a ResNet stage
(`layer4`), or any other module (`fc`, `conv1`); a batch norm joins the layer before it
(`conv1` + `bn1`). Randomising a stage draws its weights again from PyTorch's default
initialisation (kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), for
weights and biases of convolutions and linear layers) and puts its batch norms back to their
initial state (scale 1, shift 0, running mean 0, running variance 1). Stage s of the cascade
draws from the seed + the stage's place, so a stage randomised in several packages is the same
in all of them (the cascade adds layers; it never redraws the ones above).
"""

import argparse
import json
import math
import re
import shutil
import sys
from pathlib import Path

import torch
import yaml

WRAPPERS = ("feature_net.", "head_net.", "network.")
DEFAULT_SEED = 2018


def stage_of(name):
    """The stage a parameter or buffer belongs to, from its name: 'body.8.weight' -> 'body.8',
    'feature_net.layer4.1.conv2.weight' -> 'layer4', 'head_net.fc.bias' -> 'fc'."""
    for prefix in WRAPPERS:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    parts = name.split(".")[:-1]
    for i, part in enumerate(parts):
        if re.fullmatch(r"\d+|layer\d+", part):
            return ".".join(parts[:i + 1])
    return ".".join(parts)


def stages(names, norms=()):
    """The stages of these parameter names in the order they first appear (input to output), a
    batch norm merged into the stage before it: ['conv1', 'layer1', ..., 'fc']. `norms`: the
    modules (names without the last part) that are batch norms, besides those named bn*."""
    return list(dict.fromkeys(stage_map(names, norms).values()))


def stage_map(names, norms=()):
    """Each name's stage as stages() groups them (a batch norm under the layer before it)."""
    result, current = {}, None
    for name in names:
        stage = stage_of(name)
        module = name.rsplit(".", 1)[0]
        norm = module in norms or re.fullmatch(r"(.*\.)?bn\d*", stage) is not None
        if not (norm and current is not None):
            current = stage
        result[name] = current
    return result


def cascade(ordered):
    """The cascading randomisations, top stage first: [['fc'], ['fc', 'body.8'], ...]."""
    top_down = list(reversed(ordered))
    return [top_down[:i + 1] for i in range(len(top_down))]


def uniform_(tensor, bound, generator):
    tensor.copy_((torch.rand(tensor.shape, generator=generator, dtype=torch.float64) * 2 - 1) * bound)


@torch.no_grad()
def randomise(module, chosen, seed):
    """Draws the parameters of the `chosen` stages of a TorchScript module again, in place; stage
    number i of the module's stages (input first) draws from seed + i. Returns the names changed."""
    parameters = dict(module.named_parameters())
    buffers = dict(module.named_buffers())
    norms = {b.rsplit(".", 1)[0] for b in buffers if b.endswith("running_mean")}
    groups = stage_map(list(parameters), norms)
    for name in buffers:                       # a batch norm's running statistics go with its weight
        groups[name] = groups.get(name.rsplit(".", 1)[0] + ".weight")
    ordered = stages(list(parameters), norms)
    changed = []
    for stage in chosen:
        generator = torch.Generator().manual_seed(seed + ordered.index(stage))
        for name in sorted(n for n in parameters if groups[n] == stage):
            tensor, base = parameters[name], name.rsplit(".", 1)[0]
            if base in norms:
                tensor.fill_(1.0 if name.endswith("weight") else 0.0)
            else:
                weight = parameters.get(f"{base}.weight", tensor)
                fan_in = weight[0].numel() if weight.dim() > 1 else weight.numel()
                uniform_(tensor, 1 / math.sqrt(fan_in), generator)
            changed.append(name)
        for name, buffer in buffers.items():
            if groups.get(name) == stage and name.endswith(("running_mean", "running_var")):
                buffer.fill_(1.0 if name.endswith("running_var") else 0.0)
                changed.append(name)
    return changed


def write_randomisations(package, out, seed=DEFAULT_SEED, chosen_stages=None):
    """Writes the randomised packages into `out`; returns the list written to randomisations.json."""
    package, out = Path(package), Path(out)
    meta = yaml.safe_load((package / "model.yaml").read_text())
    trained = torch.jit.load(str(package / "model.pt"))
    if not list(trained.parameters()):
        raise SystemExit(f"{package}/model.pt is frozen (no parameters to randomise); export it with --no-freeze")
    norms = {b.rsplit(".", 1)[0] for b, _ in trained.named_buffers() if b.endswith("running_mean")}
    ordered = chosen_stages or stages([n for n, _ in trained.named_parameters()], norms)
    plans = [(f"{meta['name']}-cascade-{i + 1}", "cascade", s) for i, s in enumerate(cascade(ordered))]
    plans.append((f"{meta['name']}-independent", "independent", [ordered[-2]]))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, kind, chosen in plans:
        module = torch.jit.load(str(package / "model.pt"))
        changed = randomise(module, chosen, seed)
        target = out / name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        torch.jit.save(module, str(target / "model.pt"))
        text = (package / "model.yaml").read_text()
        text = re.sub(r"(?m)^name:.*$", f"name: {name}", text)
        text = re.sub(r"(?m)^precision:.*\n", "", text)         # fp32: no bf16 copy is written
        (target / "model.yaml").write_text(f"# {kind} randomisation of {meta['name']} ({', '.join(chosen)}), "
                                           f"tools/randomise_package.py --seed {seed}\n" + text)
        written.append({"model": name, "kind": kind, "stages": chosen, "tensors": len(changed)})
        print(f"{name}: {', '.join(chosen)} ({len(changed)} tensors)", file=sys.stderr)
    manifest = {"trained": meta["name"], "seed": seed, "stages": ordered, "targetStage": ordered[-2],
                "randomisations": written}
    (out / "randomisations.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--stages", help="comma-separated stages, input first (default: all of the package's)")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    write_randomisations(args.package, args.out, args.seed, args.stages.split(",") if args.stages else None)


if __name__ == "__main__":
    main()
