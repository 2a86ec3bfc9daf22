#!/usr/bin/env python3
"""How much faster an answer from the cache is than one computed: against a running server.

    python3 tools/cache_latency.py --url http://localhost:8080 --image samples/sneaker.png -n 20

Misses: the same picture with other bytes after its end each time (PNG readers ignore them), so
that every request is new to the cache and is computed. Hits: one request repeated. 304s: that
request with its ETag in If-None-Match. Prints the median and p90 of each in milliseconds, as the
client sees them (upload and answer included), one request at a time.
"""

import argparse
import statistics
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scorecam_client as client  # noqa: E402


def explain(url, model, image, accept, fields, if_none_match=None):
    """(status, ETag, body, milliseconds) of one synchronous request."""
    body, content_type = client.multipart(image, fields=fields)
    headers = {"Content-Type": content_type, "Accept": accept}
    if if_none_match:
        headers["If-None-Match"] = if_none_match
    request = urllib.request.Request(f"{url}/v1/models/{model}/explanations", data=body, headers=headers)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=client.DEFAULT_TIMEOUT_S) as response:
            status, etag, payload = response.status, response.headers.get("ETag"), response.read()
    except urllib.error.HTTPError as e:
        status, etag, payload = e.code, e.headers.get("ETag"), e.read()
    return status, etag, payload, (time.perf_counter() - start) * 1000


def summary(name, millis):
    ordered = sorted(millis)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{name:6} n={len(ordered):3}  median {statistics.median(ordered):8.1f} ms  p90 {p90:8.1f} ms"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--model", default="fashion-cnn")
    parser.add_argument("--image", default="samples/sneaker.png")
    parser.add_argument("--accept", default="application/json")
    parser.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                        help="a form field of every request, e.g. heatmap=true")
    parser.add_argument("-n", type=int, default=20, help="requests of each kind")
    args = parser.parse_args(argv)
    fields = [tuple(f.split("=", 1)) for f in args.field]
    image = Path(args.image).read_bytes()

    status, etag, first, _ = explain(args.url, args.model, image, args.accept, fields)
    if status != 200 or not etag:
        print(f"the first request answered {status} (ETag {etag}): the cache must be on", file=sys.stderr)
        return 1
    kinds = {"miss": [], "hit": [], "304": []}
    for i in range(args.n):
        # a run of its own after the picture's end: new to the cache however often the tool runs
        other = image + f"{time.time_ns()}-{i}".encode()
        status, _, _, ms = explain(args.url, args.model, other, args.accept, fields)
        assert status == 200, status
        kinds["miss"].append(ms)
        status, _, body, ms = explain(args.url, args.model, image, args.accept, fields)
        assert status == 200 and body == first, "a hit answers the first answer's bytes"
        kinds["hit"].append(ms)
        status, _, body, ms = explain(args.url, args.model, image, args.accept, fields, etag)
        assert status == 304 and not body, status
        kinds["304"].append(ms)
    print(f"{args.model}, {args.image} ({len(image)} bytes), Accept {args.accept}, fields {dict(fields)}; "
          f"answer {len(first)} bytes")
    for name, millis in kinds.items():
        print(summary(name, millis))
    return 0


if __name__ == "__main__":
    sys.exit(main())
