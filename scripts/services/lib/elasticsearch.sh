# Elasticsearch 9 from Maven Central. The distribution zips are not published there for 9.x
# (org.elasticsearch.distribution.integ-test-zip stops at 8.19), but the server jar, the
# Netty4 HTTP transport plugin and the test framework's node builder are: the launcher in
# scripts/services/elasticsearch9/ starts a real Elasticsearch 9 node from those jars (see its
# README for what it has and lacks), on the machine's Temurin 25 JDK, as the non-root user
# $ES_USER (Elasticsearch refuses to run as root). Single node, security off. The data
# directory is kept across restarts, as a real server's is: tests stop and restart the node
# mid-stream and expect what was indexed before the outage to be there afterwards.

ES_USER="${GENRF_SERVICES_USER:-genrf-svc}"
ES_ROOT="${GENRF_SERVICES_USER_HOME:-/var/lib/genrf-svc}"
ES9_DIR="$SERVICES_DIR/elasticsearch9"

elasticsearch_install() {
  [ -x "${ES_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" ] ||
    { echo "[elasticsearch] ERROR: Elasticsearch 9 needs a JDK 21+: set ES_JAVA_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64)" >&2; return 1; }
  id -u "$ES_USER" >/dev/null 2>&1 ||
    useradd --system --home-dir "$ES_ROOT" --shell /usr/sbin/nologin "$ES_USER" || return 1
  mkdir -p "$ES_ROOT"
  chown "$ES_USER:" "$ES_ROOT"
  ES9_VERSION="$ELASTICSEARCH_VERSION" ES_USER="$ES_USER" GENRF_SERVICES_CACHE="$CACHE" \
    GENRF_SERVICES_USER_HOME="$ES_ROOT" "$ES9_DIR/build.sh"
}

elasticsearch_start() {
  svc_spawn elasticsearch env ES9_VERSION="$ELASTICSEARCH_VERSION" ES_USER="$ES_USER" \
    GENRF_SERVICES_USER_HOME="$ES_ROOT" PORT="$ELASTICSEARCH_PORT" \
    TRANSPORT_PORT="$ELASTICSEARCH_TRANSPORT_PORT" DATA_DIR="$ES_ROOT/run-$ELASTICSEARCH_VERSION" \
    HEAP="$ELASTICSEARCH_HEAP" "$ES9_DIR/start.sh"
}

elasticsearch_healthy() {
  http_ok "http://127.0.0.1:$ELASTICSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s"
}

elasticsearch_env() {
  echo "ELASTICSEARCH_URL=http://127.0.0.1:$ELASTICSEARCH_PORT"
  echo "ELASTICSEARCH_VERSION=$ELASTICSEARCH_VERSION"
}
