#!/usr/bin/env bash
# Resolves the dependencies of every platform profile in pom.xml (native-*: libtorch's CPU build
# per OS and CPU) without running them, so that a broken coordinate fails CI on Linux x86-64 as
# well as on the machines it is for. Each profile is forced on, the others forced off.
set -euo pipefail
cd "$(dirname "$0")/.."

profiles=(native-linux-x86_64 native-linux-aarch64 native-osx-aarch64 native-win-x86_64)
for profile in "${profiles[@]}"; do
  others=$(printf '!%s,' "${profiles[@]/$profile}" | sed 's/!,//g; s/,$//')
  listing=$(./mvnw -B -ntp -P "$profile,$others" dependency:resolve \
    -DincludeArtifactIds=pytorch-native-cpu -DoutputAbsoluteArtifactFilename=true)
  classifier=${profile#native-}
  grep -q "ai.djl.pytorch:pytorch-native-cpu:jar:$classifier:" <<<"$listing" \
    || { echo "$listing"; echo "profile $profile did not resolve pytorch-native-cpu:$classifier"; exit 1; }
  echo "platforms: $profile resolves pytorch-native-cpu:$classifier"
done
