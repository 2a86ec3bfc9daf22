#!/usr/bin/env bash
# Builds the service image from the committed Dockerfile with podman where no image registry can be
# reached: the base images come from Debian's own packages instead of Docker Hub.
#
#   tools/containers/build-local.sh            -> localhost/scorecam-server:<project version>
#
# Local base images, each made once and reused while present (REBUILD_BASE=1 makes them again):
#   localhost/debian:bookworm        debootstrap --variant=minbase bookworm (needs root)
#   localhost/jdk17, jre17           Debian's openjdk-17-jdk-headless / openjdk-17-jre-headless
#   localhost/redis-server:bookworm  Debian's redis-server, for the container tests' cluster
# The Maven build inside the image reuses ~/.m2 (mounted), and the host's Java trust store where it
# has one, so it reaches the same Maven repository the host does.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/containers/lib.sh

if [ -n "${REBUILD_BASE:-}" ] || ! podman image exists "$DEBIAN_IMAGE"; then
  echo "making $DEBIAN_IMAGE with debootstrap"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  tar -C "$rootfs" -c . | podman import -q - "$DEBIAN_IMAGE" >/dev/null
fi
base_image localhost/jdk17 openjdk-17-jdk-headless
base_image localhost/jre17 openjdk-17-jre-headless
base_image "$REDIS_IMAGE" redis-server

mounts=()
[ -d "$HOME/.m2" ] && mounts+=(-v "$HOME/.m2:/root/.m2")
[ -f /etc/ssl/certs/java/cacerts ] && mounts+=(-v /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro)
start=$(date +%s)
podman build --network host --target cpu \
  --build-arg JDK_IMAGE=localhost/jdk17 --build-arg JRE_IMAGE=localhost/jre17 \
  "${mounts[@]}" -t "$SERVICE_IMAGE" .
echo "built $SERVICE_IMAGE in $(( $(date +%s) - start )) s, $(podman image inspect -f '{{.Size}}' "$SERVICE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
