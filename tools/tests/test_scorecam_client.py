"""tools/scorecam_client.py against a tiny local HTTP server: what it sends, read back with the
standard library's own MIME parser, and what it makes of the answers."""

import json
import socket
import threading
import urllib.parse
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import scorecam_client as client

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\r\n--not-a-boundary\r\n"


class Recorder(BaseHTTPRequestHandler):
    """Keeps every request; answers with the status and body the test put on the server."""

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self._answer()

    def _answer(self):
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append({"method": self.command, "path": self.path, "headers": self.headers,
                                     "body": self.rfile.read(length)})
        status, body = self.server.reply
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.requests, httpd.reply = [], (200, b'{"explanations": []}')
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def url_of(httpd):
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def form_parts(request):
    """(name, filename, Content-Type, payload) of each part, as a MIME parser reads the body."""
    head = f"Content-Type: {request['headers']['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request["body"])
    assert message.is_multipart()
    return [(part.get_param("name", header="content-disposition"), part.get_filename(),
             part.get_content_type(), part.get_payload(decode=True)) for part in message.iter_parts()]


def test_explain_posts_the_image_as_the_last_form_part_after_the_fields(server):
    answer = client.explain(url_of(server), "fashion-cnn", PNG, fields=[("target", "3"), ("method", "gradcam")],
                            filename="shirt.png")

    assert answer.status == 200 and answer.json() == {"explanations": []}
    (request,) = server.requests
    assert request["method"] == "POST"
    assert request["path"] == "/v1/models/fashion-cnn/explanations"
    assert request["headers"]["Accept"] == "application/json"
    assert form_parts(request) == [("target", None, "text/plain", b"3"),
                                   ("method", None, "text/plain", b"gradcam"),
                                   ("image", "shirt.png", "image/png", PNG)]


def test_explain_puts_params_in_the_query_and_sends_the_asked_types(server):
    client.explain(url_of(server), "m", PNG, params={"method": "sscam", "noise": 2.0, "metrics": "true"},
                   fields={"model": "m"}, image_type="application/octet-stream", accept="image/png")

    (request,) = server.requests
    path, _, query = request["path"].partition("?")
    assert path == "/v1/models/m/explanations"
    assert urllib.parse.parse_qs(query) == {"method": ["sscam"], "noise": ["2.0"], "metrics": ["true"]}
    assert request["headers"]["Accept"] == "image/png"
    assert form_parts(request) == [("model", None, "text/plain", b"m"),
                                   ("image", "input.png", "application/octet-stream", PNG)]


def test_a_boundary_is_fresh_for_every_form():
    first, second = client.multipart(PNG)[1], client.multipart(PNG)[1]
    assert first.startswith("multipart/form-data; boundary=") and first != second


def test_an_http_error_comes_back_as_an_answer_with_its_body(server):
    problem = {"type": "/problems/unknown-model", "status": 404}
    server.reply = (404, json.dumps(problem).encode())

    answer = client.explain(url_of(server), "nope", PNG)

    assert (answer.status, answer.content_type, answer.json()) == (404, "application/json", problem)
    with pytest.raises(ValueError, match="HTTP 404"):
        client.get_json(f"{url_of(server)}/v1/models/nope")


def test_get_json_reads_a_200_body(server):
    server.reply = (200, b'[{"name": "scorecam"}]')
    assert client.get_json(f"{url_of(server)}/v1/methods") == [{"name": "scorecam"}]
    assert server.requests[0]["method"] == "GET" and server.requests[0]["path"] == "/v1/methods"


def test_no_answer_at_all_is_status_zero_with_the_reason():
    with socket.socket() as s:           # a port that was free a moment ago: nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    answer = client.explain(f"http://127.0.0.1:{port}", "m", PNG, timeout=5)
    assert answer.status == 0 and "refused" in answer.text().lower()


class BatchService(BaseHTTPRequestHandler):
    """Answers a batch's submission, its event stream and its result, as the service does."""

    def do_POST(self):
        self.server.posted = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.posted_type = self.headers["Content-Type"]
        self._send(202, {"id": "b1", "links": {"events": "/v1/batches/b1/events", "result": "/v1/batches/b1/result"}})

    def do_GET(self):
        self.server.paths.append(self.path)
        if self.path.endswith("/events"):
            self._send(200, None, b'event:status\ndata:{"status":"SUCCEEDED"}\n\n', "text/event-stream")
        else:
            self._send(200, [{"explanations": [{"target": {"index": 7}}]}, {"type": "/problems/job-cancelled"}])

    def _send(self, status, document, raw=None, content_type="application/json"):
        body = raw if raw is not None else json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_batch_sends_every_image_with_its_target_follows_its_events_and_reads_the_array():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BatchService)
    httpd.paths = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        answer = client.explain_batch(url_of(httpd), "fashion-cnn", [("a.png", PNG), ("b.png", b"second")],
                                      targets=[7, "top-k=2"], fields=[("method", "gradcam")])
    finally:
        httpd.shutdown()
        httpd.server_close()

    parts = form_parts({"headers": {"Content-Type": httpd.posted_type}, "body": httpd.posted})
    assert [(name, filename) for name, filename, _, _ in parts] == [
        ("method", None), ("targets", None), ("targets", None), ("image", "a.png"), ("image", "b.png")]
    assert [payload for name, _, _, payload in parts if name == "targets"] == [b"7", b"top-k=2"]
    assert [payload for name, _, _, payload in parts if name == "image"] == [PNG, b"second"]
    assert httpd.paths == ["/v1/batches/b1/events", "/v1/batches/b1/result"]
    assert answer.status == 200
    assert answer.json()[1]["type"] == "/problems/job-cancelled"
