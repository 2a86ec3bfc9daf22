# Sourced by the tools that run the packaged service for a measurement (soak.sh, evaluate.sh):
# starts it, stops it when the script exits (also on failure or Ctrl-C), and waits for readiness.
#
#   serve LOG COMMAND...   starts COMMAND in the background, output to LOG; sets $server (its pid)
#   await_ready PORT LOG   waits up to 180 s for readiness on 127.0.0.1:PORT, else prints the
#                          log's tail and exits 2; sets $ready_after (seconds)
#   serve_jar NAME ARG...  the packaged jar ($jar, else target/scorecam-server-*.jar) on a free
#                          loopback port, ARG... after its own arguments, waited for, its log in
#                          /tmp/scorecam-NAME.*.log; sets $url (for the tools whose --url skips it)

serve() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  server=$!
  trap stop_server EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

stop_server() {
  kill "$server" 2>/dev/null || return 0
  # graceful shutdown waits up to scorecam.shutdown-grace (30 s) for running jobs
  for _ in $(seq 1 45); do kill -0 "$server" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$server" 2>/dev/null || true
}

await_ready() {
  local port=$1 log=$2 i
  for i in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null && { ready_after=$i; return 0; }
    if ! kill -0 "$server" 2>/dev/null || [[ $i == 180 ]]; then
      echo "server not ready; its log:" >&2; tail -30 "$log" >&2; exit 2
    fi
    sleep 1
  done
}

serve_jar() {
  local name=$1 port log
  shift
  jar=${jar:-$(ls target/scorecam-server-*.jar 2>/dev/null | grep -v plain | head -1 || true)}
  [[ -f "$jar" ]] || { echo "no jar (build it: ./mvnw -B -ntp package -DskipTests) and no --url" >&2; exit 2; }
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  log=$(mktemp "/tmp/scorecam-$name.XXXXXX.log")
  serve "$log" java ${JAVA_OPTS:-} -Dai.djl.offline=true -jar "$jar" --server.port="$port" \
    --server.address=127.0.0.1 "$@"
  await_ready "$port" "$log"
  echo "service ready on port $port after ${ready_after} s (log: $log)" >&2
  url="http://127.0.0.1:$port"
}
