#!/usr/bin/env bash
# Stop the integration-test services started by up.sh (all, or those named). Idempotent.
# Data dirs under .services/ are kept (delete .services/ for a clean slate); downloads stay cached.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

select_services "$@"
take_lock
for s in "${SELECTED[@]}"; do "${s}_down"; done
write_env
log "down: ${SELECTED[*]}"
