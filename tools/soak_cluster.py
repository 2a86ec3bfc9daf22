"""Client of tools/soak-cluster.sh: a mixed load against two API instances for a fixed time, then
every accepted job followed to its end. Methods rotate (scorecam, faster-scorecam, gradcam,
gradcam++); requests alternate synchronous PNG, synchronous JSON and asynchronous jobs (submitted
on one API instance, then polled and fetched on the other until they end, so that a job is seen
before it expires). Prints Markdown tables: answers by status,
jobs accepted / succeeded / failed by reason / lost, latency p50/p99 by kind.

Standard library only (/usr/bin/python3). Exit status 1 if a job was lost or an answer was not
200/202/503/504.

    soak_cluster.py API1_URL API2_URL SECONDS [--clients 4]
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

MODEL = "fashion-cnn"
METHODS = ["scorecam", "faster-scorecam", "gradcam", "gradcam++"]
KINDS = ["sync-png", "sync-json", "job"]
FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
HTTP_TIMEOUT_S = 120
JOB_DEADLINE_S = 300


class Load:
    def __init__(self, apis, image):
        self.apis = [urllib.parse.urlsplit(a) for a in apis]
        self.image = image
        self.lock = threading.Lock()
        self.statuses = {}
        self.latency = {kind: [] for kind in KINDS}
        self.unexpected = []
        self.jobs = []          # ids of the accepted jobs
        self.ends = {}          # how they ended: SUCCEEDED, FAILED/CANCELLED: type, lost (...)

    def body(self, fields):
        boundary = "soak-" + os.urandom(8).hex()
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="s.png"\r\n'
                     f'Content-Type: image/png\r\n\r\n'.encode() + self.image + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return f"multipart/form-data; boundary={boundary}", b"".join(parts)

    def call(self, api, method, path, body=None, headers=None):
        url = self.apis[api]
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=HTTP_TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def count(self, status, what, payload):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status not in (200, 202, 503, 504):
                self.unexpected.append(f"{what} -> {status} {payload[:200]!r}")

    def request(self, i):
        kind = KINDS[i % len(KINDS)]
        method = METHODS[(i // len(KINDS)) % len(METHODS)]
        api = i % 2
        start = time.monotonic()
        try:
            if kind == "job":
                ctype, body = self.body({"model": MODEL, "method": method})
                status, payload = self.call(api, "POST", "/v1/jobs", body, {"Content-Type": ctype})
                if status == 202:
                    job = json.loads(payload)["id"]
                    end = self.follow(job, api)   # while it is fresh: a finished job expires after the job ttl
                    with self.lock:
                        self.jobs.append(job)
                        self.ends[end] = self.ends.get(end, 0) + 1
            else:
                ctype, body = self.body({"method": method})
                accept = "image/png" if kind == "sync-png" else "application/json"
                status, payload = self.call(api, "POST", f"/v1/models/{MODEL}/explanations", body,
                                            {"Content-Type": ctype, "Accept": accept})
                if status == 200 and kind == "sync-png" and not payload.startswith(b"\x89PNG"):
                    status = -1
        except (OSError, http.client.HTTPException) as e:
            status, payload = 0, str(e).encode()
        self.count(status, f"{kind} {method}", payload)
        if status in (200, 202):
            with self.lock:
                self.latency[kind].append(time.monotonic() - start)

    def follow(self, job, submitted_on):
        """The job's end as the other API instance sees it: SUCCEEDED, FAILED/CANCELLED: kind, or lost."""
        other = 1 - submitted_on
        deadline = time.monotonic() + JOB_DEADLINE_S
        while time.monotonic() < deadline:
            try:
                status, payload = self.call(other, "GET", f"/v1/jobs/{job}")
            except (OSError, http.client.HTTPException):
                time.sleep(0.5)
                continue
            if status == 404:
                return "lost (404)"
            if status == 200:
                view = json.loads(payload)
                state = view.get("status")
                if state == "SUCCEEDED":
                    status, png = self.call(other, "GET", f"/v1/jobs/{job}/result", headers={"Accept": "image/png"})
                    return "SUCCEEDED" if status == 200 and png.startswith(b"\x89PNG") else f"lost (result {status})"
                if state in FINAL:
                    return f"{state}: {view.get('error', {}).get('type', '?')}"
            time.sleep(0.2)
        return "lost (not ended)"


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("api1")
    parser.add_argument("api2")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with open("samples/sneaker.png", "rb") as f:
        load = Load([args.api1, args.api2], f.read())

    stop = time.monotonic() + args.seconds
    counter = iter(range(10**9))
    counter_lock = threading.Lock()

    def client():
        while time.monotonic() < stop:
            with counter_lock:
                i = next(counter)
            load.request(i)

    with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
        for f in [pool.submit(client) for _ in range(args.clients)]:
            f.result()

    print("| status | answers |\n|---:|---:|")
    for status in sorted(load.statuses):
        print(f"| {status} | {load.statuses[status]} |")
    outcomes = load.ends
    lost = sum(n for end, n in outcomes.items() if end.startswith("lost"))
    print(f"\n| jobs accepted | succeeded | failed or cancelled, by reason | lost |\n|---:|---:|---|---:|")
    others = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()) if k != "SUCCEEDED" and not k.startswith("lost"))
    print(f"| {len(load.jobs)} | {outcomes.get('SUCCEEDED', 0)} | {others or 'none'} | {lost} |")
    print("\n| kind | answered 200/202 | p50 s | p99 s |\n|---|---:|---:|---:|")
    for kind in KINDS:
        values = load.latency[kind]
        label = "job (submit to result)" if kind == "job" else kind
        print(f"| {label} | {len(values)} | {percentile(values, 50):.2f} | {percentile(values, 99):.2f} |")
    for line in load.unexpected[:20]:
        print("unexpected: " + line)
    for end, n in outcomes.items():
        if end.startswith("lost"):
            print(f"lost: {n} x {end}")
    return 1 if lost or load.unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
