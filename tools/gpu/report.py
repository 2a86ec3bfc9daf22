#!/usr/bin/env python3
"""The results table of tools/gpu/gpu-benchmark.sh, from whatever its steps left in WORK.

    report.py --work DIR --out results.md --command "..." [--note "..."]...

Reads client.json (service_client.py), floor.json (forward_floor.py), maps.json
(reference_maps.py), nvidia-smi.csv and server.log; a missing file gives a "not measured" row
instead of no report, so a run that broke half-way still says how far it got.
"""

import argparse
import datetime
import json
import math
import re
import statistics
from pathlib import Path


def load(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def quantile(values, q):
    """Nearest-rank quantile: with 10 samples p50 is the 5th smallest and p90 the 9th."""
    ordered = sorted(values)
    rank = math.ceil(round(q * len(ordered), 9))
    return ordered[max(0, min(len(ordered), rank) - 1)]


def seconds(value):
    return f"{value:.3f} s" if value is not None else "n/a"


def smi_samples(path):
    """(epoch, utilisation %, memory MiB) per nvidia-smi line: 'YYYY/MM/DD HH:MM:SS.mmm, 87, 12345'."""
    samples = []
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return samples
    for line in lines:
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 3:
            continue
        try:
            stamp = datetime.datetime.strptime(parts[0], "%Y/%m/%d %H:%M:%S.%f").timestamp()
            samples.append((stamp, float(parts[1]), float(parts[2])))
        except ValueError:
            continue               # header or a "[N/A]"
    return samples


def smi_in(samples, phase):
    inside = [s for s in samples if phase[0] <= s[0] <= phase[1]]
    if not inside:
        return "no samples"
    util = [s[1] for s in inside]
    return (f"{statistics.mean(util):.0f}% mean, {min(util):.0f}-{max(util):.0f}% "
            f"({len(inside)} samples), memory up to {max(s[2] for s in inside):.0f} MiB")


def engine_line(log):
    try:
        text = Path(log).read_text(errors="replace")
    except OSError:
        return None
    found = re.search(r"Engine PyTorch (\S+) ready, (\d+) GPU", text)
    return f"libtorch {found.group(1)}, {found.group(2)} GPU(s) seen by DJL" if found else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--command", default="")
    parser.add_argument("--device-label", default="")
    parser.add_argument("--note", action="append", default=[])
    args = parser.parse_args()
    work = Path(args.work)
    client, floor, maps = load(work / "client.json"), load(work / "floor.json"), load(work / "maps.json")
    smi = smi_samples(work / "nvidia-smi.csv")
    rows = []

    def row(what, value):
        rows.append(f"| {what} | {value} |")

    device = args.device_label or (floor or {}).get("gpu") or "n/a"
    row("device", device)
    row("engine (server log)", engine_line(work / "server.log") or "no engine line in the server log")
    if floor:
        row("Python torch (floor, maps)", f"{floor['torch']} on {floor['device']}")
    row("precision", "fp32; bf16/fp16: not available in this build (the service has no precision setting yet)")

    model = (client or {}).get("model")
    live = None
    p50 = None
    if model:
        row("model", f"{model['name']}, {model['input']['width']}x{model['input']['height']}, "
                     f"{model['channels']} channels at {model['targetLayer']}, device {model['device']}")
        row("batch size (GET /v1/models/{model})", str(model["batchSize"]))
    else:
        row("model", "not measured: no model info (the service did not come up; see server.log)")

    sequential = [r for r in (client or {}).get("sequential", []) if r["status"] == 200]
    failed = [r for r in (client or {}).get("warmup", []) + (client or {}).get("sequential", [])
              if r["status"] != 200]
    if failed:
        row("failed request", f"HTTP {failed[0]['status']}: {failed[0].get('error', '')[:200]}")
    if sequential:
        latencies = [r["seconds"] for r in sequential]
        compute = [r["computeMillis"] / 1000 for r in sequential]
        live = sequential[0]["liveChannels"]
        p50 = quantile(latencies, 0.5)
        row(f"explanations, 1 client, {len(latencies)} calls after {len(client['warmup'])} warm-up: "
            "p50 / p90 end to end", f"{seconds(p50)} / {seconds(quantile(latencies, 0.9))}")
        row("  of which server compute (stats.computeMillis) p50", seconds(quantile(compute, 0.5)))
        row("live channels / forward passes per explanation",
            f"{live} / {sequential[0]['forwardPasses']} (batch {sequential[0]['batchSize']})")
        if smi and "sequential" in client["phases"]:
            row("  GPU (nvidia-smi) during these calls", smi_in(smi, client["phases"]["sequential"]))
    elif client and not failed:
        row("explanations, 1 client", "not measured: no time left before the deadline (BUDGET_S)")
    else:
        row("explanations, 1 client", "not measured")

    if floor and model:
        per_image = floor["perImage"].get("fp32")
        batch = model["batchSize"]
        if batch != floor["batch"]:
            per_image = floor["sweep"].get(str(batch))
        if isinstance(per_image, float) and live:
            floor_s = live * per_image
            ratio = f"; p50 / floor = {p50 / floor_s:.2f}x" if p50 else ""
            row(f"forward floor fp32: live channels x forward per image at batch {batch}",
                f"{live} x {per_image * 1000:.3f} ms = {seconds(floor_s)}{ratio}")
        elif isinstance(per_image, float):
            row(f"forward fp32 per image at batch {batch} (live channels unknown)", f"{per_image * 1000:.3f} ms")
        for name, value in floor["perImage"].items():
            if name != "fp32":
                shown = f"{value * 1000:.3f} ms per image" if isinstance(value, float) else value
                row(f"  Python forward {name} at batch {floor['batch']} (reference only)", shown)
        if floor["sweep"]:
            row("  Python forward fp32, ms per image by batch",
                ", ".join(f"{b}: {v * 1000:.3f}" for b, v in floor["sweep"].items()))
    else:
        row("forward floor", "not measured")

    concurrent = (client or {}).get("concurrent")
    if concurrent:
        answers = [r for per_client in concurrent for r in per_client]
        ok = [r["seconds"] for r in answers if r["status"] == 200]
        first, last = client["phases"]["concurrent"]
        wall = last - first
        row(f"{len(concurrent)} concurrent clients, {len(answers)} calls",
            f"{len(ok)} x 200; {len(ok) / wall:.2f} explanations/s over {wall:.1f} s "
            f"(1 client: {1 / statistics.mean([r['seconds'] for r in sequential]):.2f}/s); "
            f"p50 {seconds(quantile(ok, 0.5) if ok else None)}")
        if smi:
            row("  GPU (nvidia-smi) during these calls", smi_in(smi, client["phases"]["concurrent"]))
    else:
        row("concurrent clients", "not measured")

    reference = (maps or {}).get("reference")
    if reference:
        row("map vs float64 reference (same device): correlation, largest difference",
            f"{reference['correlation']:.6f}, {reference['maxAbsDiff']:.2e} ({reference['seconds']} s)"
            if reference["correlation"] is not None else f"flat map ({reference})")
    else:
        row("map vs float64 reference", "not measured")
    gradcam = (maps or {}).get("gradcam")
    if gradcam and "error" not in gradcam:
        times = gradcam["seconds"]
        cor = gradcam["correlation"]
        with_reference = gradcam.get("correlationWithReference")
        row(f"pytorch-grad-cam ScoreCAM, batch {gradcam['batch']}, same package and image",
            f"{seconds(statistics.median(times))} median of {len(times)} after 1 warm-up; map correlation "
            + (f"with the service {cor:.4f}" if cor is not None else "n/a (flat map)")
            + (f", with the reference {with_reference:.4f}" if with_reference is not None else ""))
    elif gradcam:
        row("pytorch-grad-cam ScoreCAM", f"failed: {gradcam['error']}")
    for note in args.note:
        row("note", note)

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"# Score-CAM end to end through the service: {device}\n\n"
            f"{stamp}; command: `{args.command}`\n\n| what | measured |\n|---|---|\n"
            + "\n".join(rows) + "\n")
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
