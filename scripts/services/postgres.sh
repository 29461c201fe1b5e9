# PostgreSQL 15 from Debian's postgresql-15 package, on 127.0.0.1:55432, database ballast_test.
# Sourced by up.sh / down.sh.

PG_PORT=55432
PG_BIN=/usr/lib/postgresql/15/bin
PG_HOME="$SVC_DIR/postgres"
PG_DATA="$PG_HOME/data"
PG_SOCK="$PG_HOME/run"        # -k: a socket dir of our own; /var/run/postgresql may not exist
PG_LOG="$LOG_DIR/postgres.log"
PG_PASSWORD=ballast

# initdb and postgres refuse to run as root, so as root run them as the postgres user.
# (A developer running as themselves needs nothing: their own user owns the data dir.)
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_env() {
  echo "BALLAST_TEST_POSTGRES_URL=postgres://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/ballast_test"
}

postgres_healthy() {
  pid_alive postgres && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d ballast_test -U postgres
}

postgres_up() {
  [ -x "$PG_BIN/postgres" ] || die "postgres: $PG_BIN/postgres missing (apt-get install postgresql-15, see scripts/ci/install-system.sh)"
  # A stale pid file from a killed machine would block the start; pg_ctl handles stale postmaster.pid.
  rm -f "$(pidfile postgres)"
  require_port_free "$PG_PORT" postgres
  mkdir -p "$PG_HOME" "$PG_SOCK"
  touch "$PG_LOG"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PG_HOME" "$PG_SOCK" "$PG_LOG"
    as_pg test -w "$PG_HOME" || die "postgres: user 'postgres' cannot write $PG_HOME (a parent dir of the repo is not traversable by it?)"
  fi
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "postgres: initdb $PG_DATA"
    rm -rf "$PG_DATA"
    local pw="$PG_HOME/pwfile"
    echo "$PG_PASSWORD" > "$pw"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pw"
    # Password (scram) over TCP like a real deployment; trust on our private socket so this
    # script can create the database without one.
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pw" \
      --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >>"$PG_LOG" 2>&1 \
      || { log_tail "$PG_LOG"; die "postgres: initdb failed"; }
    rm -f "$pw"
  fi
  log "postgres: starting on 127.0.0.1:$PG_PORT"
  # Durability off: test data is disposable and fsync dominates test time otherwise.
  local opts="-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c fsync=off"
  opts+=" -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
  # pg_ctl daemonizes postgres properly (own session, output to -l); -w waits until it accepts.
  # 9>&- keeps up.sh's lock fd out of the server (see start_bg).
  as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t "$HEALTH_TIMEOUT" -o "$opts" >/dev/null 9>&- \
    || { log_tail "$PG_LOG"; die "postgres: failed to start"; }
  head -n 1 "$PG_DATA/postmaster.pid" > "$(pidfile postgres)"
  wait_healthy postgres "$PG_LOG" "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
  local psql=("$PG_BIN/psql" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_pg "${psql[@]}" -c "select 1 from pg_database where datname = 'ballast_test'")" != 1 ]; then
    as_pg "${psql[@]}" -c "create database ballast_test" >/dev/null
  fi
}

postgres_down() {
  if pid_alive postgres || [ -s "$PG_DATA/postmaster.pid" ]; then
    log "postgres: stopping"
    # fast = roll back open transactions and stop now; tests hold idle connections.
    as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1 || stop_pid postgres
  fi
  rm -f "$(pidfile postgres)"
}
