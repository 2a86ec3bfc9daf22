#!/usr/bin/env bash
# Scale-out benchmark on loopback: the demo model's synchronous path in memory and through Redis
# (added latency, one client), then the throughput of an API instance with one and with two
# workers (separate JVMs, the packaged jar). Every instance runs libtorch with one intra-op
# thread, so that two workers on one machine use two cores between them, as two single-core
# workers would. Prints Markdown tables (tools/load-benchmark.sh's client) and stops everything.
#
#   tools/scale-out-benchmark.sh [latency-requests] [throughput-requests] [throughput-clients]
set -euo pipefail
cd "$(dirname "$0")/.."
latency_requests=${1:-200}
throughput_requests=${2:-200}
clients=${3:-4}
image=samples/sneaker.png
[ -x /usr/bin/redis-server ] || { echo "needs /usr/bin/redis-server (apt-get install redis-server)"; exit 1; }
ls target/scorecam-server-*.jar >/dev/null 2>&1 || ./mvnw -q -B -ntp -DskipTests package
./mvnw -q -B -ntp test-compile
jar=$(ls target/scorecam-server-*.jar | grep -v plain | head -1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
# the instances first, Redis last
trap 'for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >target/scale-out-redis.log 2>&1 &
pids+=($!)

# start <name> <port> <args...>: a JVM of the jar, waited for until ready
start() {
  local name=$1 port=$2; shift 2
  java -Dai.djl.offline=true -jar "$jar" --server.port="$port" --scorecam.engine.threads=1 "$@" \
    >"target/scale-out-$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 180); do
    curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null && return 0
    sleep 1
  done
  echo "$name did not become ready; see target/scale-out-$name.log"; exit 1
}
redis_args=(--scorecam.queue.backend=redis --spring.data.redis.url="redis://127.0.0.1:$redis_port")
bench() { java -cp target/test-classes dev.scorecam.bench.LoadBenchmark "http://localhost:$1" fashion-cnn "$image" "$2" "$3"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), java $(java -version 2>&1 | head -1 | cut -d'"' -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"

memory_port=$(free_port)
start memory "$memory_port"
echo; echo "### In memory (one instance, role all), one client"
bench "$memory_port" "$latency_requests" 1
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

api_port=$(free_port)
start api "$api_port" "${redis_args[@]}" --scorecam.role=api
start worker-1 "$(free_port)" "${redis_args[@]}" --scorecam.role=worker
echo; echo "### Through Redis (API instance + one worker), one client"
bench "$api_port" "$latency_requests" 1
echo; echo "### Through Redis, one worker, $clients clients"
bench "$api_port" "$throughput_requests" "$clients"
start worker-2 "$(free_port)" "${redis_args[@]}" --scorecam.role=worker
echo; echo "### Through Redis, two workers, $clients clients"
bench "$api_port" "$throughput_requests" "$clients"
