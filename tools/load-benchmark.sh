#!/usr/bin/env bash
# Load benchmark on loopback: builds the jar, starts the server on a free port, sends a fixed
# number of synchronous explanations of one sample at 1, 2, 4 and 8 concurrent clients on the
# demo model, prints a Markdown table (throughput, p50/p95/p99), stops the server.
#
#   tools/load-benchmark.sh [requests-per-level] [levels] [image]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
levels=${2:-1,2,4,8}
image=${3:-samples/sneaker.png}
port=${PORT:-18080}
./mvnw -q -B -ntp -DskipTests package
./mvnw -q -B -ntp test-compile
jar=$(ls target/scorecam-server-*.jar | grep -v plain | head -1)
java -Dai.djl.offline=true -jar "$jar" --server.port="$port" >target/load-benchmark-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null && break
  sleep 1
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
java -cp target/test-classes dev.scorecam.bench.LoadBenchmark "http://localhost:$port" fashion-cnn "$image" "$requests" "$levels"
