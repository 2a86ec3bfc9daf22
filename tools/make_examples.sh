#!/usr/bin/env bash
# Regenerates docs/examples/: the heatmap overlays the running service makes from samples/.
#   ./mvnw spring-boot:run &        # then, once it is up:
#   tools/make_examples.sh [http://localhost:8080]
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:-http://localhost:8080}
mkdir -p docs/examples
for sample in samples/*.png; do
  name=$(basename "$sample" .png)
  curl -sSf -F image=@"$sample" -H 'Accept: image/png' \
    "$url/v1/models/fashion-cnn/explanations" -o "docs/examples/$name-scorecam.png"
  echo "docs/examples/$name-scorecam.png"
done
