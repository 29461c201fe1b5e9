#!/usr/bin/env bash
# Debian packages the services and tests need. Skips apt entirely when everything is present.
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || need+=(golang-go)
command -v python3 >/dev/null || need+=(python3 python3-pip python3-venv)
# Monitoring's report test opens the HTML in headless Chromium (driven by playwright-core).
command -v chromium >/dev/null || need+=(chromium)
# scripts/services/s3.sh builds a virtualenv with Debian's python3: that needs python3-venv (ensurepip).
if [ -x /usr/bin/python3 ] && ! dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q 'ok installed'; then
  need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
