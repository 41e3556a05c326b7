# Jaeger v2, built from the Go module github.com/jaegertracing/jaeger (cmd/jaeger,
# $JAEGER_GO_VERSION) through the wrapper module scripts/services/jaeger (go.mod pins
# it with a `tool` line). The build (several minutes on 2 cores, once) and its Go
# module/build caches live in the services cache. In-memory storage, config in
# scripts/services/jaeger/config.yaml.

JAEGER_HOME="$CACHE/jaeger"
JAEGER_BIN="$JAEGER_HOME/jaeger-$JAEGER_VERSION"

jaeger_install() {
  [ -x "$JAEGER_BIN" ] && return 0
  command -v go >/dev/null || die "go not found (the machine's Go toolchain builds Jaeger)"
  say "building Jaeger $JAEGER_VERSION from the Go module proxy (takes minutes, once; log: $JAEGER_HOME/build.log)"
  mkdir -p "$JAEGER_HOME"
  local t0=$SECONDS
  ( cd "$SERVICES_DIR/jaeger" &&
    export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 &&
    run_quiet "$JAEGER_HOME/build.log" go build -trimpath -ldflags="-s -w" -o "$JAEGER_BIN.tmp" \
      github.com/jaegertracing/jaeger/cmd/jaeger ) || return 1
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  say "built in $((SECONDS - t0))s"
}

jaeger_start() {
  svc_spawn jaeger env JAEGER_QUERY_PORT="$JAEGER_QUERY_PORT" JAEGER_QUERY_GRPC_PORT="$JAEGER_QUERY_GRPC_PORT" \
    JAEGER_OTLP_GRPC_PORT="$JAEGER_OTLP_GRPC_PORT" JAEGER_OTLP_HTTP_PORT="$JAEGER_OTLP_HTTP_PORT" \
    JAEGER_HEALTH_PORT="$JAEGER_HEALTH_PORT" JAEGER_METRICS_PORT="$JAEGER_METRICS_PORT" \
    "$JAEGER_BIN" --config "$SERVICES_DIR/jaeger/config.yaml"
}

jaeger_healthy() {
  http_ok "http://127.0.0.1:$JAEGER_HEALTH_PORT/status" && port_open "$JAEGER_OTLP_GRPC_PORT" &&
    port_open "$JAEGER_OTLP_HTTP_PORT" && http_ok "http://127.0.0.1:$JAEGER_QUERY_PORT/api/services"
}

jaeger_env() {
  echo "JAEGER_OTLP_GRPC_ENDPOINT=http://127.0.0.1:$JAEGER_OTLP_GRPC_PORT"
  echo "JAEGER_OTLP_HTTP_ENDPOINT=http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT"
  echo "JAEGER_QUERY_URL=http://127.0.0.1:$JAEGER_QUERY_PORT"
}
