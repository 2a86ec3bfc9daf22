#!/usr/bin/env bash
# Score-CAM on a GPU, end to end through the service's HTTP API, in one bounded run
# (docs/gpu.md). On the GPU machine, from the repository root, after tools/gpu/prepare-carry.sh
# here and a DJL JNI built there:
#
#   JNI=/path/to/libdjl_torch.so tools/gpu/gpu-benchmark.sh
#
# Steps: unpack the carried JRE and service; place the JNI where DJL looks for it and point DJL
# at the machine's own libtorch (torch's lib folder of $PYTHON); export a ResNet-50 package
# (random weights, 224x224) with tools/export_model.py and its bf16 and fp16 networks with
# tools/reduce_precision.py; start the service on the GPU serving that package once per variant
# (precision, workers; batch-size auto); per variant, W warm-up and N timed
# POST /v1/models/{model}/explanations from one client, then N from each of C concurrent clients,
# nvidia-smi sampled meanwhile; stop the service; time each precision's TorchScript forward at the
# batch size the service chose (the floor); check the maps against the float64 reference on the
# device and, if its source is given, time pytorch-grad-cam's ScoreCAM; write $OUT/results.md
# (and the logs and JSON it came from).
# Bounded: every step has a timeout, no request starts after the deadline, the server is
# stopped on every exit; BUDGET_S (default 450 s) covers it all.
#
# Inputs (environment):
#   JNI          libdjl_torch.so built for this machine's torch (required; never built here)
#   JRE, APP     jlinked runtime and service: folders or .tar.xz (default target/gpu-carry/*.tar.xz)
#   PYTHON       the python whose torch DJL and the floor use (default python3)
#   TORCH_LIB, TORCH_VERSION, TORCH_FLAVOR   default: from $PYTHON's torch (e.g. 2.11.0, cu130)
#   DEVICE       gpu (default) or cpu (the CPU dry run, tools/gpu/cpu-dry-run.sh)
#   ARCH SIZE RUNS WARMUP CLIENTS   resnet50 224 10 2 2
#   VARIANTS     name-suffix:precision:workers-per-device, space-separated (gpu default
#                ":fp32:1 -bf16:bf16:1 -fp16:fp16:1 -fp16-w2:fp16:2"; cpu ":fp32:1 -bf16:bf16:1")
#   SWEEP        more batch sizes for the fp32 forward timing (gpu default 64,128,256)
#   MEMORY_FORMAT  of the bf16/fp16 networks (tools/reduce_precision.py --memory-format):
#                gpu default channels_last (1.5x faster fp16 convolutions on an H200), cpu contiguous
#   GRADCAM_SRC, TTACH_SRC   folders holding pytorch_grad_cam/ and ttach/ (optional; default
#                target/gpu-carry/src/* when present)
#   OUT          results folder (default target/gpu-out); WORK scratch (default a temp dir)
#   METHODS_CHECK  1 (default): every method once on the fp32 variant against its float64
#                reference (tools/gpu/methods_check.py); 0 skips it
#   BUDGET_S, PORT, IMAGE, KEEP_WORK=1, NOTE (a line for the table)
set -uo pipefail
cd "$(dirname "$0")/../.."
here=tools/gpu
start=$(date +%s)

DEVICE=${DEVICE:-gpu}
PYTHON=${PYTHON:-python3}
CARRY=${CARRY:-target/gpu-carry}
JRE=${JRE:-$CARRY/jre.tar.xz}
APP=${APP:-$CARRY/app.tar.xz}
JNI=${JNI:-}
ARCH=${ARCH:-resnet50}
SIZE=${SIZE:-224}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
CLIENTS=${CLIENTS:-2}
IMAGE=${IMAGE:-samples/sneaker.png}
BUDGET_S=${BUDGET_S:-450}
METHODS_CHECK=${METHODS_CHECK:-1}
PORT=${PORT:-18090}
OUT=${OUT:-target/gpu-out}
if [ "$DEVICE" = gpu ]; then
  SWEEP=${SWEEP-64,128,256} VARIANTS=${VARIANTS:-":fp32:1 -bf16:bf16:1 -fp16:fp16:1 -fp16-w2:fp16:2"} torch_device=cuda
  MEMORY_FORMAT=${MEMORY_FORMAT:-channels_last}
else
  SWEEP=${SWEEP-} VARIANTS=${VARIANTS:-":fp32:1 -bf16:bf16:1"} torch_device=cpu
  MEMORY_FORMAT=${MEMORY_FORMAT:-contiguous}
