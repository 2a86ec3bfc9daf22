#!/usr/bin/env python3
"""Seconds per explanation of several methods through HTTP, alternating, in one run.

    tools/method_benchmark.py --url URL --model resnet50-224 --image samples/sneaker.png \
        --reps 5 --scorecam-reps 1 recipro-cam eigencam ablation-cam scorecam

Each round explains the image once with every method (the order rotates round by round, so no
method always follows the same one); `scorecam` takes part in the first --scorecam-reps rounds
only (an exact Score-CAM of a ResNet-50 at 224 px costs one forward pass per channel). One
warm-up request per method comes first, except for scorecam. Per method it prints the median
and range of the wall time (request sent to last byte: upload, decoding, queue, computation,
JSON), the median of stats.computeMillis (the computation alone, as the service times it) and
the passes the service counted, with the target (--targets method=seconds) and whether the
median meets it. Synchronous JSON requests, default method parameters, top-1 target; the service's
answer cache must be off (--scorecam.cache.enabled=false), or repeats would be answered from it.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

import scorecam_client as client

DEFAULT_TARGETS = {"recipro-cam": 1.0, "eigencam": 1.0, "ablation-cam": 3.0}


def parse_targets(items):
    targets = dict(DEFAULT_TARGETS)
    for item in items or ():
        name, _, seconds = item.partition("=")
        targets[name] = float(seconds)
    return targets


def explain(url, model, image, method, timeout):
    answer = client.explain(url, model, image, params={"method": method}, timeout=timeout)
    if answer.status != 200:
        sys.exit(f"{method}: HTTP {answer.status}: {answer.text()}")
    stats = answer.json()["stats"]
    if answer.seconds < stats["computeMillis"] / 1000:
        sys.exit(f"{method}: answered in {answer.seconds:.3f} s, computed in {stats['computeMillis']} ms: "
                 "from the answer cache; start the service with --scorecam.cache.enabled=false")
    return {"wall": answer.seconds, "compute": stats["computeMillis"] / 1000,
            "forward": stats["forwardPasses"], "head": stats.get("headPasses", 0),
            "backward": stats["backwardPasses"], "batch": stats["batchSize"]}


def rounds(methods, reps, scorecam_reps):
    """[(round, method)] in the order they run: each round rotated by one against the last."""
    order = []
    for r in range(reps):
        shift = r % len(methods)
        for method in methods[shift:] + methods[:shift]:
            if method == "scorecam" and r >= scorecam_reps:
                continue
            order.append((r, method))
    return order


def table(results, targets):
    lines = ["| method | runs | wall s, median (range) | computeMillis s, median | forward / head / backward passes | batch | target | met |",
             "|---|---:|---|---:|---|---:|---|---|"]
    for method, runs in results.items():
        wall = [r["wall"] for r in runs]
        compute = statistics.median(r["compute"] for r in runs)
        median = statistics.median(wall)
        target = targets.get(method)
        met = "-" if target is None else ("yes" if median < target else "no")
        last = runs[-1]
        lines.append(f"| {method} | {len(runs)} | {median:.3f} ({min(wall):.3f}-{max(wall):.3f}) | "
                     f"{compute:.3f} | {last['forward']} / {last['head']} / {last['backward']} | "
                     f"{last['batch']} | {'< %g s' % target if target else '-'} | {met} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("methods", nargs="+")
    parser.add_argument("--url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--image", default="samples/sneaker.png")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--scorecam-reps", type=int, default=1)
    parser.add_argument("--targets", nargs="*", metavar="METHOD=SECONDS",
                        help="targets beside the defaults %s" % DEFAULT_TARGETS)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)
    image = Path(args.image).read_bytes()
    targets = parse_targets(args.targets)

    for method in args.methods:
        if method != "scorecam":
            explain(args.url, args.model, image, method, args.timeout)
    results = {m: [] for m in args.methods}
    for r, method in rounds(args.methods, args.reps, args.scorecam_reps):
        run = explain(args.url, args.model, image, method, args.timeout)
        results[method].append(run)
        print(f"round {r + 1}: {method} {run['wall']:.3f} s (compute {run['compute']:.3f} s, "
              f"load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    print(table({m: runs for m, runs in results.items() if runs}, targets))


if __name__ == "__main__":
    main()
