#!/usr/bin/env bash
# Runs tools/gpu/gpu-benchmark.sh here, on the CPU, with the inputs it gets on a GPU machine
# replaced by CPU ones of the same shape, so that everything but the GPU is proven before a GPU
# is lent: the carried JRE and service (target/gpu-carry/, from prepare-carry.sh), a JNI placed
# in DJL's cache by path and a libtorch found through PYTORCH_LIBRARY_PATH (DJL's own CPU build
# 2.7.1 from the Maven jars, flavor cpu, instead of the GPU machine's CUDA torch), the export,
# start-up, warm-up, the timed and concurrent calls, the floor, the map checks, the table and
# the cleanup. A small model keeps it light on a shared machine: resnet18 at 64x64, served in fp32
# and bf16 (this CPU has native bf16; fp16 is refused on a CPU).
#
#   tools/gpu/cpu-dry-run.sh            (after tools/gpu/prepare-carry.sh)
# Any variable of gpu-benchmark.sh can be set to override these (ARCH=resnet50 SIZE=224 ...).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=${MAVEN_REPO:-$HOME/.m2/repository}/ai/djl/pytorch
dry=target/gpu-dry-run
mkdir -p "$dry"

# DJL's CPU libtorch and its CPU JNI, unpacked from the jars Maven already has.
libtorch=$dry/libtorch
if [ ! -f "$libtorch/libtorch.so" ]; then
  native_jar=$(ls "$repo"/pytorch-native-cpu/*/pytorch-native-cpu-*-linux-x86_64.jar | head -1)
  rm -rf "$libtorch" "$dry/pytorch"
  unzip -q -o "$native_jar" 'pytorch/cpu/linux-x86_64/*' -d "$dry"
  mv "$dry/pytorch/cpu/linux-x86_64" "$libtorch"
  rm -rf "$dry/pytorch"
fi
jni_jar=$(ls "$repo"/pytorch-jni/*/pytorch-jni-*.jar | head -1)
unzip -q -o -j "$jni_jar" 'jnilib/linux-x86_64/cpu/libdjl_torch.so' -d "$dry"
version=$(basename "$jni_jar" .jar)      # pytorch-jni-2.7.1-0.36.0
version=${version#pytorch-jni-}

export DEVICE=cpu PYTHON=${PYTHON:-/usr/bin/python3}
export JNI=$PWD/$dry/libdjl_torch.so TORCH_LIB=$PWD/$libtorch
export TORCH_VERSION=${version%-*} TORCH_FLAVOR=cpu
export ARCH=${ARCH:-resnet18} SIZE=${SIZE:-64}
export OUT=${OUT:-target/gpu-dry-run/out} BUDGET_S=${BUDGET_S:-420}
export NOTE=${NOTE:-"CPU dry run: it proves the plumbing, not speed. The floor is Debian's torch 1.13 on a shared \
machine, not the service's libtorch, so the ratio to it means nothing. At 64 px resnet18's activations are 2x2, where \
pytorch-grad-cam's align_corners=True masks differ most from the reference's (0.67; 0.995 at 96 px, 3x3)."}
exec tools/gpu/gpu-benchmark.sh
