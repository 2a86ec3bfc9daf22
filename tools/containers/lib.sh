# Names and helpers shared by the container scripts (sourced, not run).
DEBIAN_IMAGE=localhost/debian:bookworm
VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
# The names the container tests expect (pom.xml, Failsafe's scorecam.image and scorecam.redis-image).
SERVICE_IMAGE=${SERVICE_IMAGE:-localhost/scorecam-server:$VERSION}
REDIS_IMAGE=localhost/redis-server:bookworm

# base_image NAME PACKAGE...: an image of Debian's packages on the local Debian base, made once
# and reused while present (REBUILD_BASE=1 makes it again).
base_image() {
  local name=$1; shift
  if [ -z "${REBUILD_BASE:-}" ] && podman image exists "$name"; then return; fi
  echo "making $name ($*)"
  printf 'FROM %s\nRUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends %s \\\n && rm -rf /var/lib/apt/lists/*\n' \
      "$DEBIAN_IMAGE" "$*" | podman build -q --network host -t "$name" -f - . >/dev/null
}

# seconds_since NANOS: the seconds, to a tenth, since a `date +%s%N` reading
seconds_since() {
  local tenths=$(( ($(date +%s%N) - $1) / 100000000 ))
  echo "$((tenths / 10)).$((tenths % 10))"
}
