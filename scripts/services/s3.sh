# S3-compatible server: moto's server (PyPI moto[server], pinned), in a virtualenv under the cache
# dir so it never depends on a moto that happens to be installed globally. 127.0.0.1:55000.
# moto accepts any credentials; clients need forcePathStyle and the endpoint. It also serves the
# other AWS APIs moto emulates (e.g. SageMaker) on the same port. Sourced by up.sh / down.sh.

S3_PORT=55000
MOTO_VERSION=5.2.5
MOTO_DIR="$CACHE/moto-$MOTO_VERSION"

s3_env() { echo "BALLAST_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT"; }

s3_http_ok() { http_ok "http://127.0.0.1:$S3_PORT/moto-api/"; }
s3_healthy() { pid_alive s3 && s3_http_ok; }

s3_install() {
  # Debian's python first: on a fresh machine it is the one python3-venv belongs to.
  local py=/usr/bin/python3
  [ -x "$py" ] || py="$(command -v python3)" || die "s3: python3 missing"
  log "s3: creating virtualenv with moto[server]==$MOTO_VERSION in $STAGE"
  { "$py" -m venv "$STAGE/venv" &&
    "$STAGE/venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  } >"$LOG_DIR/s3-install.log" 2>&1 || { log_tail "$LOG_DIR/s3-install.log"; return 1; }
}

s3_up() {
  cache_install "$MOTO_DIR" s3_install
  rm -f "$(pidfile s3)"
  require_port_free "$S3_PORT" s3
  log "s3: starting moto on 127.0.0.1:$S3_PORT"
  start_bg s3 "$MOTO_DIR/venv/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT"
  wait_healthy s3 "$LOG_DIR/s3.log" s3_http_ok
}

s3_down() { stop_pid s3; }
