# Sourced by .ci/run: containers on this kind of machine, then the service image built from the
# committed Dockerfile, so that the container tests (Testcontainers) run against it.
# What this machine needs and users do not (their Docker or podman runs as usual):
#   rootful podman with runc and cgroupfs (crun fails here on RLIMIT_NOFILE and on "cgroups in
#   hybrid mode"), no default ulimits, base images made locally (no registry is reachable), and
#   podman's Docker-compatible socket for Testcontainers, without Ryuk (its image cannot be pulled).
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null || ! command -v podman-compose >/dev/null; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends podman runc debootstrap podman-compose \
    uidmap slirp4netns netavark aardvark-dns containernetworking-plugins
fi
mkdir -p /etc/containers
cat >/etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF

podman_socket=/run/podman/podman.sock
mkdir -p "$(dirname "$podman_socket")"
rm -f "$podman_socket"  # a stale one would pass the wait below
podman system service --time=0 "unix://$podman_socket" >/dev/null 2>&1 &
podman_service=$!
containers_stop() { kill "$podman_service" 2>/dev/null || true; }
for _ in $(seq 1 50); do [ -S "$podman_socket" ] && break; sleep 0.2; done

export DOCKER_HOST="unix://$podman_socket"
export TESTCONTAINERS_RYUK_DISABLED=true
# Testcontainers would otherwise take the default bridge's gateway for the host, which a container
# on a network of its own (the cluster test's) is not published on.
export TESTCONTAINERS_HOST_OVERRIDE=localhost
# The container tests fail instead of skipping when something here is missing.
export SCORECAM_REQUIRE_CONTAINERS=true

# The Maven build inside the image shares ~/.m2 with the build that follows.
mkdir -p "$HOME/.m2"
tools/containers/build-local.sh
