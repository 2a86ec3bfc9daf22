#!/usr/bin/env bash
# The TypeScript and Python clients of docs/clients.md, generated from the committed openapi.yaml
# (./mvnw -Pclients), run against the packaged jar in API-key mode: a PNG, a map as numbers, an
# async job to its end, a problem as a typed error, and the key sent. Needs the jar (./mvnw
# verify or package), Node.js with npm, and Debian's python3-numpy, python3-pydantic (1.x),
# python3-urllib3 and python3-dateutil.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! /usr/bin/python3 -c 'import numpy, pydantic, urllib3, dateutil' 2>/dev/null; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3-numpy python3-pydantic python3-urllib3 python3-dateutil
fi

./mvnw -B -ntp -q -Pclients generate-test-sources
(cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error && npx tsc -p .)

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key=$(head -c 24 /dev/urandom | base64 | tr -d '=+/\n')
jar=$(ls target/scorecam-server-*.jar | head -1)
SCORECAM_SECURITY_MODE=api-key \
SCORECAM_SECURITY_APIKEYS_CI=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1) \
  java -jar "$jar" --server.address=127.0.0.1 --server.port="$port" >target/ci-clients.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null && break
  kill -0 $server 2>/dev/null || { cat target/ci-clients.log; exit 1; }
  sleep 1
done

base=http://127.0.0.1:$port
echo "clients: TypeScript (typescript-fetch)"
node clients/typescript/dist/src/scorecam-demo.js "$base" "$key" samples/sneaker.png
echo "clients: Python (python-pydantic-v1)"
PYTHONPATH=target/generated-clients/python /usr/bin/python3 clients/python/scorecam_demo.py "$base" "$key" samples/sneaker.png
kill $server; wait $server 2>/dev/null || true
