#!/usr/bin/env bash
# Which network file runs fastest in the service's engine (DJL / libtorch, 2 threads): the same
# random-weight network exported as scripted, frozen, and frozen in channels-last (the default
# of export_model.py and reduce_precision.py), each in fp32 and bf16, timed alternately in one
# JVM (NetworkFileBenchmark: medians of the rounds, then a Score-CAM and a Grad-CAM map of the
# sample compared with the fp32 file as scripted).
#
#   tools/benchmark-network-file.sh [arch] [sizes] [batch] [rounds]
#   e.g. tools/benchmark-network-file.sh resnet18 "224 96" 16 9
#
# Bounded: a fixed number of forwards (rounds x 6 files x max(2, 64/batch) batches a size).
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-resnet18}
sizes=${2:-224 96}
batch=${3:-16}
rounds=${4:-9}
py=/usr/bin/python3
out=target/bench-network-file
for size in $sizes; do
  dir=$out/$arch-$size
  if [ ! -f "$dir/bf16-frozen-cl/model.pt" ]; then
    for form in as frozen-cl; do
      flag=$([ $form = as ] && echo --no-freeze || echo --freeze)
      (cd tools && $py export_model.py --arch "$arch" --input-size "$size" $flag --out "../$dir/fp32-$form" >/dev/null \
        && $py reduce_precision.py --precision bf16 $flag "../$dir/fp32-$form" >/dev/null)
    done
    # bf16 files in packages of their own (they keep the float32 interface, so they load as model.pt).
    mkdir -p "$dir/bf16-as" "$dir/bf16-frozen-cl" "$dir/fp32-frozen" "$dir/bf16-frozen"
    cp "$dir/fp32-as/model-bf16.pt" "$dir/bf16-as/model.pt"
    cp "$dir/fp32-frozen-cl/model-bf16.pt" "$dir/bf16-frozen-cl/model.pt"
    # Frozen in the standard layout: the scripted files frozen as they are, to tell freezing from the layout.
    (cd tools && $py -c "import sys, torch, model_package as m; m.freeze(torch.jit.load(sys.argv[1])).save(sys.argv[2])" \
      "../$dir/fp32-as/model.pt" "../$dir/fp32-frozen/model.pt" \
      && $py -c "import sys, torch, model_package as m; m.freeze(torch.jit.load(sys.argv[1])).save(sys.argv[2])" \
      "../$dir/fp32-as/model-bf16.pt" "../$dir/bf16-frozen/model.pt")
    for v in bf16-as bf16-frozen-cl fp32-frozen bf16-frozen; do cp "$dir/fp32-as/model.yaml" "$dir/$v/"; done
  fi
done
./mvnw -q -B -ntp test-compile
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
for size in $sizes; do
  dir=$out/$arch-$size
  echo "== $arch $size px, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  # Each precision's files compete in one JVM; the bf16 run's reference is the fp32 file as scripted.
  java -Dai.djl.offline=true -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    dev.scorecam.bench.NetworkFileBenchmark "$batch" "$rounds" samples/sneaker.png \
    "$dir/fp32-as" "$dir/fp32-frozen" "$dir/fp32-frozen-cl" "$dir/bf16-as" "$dir/bf16-frozen" "$dir/bf16-frozen-cl" \
    2>&1 | grep -v -E ' (INFO|DEBUG|WARN) '
done
