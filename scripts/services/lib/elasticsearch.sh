# Elasticsearch from Maven Central's org.elasticsearch.distribution.integ-test-zip:elasticsearch
# (the newest published there is 8.x: see docs/services.md), on the machine's Temurin 25 JDK,
# as the non-root user $ES_USER (Elasticsearch refuses to run as root). Its files live in
# that user's home (the root-only ~/.cache is not readable by it); the zip stays in the
# services cache's Maven repository. Single node, security off. The data directory is kept
# across restarts, as a real server's is: tests stop and restart the node mid-stream and
# expect what was indexed before the outage to be there afterwards.

ES_USER="${GENRF_SERVICES_USER:-genrf-svc}"
ES_ROOT="${GENRF_SERVICES_USER_HOME:-/var/lib/genrf-svc}"
ES_HOME="$ES_ROOT/elasticsearch-$ELASTICSEARCH_VERSION"
ES_JAVA="${ES_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
ES_ZIP="$CACHE/m2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ELASTICSEARCH_VERSION/elasticsearch-$ELASTICSEARCH_VERSION.zip"

elasticsearch_install() {
  if [ ! -x "$ES_JAVA/bin/java" ]; then   # Elasticsearch 8.19 also runs on 17
    say "no JDK at $ES_JAVA: using JDK 17 (set ES_JAVA_HOME to choose)"
    ES_JAVA=/usr/lib/jvm/java-17-openjdk-amd64
    [ -x "$ES_JAVA/bin/java" ] || apt_install openjdk-17-jre-headless || return 1
  fi
  id -u "$ES_USER" >/dev/null 2>&1 ||
    useradd --system --home-dir "$ES_ROOT" --shell /usr/sbin/nologin "$ES_USER" || return 1
  mkdir -p "$ES_ROOT"
  chown "$ES_USER:" "$ES_ROOT"
  [ -e "$ES_HOME/.complete" ] && return 0
  if [ ! -s "$ES_ZIP" ]; then
    say "downloading elasticsearch $ELASTICSEARCH_VERSION (integ-test-zip) from Maven Central"
    run_quiet "$CACHE/elasticsearch-mvn.log" mvn -B -q -Dmaven.repo.local="$CACHE/m2" dependency:get \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip" \
      -Dtransitive=false || return 1
  fi
  rm -rf "$ES_HOME" "$ES_HOME.tmp"
  mkdir -p "$ES_HOME.tmp"
  unzip -q "$ES_ZIP" -d "$ES_HOME.tmp" || return 1
  mv "$ES_HOME.tmp/elasticsearch-$ELASTICSEARCH_VERSION" "$ES_HOME" && rmdir "$ES_HOME.tmp"
  chown -R "$ES_USER:" "$ES_HOME"
  touch "$ES_HOME/.complete"
}

elasticsearch_start() {
  local run="$ES_ROOT/run"
  rm -rf "$run/config" "$run/tmp"
  mkdir -p "$run/data" "$run/logs" "$run/tmp"
  cp -r "$ES_HOME/config" "$run/config"
  cat >"$run/config/elasticsearch.yml" <<YML
cluster.name: genrf-services
node.name: genrf-es
network.host: 127.0.0.1
http.port: $ELASTICSEARCH_PORT
transport.port: $ELASTICSEARCH_TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
path.data: $run/data
path.logs: $run/logs
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
YML
  chown -R "$ES_USER:" "$run"
  svc_spawn elasticsearch setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$ES_ROOT" ES_JAVA_HOME="$ES_JAVA" ES_PATH_CONF="$run/config" \
    ES_TMPDIR="$run/tmp" ES_JAVA_OPTS="-Xms$ELASTICSEARCH_HEAP -Xmx$ELASTICSEARCH_HEAP" \
    "$ES_HOME/bin/elasticsearch"
}

elasticsearch_healthy() {
  http_ok "http://127.0.0.1:$ELASTICSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s"
}

elasticsearch_env() {
  echo "ELASTICSEARCH_URL=http://127.0.0.1:$ELASTICSEARCH_PORT"
  echo "ELASTICSEARCH_VERSION=$ELASTICSEARCH_VERSION"
}
