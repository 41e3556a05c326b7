#!/usr/bin/env bash
# Runs one Elasticsearch 9 node in the foreground (exec: the caller's pid is the JVM's) on
# 127.0.0.1:$PORT, HTTP, security off, single node, from the jars build.sh installs (it is run
# first when they are missing). As root it drops to $ES_USER: Elasticsearch refuses root.
#   PORT            HTTP port (default 9200)
#   TRANSPORT_PORT  transport port (default 9300)
#   DATA_DIR        required; the node's data, logs, config and tmp (created, owned by ES_USER)
#   LOG_FILE        optional; stdout and stderr are appended there (default: inherited)
#   HEAP            JVM heap (default 1g)
#   ES9_VERSION, ES9_LIB_DIR, ES_USER, ES_JAVA_HOME: as in build.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${DATA_DIR:?set DATA_DIR to a directory for the node data (it is created)}"
PORT="${PORT:-9200}"
TRANSPORT_PORT="${TRANSPORT_PORT:-9300}"
HEAP="${HEAP:-1g}"
ES9_VERSION="${ES9_VERSION:-9.5.3}"
ES_USER="${ES_USER:-${GENRF_SERVICES_USER:-genrf-svc}}"
ES9_LIB_DIR="${ES9_LIB_DIR:-${GENRF_SERVICES_USER_HOME:-/var/lib/genrf-svc}/elasticsearch9-$ES9_VERSION/lib}"
java="${ES_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
export ES9_VERSION ES_USER ES9_LIB_DIR

[ -n "${LOG_FILE:-}" ] && { mkdir -p "$(dirname "$LOG_FILE")"; exec >>"$LOG_FILE" 2>&1; }
[ -f "$ES9_LIB_DIR/.complete" ] || "$here/build.sh"
[ -x "$java" ] || { echo "start.sh: no java at $java (set ES_JAVA_HOME to a JDK 21+)" >&2; exit 1; }

mkdir -p "$DATA_DIR/tmp" "$DATA_DIR/native"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
# Elasticsearch's zstd binding (index.codec: best_compression) loads lib<name>.so from
# es.nativelibs.path; the distribution ships its own copy, here Debian's libzstd1 stands in.
zstd="$( (ldconfig -p 2>/dev/null || true) | awk '/libzstd\.so\.1 / && !found {print $NF; found = 1}')"
[ -n "$zstd" ] && ln -sfn "$zstd" "$DATA_DIR/native/libzstd.so"

as_user=()
if [ "$(id -u)" = 0 ]; then
  chown -R "$ES_USER:" "$DATA_DIR"
  as_user=(setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups)
fi

# JVM options: those of the distribution's jvm.options that matter here, plus
# enableVectorLibrary=false (its libvec.so is only in the distribution; without that flag the
# whole native layer is disabled, zstd included).
exec "${as_user[@]}" env -i PATH=/usr/bin:/bin HOME="$DATA_DIR" LANG=C.UTF-8 \
  ES_DATA_DIR="$DATA_DIR" ES_HTTP_PORT="$PORT" ES_TRANSPORT_PORT="$TRANSPORT_PORT" \
  ES_EXTRA_PLUGINS="${ES_EXTRA_PLUGINS:-}" \
  "$java" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Xss1m \
  -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$DATA_DIR/tmp" -XX:+ExitOnOutOfMemoryError \
  -XX:ErrorFile="$DATA_DIR/tmp/hs_err_pid%p.log" \
  -Djava.io.tmpdir="$DATA_DIR/tmp" -Des.nativelibs.path="$DATA_DIR/native" \
  -Dorg.elasticsearch.nativeaccess.enableVectorLibrary=false \
  -Des.networkaddress.cache.ttl=60 -Des.networkaddress.cache.negative.ttl=10 \
  -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
  -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true \
  -Djava.locale.providers=CLDR -Dfile.encoding=UTF-8 -Djava.awt.headless=true \
  --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector \
  -cp "$ES9_LIB_DIR/*" dev.genrf.services.es9.Main
