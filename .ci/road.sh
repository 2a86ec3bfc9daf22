#!/usr/bin/env bash
# ROAD's Python dependency (tools/road.py, used by tools/evaluate.py, and its pytest suite):
# Debian's python3-scipy, for the sparse solve of the noisy linear imputation.
set -euo pipefail
if ! /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-scipy
fi
