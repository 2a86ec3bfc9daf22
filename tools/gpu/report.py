#!/usr/bin/env python3
"""The results table of tools/gpu/gpu-benchmark.sh, from whatever its steps left in WORK.

    report.py --work DIR --out results.md --command "..." [--note "..."]...

Reads client-<variant>.json (service_client.py), floor.json (forward_floor.py), maps.json
(reference_maps.py), nvidia-smi.csv and server.log; a missing file gives a "not measured" row
instead of no report, so a run that broke half-way still says how far it got. One column per
variant (precision, workers) the service served.
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


def variant_columns(work):
    """{variant name: client json}, the fp32 one first, then in the order they ran."""
    clients = {p.stem[len("client-"):]: load(p) for p in sorted(work.glob("client-*.json"))}
    clients = {name: c for name, c in clients.items() if c}
    return dict(sorted(clients.items(), key=lambda item: (item[1]["phases"].get("warmup", [0])[0]
                                                          if item[1].get("phases") else 0)))


def cells(clients, fn):
    return " | ".join(fn(name, client) for name, client in clients.items())


def ok_answers(client, phase):
    return [r for r in client.get(phase, []) if r["status"] == 200]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--command", default="")
    parser.add_argument("--device-label", default="")
    parser.add_argument("--note", action="append", default=[])
    args = parser.parse_args()
    work = Path(args.work)
    clients = variant_columns(work)
    floor, maps = load(work / "floor.json"), load(work / "maps.json")
    smi = smi_samples(work / "nvidia-smi.csv")
    facts, rows = [], []

    def fact(what, value):
        facts.append(f"| {what} | {value} |")

    device = args.device_label or (floor or {}).get("gpu") or "n/a"
    fact("device", device)
    fact("engine (server log)", engine_line(work / "server.log") or "no engine line in the server log")
    if floor:
        fact("Python torch (floor, maps)", f"{floor['torch']} on {floor['device']}")
    first = next(iter(clients.values()), None)
    if first and first.get("model"):
        model = first["model"]
        fact("model", f"{model['input']['width']}x{model['input']['height']}, {model['channels']} channels at "
                      f"{model['targetLayer']}, device {model['device']}, one package served once per variant")
    else:
        fact("model", "not measured: no model info (the service did not come up; see server.log)")

    def row(what, fn):
        rows.append(f"| {what} | {cells(clients, fn)} |")

    def p50_of(client):
        answers = ok_answers(client, "sequential")
        return quantile([r["seconds"] for r in answers], 0.5) if answers else None

    def floor_of(client):
        """live channels x the Python forward per image at the variant's batch, or None."""
        answers = ok_answers(client, "sequential")
        if not floor or not answers:
            return None
        per_image = floor["perImage"].get(client["model"]["precision"])
        return answers[0]["liveChannels"] * per_image if isinstance(per_image, float) else None

    row("precision / workers per device", lambda n, c: f"{c['model']['precision']} / {c.get('workers', '?')}")
    row("batch size (GET /v1/models/{model})",
        lambda n, c: f"{c['model']['batchSize']} ({c['model'].get('batchSizeFrom') or 'configured'})")
    row("1 client: p50 / p90 end to end", lambda n, c: (
        f"{seconds(p50_of(c))} / {seconds(quantile([r['seconds'] for r in ok_answers(c, 'sequential')], 0.9))}"
        if ok_answers(c, "sequential") else "not measured"))
    row("  server compute (stats.computeMillis) p50", lambda n, c: seconds(
        quantile([r["computeMillis"] / 1000 for r in ok_answers(c, "sequential")], 0.5))
        if ok_answers(c, "sequential") else "n/a")
    row("  live channels / forward passes", lambda n, c: (
        f"{ok_answers(c, 'sequential')[0]['liveChannels']} / {ok_answers(c, 'sequential')[0]['forwardPasses']}"
        if ok_answers(c, "sequential") else "n/a"))
    row("forward floor: live x Python forward per image at that batch", lambda n, c: (
        f"{seconds(floor_of(c))}; p50 / floor {p50_of(c) / floor_of(c):.2f}x" if floor_of(c) else "n/a"))
    if smi:
        row("  GPU (nvidia-smi) during the 1-client calls", lambda n, c: smi_in(smi, c["phases"]["sequential"])
            if "sequential" in c.get("phases", {}) else "n/a")

    def concurrent_cell(client):
        per_client = client.get("concurrent")
        if not per_client:
            return "not measured"
        answers = [r for calls in per_client for r in calls]
        ok = [r["seconds"] for r in answers if r["status"] == 200]
        first_s, last_s = client["phases"]["concurrent"]
        single = ok_answers(client, "sequential")
        single_rate = 1 / statistics.mean([r["seconds"] for r in single]) if single else float("nan")
        return (f"{len(ok)}/{len(answers)} x 200, {len(ok) / (last_s - first_s):.2f}/s "
                f"(1 client {single_rate:.2f}/s), p50 {seconds(quantile(ok, 0.5) if ok else None)}")

    row(f"{args_clients(clients)} concurrent clients: throughput", lambda n, c: concurrent_cell(c))
    if smi:
        row("  GPU (nvidia-smi) during the concurrent calls", lambda n, c: smi_in(smi, c["phases"]["concurrent"])
            if "concurrent" in c.get("phases", {}) else "n/a")
    variants = (maps or {}).get("variants", {})
    reference = (maps or {}).get("reference")

    def map_cell(name, client):
        if name in variants:
            v = variants[name]
            with_ref = v.get("correlationWithReference")
            return (f"vs fp32 map {v['correlationWithFp32']:.4f}"
                    + (f", vs reference {with_ref:.4f}" if with_ref is not None else ""))
        if reference and client["model"]["precision"] == "fp32" and reference["correlation"] is not None:
            return f"vs float64 reference {reference['correlation']:.6f} (max diff {reference['maxAbsDiff']:.1e})"
        return "n/a"

    row("map correlation", map_cell)
    failed = [(n, r) for n, c in clients.items() for r in c.get("warmup", []) + c.get("sequential", [])
              if r["status"] != 200]

    extra = []
    methods = load(work / "methods.json")
    method_rows = []
    for name, m in ((methods or {}).get("methods") or {}).items():
        if m["status"] != 200:
            method_rows.append(f"| {name} | HTTP {m['status']}: {m.get('error', '')[:120]} | | | |")
            continue
        params = ", ".join(f"{k}={v}" for k, v in m["params"].items()) or "defaults"
        passes = f"{m['forwardPasses']} / {m['backwardPasses']}"
        if "referenceForward" in m:
            passes += f" (reference {m['referenceForward']} / {m['referenceBackward']})"
            check = (f"{m['correlation']:.6f}, max diff {m['maxAbsDiff']:.1e}" if m["correlation"] is not None
                     else "flat map")
        else:
            check = m.get("reference", "n/a")
        if m.get("faithfulness"):
            check += "; faithfulness answered"
        method_rows.append(f"| {name} ({params}) | {m['computeMillis']} ms | {passes} | {check} | {m['seconds']:.3f} s |")
    if floor and floor.get("sweep"):
        extra.append("Python forward fp32, ms per image by batch: "
                     + ", ".join(f"{b}: {v * 1000:.3f}" for b, v in floor["sweep"].items()))
    if floor:
        extra.append("Python forward per image at the service's batch: "
                     + ", ".join(f"{p} (batch {floor['batches'].get(p)}): "
                                 + (f"{v * 1000:.3f} ms" if isinstance(v, float) else str(v))
                                 for p, v in floor["perImage"].items()))
    for key, label in (("gradcam", "pytorch-grad-cam ScoreCAM (fp32 network, its default)"),
                       ("gradcamFp16", "pytorch-grad-cam ScoreCAM on the package's fp16 network")):
        peer = (maps or {}).get(key)
        if peer and "error" not in peer:
            with_reference = peer.get("correlationWithReference")
            extra.append(f"{label}, batch {peer['batch']}, same image: {seconds(statistics.median(peer['seconds']))} "
                         f"median of {len(peer['seconds'])} after 1 warm-up; map correlation with the service's "
                         f"fp32 map {peer['correlation']:.4f}"
                         + (f", with the reference {with_reference:.4f}" if with_reference is not None else ""))
        elif peer:
            extra.append(f"{label}: failed: {peer['error']}")
    if reference is None:
        extra.append("float64 reference map: not measured")
    for name, r in failed[:3]:
        extra.append(f"failed request ({name}): HTTP {r['status']}: {r.get('error', '')[:200]}")
    extra += [f"note: {n}" for n in args.note]

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = "| | " + " | ".join(clients) + " |\n|---|" + "---|" * len(clients) + "\n" if clients else ""
    text = (f"# Score-CAM end to end through the service: {device}\n\n"
            f"{stamp}; command: `{args.command}`\n\n| what | measured |\n|---|---|\n" + "\n".join(facts) + "\n\n"
            + (header + "\n".join(rows) + "\n\n" if clients else "No variant answered: see server.log.\n\n")
            + "".join(f"- {line}\n" for line in extra)
            + (f"\nEvery method on the {methods['model']} variant, maps against the float64 reference on "
               f"{methods['device']}:\n\n| method | compute | forward / backward passes | map vs reference | "
               "end to end |\n|---|---|---|---|---|\n" + "\n".join(method_rows) + "\n" if method_rows else ""))
    Path(args.out).write_text(text)
    print(text)


def args_clients(clients):
    counts = {len(c["concurrent"]) for c in clients.values() if c.get("concurrent")}
    return "/".join(str(n) for n in sorted(counts)) or "2"


if __name__ == "__main__":
    main()
