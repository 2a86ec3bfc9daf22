#!/usr/bin/env bash
# Evaluation table: every method the service offers (GET /v1/methods; just scorecam where that
# answers 404) over a dataset directory in the format of datasets/fashion-canvas-eval, with
# metrics=true: Average Drop/Increase, energy pointing game, deletion/insertion AUC, passes and
# ms per image (tools/evaluate.py says how each is computed). Prints the Markdown table and,
# with --out, writes it (between the evaluation markers of an existing file, e.g. docs/evaluation.md).
# A detection set (annotations listing `boxes` per image, tools/make_detection_canvases.py) goes
# to tools/evaluate_detections.py instead: pointing and box energy of each found garment's
# explanation (--model fashion-detector by default, --methods scorecam,eigencam, --score logit|probability,
# --box-rule overlap|match).
#
#   tools/evaluate.sh DATASET_DIR [--out FILE] [--url URL | --jar JAR] [tools/evaluate.py options]
#   tools/evaluate.sh --sanity PACKAGE_DIR DATASET_DIR [tools/sanity.sh options]
#   tools/evaluate.sh --discrimination CANVAS_DIR [tools/class_discrimination.sh options]
#
# Without --url it starts the packaged jar (default target/scorecam-server-*.jar; build it with
# ./mvnw -B -ntp package -DskipTests) on a free loopback port and stops it at the end, also on
# failure. JAVA_OPTS and the service's SCORECAM_* variables pass through.
set -euo pipefail
# --sanity: the randomisation sanity checks instead (tools/sanity.sh PACKAGE_DIR DATASET_DIR ...);
# --discrimination: class discrimination on multi-garment canvases (tools/class_discrimination.sh).
[[ ${1:-} == --sanity ]] && exec "$(dirname "$0")/sanity.sh" "${@:2}"
[[ ${1:-} == --discrimination ]] && exec "$(dirname "$0")/class_discrimination.sh" "${@:2}"
usage="usage: tools/evaluate.sh DATASET_DIR [--out FILE] [--url URL | --jar JAR] [--methods a,b] [--steps N] [--limit N] [--batch N]"
[[ $# -ge 1 && $1 != -* ]] || { echo "$usage" >&2; exit 2; }
command="tools/evaluate.sh $*"
dataset=$(realpath -- "$1"); shift
url="" jar="" rest=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --url) url=${2:?$usage}; shift 2 ;;
    --jar) jar=$(realpath -- "${2:?$usage}"); shift 2 ;;
    --out) rest+=(--out "$(realpath -m -- "${2:?$usage}")"); shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
[[ -f $dataset/annotations.json ]] || { echo "$dataset has no annotations.json" >&2; exit 2; }
cd "$(dirname "$0")/.."
python=/usr/bin/python3

if [[ -z $url ]]; then
  source tools/serve.sh
  # The request timeout is raised: a slow method on a big model must not turn into a 504 here.
  serve_jar evaluate --scorecam.request-timeout=10m
fi

script=tools/evaluate.py
grep -q '"boxes"' "$dataset/annotations.json" && script=tools/evaluate_detections.py
$python "$script" "$dataset" --url "$url" --command "$command" "${rest[@]}"
