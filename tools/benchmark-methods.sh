#!/usr/bin/env bash
# The cheap methods against exact Score-CAM, side by side in one run, on a real-size network: a
# ResNet-50 at 224 px with random weights (seeded: tools/export_model.py --arch resnet50 --freeze,
# batch size auto). Two parts, one after the other:
#  1. end to end through HTTP against the packaged jar (tools/method_benchmark.py): the methods
#     alternate round by round, exact Score-CAM in the first SCORECAM_REPS rounds only (one forward
#     pass per channel: minutes per map on a CPU);
#  2. in one JVM, each method's time inside the network's calls (forward, features, head alone,
#     backward: ForwardShareBenchmark) against its whole computation: the share outside the network.
# Prints the machine and the load average before and after each part (a shared machine: say so).
#
#   tools/benchmark-methods.sh [reps] [scorecam-reps]
#
# SKIP_BUILD=1 reuses target/scorecam-server-*.jar. METHODS (default "recipro-cam eigencam
# ablation-cam scorecam") are the HTTP part's; SHARE_METHODS (default every method but the three
# Score-CAMs that cost a forward pass per channel), SHARE_RUNS (default 3), SHARE_WARMUP (runs of each
# method before, default 10: the JIT's steady state) and SHARE_LANES (default 2, the service's on two
# cores; 1: one batch at a time) the second part's.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
scorecam_reps=${2:-1}
py=/usr/bin/python3
out=target/bench-methods
pkg=$out/resnet50-224
read -r -a methods <<< "${METHODS:-recipro-cam eigencam ablation-cam scorecam}"
read -r -a share_methods <<< "${SHARE_METHODS:-recipro-cam eigencam ablation-cam gradcam gradcam++ layercam hirescam faster-scorecam}"

if [ ! -f "$pkg/model.yaml" ]; then
  (cd tools && $py export_model.py --arch resnet50 --name resnet50-224 --input-size 224 --freeze --out "../$pkg")
  sed -i '/^batch-size:/d' "$pkg/model.yaml"      # auto: the service picks the fastest batch at load
fi
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -q -B -ntp -o -DskipTests package
jar=$(ls target/scorecam-server-*.jar | grep -v plain | head -1)
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(date -u +%H:%M:%S) UTC)"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "java $(java -version 2>&1 | head -1 | cut -d'"' -f2); $(date -u +%F)"

port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$out/server.log
source tools/serve.sh
serve "$log" java ${JAVA_OPTS:-} -Dai.djl.offline=true -jar "$jar" --server.port="$port" \
  --server.address=127.0.0.1 --scorecam.model-dirs="$pkg" --scorecam.request-timeout=60m --scorecam.cache.enabled=false
await_ready "$port" "$log"
grep -E "Model .* loaded|batch" "$log" | grep -i resnet50 | sed 's/^.*INFO [0-9]* --- \[[^]]*\] [^ ]* *: /server: /' || true
load
(cd tools && $py method_benchmark.py --url "http://127.0.0.1:$port" --model resnet50-224 \
  --image ../samples/sneaker.png --reps "$reps" --scorecam-reps "$scorecam_reps" "${methods[@]}")
load
stop_server
trap - EXIT

./mvnw -q -B -ntp -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.scorecam.bench.ForwardShareBenchmark \
  -Dai.djl.offline=true -Dwarmup="${SHARE_WARMUP:-10}" -Dlanes="${SHARE_LANES:-2}" -Dexec.args="$pkg fp32 auto samples/sneaker.png ${SHARE_RUNS:-3} ${share_methods[*]}"
load
