#!/usr/bin/env bash
# Class discrimination through the packaged service (tools/class_discrimination.py says what is
# measured): makes the multi-garment canvases when DATASET_DIR has none, starts the jar, explains
# every garment's class by every method, weighting and score. `tools/evaluate.sh --discrimination ...`
# calls this.
#
#   tools/class_discrimination.sh DATASET_DIR [--model NAME] [--model-dir DIR] [--url URL | --jar JAR]
#                                 [class_discrimination.py evaluate options: --methods --scores --field --out]
#
# e.g. tools/class_discrimination.sh /tmp/garment-canvases --out docs/evaluation.md
# --model-dir serves a package (or a folder of them) beside the bundled models, e.g. models/.
set -euo pipefail
usage="usage: tools/class_discrimination.sh DATASET_DIR [--model NAME] [--model-dir DIR] [--url URL | --jar JAR] [options]"
[[ $# -ge 1 && $1 != -* ]] || { echo "$usage" >&2; exit 2; }
command="tools/class_discrimination.sh $*"
dataset=$(realpath -m -- "$1"); shift
url="" jar="" dirs="" rest=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --url) url=${2:?$usage}; shift 2 ;;
    --jar) jar=$(realpath -- "${2:?$usage}"); shift 2 ;;
    --model-dir) dirs=$(realpath -- "${2:?$usage}"); shift 2 ;;
    --out|--json) rest+=("$1" "$(realpath -m -- "${2:?$usage}")"); shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
cd "$(dirname "$0")/.."
python=/usr/bin/python3
[[ -f $dataset/annotations.json ]] || $python tools/class_discrimination.py make "$dataset"

if [[ -z $url ]]; then
  source tools/serve.sh
  # The request timeout is raised: a slow method on a big model must not turn into a 504 here.
  serve_jar discrimination --scorecam.request-timeout=30m ${dirs:+--scorecam.model-dirs="$dirs"}
fi

$python tools/class_discrimination.py evaluate "$dataset" --url "$url" --command "$command" "${rest[@]}"
