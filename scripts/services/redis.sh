# Redis 7 from Debian's redis-server: a single node on 127.0.0.1:56379 and, unless
# BALLAST_SERVICES_REDIS_CLUSTER=0, a 3-master Redis Cluster on 57001-57003.
# No persistence: test data is disposable. Sourced by up.sh / down.sh.

REDIS_PORT=56379
REDIS_CLUSTER_PORTS=(57001 57002 57003)   # cluster bus on 57101-57103
redis_cluster_wanted() { [ "${BALLAST_SERVICES_REDIS_CLUSTER:-1}" != 0 ]; }

redis_env() {
  echo "BALLAST_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  if redis_cluster_wanted; then
    local IFS=,
    local nodes=("${REDIS_CLUSTER_PORTS[@]/#/127.0.0.1:}")
    echo "BALLAST_TEST_REDIS_CLUSTER_NODES=${nodes[*]}"
  fi
}

redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]; }
redis_cluster_ok() { redis-cli -h 127.0.0.1 -p "${REDIS_CLUSTER_PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

redis_healthy() {
  pid_alive redis && redis_ping "$REDIS_PORT" || return 1
  if redis_cluster_wanted; then
    local p
    for p in "${REDIS_CLUSTER_PORTS[@]}"; do pid_alive "redis-$p" || return 1; done
    redis_cluster_ok || return 1
  fi
}

# redis_start NAME PORT [extra args]: one redis-server, foreground under start_bg so the pid file
# is ours (redis's own --daemonize would fork away from it).
redis_start() {
  local name="$1" port="$2"; shift 2
  if pid_alive "$name" && redis_ping "$port"; then return 0; fi
  stop_pid "$name"
  require_port_free "$port" "$name"
  local dir="$SVC_DIR/$name"
  rm -rf "$dir"; mkdir -p "$dir"   # fresh each start: nothing in it is worth keeping
  start_bg "$name" redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --save "" --appendonly no --protected-mode no "$@"
}

redis_up() {
  command -v redis-server >/dev/null || die "redis: redis-server missing (apt-get install redis-server)"
  log "redis: starting on 127.0.0.1:$REDIS_PORT"
  redis_start redis "$REDIS_PORT"
  wait_healthy redis "$LOG_DIR/redis.log" redis_ping "$REDIS_PORT"
  redis_cluster_wanted || return 0

  log "redis: starting cluster on ${REDIS_CLUSTER_PORTS[*]}"
  local p
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    # The cluster bus defaults to port+10000, past 65535 for 57001; put it at port+100.
    redis_start "redis-$p" "$p" --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-port $((p + 100)) --cluster-node-timeout 5000
  done
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    wait_healthy "redis-$p" "$LOG_DIR/redis-$p.log" redis_ping "$p"
  done
  if ! redis_cluster_ok; then
    # A node that survived from an earlier run may already hold slots; since all its data is
    # throwaway, reset every node so `--cluster create` always starts from empty nodes.
    for p in "${REDIS_CLUSTER_PORTS[@]}"; do
      redis-cli -h 127.0.0.1 -p "$p" flushall >/dev/null
      redis-cli -h 127.0.0.1 -p "$p" cluster reset hard >/dev/null
    done
    redis-cli --cluster create "${REDIS_CLUSTER_PORTS[@]/#/127.0.0.1:}" \
      --cluster-replicas 0 --cluster-yes >"$LOG_DIR/redis-cluster-create.log" 2>&1 \
      || { log_tail "$LOG_DIR/redis-cluster-create.log"; die "redis: cluster create failed"; }
    wait_healthy "redis-${REDIS_CLUSTER_PORTS[0]}" "$LOG_DIR/redis-cluster-create.log" redis_cluster_ok
  fi
}

redis_down() {
  local p
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do stop_pid "redis-$p"; done
  stop_pid redis
}
