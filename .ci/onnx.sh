#!/usr/bin/env bash
# The ONNX tools' Python dependency (tools/onnx_package.py, package_onnx.py, their pytest suite):
# Debian's python3-onnx. The Java side needs nothing: ONNX Runtime's natives come in its Maven jar.
set -euo pipefail
if ! /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-onnx
fi
