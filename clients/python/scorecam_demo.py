"""The Python program of docs/clients.md: the client generated from openapi.yaml against a
running scorecam-server, with an API key.

    ./mvnw -Pclients generate-test-sources        # the client, into target/generated-clients/python
    PYTHONPATH=target/generated-clients/python python3 clients/python/scorecam_demo.py \
        http://localhost:8080 "$SCORECAM_API_KEY" samples/sneaker.png

It fetches a PNG heatmap, the raw map twice (as a NumPy .npy file and as JSON's base64 float32)
and checks that the two agree, follows an asynchronous job to its end, lists a detector's
detections and explains the best one, and reads a problem as a typed error. Any surprise ends it with a non-zero status.
"""
import base64
import io
import sys
import time
from contextlib import contextmanager

import numpy as np

from scorecam_client import ApiClient, Configuration
from scorecam_client.api import DetectionsApi, ExplanationsApi, JobsApi, ModelsApi
from scorecam_client.exceptions import ApiException
from scorecam_client.models import ProblemDetail

MODEL = "fashion-cnn"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FINISHED = {"SUCCEEDED", "FAILED", "CANCELLED"}


def client(base_url, api_key=None):
    config = Configuration(host=base_url)
    if api_key:
        config.api_key["ApiKey"] = api_key  # sent as X-API-Key
    return ApiClient(config)


@contextmanager
def accepting(api_client, media_type):
    """The generated operations ask for JSON; default headers win over theirs, so this picks the PNG or .npy form."""
    api_client.set_default_header("Accept", media_type)
    try:
        yield
    finally:
        del api_client.default_headers["Accept"]


def saliency_array(saliency):
    """JSON's map: little-endian float32, base64, row by row."""
    values = np.frombuffer(base64.b64decode(saliency.data), dtype="<f4")
    return values.reshape(saliency.height, saliency.width)


def problem_of(error):
    return ProblemDetail.from_json(error.body)


def check(condition, message):
    if not condition:
        sys.exit("FAILED: " + message)


def main(base_url, api_key, image):
    api_client = client(base_url, api_key)
    explanations = ExplanationsApi(api_client)

    models = ModelsApi(api_client).list_models()
    print("models:", ", ".join(m.name for m in models))

    with accepting(api_client, "image/png"):
        png = explanations.explain_with_http_info(MODEL, image, _preload_content=False)
    check(png.raw_data.startswith(PNG_SIGNATURE), "the PNG answer is not a PNG")
    print(f"png: {len(png.raw_data)} bytes, target {png.headers['Scorecam-Target']}")

    with accepting(api_client, "application/x-npy"):
        npy = explanations.explain_with_http_info(MODEL, image, _preload_content=False)
    as_npy = np.load(io.BytesIO(npy.raw_data))
    print(f"npy: {as_npy.dtype} {as_npy.shape}, max at {np.unravel_index(as_npy.argmax(), as_npy.shape)}")

    answer = explanations.explain(MODEL, image)
    top = answer.predictions[0]
    as_json = saliency_array(answer.explanations[0].saliency)
    print(f"json: {top.label} p={top.probability:.4f}, map {as_json.shape} in [{as_json.min():.3f}, {as_json.max():.3f}]")
    difference = float(np.abs(as_json - as_npy).max())
    check(as_json.shape == as_npy.shape and difference <= 1e-6, f"JSON and .npy maps differ by {difference}")
    print(f"json vs npy: largest difference {difference}")

    jobs = JobsApi(api_client)
    job = jobs.submit_job(MODEL, image, target=["Bag"])
    states = [job.status]
    deadline = time.monotonic() + 120
    while job.status not in FINISHED and time.monotonic() < deadline:
        time.sleep(0.2)
        job = jobs.get_job(job.id)
        if job.status != states[-1]:
            states.append(job.status)
    check(job.status == "SUCCEEDED", f"job {job.id} ended {job.status}")
    result = jobs.get_job_result(job.id)
    bag = saliency_array(result.explanations[0].saliency)
    print(f"job: {' -> '.join(states)}, target {result.explanations[0].target.label}, map {bag.shape}")

    detector = next((m.name for m in models if m.task == "detection"), None)
    check(detector is not None, "no detector is served")
    found = DetectionsApi(api_client).detect(detector, image)
    check(len(found.detections) > 0, "the detector found nothing")
    best = found.detections[0]
    check(0 <= best.box.x0 < best.box.x1 and 0 <= best.box.y0 < best.box.y1, f"a strange box {best.box}")
    explained = explanations.explain(detector, image, detection=0).explanations[0]
    check(explained.detection.index == 0 and explained.box == best.box, "detection 0 explained another box")
    print(f"detections: {len(found.detections)} in {found.width}x{found.height}, best {best.label} "
          f"{best.score:.2f} at {best.box.x0},{best.box.y0},{best.box.x1},{best.box.y1}, explained")

    try:
        explanations.explain(MODEL, image, target=["Giraffe"])
        check(False, "an unknown target was accepted")
    except ApiException as error:
        problem = problem_of(error)
        check(problem.type == "/problems/unknown-target", f"unexpected problem {problem.type}")
        print(f"problem: {error.status} {problem.type} ({problem.title}): {problem.detail}")

    try:
        ModelsApi(client(base_url)).list_models()
        check(False, "the server answered without an API key")
    except ApiException as error:
        problem = problem_of(error)
        check(problem.type == "/problems/unauthenticated", f"unexpected problem {problem.type}")
        print(f"without the key: {error.status} {problem.type}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: scorecam_demo.py BASE_URL API_KEY IMAGE")
    main(*sys.argv[1:])
