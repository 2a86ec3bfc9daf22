#!/usr/bin/env bash
# The committed contract (src/main/resources/openapi.yaml) against Redocly CLI's recommended
# rules, as a new user of the API would lint it: an error or a warning fails. Redocly is pinned in
# .ci/redocly/package.json (with its lock file) and installed there from npm.
set -euo pipefail
cd "$(dirname "$0")/redocly"

npm ci --no-audit --no-fund --loglevel=error
status=0
report=$(npx redocly lint --extends=recommended ../../src/main/resources/openapi.yaml 2>&1) || status=$?
# Without the box Redocly draws on Node.js 20 about its future releases needing Node.js 22.
report=$(sed '/[╔║╚]/d; /^$/d' <<<"$report")
echo "$report"
# Warnings alone leave Redocly's exit status 0; here they fail too.
if [ "$status" -ne 0 ] || grep -qi 'warning' <<<"$report"; then
  echo "openapi.yaml does not pass Redocly's recommended rules"
  exit 1
fi
