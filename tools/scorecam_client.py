"""The service's HTTP API as the tools call it: one multipart encoder, one request function.

    import scorecam_client as client
    answer = client.explain("http://localhost:8080", "fashion-cnn", png_bytes, params={"method": "gradcam"})
    answer.status, answer.json()

Method settings go either in the query (`params`) or as form fields before the image (`fields`);
the service reads both. Every call returns a Response and never raises: an HTTP error status
comes back as it is, and no answer at all (refused, reset, timed out) as status 0 with the
error's text as the body. Standard library only, so that it runs under whatever python3 a
machine has (the GPU scripts import it too).
"""

import json
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import NamedTuple

DEFAULT_TIMEOUT_S = 150


class Response(NamedTuple):
    status: int          # 0 when no HTTP answer came
    content_type: str
    body: bytes
    seconds: float       # from sending the request to the answer's last byte

    def json(self):
        return json.loads(self.body)

    def text(self, limit=400):
        return self.body[:limit].decode(errors="replace")


def multipart_images(images, fields=(), image_type="application/octet-stream"):
    """(body, Content-Type header) of a batch's form: the text `fields` first, then one part named
    `image` per (filename, bytes) of `images`, in order."""
    boundary = uuid.uuid4().hex
    items = fields.items() if isinstance(fields, dict) else fields
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in items]
    for filename, image in images:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n'
                     f'Content-Type: {image_type}\r\n\r\n'.encode() + image + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def multipart(image, filename="input.png", image_type="image/png", fields=()):
    """(body, Content-Type header) of a form: the text `fields` ((name, value) pairs or a dict)
    first, then the image as the part named `image`."""
    boundary = uuid.uuid4().hex
    items = fields.items() if isinstance(fields, dict) else fields
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in items]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n'
                 f'Content-Type: {image_type}\r\n\r\n'.encode() + image + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def call(method, url, body=None, headers=None, timeout=DEFAULT_TIMEOUT_S):
    """One request on a connection of its own (urllib keeps none alive)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
            return Response(response.status, response.headers.get("Content-Type", ""), payload,
                            time.perf_counter() - start)
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers.get("Content-Type", ""), e.read(), time.perf_counter() - start)
    except (OSError, http.client.HTTPException) as e:
        return Response(0, "", f"{type(e).__name__}: {e}".encode(), time.perf_counter() - start)


def get(url, accept="application/json", timeout=DEFAULT_TIMEOUT_S):
    return call("GET", url, headers={"Accept": accept}, timeout=timeout)


def get_json(url, timeout=10):
    """The parsed body of a 200 answer; ValueError naming the status otherwise."""
    answer = get(url, timeout=timeout)
    if answer.status != 200:
        raise ValueError(f"GET {url}: HTTP {answer.status} {answer.text(200)}")
    return answer.json()


def explain(url, model, image, params=None, fields=(), filename="input.png", image_type="image/png",
            accept="application/json", timeout=DEFAULT_TIMEOUT_S):
    """POST /v1/models/{model}/explanations with the image."""
    body, content_type = multipart(image, filename, image_type, fields)
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    return call("POST", f"{url}/v1/models/{model}/explanations{query}", body,
                {"Content-Type": content_type, "Accept": accept}, timeout)


def explain_batch(url, model, images, targets=None, fields=(), timeout=DEFAULT_TIMEOUT_S):
    """Many images as one batch (POST /v1/models/{model}/batches): `images` are (filename, bytes),
    `targets` one entry per image (a class index or label, or top-k=N). Waits for the batch's end by
    reading its event stream, which the service closes then, and returns the JSON result: a list
    in the images' order, each an explanation or a problem. A refusal comes back as it is."""
    items = list(fields.items() if isinstance(fields, dict) else fields)
    items += [("targets", str(t)) for t in (targets or [])]
    body, content_type = multipart_images(images, items)
    submitted = call("POST", f"{url}/v1/models/{model}/batches", body,
                     {"Content-Type": content_type, "Accept": "application/json"}, timeout)
    if submitted.status != 202:
        return submitted
    links = submitted.json()["links"]
    events = get(url + links["events"], accept="text/event-stream", timeout=timeout)
    if events.status != 200:
        return events
    return get(url + links["result"], timeout=timeout)
