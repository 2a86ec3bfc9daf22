#!/usr/bin/env bash
# Runs both compose stacks with podman-compose, on the local images (compose.local.yml and
# compose.scale.local.yml swap them in), and uses each as a client would:
#   docker-compose.yml        one explanation with the demo key; Prometheus scrapes the service
#   docker-compose.scale.yml  one job through nginx to an api container, run by the worker over
#                             Redis; Prometheus scrapes api-1, api-2 and worker-1
# then `podman-compose down` and checks that no container of the stack is left.
# Needs the images of tools/containers/build-local.sh; makes nginx and Prometheus (Debian's 2.42)
# images the same way. Grafana has no Debian package: it is not started here.
# Publishes 8080 and 9090 on this host, as the stacks do: they must be free.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/containers/lib.sh
export SERVICE_IMAGE
base_image localhost/nginx:bookworm nginx-light
base_image localhost/prometheus:bookworm prometheus
podman image exists "$SERVICE_IMAGE" || { echo "no $SERVICE_IMAGE: run tools/containers/build-local.sh first"; exit 1; }

key='X-API-Key: demo-key'
log=$(mktemp)
stack=()
compose() { podman-compose -p "$project" "${stack[@]}" "$@" >>"$log" 2>&1; }
fail() {
  echo "COMPOSE SMOKE FAILED ($project): $*"
  for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
    echo "--- $c (last 15 lines)"; podman logs --tail 15 "$c" 2>&1 || true
  done
  echo "--- podman-compose (last 20 lines)"; tail -20 "$log"
  exit 1
}
cleanup() {
  [ ${#stack[@]} -gt 0 ] && compose down >/dev/null 2>&1 || true
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
}
trap 'cleanup; rm -f "$log"' EXIT

for port in 8080 9090; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port is taken: the stacks publish it"; exit 1; fi
done

wait_for_api() {  # the API answers through the stack's published 8080
  local started=$(date +%s%N)
  for _ in $(seq 1 180); do
    curl -sf -o /dev/null -H "$key" http://127.0.0.1:8080/v1/methods && { echo "  API answers after $(seconds_since "$started") s"; return; }
    sleep 1
  done
  fail "the API did not answer within 180 s"
}

scraped() {  # scraped INSTANCE...: Prometheus's API reports up == 1 for each
  local want=("$@") up
  for _ in $(seq 1 60); do
    up=$(curl -sf 'http://127.0.0.1:9090/api/v1/query?query=up==1' 2>/dev/null || true)
    local missing=0
    for instance in "${want[@]}"; do grep -q "\"instance\":\"$instance\"" <<<"$up" || missing=1; done
    [ $missing = 0 ] && { echo "  Prometheus: up == 1 for ${want[*]}"; return; }
    sleep 2
  done
  fail "Prometheus does not report up == 1 for all of ${want[*]}: $(curl -s 'http://127.0.0.1:9090/api/v1/query?query=up')"
}

down_and_check() {
  compose down
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  sleep 1
  local left
  left=$(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}')
  [ -z "$left" ] || fail "containers left after down: $left"
  stack=()
  echo "  down: no container left"
}

project=scorecam
stack=(-f docker-compose.yml -f tools/containers/compose.local.yml)
echo "docker-compose.yml (skipping grafana: no local image for it)"
compose up -d scorecam prometheus
wait_for_api
code=$(curl -sS -o /tmp/compose-smoke.png -w '%{http_code}' -H "$key" -H 'Accept: image/png' \
  -F image=@samples/sneaker.png http://127.0.0.1:8080/v1/models/fashion-cnn/explanations)
[ "$code" = 200 ] && [ "$(head -c 4 /tmp/compose-smoke.png | od -An -c | tr -d ' ')" = '211PNG' ] \
  || fail "explanation answered $code"
echo "  explained samples/sneaker.png: PNG"
scraped scorecam:8081
down_and_check

project=scorecam-scale
stack=(-f docker-compose.scale.yml -f tools/containers/compose.scale.local.yml)
echo "docker-compose.scale.yml (skipping grafana: no local image for it)"
compose up -d redis api-1 api-2 worker-1 entry prometheus
wait_for_api
job=$(curl -sS -H "$key" -F model=fashion-cnn -F image=@samples/sneaker.png http://127.0.0.1:8080/v1/jobs)
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' <<<"$job")
[ -n "$id" ] || fail "no job accepted: $job"
status=
for _ in $(seq 1 120); do
  status=$(curl -sS -H "$key" "http://127.0.0.1:8080/v1/jobs/$id" | sed -n 's/.*"status":"\([A-Z]*\)".*/\1/p')
  case "$status" in SUCCEEDED|FAILED|CANCELLED) break ;; esac
  sleep 1
done
[ "$status" = SUCCEEDED ] || fail "job $id ended $status"
code=$(curl -sS -o /tmp/compose-smoke.png -w '%{http_code}' -H "$key" -H 'Accept: image/png' "http://127.0.0.1:8080/v1/jobs/$id/result")
[ "$code" = 200 ] || fail "job result answered $code"
# The worker takes jobs from Redis as soon as its job system starts, which can be before its
# management server listens on 8081: ask until it answers.
worker_metrics() {
  podman exec scorecam-scale_worker-1_1 bash -c \
    'exec 3<>/dev/tcp/127.0.0.1/8081 && printf "GET /actuator/prometheus HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>/dev/null
}
metrics=
for _ in $(seq 1 60); do
  metrics=$(worker_metrics) && break
  sleep 1
done
[ -n "$metrics" ] || fail "worker-1's management port 8081 did not answer within 60 s"
passes=$(awk '/^scorecam_forward_passes_total/ {s += $2} END {print s + 0}' <<<"$metrics")
[ "${passes%.*}" -gt 0 ] || fail "the worker reports no forward passes"
echo "  job $id through nginx: SUCCEEDED, PNG result; worker-1 ran ${passes%.*} forward passes"
scraped api-1:8081 api-2:8081 worker-1:8081
down_and_check
echo "COMPOSE SMOKE PASSED"
