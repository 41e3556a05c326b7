#!/usr/bin/env bash
# Builds the Elasticsearch 9 launcher from Maven Central artifacts and installs its jars where
# the service user can read them. Idempotent: does nothing when that version is installed.
#   ES9_VERSION      Elasticsearch version (default 9.5.3; any 9.x published as
#                    org.elasticsearch:elasticsearch + org.elasticsearch.plugin:transport-netty4
#                    + org.elasticsearch.test:framework)
#   ES9_LIB_DIR      where the jars go (default /var/lib/genrf-svc/elasticsearch9-$ES9_VERSION/lib;
#                    root's ~/.cache is not readable by the service user)
#   ES_USER          owner of ES9_LIB_DIR when run as root (default genrf-svc)
#   ES_JAVA_HOME     JDK 21+ to compile with (default Temurin 25)
#   GENRF_SERVICES_CACHE  Maven repository and build output (default ~/.cache/genrf-collector/services)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ES9_VERSION="${ES9_VERSION:-9.5.3}"
ES_USER="${ES_USER:-${GENRF_SERVICES_USER:-genrf-svc}}"
ES9_LIB_DIR="${ES9_LIB_DIR:-${GENRF_SERVICES_USER_HOME:-/var/lib/genrf-svc}/elasticsearch9-$ES9_VERSION/lib}"
JAVA_HOME="${ES_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cache="${GENRF_SERVICES_CACHE:-$HOME/.cache/genrf-collector/services}/elasticsearch9"
# The install marker names the sources' hash too, so an edited launcher is rebuilt.
stamp="$ES9_VERSION $(cat "$here/pom.xml" $(find "$here/src" -type f | sort) | sha256sum | cut -c1-16)"

if [ -f "$ES9_LIB_DIR/.complete" ] && [ "$(cat "$ES9_LIB_DIR/.complete")" = "$stamp" ]; then
  exit 0
fi
[ -x "$JAVA_HOME/bin/java" ] || { echo "build.sh: no JDK at $JAVA_HOME (set ES_JAVA_HOME to a JDK 21+)" >&2; exit 1; }
out="$cache/build-$ES9_VERSION"
rm -rf "$out"
mkdir -p "$cache"
echo "elasticsearch9: building the $ES9_VERSION launcher from Maven Central (log: $cache/mvn.log)"
if ! JAVA_HOME="$JAVA_HOME" mvn -B -q -f "$here/pom.xml" -Dmaven.repo.local="$cache/m2" \
    -Des.version="$ES9_VERSION" -Dout="$out" package >"$cache/mvn.log" 2>&1; then
  tail -n 30 "$cache/mvn.log" >&2
  echo "build.sh: maven build failed (full log: $cache/mvn.log)" >&2
  exit 1
fi
rm -rf "$ES9_LIB_DIR.tmp"
mkdir -p "$ES9_LIB_DIR.tmp"
cp "$out"/lib/*.jar "$out"/elasticsearch9-launcher-*.jar "$ES9_LIB_DIR.tmp/"
echo "$stamp" >"$ES9_LIB_DIR.tmp/.complete"
rm -rf "$ES9_LIB_DIR"
mv "$ES9_LIB_DIR.tmp" "$ES9_LIB_DIR"
if [ "$(id -u)" = 0 ]; then chown -R "$ES_USER:" "$ES9_LIB_DIR"; fi
echo "elasticsearch9: installed in $ES9_LIB_DIR"
