#!/usr/bin/env bash
# Makes an API key for one client of scorecam-server (scorecam.security.mode=api-key).
#
#   tools/make-api-key.sh alice >> api-keys
#
# stdout: the line for the server's keys file (scorecam.security.api-keys-file), name:sha256hex;
# the server keeps only this hash. stderr: the key itself, to hand to the client once; it is not
# stored anywhere. The same by hand:
#   key=$(head -c 32 /dev/urandom | base64 | tr -d '=+/\n'); printf '%s' "$key" | sha256sum
set -euo pipefail

name=${1:-}
if [[ -z $name || $name == *:* || $name =~ [[:space:]] ]]; then
  echo "usage: $0 CLIENT-NAME   (no ':' or spaces in the name)" >&2
  exit 2
fi
key="sck_$(head -c 32 /dev/urandom | base64 | tr -d '=+/\n')"
hash=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
echo "API key for $name (give it to the client; the server keeps only its hash): $key" >&2
echo "$name:$hash"
