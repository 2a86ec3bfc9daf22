#!/usr/bin/env bash
# Soak of a scaled-out deployment on loopback (a measurement, not a test): one redis-server
# (append-only), two API and two worker JVMs of the packaged jar, a mixed load for SECONDS
# (tools/soak_cluster.py: methods scorecam, faster-scorecam, gradcam, gradcam++; sync PNG, sync
# JSON, async jobs submitted on one API and followed on the other), and a worker killed with
# SIGKILL every KILL_EVERY seconds (default 300) and started again. Prints the client's tables and
# each process's RSS at start and end; stops everything, also on failure. Exit status 1 if a job
# was lost or an answer was not 200/202/503/504.
#
#   tools/soak-cluster.sh [SECONDS]      (default 1800; jar: target/scorecam-server-*.jar)
# CLIENTS sets the concurrent clients (default 4); CLAIM_AFTER the workers' claim-after (10s).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
kill_every=${KILL_EVERY:-300}
[ -x /usr/bin/redis-server ] || { echo "needs /usr/bin/redis-server (apt-get install redis-server)"; exit 1; }
jar=$(ls target/scorecam-server-*.jar 2>/dev/null | grep -v plain | head -1 || true)
[[ -f "$jar" ]] || { echo "no jar (build it: ./mvnw -B -ntp package -DskipTests)" >&2; exit 2; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "-"; }
logs=$(mktemp -d /tmp/scorecam-soak-cluster.XXXXXX)
declare -A pid port start_rss
cleanup() {
  for name in api-1 api-2 worker-1 worker-2 redis; do
    [[ -n "${pid[$name]:-}" ]] && kill -9 "${pid[$name]}" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly yes --dir "$logs" \
  >"$logs/redis.log" 2>&1 &
pid[redis]=$!
common=(--scorecam.queue.backend=redis --spring.data.redis.url="redis://127.0.0.1:$redis_port"
  --scorecam.engine.threads=1 --scorecam.redis.claim-after="${CLAIM_AFTER:-10s}"
  --management.endpoints.web.exposure.include=health)

# launch NAME ROLE: a JVM of the jar on a free port, waited for until ready
launch() {
  local name=$1 role=$2
  port[$name]=$(free_port)
  java -Dai.djl.offline=true -jar "$jar" --server.port="${port[$name]}" --scorecam.role="$role" "${common[@]}" \
    >>"$logs/$name.log" 2>&1 &
  pid[$name]=$!
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:${port[$name]}/actuator/health/readiness" >/dev/null && return 0
    kill -0 "${pid[$name]}" 2>/dev/null || break
    sleep 1
  done
  echo "$name did not become ready; see $logs/$name.log" >&2; exit 2
}
for name in api-1 api-2; do launch "$name" api; done
for name in worker-1 worker-2; do launch "$name" worker; done
for name in api-1 api-2 worker-1 worker-2; do start_rss[$name]=$(rss "${pid[$name]}"); done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), java" \
  "$(java -version 2>&1 | head -1 | cut -d'"' -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: ${CLIENTS:+CLIENTS=$CLIENTS }${CLAIM_AFTER:+CLAIM_AFTER=$CLAIM_AFTER }KILL_EVERY=$kill_every tools/soak-cluster.sh $seconds (logs: $logs)"

/usr/bin/python3 tools/soak_cluster.py "http://127.0.0.1:${port[api-1]}" "http://127.0.0.1:${port[api-2]}" \
  "$seconds" --clients "${CLIENTS:-4}" >"$logs/client.out" 2>&1 &
client=$!
kills=0
began=$SECONDS
while kill -0 "$client" 2>/dev/null; do
  sleep 5
  if (( SECONDS - began >= (kills + 1) * kill_every && SECONDS - began < seconds )); then
    victim=worker-$(( kills % 2 + 1 ))
    kill -9 "${pid[$victim]}"; wait "${pid[$victim]}" 2>/dev/null || true
    kills=$((kills + 1))
    echo "$(( SECONDS - began )) s: $victim killed (SIGKILL), starting it again"
    launch "$victim" worker
    echo "$(( SECONDS - began )) s: $victim ready again"
  fi
done
status=0
wait "$client" || status=$?
cat "$logs/client.out"
echo
echo "| process | RSS MB at start | RSS MB at end |"
echo "|---|---:|---:|"
for name in api-1 api-2 worker-1 worker-2; do
  echo "| $name | ${start_rss[$name]} | $(rss "${pid[$name]}") |"
done
echo "workers killed and restarted: $kills (a restarted worker's end RSS is its new process's)"
exit $status
