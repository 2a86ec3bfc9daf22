#!/usr/bin/env python3
"""HTTP side of tools/gpu/gpu-benchmark.sh: waits for the service, then times explanations.

    service_client.py ready --url URL --pid PID --timeout S
    service_client.py bench --url URL --model NAME --image PNG --runs N --clients C
                            --warmup W [--workers K] --deadline EPOCH --out client.json

`bench` reads GET /v1/models/{model} (batch size, channels, device), sends W warm-up
explanations, then N timed ones one after another, then N from each of C concurrent clients.
Every phase starts only before the deadline and every request has a timeout, so it ends on its
own. The first timed answer's map is kept (base64 float32) for the map checks.
Standard library only (with tools/scorecam_client.py): it runs under whatever python3 the GPU
machine has.
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import scorecam_client as client  # noqa: E402

REQUEST_TIMEOUT_S = 150


def wait_ready(url, pid, timeout):
    """0 once readiness answers UP; 1 if the server process died or the time ran out."""
    end = time.time() + timeout
    while time.time() < end:
        if not os.path.exists(f"/proc/{pid}"):
            print(f"server process {pid} exited before it was ready", file=sys.stderr)
            return 1
        try:
            if client.get_json(f"{url}/actuator/health/readiness", timeout=5).get("status") == "UP":
                return 0
        except ValueError:
            pass               # not listening yet, or 503 while models load
        time.sleep(1)
    print(f"not ready after {timeout} s", file=sys.stderr)
    return 1


def record(answer):
    """What the report needs of one answer (the map itself is kept only once)."""
    entry = {"seconds": round(answer.seconds, 4), "status": answer.status}
    if answer.status == 200:
        stats = answer.json()["stats"]
        entry.update(computeMillis=stats["computeMillis"], liveChannels=stats["liveChannels"],
                     forwardPasses=stats["forwardPasses"], batchSize=stats["batchSize"],
                     precision=stats.get("precision"))
    else:
        entry["error"] = answer.text()
    return entry


def sequential(url, model, image, runs, deadline, keep_map):
    results, kept = [], None
    for _ in range(runs):
        if time.time() > deadline:
            break
        answer = client.explain(url, model, image, timeout=REQUEST_TIMEOUT_S)
        results.append(record(answer))
        if keep_map and kept is None and answer.status == 200:
            payload = answer.json()
            first = payload["explanations"][0]
            kept = {"target": first["target"]["index"], "score": payload["score"],
                    "width": first["saliency"]["width"], "height": first["saliency"]["height"],
                    "data": first["saliency"]["data"]}
        if answer.status != 200:
            break              # a failing service fails every call alike: say so once
    return results, kept


def concurrent(url, model, image, clients, runs, deadline):
    per_client = [[] for _ in range(clients)]

    def one_client(i):
        per_client[i], _ = sequential(url, model, image, runs, deadline, keep_map=False)

    threads = [threading.Thread(target=one_client, args=(i,), daemon=True) for i in range(clients)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.time() + REQUEST_TIMEOUT_S))
    return per_client, start, time.time()


def bench(args):
    image = open(args.image, "rb").read()
    out = {"model": client.get_json(f"{args.url}/v1/models/{args.model}"), "workers": args.workers}
    phases = {}

    start = time.time()
    out["warmup"], _ = sequential(args.url, args.model, image, args.warmup, args.deadline, keep_map=False)
    phases["warmup"] = [start, time.time()]

    if all(r["status"] == 200 for r in out["warmup"]):
        start = time.time()
        out["sequential"], out["map"] = sequential(args.url, args.model, image, args.runs, args.deadline,
                                                   keep_map=True)
        phases["sequential"] = [start, time.time()]
        if out["sequential"] and all(r["status"] == 200 for r in out["sequential"]):
            out["concurrent"], first, last = concurrent(args.url, args.model, image, args.clients, args.runs,
                                                        args.deadline)
            phases["concurrent"] = [first, last]
    out["phases"] = phases
    for phase in ("warmup", "sequential"):
        answers = out.get(phase, [])
        print(f"{phase}: {len(answers)} calls, HTTP {sorted({r['status'] for r in answers})}, "
              f"seconds {[r['seconds'] for r in answers]}")
    if "concurrent" in out:
        print(f"concurrent: {args.clients} clients, {sum(len(c) for c in out['concurrent'])} calls "
              f"in {phases['concurrent'][1] - phases['concurrent'][0]:.1f} s")
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    ok = out.get("sequential") and all(r["status"] == 200 for r in out["sequential"])
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ready = sub.add_parser("ready")
    ready.add_argument("--url", required=True)
    ready.add_argument("--pid", type=int, required=True)
    ready.add_argument("--timeout", type=float, required=True)
    b = sub.add_parser("bench")
    b.add_argument("--url", required=True)
    b.add_argument("--model", required=True)
    b.add_argument("--image", required=True)
    b.add_argument("--runs", type=int, default=10)
    b.add_argument("--clients", type=int, default=2)
    b.add_argument("--warmup", type=int, default=2)
    b.add_argument("--workers", type=int, help="the model's workers per device, as configured (recorded)")
    b.add_argument("--deadline", type=float, required=True, help="epoch seconds: no request starts after it")
    b.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "ready":
        return wait_ready(args.url, args.pid, args.timeout)
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