fi
# The precisions the variants need beyond fp32, each a file of the package.
precisions=$(for v in $VARIANTS; do echo "$v" | cut -d: -f2; done | sort -u | grep -v '^fp32$' | paste -sd' ')
GRADCAM_SRC=${GRADCAM_SRC-$CARRY/src/pytorch-grad-cam}
TTACH_SRC=${TTACH_SRC-$CARRY/src/ttach}
[ -d "$GRADCAM_SRC/pytorch_grad_cam" ] || GRADCAM_SRC=""
[ -d "$TTACH_SRC/ttach" ] || TTACH_SRC=""

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
: >"$OUT/run.log"
own_work=0
if [ -z "${WORK:-}" ]; then
  WORK=$(mktemp -d)
  own_work=1
fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
command_line="$(for v in DEVICE JNI ARCH SIZE VARIANTS MEMORY_FORMAT RUNS CLIENTS GRADCAM_SRC; do printf '%s=%q ' $v "${!v}"; done)tools/gpu/gpu-benchmark.sh"
server_pid="" smi_pid=""
notes=()
[ -n "${NOTE:-}" ] && notes+=("$NOTE")

log() { printf '[%3ss] %s\n' "$(($(date +%s) - start))" "$*" | tee -a "$OUT/run.log"; }
left() { echo $((start + BUDGET_S - $(date +%s))); }
# A step's limit: what it asks for, cut to the budget left less 30 s for stopping and reporting.
limit() { local want=$1 rest=$(($(left) - 30)); ((rest < want)) && want=$rest; ((want < 1)) && want=1; echo "$want"; }
# step NAME SECONDS CMD...: runs CMD bounded, output in $WORK/NAME.log; its tail goes to run.log.
step() {
  local name=$1 secs rc
  secs=$(limit "$2")
  shift 2
  log "$name (up to ${secs}s)"
  timeout -k 5 "$secs" "$@" >"$WORK/$name.log" 2>&1
  rc=$?
  tail -n 12 "$WORK/$name.log" | sed 's/^/    /' | tee -a "$OUT/run.log"
  ((rc == 0)) || log "$name failed (exit $rc$( ((rc == 124)) && echo ', timed out'))"
  return $rc
}
fail() { log "STOP: $*"; notes+=("stopped: $*"); exit 1; }

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 1; done
  kill -KILL "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  log "server stopped"
  server_pid=""
}

