#!/usr/bin/env bash
# Start the integration-test services on 127.0.0.1 and wait until each is healthy:
#   bash scripts/services/up.sh              # all: postgres redis kafka s3 gcs
#   bash scripts/services/up.sh postgres kafka
# Idempotent: a service that is already healthy is left alone. Writes .services/test.env.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

select_services "$@"
take_lock
t0=$SECONDS
for s in "${SELECTED[@]}"; do
  if "${s}_healthy"; then
    log "$s: already healthy"
    continue
  fi
  # Clear leftovers (a hung process, stale pid files) before starting afresh.
  "${s}_down"
  t=$SECONDS
  "${s}_up"
  log "$s: healthy ($((SECONDS - t))s)"
done
write_env
log "up in $((SECONDS - t0))s; $SVC_DIR/test.env:"
sed 's/^/  /' "$SVC_DIR/test.env" >&2
