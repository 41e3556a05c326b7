# Kafka: one KRaft node (broker + controller) from the Maven Central jars of
# org.apache.kafka:kafka_2.13, resolved with Maven (scripts/services/kafka/pom.xml),
# run on JDK 17. Broker 127.0.0.1:$KAFKA_PORT (PLAINTEXT) and 127.0.0.1:$KAFKA_SASL_SSL_PORT
# (SASL_SSL: TLS with a CA made here by Debian's openssl, SASL PLAIN and SCRAM-SHA-512 users
# below), controller 127.0.0.1:$KAFKA_CONTROLLER_PORT.
# Data is wiped at each start: every `up` gives a fresh, empty cluster.

KAFKA_HOME="$CACHE/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs-$KAFKA_VERSION"
KAFKA_JAVA_HOME="${KAFKA_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
KAFKA_TLS="$KAFKA_HOME/tls"
# Test users of the SASL_SSL listener (test credentials, not secrets: they are in .services.env).
KAFKA_PLAIN_USER=genrf-plain
KAFKA_PLAIN_PASSWORD=genrf-plain-secret
KAFKA_SCRAM_USER=genrf-scram
KAFKA_SCRAM_PASSWORD=genrf-scram-secret

kafka_install() {
  if [ ! -x "$KAFKA_JAVA_HOME/bin/java" ]; then
    say "installing JDK 17 (Debian openjdk-17-jre-headless)"
    apt_install openjdk-17-jre-headless || return 1
  fi
  command -v mvn >/dev/null || { say "installing Maven (Debian)"; apt_install maven || return 1; }
  command -v openssl >/dev/null || { say "installing openssl (Debian)"; apt_install openssl || return 1; }
  # A broker started by an older version of this file has no SASL_SSL listener: restart it.
  if pid_alive kafka && port_open "$KAFKA_PORT" && ! port_open "$KAFKA_SASL_SSL_PORT" &&
    grep -q "Kafka Server started" "$(log_file kafka)"; then
    say "restarting: the running broker has no SASL_SSL listener on $KAFKA_SASL_SSL_PORT"
    svc_stop kafka
  fi
  [ -e "$KAFKA_LIBS/.complete" ] && return 0
  mkdir -p "$KAFKA_HOME"
  say "resolving kafka_2.13 $KAFKA_VERSION and its runtime jars from Maven Central"
  rm -rf "$KAFKA_LIBS"
  run_quiet "$KAFKA_HOME/mvn.log" mvn -B -q -f "$SERVICES_DIR/kafka/pom.xml" \
    -Dmaven.repo.local="$CACHE/m2" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" || return 1
  touch "$KAFKA_LIBS/.complete"
}

# The SASL_SSL listener is named SECURE: the apache/kafka image (docker-compose.yml) mishandles
# a PEM keystore when "SSL://" appears in its advertised listeners, and both use one config.
kafka_config() {
  cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SECURE://127.0.0.1:$KAFKA_SASL_SSL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SECURE://127.0.0.1:$KAFKA_SASL_SSL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURE:SASL_SSL
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512
listener.name.secure.ssl.keystore.type=PEM
listener.name.secure.ssl.keystore.location=$KAFKA_TLS/broker-keystore.pem
listener.name.secure.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_PLAIN_USER="$KAFKA_PLAIN_PASSWORD";
listener.name.secure.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
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

# kafka_tls: the CA and broker certificate of the SASL_SSL listener, made once and kept across
# restarts (clients keep trusting the same CA file).
kafka_tls() {
  run_quiet "$KAFKA_HOME/tls.log" "$SERVICES_DIR/kafka/make-tls.sh" "$KAFKA_TLS"
}

kafka_start() {
  rm -rf "$KAFKA_HOME/data"
  mkdir -p "$KAFKA_HOME/data"
  kafka_tls || return 1
  kafka_config >"$KAFKA_HOME/server.properties"
  # The SCRAM user is written into the fresh metadata log at format time.
  run_quiet "$KAFKA_HOME/format.log" kafka_java kafka.tools.StorageTool format \
    --config "$KAFKA_HOME/server.properties" --cluster-id "$(kafka_java kafka.tools.StorageTool random-uuid)" \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_SCRAM_USER,password=$KAFKA_SCRAM_PASSWORD]" \
    --ignore-formatted || return 1
  svc_spawn kafka "$KAFKA_JAVA_HOME/bin/java" -Xms"$KAFKA_HEAP" -Xmx"$KAFKA_HEAP" -XX:+UseG1GC \
    -Djava.awt.headless=true -cp "$KAFKA_LIBS/*" \
    -Dlog4j2.configurationFile="$SERVICES_DIR/kafka/log4j2.properties" \
    kafka.Kafka "$KAFKA_HOME/server.properties"
}

kafka_healthy() {
  port_open "$KAFKA_PORT" && port_open "$KAFKA_SASL_SSL_PORT" && grep -q "Kafka Server started" "$(log_file kafka)"
}

kafka_env() {
  echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  echo "KAFKA_VERSION=$KAFKA_VERSION"
  echo "KAFKA_SASL_SSL_BROKERS=127.0.0.1:$KAFKA_SASL_SSL_PORT"
  echo "KAFKA_TLS_CA_FILE=$KAFKA_TLS/ca.pem"
  echo "KAFKA_SASL_PLAIN_USER=$KAFKA_PLAIN_USER"
  echo "KAFKA_SASL_PLAIN_PASSWORD=$KAFKA_PLAIN_PASSWORD"
  echo "KAFKA_SASL_SCRAM_USER=$KAFKA_SCRAM_USER"
  echo "KAFKA_SASL_SCRAM_PASSWORD=$KAFKA_SCRAM_PASSWORD"
}
