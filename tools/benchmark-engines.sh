#!/usr/bin/env bash
# The same random-weight network on both engines: TorchScript scripted (export_model.py
# --no-freeze), TorchScript frozen channels-last (export_model.py's default, the serving form),
# and ONNX Runtime (--format onnx); seconds
# per Score-CAM of the sample, alternating in one JVM (EngineBenchmark: medians of the rounds).
#
#   tools/benchmark-engines.sh [arch] [sizes] [batch] [rounds]
#   e.g. tools/benchmark-engines.sh resnet18 "96 224" 32 3
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-resnet18}
sizes=${2:-96 224}
batch=${3:-32}
rounds=${4:-3}
py=/usr/bin/python3
out=target/bench-engines
for size in $sizes; do
  dir=$out/$arch-$size
  if [ ! -f "$dir/onnx/model.onnx" ]; then
    (cd tools && $py export_model.py --arch "$arch" --input-size "$size" --no-freeze --out "../$dir/torchscript-scripted" >/dev/null \
      && $py export_model.py --arch "$arch" --input-size "$size" --out "../$dir/torchscript-frozen-cl" >/dev/null \
      && $py export_model.py --arch "$arch" --input-size "$size" --format onnx --out "../$dir/onnx" 2>/dev/null >/dev/null)
  fi
done
./mvnw -q -B -ntp -o test-compile
./mvnw -q -B -ntp -o dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
for size in $sizes; do
  dir=$out/$arch-$size
  echo "== $arch $size px, batch $batch, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  java -Dai.djl.offline=true -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    dev.scorecam.bench.EngineBenchmark "$batch" "$rounds" samples/sneaker.png \
    "$dir/torchscript-scripted" "$dir/torchscript-frozen-cl" "$dir/onnx" 2>&1 | grep -v -E ' (INFO|DEBUG|WARN) '
done
