# Kafka: one KRaft node (broker + controller) from the Maven Central jars of
# org.apache.kafka:kafka_2.13, resolved with Maven (scripts/services/kafka/pom.xml),
# run on JDK 17. Broker 127.0.0.1:$KAFKA_PORT, controller 127.0.0.1:$KAFKA_CONTROLLER_PORT.
# Data is wiped at each start: every `up` gives a fresh, empty cluster.

KAFKA_HOME="$CACHE/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs-$KAFKA_VERSION"
KAFKA_JAVA_HOME="${KAFKA_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"

kafka_install() {
  if [ ! -x "$KAFKA_JAVA_HOME/bin/java" ]; then
    say "installing JDK 17 (Debian openjdk-17-jre-headless)"
    apt_install openjdk-17-jre-headless || return 1
  fi
  command -v mvn >/dev/null || { say "installing Maven (Debian)"; apt_install maven || return 1; }
  [ -e "$KAFKA_LIBS/.complete" ] && return 0
  mkdir -p "$KAFKA_HOME"
  say "resolving kafka_2.13 $KAFKA_VERSION and its runtime jars from Maven Central"
  rm -rf "$KAFKA_LIBS"
  run_quiet "$KAFKA_HOME/mvn.log" mvn -B -q -f "$SERVICES_DIR/kafka/pom.xml" \
    -Dmaven.repo.local="$CACHE/m2" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" || return 1
  touch "$KAFKA_LIBS/.complete"
}

kafka_config() {
  cat <<EOF
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
num.partitions=4
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
}

kafka_java() {
  "$KAFKA_JAVA_HOME/bin/java" -cp "$KAFKA_LIBS/*" \
    -Dlog4j2.configurationFile="$SERVICES_DIR/kafka/log4j2.properties" "$@"
}

kafka_start() {
  rm -rf "$KAFKA_HOME/data"
  mkdir -p "$KAFKA_HOME/data"
  kafka_config >"$KAFKA_HOME/server.properties"
  run_quiet "$KAFKA_HOME/format.log" kafka_java kafka.tools.StorageTool format \
    --config "$KAFKA_HOME/server.properties" --cluster-id "$(kafka_java kafka.tools.StorageTool random-uuid)" \
    --ignore-formatted || return 1
  svc_spawn kafka "$KAFKA_JAVA_HOME/bin/java" -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC \
    -Djava.awt.headless=true -cp "$KAFKA_LIBS/*" \
    -Dlog4j2.configurationFile="$SERVICES_DIR/kafka/log4j2.properties" \
    kafka.Kafka "$KAFKA_HOME/server.properties"
}

kafka_healthy() {
  port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$(log_file kafka)"
}

kafka_env() {
  echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  echo "KAFKA_VERSION=$KAFKA_VERSION"
}
