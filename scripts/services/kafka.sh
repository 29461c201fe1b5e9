# Apache Kafka 4 in KRaft mode (one node, broker + controller), from its Maven Central jars
# (scripts/services/kafka/pom.xml pins the versions) on the machine's Java 17.
# Client listener 127.0.0.1:59092, controller 127.0.0.1:59093. Sourced by up.sh / down.sh.

KAFKA_PORT=59092
KAFKA_CONTROLLER_PORT=59093
KAFKA_POM="$SERVICES_SCRIPTS/kafka/pom.xml"
KAFKA_HOME="$SVC_DIR/kafka"
KAFKA_LOG="$LOG_DIR/kafka.log"

# The cache entry is keyed by the pom's hash, so changing a pinned version fetches anew.
kafka_jars_dir() { echo "$CACHE/kafka-jars-$(sha256sum "$KAFKA_POM" | cut -c1-16)"; }

kafka_env() { echo "BALLAST_TEST_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"; }

kafka_started() { port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null; }
kafka_healthy() { pid_alive kafka && kafka_started; }

kafka_fetch() {
  command -v mvn >/dev/null || die "kafka: mvn missing (apt-get install maven)"
  log "kafka: fetching jars from Maven Central into $(kafka_jars_dir)"
  # Own local repo under the cache: no dependence on (or pollution of) ~/.m2.
  mvn -B -q -f "$KAFKA_POM" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$STAGE" \
    >"$LOG_DIR/kafka-fetch.log" 2>&1 || { log_tail "$LOG_DIR/kafka-fetch.log"; return 1; }
}

# The java command line, as an array so start_bg can exec it directly (it cannot exec a function).
kafka_java_cmd() {
  command -v java >/dev/null || die "kafka: java missing (apt-get install openjdk-17-jre-headless)"
  KAFKA_JAVA=(java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.xml" \
    -cp "$(kafka_jars_dir)/*")
}

kafka_write_config() {
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_HOME/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_HOME/data
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Consumers in tests join one at a time; the default 3 s delay would slow every test.
group.initial.rebalance.delay.ms=0
PROPS
  # Console logging at INFO (goes to logs/kafka.log); chatty internals at WARN.
  cat >"$KAFKA_HOME/log4j2.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <Console name="out" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="org.apache.kafka.clients" level="WARN"/>
    <Logger name="kafka.log" level="WARN"/>
    <Logger name="org.apache.kafka.storage" level="WARN"/>
    <Root level="INFO"><AppenderRef ref="out"/></Root>
  </Loggers>
</Configuration>
XML
}

kafka_up() {
  cache_install "$(kafka_jars_dir)" kafka_fetch
  rm -f "$(pidfile kafka)"
  require_port_free "$KAFKA_PORT" kafka
  require_port_free "$KAFKA_CONTROLLER_PORT" kafka-controller
  kafka_write_config
  kafka_java_cmd
  # KRaft storage must be formatted once, with a cluster id, before the first start.
  if [ ! -s "$KAFKA_HOME/data/meta.properties" ]; then
    rm -rf "$KAFKA_HOME/data"
    local id
    id="$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-format.log" | tail -n 1)"
    log "kafka: formatting storage (cluster id $id)"
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$id" -c "$KAFKA_HOME/server.properties" \
      >>"$LOG_DIR/kafka-format.log" 2>&1 || { log_tail "$LOG_DIR/kafka-format.log"; die "kafka: storage format failed"; }
  fi
  log "kafka: starting on 127.0.0.1:$KAFKA_PORT"
  start_bg kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_HOME/server.properties"
  wait_healthy kafka "$KAFKA_LOG" kafka_started
}

kafka_down() {
  # SIGTERM = controlled shutdown, so the next start skips log recovery.
  stop_pid kafka 30
}
