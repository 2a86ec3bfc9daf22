#!/usr/bin/env bash
# Starts the service image the way the Helm chart runs it and uses it as a client would:
#   non-root (uid 10001), read-only root filesystem, only /tmp writable, every capability dropped,
#   the API and the management (actuator) port apart.
# Then: readiness on the management port, samples/sneaker.png explained to a PNG on the API port,
# the uid inside, and SIGTERM ending the server within the grace period (the chart's 45 s).
#
#   tools/containers/smoke.sh [IMAGE]     (default: the image build-local.sh makes)
# Ports: API_PORT / MANAGEMENT_PORT (default 18480 / 18481); the container shares the host's network.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/containers/lib.sh
image=${1:-$SERVICE_IMAGE}
api=${API_PORT:-18480}
management=${MANAGEMENT_PORT:-18481}
grace=${GRACE_SECONDS:-45}
name=scorecam-smoke-$$
out=$(mktemp -d)
trap 'podman rm -f "$name" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT

fail() { echo "SMOKE FAILED: $*"; echo "--- container log (last 40 lines)"; podman logs --tail 40 "$name" 2>&1 || true; exit 1; }

podman run -d --name "$name" --network host \
  --user 10001:10001 --read-only --tmpfs /tmp:rw,mode=1777,size=512m \
  --cap-drop ALL --security-opt no-new-privileges \
  -e SERVER_PORT="$api" -e MANAGEMENT_SERVER_PORT="$management" \
  "$image" >/dev/null
started=$(date +%s%N)
echo "started $image as $name (API :$api, management :$management)"

ready=false
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$management/actuator/health/readiness" >/dev/null 2>&1; then ready=true; break; fi
  [ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] \
    || fail "the container exited before it was ready (exit code $(podman inspect -f '{{.State.ExitCode}}' "$name"))"
  sleep 0.5
done
$ready || fail "not ready after 120 s"
echo "ready after $(seconds_since "$started") s"

uid=$(podman exec "$name" id -u)
[ "$uid" = 10001 ] || fail "runs as uid $uid, not 10001"
echo "runs as uid $uid"
podman exec "$name" sh -c 'touch /app/probe' 2>/dev/null && fail "the root filesystem is writable"
echo "root filesystem is read-only"

code=$(curl -sS -o "$out/map.png" -w '%{http_code}' -F image=@samples/sneaker.png -H 'Accept: image/png' \
  "http://127.0.0.1:$api/v1/models/fashion-cnn/explanations")
[ "$code" = 200 ] || fail "explanation answered $code: $(head -c 400 "$out/map.png")"
[ "$(head -c 8 "$out/map.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the answer is not a PNG"
echo "explained samples/sneaker.png: PNG, $(stat -c %s "$out/map.png") bytes"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$api/actuator/prometheus")
[ "$code" = 404 ] || fail "the API port serves the actuator ($code)"
# Read whole answers before grep: with pipefail, grep -q closing the pipe early fails curl (SIGPIPE).
metrics=$(curl -sf "http://127.0.0.1:$management/actuator/prometheus") || fail "the management port does not serve /actuator/prometheus"
grep -q '^jvm_memory_used_bytes' <<<"$metrics" || fail "no Prometheus metrics on the management port"
echo "metrics on the management port only"
grep -q 'to cache' <<<"$(podman logs "$name" 2>&1)" && fail "DJL extracted libtorch at start instead of using the image's copy"

stop_start=$(date +%s%N)
podman kill --signal TERM "$name" >/dev/null
podman wait "$name" >/dev/null &
waiter=$!
for _ in $(seq 1 $((grace * 10))); do kill -0 $waiter 2>/dev/null || break; sleep 0.1; done
kill -0 $waiter 2>/dev/null && fail "still running ${grace} s after SIGTERM"
exit_code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
# 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
case "$exit_code" in 0|143) ;; *) fail "exit code $exit_code after SIGTERM" ;; esac
echo "SIGTERM: exited ($exit_code) after $(seconds_since "$stop_start") s (grace $grace s)"
podman logs "$name" 2>&1 | grep -E ' (ERROR|WARN) ' | grep -v -E 'CudaUtils|open to anyone|GPU' \
  && echo "(warnings above)"
echo "SMOKE PASSED: $image"
