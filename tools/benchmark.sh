#!/usr/bin/env bash
# Score-CAM benchmark, side by side in one run: the bundled demo model and a resnet18 package
# with random weights (exported here first). Prints, per model: raw forward throughput at the
# model's batch size, Score-CAM p50/p95 per image through the service code, and the overhead
# ratio p50 / (live channels / throughput).
#
#   tools/benchmark.sh [demo-runs] [resnet18-runs]
set -euo pipefail
cd "$(dirname "$0")/.."
demo_runs=${1:-50}
resnet_runs=${2:-3}
bench=target/bench
if [ ! -f "$bench/resnet18/model.pt" ]; then
  /usr/bin/python3 tools/export_model.py --arch resnet18 --name resnet18 --batch-size 16 --out "$bench/resnet18"
fi
./mvnw -q -B -ntp test-compile
./mvnw -q -B -ntp exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.scorecam.bench.ScoreCamBenchmark \
  -Dai.djl.offline=true -Dexec.args="samples/sneaker.png $demo_runs $bench/resnet18 $resnet_runs"
