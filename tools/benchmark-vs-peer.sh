#!/usr/bin/env bash
# Score-CAM, the service against pytorch-grad-cam's ScoreCAM, side by side in one run on the
# same network and image (tools/peer_benchmark.py says how). Exports random-weight resnet18 at
# 96 and 224 px and resnet50 at 224 px as tools/export_model.py writes packages by default, with
# their bf16 networks (tools/reduce_precision.py, by default too), starts the packaged jar
# serving them (fp32 as <name>, bf16 as <name>-bf16), runs the cases, stops the server. The peer
# runs the plain torchvision module in fp32 (PEER_MODEL=package: the package's own file).
# The peer's source is not part of this repository: pass a checkout of jacobgil/pytorch-grad-cam
# (its optional imports, ttach and OpenCV among them, are stood in where not installed).
#
#   tools/benchmark-vs-peer.sh <pytorch-grad-cam dir> [reps] [case...]
#   e.g. tools/benchmark-vs-peer.sh ~/peers/pytorch-grad-cam 3 resnet18-96 resnet18-96-bf16
#
# Bounded: each explanation has a 30-minute HTTP timeout and the whole run BENCH_TIMEOUT seconds
# (default 3 hours); the server is stopped on exit. SKIP_BUILD=1 reuses target/scorecam-server-*.jar.
# FREEZE=--no-freeze exports scripted files instead of the serving form. Delete target/bench-peer
# after changing it. PEER_BATCHES (default 16,32,64): the peer's batches, its best is the fastest;
# SERVICE_BATCHES (default 16,32,64, empty for none): fixed batches the service runs at too, to
# check the batch tuner's pick against them. Every rep runs them all: on a busy machine, fewer.
# LANES (default 0, the service's choice; 1: none): scorecam.engine.lanes of the server.
set -euo pipefail
cd "$(dirname "$0")/.."
peer=$(realpath "${1:?path to a pytorch-grad-cam checkout}")
reps=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(resnet18-96 resnet18-96-bf16 resnet18-224 resnet18-224-bf16 resnet50-224 resnet50-224-bf16)
port=${PORT:-18090}
py=/usr/bin/python3
out=target/bench-peer
FREEZE=${FREEZE:-}
packages=$out/packages
mkdir -p "$packages"

# One package per (architecture, size), plus a -bf16 twin that serves the same files in bf16.
export_pair() { # arch size
  local name=$1-$2 dir=$out/$1-$2
  if [ ! -f "$dir/model-bf16.pt" ]; then
    (cd tools && $py export_model.py --arch "$1" --name "$name" --input-size "$2" $FREEZE --out "../$dir" \
       && $py reduce_precision.py --precision bf16 $FREEZE "../$dir")
  fi
  for variant in "$name" "$name-bf16"; do
    mkdir -p "$packages/$variant"
    ln -sf "$(realpath "$dir/model.pt")" "$packages/$variant/model.pt"
    [ ! -f "$dir/model.portable.pt" ] || ln -sf "$(realpath "$dir/model.portable.pt")" "$packages/$variant/model.portable.pt"
    ln -sf "$(realpath "$dir/model-bf16.pt")" "$packages/$variant/model-bf16.pt"
    sed -e "s/^name: .*/name: $variant/" -e '/^batch-size:/d' "$dir/model.yaml" > "$packages/$variant/model.yaml"
  done
  echo "precision: bf16" >> "$packages/$name-bf16/model.yaml"
}
needed=" ${cases[*]} "
for pair in resnet18:96 resnet18:224 resnet50:224; do
  arch=${pair%:*} size=${pair#*:}
  [[ $needed == *" $arch-$size "* || $needed == *" $arch-$size-bf16 "* ]] && export_pair "$arch" "$size"
done
# Serve only the packages asked for.
served=$out/served
rm -rf "$served" && mkdir -p "$served"
for c in "${cases[@]}"; do ln -s "$(realpath "$packages/$c")" "$served/$c"; done

# The jar's timestamps are fixed (reproducible build), so staleness cannot be told: build unless told not to.
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -q -B -ntp -DskipTests package
jar=$(ls target/scorecam-server-*.jar | grep -v plain | head -1)
java -Dai.djl.offline=true -jar "$jar" --server.port="$port" --scorecam.model-dirs="$served" \
  --scorecam.request-timeout=30m --scorecam.cache.enabled=false --scorecam.engine.lanes="${LANES:-0}" \
  >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 900); do
  curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null && break
  kill -0 $server 2>/dev/null || { echo "server did not start:"; tail -20 "$out/server.log"; exit 1; }
  sleep 1
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "bf16: $(grep -q avx512_bf16 /proc/cpuinfo && echo AVX512-BF16 || echo none), java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
grep -E "Engine PyTorch|Model .* loaded" "$out/server.log" | sed 's/^.*INFO [0-9]* --- \[[^]]*\] [^ ]* *: /server: /'
timeout "${BENCH_TIMEOUT:-10800}" $py tools/peer_benchmark.py --peer "$peer" --url "http://localhost:$port" \
  --packages "$served" --peer-model "${PEER_MODEL:-eager}" --peer-batches "${PEER_BATCHES:-16,32,64}" \
  --service-batches "${SERVICE_BATCHES-16,32,64}" \
  --reps "$reps" "${cases[@]}"
