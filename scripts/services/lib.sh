# Shared helpers for scripts/services/*.sh. Sourced, not run.
#
# Layout:
#   .services/            (repo root, git-ignored) runtime state: <svc>/ data, logs/, <svc>.pid, test.env
#   $BALLAST_SERVICES_CACHE (default ~/.cache/ballast-services) downloads: Kafka jars, the
#                         fake-gcs-server binary, the moto virtualenv. Reused across runs and clones.
# Every service listens on 127.0.0.1 only.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVICES_SCRIPTS="$ROOT/scripts/services"
SVC_DIR="$ROOT/.services"
LOG_DIR="$SVC_DIR/logs"
CACHE="${BALLAST_SERVICES_CACHE:-$HOME/.cache/ballast-services}"
ALL_SERVICES=(postgres redis kafka s3 gcs)
# Seconds to wait for a service to become healthy before failing with its log tail.
HEALTH_TIMEOUT="${BALLAST_SERVICES_TIMEOUT:-90}"

# The machine image's Go (upstream, >= 1.21) lives here and is not always on PATH (npm, CI).
export PATH="$PATH:/usr/local/go/bin"

mkdir -p "$SVC_DIR" "$LOG_DIR" "$CACHE"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Print the last lines of a log so a failure is diagnosable without hunting for files.
log_tail() {
  local f="$1"
  if [ -f "$f" ]; then
    printf -- '----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
    printf -- '-----\n' >&2
  fi
}

pidfile() { echo "$SVC_DIR/$1.pid"; }

# True when the pid file names a live process.
pid_alive() {
  local f pid
  f="$(pidfile "$1")"
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp: no curl/nc needed).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Refuse to start on a port someone else holds: a foreign server there would make tests lie.
require_port_free() {
  local port="$1" svc="$2"
  if port_open "$port"; then
    die "$svc: port $port is already in use by a process this script did not start (see: ss -ltnp 'sport = :$port')"
  fi
}

# True when an HTTP GET gets any response below 500 (connection refused or 5xx => false).
http_ok() {
  python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError as e:
    sys.exit(0 if e.code < 500 else 1)
except Exception:
    sys.exit(1)
PY
}

# start_bg NAME CMD...: run CMD detached (own session, so a Ctrl-C in the caller's terminal or the
# end of `npm run` does not kill it), output to logs/NAME.log, pid to NAME.pid.
# setsid execs in place here (a background child is never a group leader), so $! is CMD's pid.
# 9>&- : fd 9 is up.sh's lock; a daemon that inherited it would hold the lock forever.
start_bg() {
  local name="$1"; shift
  : > "$LOG_DIR/$name.log"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! > "$(pidfile "$name")"
}

# wait_healthy NAME LOGFILE CHECK...: poll CHECK until it succeeds. Fails early if the process
# named by NAME.pid died, and after HEALTH_TIMEOUT seconds; either way shows the log tail.
wait_healthy() {
  local name="$1" logfile="$2"; shift 2
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  until "$@"; do
    if [ -f "$(pidfile "$name")" ] && ! pid_alive "$name"; then
      log_tail "$logfile"
      die "$name: process exited during startup"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log_tail "$logfile"
      die "$name: not healthy after ${HEALTH_TIMEOUT}s"
    fi
    sleep 0.3
  done
}

# stop_pid NAME [TIMEOUT]: SIGTERM the process in NAME.pid (and its process group, which start_bg
# made its own), wait, then SIGKILL. Idempotent: no pid file or a dead pid is fine.
stop_pid() {
  local name="$1" timeout="${2:-20}" f pid
  f="$(pidfile "$name")"
  if pid_alive "$name"; then
    pid="$(cat "$f")"
    log "$name: stopping (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + timeout))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        log "$name: still running after ${timeout}s, sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  fi
  rm -f "$f"
}

# cache_install DIR CMD...: fill a cache entry once. CMD runs with $STAGE=DIR (a virtualenv is not
# relocatable, so it must be built in place); DIR/.complete is written only when CMD succeeds, so an
# interrupted download is redone from scratch next time instead of being trusted half-filled.
cache_install() {
  local dir="$1"; shift
  [ -f "$dir/.complete" ] && return 0
  STAGE="$dir"
  rm -rf "$dir"; mkdir -p "$dir"
  if ! "$@"; then
    rm -rf "$dir"
    die "failed to install into $dir"
  fi
  touch "$dir/.complete"
}

# Each service file defines <svc>_up, <svc>_down, <svc>_healthy and <svc>_env.
for _svc in "${ALL_SERVICES[@]}"; do
  # shellcheck source=/dev/null
  source "$SERVICES_SCRIPTS/$_svc.sh"
done
unset _svc

# select_services ARGS...: sets SELECTED to the named services, or all of them when none is named.
select_services() {
  SELECTED=()
  [ $# -eq 0 ] && { SELECTED=("${ALL_SERVICES[@]}"); return; }
  local s
  for s in "$@"; do
    [[ " ${ALL_SERVICES[*]} " == *" $s "* ]] || die "unknown service '$s' (known: ${ALL_SERVICES[*]})"
    SELECTED+=("$s")
  done
}

# One up.sh/down.sh at a time: two concurrent starts would race for the same ports and dirs.
take_lock() {
  exec 9>"$SVC_DIR/.lock"
  flock -w 120 9 || die "another scripts/services run holds $SVC_DIR/.lock"
}

# .services/test.env lists the services that are healthy right now, whoever started them, so
# starting or stopping one service keeps the others' lines right.
write_env() {
  local f="$SVC_DIR/test.env" s
  {
    for s in "${ALL_SERVICES[@]}"; do
      if "${s}_healthy"; then "${s}_env"; fi
    done
  } >"$f.tmp"
  if [ -s "$f.tmp" ]; then mv "$f.tmp" "$f"; else rm -f "$f.tmp" "$f"; fi
}
