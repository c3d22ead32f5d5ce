#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): installs and starts what the tests need, on a fresh Debian or Ubuntu
# machine, so that `npm ci && npm test` alone passes there. Installing needs root: as root it runs apt-get; as anyone
# else it says which command to run and stops.
#   - the Docker tests (test/docker) need a running engine and the compose CLI. Debian ships Compose v1
#     (docker-compose 1.29); the extension finds v2 (`docker compose`) first where it exists;
#   - the browser tests (test/e2e) need Debian's chromium; code-server, installed on first use into .cache/ from the
#     npm registry, builds a native module against the krb5 headers and takes Debian's ripgrep;
#   - the demo stack's nginx image is built from the host's nginx; the stock-image stand-in (the probe healthcheck
#     test) carries Debian's python3 and its standard library.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dockerd >/dev/null 2>&1 || docker info >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v chromium >/dev/null 2>&1 || [ -n "${E2E_CHROMIUM:-}" ] || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || need+=(libkrb5-dev)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -x /usr/bin/python3 ] && [ -d "/usr/lib/$(basename "$(readlink -f /usr/bin/python3)")" ] || need+=(python3)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "npm test needs these Debian packages: ${need[*]}" >&2
    echo "  install them once as root:  sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
    echo "  (or run \`sudo npm test\` once: as root it installs them itself; \`npm run test:unit\` needs none of them)" >&2
    exit 1
  fi
  echo "installing what the tests need: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No service starts from a package's install script (nginx would take port 80); dockerd is started below.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

# The engine: started here when it does not answer and we may (root); else the Docker tests say why they cannot run.
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    bash .ci/start-dockerd.sh
  else
    echo "the Docker engine does not answer: start it (\`sudo systemctl start docker\`, or \`sudo dockerd &\`) and make sure you may use its socket" >&2
    exit 1
  fi
fi
