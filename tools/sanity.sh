#!/usr/bin/env bash
# Sanity checks of every method (tools/sanity_checks.py says what is measured): randomised copies
# of a trained package are written by tools/randomise_package.py (seeded), the packaged jar serves
# them beside the trained model, and each method's maps on the randomised models are compared with
# the trained model's. `tools/evaluate.sh --sanity ...` calls this.
#
#   tools/sanity.sh PACKAGE_DIR DATASET_DIR [--work DIR] [--seed N] [--url URL | --jar JAR]
#                   [tools/sanity_checks.py options: --count N --methods a,b --field m:name=value
#                    --maps FILE --out FILE --figure FILE]
#
# e.g. tools/sanity.sh src/main/resources/demo-model/fashion-cnn datasets/fashion-canvas-eval \
#        --out docs/evaluation.md --figure docs/images/sanity-fashion-cnn.png
# Without --url it starts the jar (default target/scorecam-server-*.jar) on a free loopback port,
# serving WORK/randomised (default WORK: /tmp/scorecam-sanity-<package name>) and, unless it is
# the bundled demo model, PACKAGE_DIR; with --url that service must already serve them.
set -euo pipefail
usage="usage: tools/sanity.sh PACKAGE_DIR DATASET_DIR [--work DIR] [--seed N] [--url URL | --jar JAR] [sanity_checks.py options]"
[[ $# -ge 2 && $1 != -* && $2 != -* ]] || { echo "$usage" >&2; exit 2; }
command="tools/sanity.sh $*"
package=$(realpath -- "$1"); dataset=$(realpath -- "$2"); shift 2
url="" jar="" work="" seed=2018 rest=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --url) url=${2:?$usage}; shift 2 ;;
    --jar) jar=$(realpath -- "${2:?$usage}"); shift 2 ;;
    --work) work=$(realpath -m -- "${2:?$usage}"); shift 2 ;;
    --seed) seed=${2:?$usage}; shift 2 ;;
    --out|--maps|--figure) rest+=("$1" "$(realpath -m -- "${2:?$usage}")"); shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
[[ -f $package/model.yaml && -f $dataset/annotations.json ]] || { echo "$usage" >&2; exit 2; }
cd "$(dirname "$0")/.."
python=/usr/bin/python3
name=$(sed -n 's/^name: *//p' "$package/model.yaml")
work=${work:-/tmp/scorecam-sanity-$name}
$python tools/randomise_package.py "$package" "$work/randomised" --seed "$seed"

if [[ -z $url ]]; then
  dirs=$work/randomised
  [[ $package == "$(realpath src/main/resources/demo-model)"/* ]] || dirs+=",$package"
  source tools/serve.sh
  # The request timeout is raised: a slow method on a big model must not turn into a 504 here.
  serve_jar sanity --scorecam.request-timeout=30m --scorecam.model-dirs="$dirs"
fi

$python tools/sanity_checks.py "$work/randomised" "$dataset" --url "$url" --command "$command" "${rest[@]}"
