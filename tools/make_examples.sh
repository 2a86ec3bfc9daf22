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
# The demo ViT (fashion-vit) on a few of the same samples, for the README.
for name in trouser bag ankle-boot; do
  curl -sSf -F image=@"samples/$name.png" -H 'Accept: image/png' \
    "$url/v1/models/fashion-vit/explanations" -o "docs/examples/$name-vit-scorecam.png"
  echo "docs/examples/$name-vit-scorecam.png"
done