finish() {
  local rc=$?
  stop_server
  [ -n "$smi_pid" ] && kill "$smi_pid" 2>/dev/null && wait "$smi_pid" 2>/dev/null
  local args=()
  for n in "${notes[@]+"${notes[@]}"}"; do args+=(--note "$n"); done
  "$PYTHON" "$here/report.py" --work "$WORK" --out "$OUT/results.md" --command "$command_line" \
    --device-label "${device_label:-}" "${args[@]+"${args[@]}"}" || log "report failed"
  # One file for the answers of all variants: a device call returns at most 8 files.
  "$PYTHON" -c 'import json, sys
print(json.dumps({p.split("client-", 1)[1][:-5]: json.load(open(p)) for p in sys.argv[1:]}, indent=1))' \
    "$WORK"/client-*.json >"$OUT/clients.json" 2>/dev/null || rm -f "$OUT/clients.json"
  for f in floor.json maps.json methods.json nvidia-smi.csv; do
    [ -f "$WORK/$f" ] && cp "$WORK/$f" "$OUT/"
  done
  [ -f "$WORK/server.log" ] && tail -c 4000000 "$WORK/server.log" >"$OUT/server.log"
  log "done in $(($(date +%s) - start)) s, exit $rc; results: $OUT/results.md"
  [ "$own_work" = 1 ] && [ "${KEEP_WORK:-0}" != 1 ] && rm -rf "$WORK"
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM

unpack() {   # unpack FOLDER-OR-TAR.XZ DEST: prints the folder to use
  if [ -d "$1" ]; then echo "$1"; return; fi
  [ -f "$1" ] || return 1
  mkdir -p "$2"
  if command -v xz >/dev/null; then
    tar -C "$2" -xJf "$1"
  else
    "$PYTHON" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
  fi && echo "$2"
}

log "inputs: $command_line"
[ -n "$JNI" ] && [ -f "$JNI" ] || fail "JNI must name a built libdjl_torch.so (got '${JNI}')"
jre=$(unpack "$JRE" "$WORK/jre") || fail "no JRE at $JRE (tools/gpu/prepare-carry.sh makes it)"
app=$(unpack "$APP" "$WORK/app") || fail "no service at $APP (tools/gpu/prepare-carry.sh makes it)"
java_bin=$jre/bin/java
app_jar=$(ls "$app"/scorecam-server-*.jar 2>/dev/null | head -1)
[ -n "$app_jar" ] || fail "no scorecam-server jar in $app"
"$java_bin" -version >/dev/null 2>&1 || fail "$java_bin does not run here"
djl_api=$(ls "$app"/lib/api-[0-9]*.jar 2>/dev/null | head -1)
djl_version=$(basename "$djl_api" .jar)
djl_version=${djl_version#api-}
[ -n "$djl_version" ] || fail "no DJL api jar in $app/lib"

facts=$("$PYTHON" -c 'import os, torch
cuda = torch.version.cuda
print(os.path.join(os.path.dirname(torch.__file__), "lib"), torch.__version__.split("+")[0],
      "cu" + cuda.replace(".", "") if cuda else "cpu", int(torch.cuda.is_available()))') \
  || fail "$PYTHON has no torch"
read -r py_lib py_version py_flavor py_cuda <<<"$facts"
TORCH_LIB=${TORCH_LIB:-$py_lib}
TORCH_VERSION=${TORCH_VERSION:-$py_version}
TORCH_FLAVOR=${TORCH_FLAVOR:-$py_flavor}
[ -f "$TORCH_LIB/libtorch.so" ] || fail "no libtorch.so in TORCH_LIB=$TORCH_LIB"
if [ "$DEVICE" = gpu ]; then
  [ "$py_cuda" = 1 ] || fail "$PYTHON's torch sees no GPU"
  command -v nvidia-smi >/dev/null || fail "no nvidia-smi"
  device_label=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)
  device_label="$device_label (driver, memory); torch $py_version $py_flavor"
  # torch's CUDA libraries sit in site-packages/nvidia/*/lib; RPATHs find them, this is a fallback.
  nvidia_libs=$(find "$(dirname "$(dirname "$TORCH_LIB")")/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | paste -sd:)
  export LD_LIBRARY_PATH=$TORCH_LIB${nvidia_libs:+:$nvidia_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
else
  device_label="CPU dry run: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
fi
log "java $("$java_bin" -version 2>&1 | head -1 | cut -d'"' -f2), DJL $djl_version, libtorch $TORCH_VERSION-$TORCH_FLAVOR from $TORCH_LIB"
log "device: $device_label"

# DJL takes the JNI from its cache: <cache>/pytorch/<version>-<flavor>-<classifier>/<djl>-libdjl_torch.so
cache=$WORK/djl-cache
jni_dir=$cache/pytorch/$TORCH_VERSION-$TORCH_FLAVOR-linux-x86_64
mkdir -p "$jni_dir"
cp "$JNI" "$jni_dir/$djl_version-libdjl_torch.so"
missing=$(LD_LIBRARY_PATH=$TORCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} ldd "$JNI" 2>/dev/null | grep 'not found')
[ -z "$missing" ] || log "warning: the JNI's libraries not found by ldd: $missing"

models=$WORK/models
package=$models/$ARCH
# Scripted files (--no-freeze), as this benchmark's published runs used: MEMORY_FORMAT picks their layout.
step export 240 env PYTHONUNBUFFERED=1 "$PYTHON" tools/export_model.py --arch "$ARCH" --name "$ARCH" \
  --input-size "$SIZE" --no-freeze --out "$package" || fail "export failed"
for p in $precisions; do
  step "reduce-$p" 120 env PYTHONUNBUFFERED=1 "$PYTHON" tools/reduce_precision.py --precision "$p" \
    --no-freeze --memory-format "$MEMORY_FORMAT" "$package" \
    || fail "no $p network"
done
# One package per variant, sharing the exported files: its own name and precision, batch-size auto.
served=$WORK/served
names=() workers_of=() server_args=()
for v in $VARIANTS; do
  IFS=: read -r suffix precision workers <<<"$v"
  name=$ARCH$suffix
  names+=("$name")
  workers_of+=("$workers")
  mkdir -p "$served/$name"
  for f in "$package"/*; do ln -s "$f" "$served/$name/"; done
  rm "$served/$name/model.yaml"
  sed -e "s/^name: .*/name: $name/" -e '/^batch-size:/d' -e '/^precision:/d' "$package/model.yaml" \
    >"$served/$name/model.yaml"
  echo "precision: $precision" >>"$served/$name/model.yaml"
  server_args+=("--scorecam.models.$name.workers-per-device=$workers")
done
# The image at the model's input size, so that the service and the references see the same pixels.
step input 30 "$PYTHON" -c 'import sys; from PIL import Image
Image.open(sys.argv[1]).convert("RGB").resize((int(sys.argv[2]),) * 2, Image.BILINEAR).save(sys.argv[3])' \
  "$IMAGE" "$SIZE" "$WORK/input.png" || fail "no input image"

if [ "$DEVICE" = gpu ]; then
  nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv,noheader,nounits -lms 500 \
    >"$WORK/nvidia-smi.csv" 2>&1 &
  smi_pid=$!
fi

log "starting the service on $DEVICE, port $PORT"
DJL_OFFLINE=true DJL_CACHE_DIR=$cache PYTORCH_LIBRARY_PATH=$TORCH_LIB PYTORCH_VERSION=$TORCH_VERSION \
  PYTORCH_FLAVOR=$TORCH_FLAVOR "$java_bin" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dai.djl.offline=true -jar "$app_jar" --server.address=127.0.0.1 --server.port="$PORT" \
  --scorecam.device="$DEVICE" --scorecam.model-dirs="$served" --scorecam.engine.cache-dir="$cache" \
  --scorecam.request-timeout=120s --scorecam.shutdown-grace=5s "${server_args[@]}" >"$WORK/server.log" 2>&1 &
server_pid=$!
url=http://127.0.0.1:$PORT
if ! step ready 240 "$PYTHON" "$here/service_client.py" ready --url "$url" --pid "$server_pid" --timeout "$(limit 240)"; then
  # The innermost cause names the problem (a library not found, an undefined symbol, no GPU).
  cause=$(grep -E '^Caused by|UnsatisfiedLinkError|undefined symbol' "$WORK/server.log" | tail -1 | cut -c1-400)
  fail "the service did not become ready: ${cause:-see server.log}"
fi
grep -E 'Engine PyTorch|Model .* loaded' "$WORK/server.log" | sed -E 's/^.*\] [A-Za-z0-9_.$]+ +: //' | tee -a "$OUT/run.log"

# No request starts later than this: what remains is for the floor, the map checks and the report.
deadline=$((start + BUDGET_S - 150))
bench_rc=0
for i in "${!names[@]}"; do
  name=${names[$i]}
  # An equal share of what is left for each variant still to run.
  own_deadline=$(($(date +%s) + (deadline - $(date +%s)) / (${#names[@]} - i)))
  step "bench-$name" $((own_deadline - $(date +%s) + 160)) env PYTHONUNBUFFERED=1 "$PYTHON" \
    "$here/service_client.py" bench --url "$url" --model "$name" --image "$WORK/input.png" --runs "$RUNS" \
    --clients "$CLIENTS" --warmup "$WARMUP" --workers "${workers_of[$i]}" --deadline "$own_deadline" --out "$WORK/client-$name.json" || bench_rc=1
done
# Every method once on the fp32 variant, each map against its float64 reference on the device.
if [ "$METHODS_CHECK" = 1 ] && [ -f "$WORK/client-$ARCH.json" ]; then
  step methods 150 env PYTHONUNBUFFERED=1 "$PYTHON" "$here/methods_check.py" --url "$url" --model "$ARCH" \
    --package "$package" --image "$WORK/input.png" --device "$torch_device" --out "$WORK/methods.json"
fi
stop_server
[ -n "$smi_pid" ] && kill "$smi_pid" 2>/dev/null && wait "$smi_pid" 2>/dev/null
smi_pid=""
ls "$WORK"/client-*.json >/dev/null 2>&1 || fail "no answers from the service"

# Each precision's forward at the batch size the service chose for it.
batches=$("$PYTHON" -c 'import json, sys
chosen = {}
for path in sys.argv[1:]:
    model = json.load(open(path))["model"]
    chosen.setdefault(model["precision"], model["batchSize"])
print(",".join(f"{p}={b}" for p, b in chosen.items()))' "$WORK"/client-*.json)
step floor 120 env PYTHONUNBUFFERED=1 "$PYTHON" "$here/forward_floor.py" --package "$package" \
  --batches "$batches" --device "$torch_device" --sweep "$SWEEP" --out "$WORK/floor.json"

fp32_client=$WORK/client-$ARCH.json
if [ -f "$fp32_client" ]; then
  [ -n "$GRADCAM_SRC" ] || notes+=("pytorch-grad-cam: skipped, no GRADCAM_SRC given (its source is never part of this project)")
  others=()
  for name in "${names[@]}"; do
    [ "$name" != "$ARCH" ] && [ -f "$WORK/client-$name.json" ] && others+=(--also "$name=$WORK/client-$name.json")
  done
  step maps 150 env PYTHONUNBUFFERED=1 "$PYTHON" "$here/reference_maps.py" --package "$package" \
    --image "$WORK/input.png" --client "$fp32_client" "${others[@]+"${others[@]}"}" --device "$torch_device" \
    ${GRADCAM_SRC:+--gradcam-src "$GRADCAM_SRC"} ${TTACH_SRC:+--ttach-src "$TTACH_SRC"} --out "$WORK/maps.json"
fi
exit $bench_rc
