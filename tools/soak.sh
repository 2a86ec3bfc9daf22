#!/usr/bin/env bash
# Soak benchmark (bounded, not a test): starts the packaged service on a free loopback port,
# sends N explanation requests on the demo model (tools/soak.py: sync PNG and JSON, some async
# jobs, blocks of 500 alternately sequential and 4 concurrent clients), samples the process RSS
# and the JVM heap every 500 requests, prints the table, and stops the service, also on failure.
# Exit status 1 if any answer was not 200/202.
#
#   tools/soak.sh N [jar]        (jar: default target/scorecam-server-*.jar; build it with
#                                 ./mvnw -B -ntp package -DskipTests)
# JAVA_OPTS is passed to the JVM (e.g. JAVA_OPTS=-Xmx1g); CLIENTS sets the concurrent clients;
# the service reads SCORECAM_* variables as usual (e.g. SCORECAM_JOBS_TTL=1m).
set -euo pipefail
n=${1:?usage: tools/soak.sh N [jar]}
jar=${2:+$(realpath -- "$2")}
cd "$(dirname "$0")/.."
jar=${jar:-$(ls target/scorecam-server-*.jar 2>/dev/null | grep -v plain | head -1 || true)}
[[ -f "$jar" ]] || { echo "no jar (build it: ./mvnw -B -ntp package -DskipTests)" >&2; exit 2; }
python=/usr/bin/python3
port=$($python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp /tmp/scorecam-soak.XXXXXX.log)

# metrics: exposed only for this run, for the heap figures (the shipped config does not expose it)
server_cmd=(java ${JAVA_OPTS:-} -Dai.djl.offline=true -jar "$jar" --server.port="$port"
  --server.address=127.0.0.1 --management.endpoints.web.exposure.include=health,metrics)
echo "command: $(env | grep -E '^(SCORECAM|SPRING|SERVER)_' | sort | tr '\n' ' ')${CLIENTS:+CLIENTS=$CLIENTS }tools/soak.sh $*"
echo "server:  ${server_cmd[*]}  (log: $log)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/ {print $2}') GB RAM, java $(java -version 2>&1 | head -1 | cut -d'"' -f2)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

source tools/serve.sh
serve "$log" "${server_cmd[@]}"
await_ready "$port" "$log"
echo "ready on port $port after ${ready_after} s"
$python tools/soak.py "http://127.0.0.1:$port" "$server" "$n" --clients "${CLIENTS:-4}"
