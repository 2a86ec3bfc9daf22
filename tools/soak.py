"""Soak client for tools/soak.sh: N explanation requests on the demo model against a running
server, in blocks of 500, alternately sequential and from several concurrent clients. After
each block it samples the server's RSS (/proc/<pid>/status VmRSS: the Java heap, metaspace and
libtorch's native memory together) and the JVM's heap, and prints a Markdown table row.

Standard library only, with tools/scorecam_client.py (run with /usr/bin/python3). Exit status 1
if any answer was not the expected 200 (synchronous, poll, result) or 202 (job submitted).

    soak.py BASE_URL SERVER_PID N [--clients 4] [--every 500] [--samples samples]
"""
import argparse
import concurrent.futures
import glob
import json
import os
import sys
import threading
import time

import scorecam_client

MODEL = "fashion-cnn"
JOB_EVERY = 10          # every 10th request is an asynchronous job instead of a synchronous one
JOB_DEADLINE_S = 120    # a job not finished by then is a failure, so no poll loop runs forever
HTTP_TIMEOUT_S = 120


class Client:
    def __init__(self, base_url, samples):
        self.base_url = base_url.rstrip("/")
        self.bodies = [self._bodies(path) for path in samples]
        self.lock = threading.Lock()
        self.failures = []
        self.counts = {"sync-png": 0, "sync-json": 0, "job": 0}

    @staticmethod
    def _bodies(path):
        """The sample's two forms, built once: an explanation's, and a job's (with its model)."""
        with open(path, "rb") as f:
            image = f.read()
        name = os.path.basename(path)
        return {"explain": scorecam_client.multipart(image, name),
                "job": scorecam_client.multipart(image, name, fields={"model": MODEL})}

    def _call(self, method, path, form=None, accept="application/json"):
        """(status, body) of one request with a connection of its own, so that no keep-alive race
        reads as a failure; a failed connection raises ConnectionError."""
        body, content_type = form or (None, None)
        headers = {"Accept": accept, **({"Content-Type": content_type} if form else {})}
        answer = scorecam_client.call(method, self.base_url + path, body, headers, HTTP_TIMEOUT_S)
        if answer.status == 0:
            raise ConnectionError(answer.text())
        return answer.status, answer.body

    def _fail(self, i, what, status, payload):
        with self.lock:
            self.failures.append(f"request {i}: {what} -> {status} {payload[:200]!r}")

    def request(self, i):
        body = self.bodies[i % len(self.bodies)]
        try:
            if i % JOB_EVERY == JOB_EVERY - 1:
                self._job(i, body)
                kind = "job"
            else:
                kind = "sync-png" if i % 2 == 0 else "sync-json"
                self._sync(i, body, "image/png" if kind == "sync-png" else "application/json")
        except (ConnectionError, ValueError) as e:
            self._fail(i, "connection", type(e).__name__, str(e).encode())
            return
        with self.lock:
            self.counts[kind] += 1

    def _sync(self, i, body, accept):
        status, payload = self._call("POST", f"/v1/models/{MODEL}/explanations", body["explain"], accept)
        if status != 200:
            self._fail(i, f"explain {accept}", status, payload)
        elif accept == "image/png" and not payload.startswith(b"\x89PNG"):
            self._fail(i, "explain image/png: not a PNG", status, payload)
        elif accept == "application/json" and not json.loads(payload).get("explanations"):
            self._fail(i, "explain json: no explanations", status, payload)

    def _job(self, i, body):
        status, payload = self._call("POST", "/v1/jobs", body["job"])
        if status != 202:
            self._fail(i, "job submit", status, payload)
            return
        job = json.loads(payload)["id"]
        deadline = time.monotonic() + JOB_DEADLINE_S
        while True:
            status, payload = self._call("GET", f"/v1/jobs/{job}")
            state = json.loads(payload).get("status") if status == 200 else None
            if status != 200 or state in ("FAILED", "CANCELLED"):
                self._fail(i, f"job poll ({state})", status, payload)
                return
            if state == "SUCCEEDED":
                break
            if time.monotonic() > deadline:
                self._fail(i, f"job not done in {JOB_DEADLINE_S} s", status, payload)
                return
            time.sleep(0.01)
        status, payload = self._call("GET", f"/v1/jobs/{job}/result", accept="image/png")
        if status != 200 or not payload.startswith(b"\x89PNG"):
            self._fail(i, "job result", status, payload)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def metric_mb(client, name, tag=None):
    path = f"/actuator/metrics/{name}" + (f"?tag={tag}" if tag else "")
    status, payload = client._call("GET", path)
    if status != 200:
        raise RuntimeError(f"{path} -> {status} (is the metrics endpoint exposed?)")
    return json.loads(payload)["measurements"][0]["value"] / 2**20


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("pid", type=int)
    parser.add_argument("n", type=int)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--samples", default="samples")
    args = parser.parse_args()

    samples = sorted(glob.glob(os.path.join(args.samples, "*.png")))
    if not samples:
        sys.exit(f"no PNG in {args.samples}")
    client = Client(args.base_url, samples)

    def sample(done, elapsed):
        rss = rss_mb(args.pid)
        heap = metric_mb(client, "jvm.memory.used", "area:heap")
        committed = metric_mb(client, "jvm.memory.committed", "area:heap")
        nonheap = metric_mb(client, "jvm.memory.used", "area:nonheap")
        print(f"| {done} | {rss:.0f} | {heap:.0f} | {committed:.0f} | {nonheap:.0f} "
              f"| {elapsed:.0f} | {len(client.failures)} |", flush=True)
        return rss

    print(f"{args.n} requests on {MODEL}, {len(samples)} samples, blocks of {args.every} "
          f"alternately sequential and {args.clients} concurrent clients; every {JOB_EVERY}th request "
          f"an async job (submit, poll, PNG result), the others sync, half PNG and half JSON", flush=True)
    print("| requests | RSS MB | heap used MB | heap committed MB "
          "| non-heap MB | elapsed s | failures |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    start = time.monotonic()
    rss = {0: sample(0, 0)}
    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        for block, first in enumerate(range(0, args.n, args.every)):
            ids = range(first, min(first + args.every, args.n))
            if block % 2 == 0:
                for i in ids:
                    client.request(i)
            else:
                list(pool.map(client.request, ids))
            rss[ids[-1] + 1] = sample(ids[-1] + 1, time.monotonic() - start)

    elapsed = time.monotonic() - start
    print(f"\n{args.n} requests in {elapsed:.0f} s ({args.n / elapsed:.1f} req/s): {client.counts}")
    base = next((k for k in sorted(rss) if k >= min(1000, args.n)), None)
    if base is not None and base < args.n:
        growth = rss[args.n] / rss[base] - 1
        print(f"RSS after {args.n}: {rss[args.n]:.0f} MB; after {base}: {rss[base]:.0f} MB; "
              f"growth {growth:+.1%} ({'within' if abs(growth) <= 0.10 else 'NOT within'} 10%)")
    if client.failures:
        print(f"{len(client.failures)} failures, the first ones:")
        for line in client.failures[:20]:
            print("  " + line)
        return 1
    print("failures: 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
