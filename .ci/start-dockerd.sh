#!/usr/bin/env bash
# Starts dockerd in the background unless an engine already answers, and waits until it does (at most 60 s).
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
log="${TMPDIR:-/tmp}/inference-stack-dockerd.log"
# setsid: its own session, so it outlives this script and is not killed with the caller's process group.
setsid dockerd >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 0.5
done
echo "dockerd did not answer within 60 s; its log ($log):" >&2
tail -n 40 "$log" >&2
exit 1
