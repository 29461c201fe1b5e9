# GCS emulator: fake-gcs-server (Go module proxy, pinned), built once into the cache dir.
# 127.0.0.1:54443, plain http. No credentials are checked; clients pass apiEndpoint and a projectId.
# Sourced by up.sh / down.sh.

GCS_PORT=54443
FAKE_GCS_VERSION=v1.56.1
GCS_DIR="$CACHE/fake-gcs-server-$FAKE_GCS_VERSION"

gcs_env() { echo "BALLAST_TEST_GCS_ENDPOINT=http://127.0.0.1:$GCS_PORT"; }

gcs_http_ok() { http_ok "http://127.0.0.1:$GCS_PORT/storage/v1/b"; }
gcs_healthy() { pid_alive gcs && gcs_http_ok; }

gcs_install() {
  command -v go >/dev/null || die "gcs: go missing (see scripts/ci/install-system.sh)"
  # fake-gcs-server's go.mod asks for Go 1.26. Go >= 1.21 fetches that toolchain itself from the
  # module proxy (GOTOOLCHAIN=auto); older ones, like Debian 12's golang-go 1.19, cannot.
  [ -n "$(go env GOTOOLCHAIN 2>/dev/null)" ] || die "gcs: $(go version) is too old (need Go >= 1.21, e.g. /usr/local/go)"
  log "gcs: go install github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION (about a minute)"
  # Module and build caches are scratch: only the binary is kept. CGO off gives a static binary
  # and needs no C compiler. -modcacherw lets us delete the module cache afterwards.
  local tmp="$STAGE/tmp"
  (cd "$STAGE" && GOBIN="$STAGE/bin" GOMODCACHE="$tmp/mod" GOCACHE="$tmp/build" GOPATH="$tmp/gopath" \
    CGO_ENABLED=0 GOFLAGS=-modcacherw \
    go install "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION") \
    >"$LOG_DIR/gcs-install.log" 2>&1 || { log_tail "$LOG_DIR/gcs-install.log"; return 1; }
  rm -rf "$tmp"
}

gcs_up() {
  cache_install "$GCS_DIR" gcs_install
  rm -f "$(pidfile gcs)"
  require_port_free "$GCS_PORT" gcs
  log "gcs: starting fake-gcs-server on 127.0.0.1:$GCS_PORT"
  # Filesystem backend, emptied on each start: the memory backend held ~1.5 GB after one 200 MB
  # resumable upload, and tests stream such objects repeatedly.
  rm -rf "$SVC_DIR/gcs"; mkdir -p "$SVC_DIR/gcs"
  # -external-url: resumable uploads hand clients this URL in their Location header.
  # -public-host: media download links point here instead of storage.googleapis.com.
  start_bg gcs "$GCS_DIR/bin/fake-gcs-server" -scheme http -host 127.0.0.1 -port "$GCS_PORT" \
    -backend filesystem -filesystem-root "$SVC_DIR/gcs" -external-url "http://127.0.0.1:$GCS_PORT" -public-host "127.0.0.1:$GCS_PORT" \
    -log-level warn
  wait_healthy gcs "$LOG_DIR/gcs.log" gcs_http_ok
}

gcs_down() { stop_pid gcs; }
