# python-otel: no process, a virtualenv in the cache holding the genRF workers' real
# SDK from PyPI (opentelemetry-sdk, opentelemetry-exporter-otlp, structlog), pinned in
# versions.env. OTEL_PYTHON in .services.env is its interpreter.

python_otel_daemon=false
PYOTEL_VENV="$CACHE/python-otel/venv-$OTEL_PYTHON_SDK_VERSION-$OTEL_PYTHON_EXPORTER_OTLP_VERSION-$STRUCTLOG_VERSION"

python_otel_install() {
  [ -e "$PYOTEL_VENV/.complete" ] && return 0
  local py; py="$(command -v python3)" || die "python3 not found"
  say "creating a virtualenv with opentelemetry-sdk==$OTEL_PYTHON_SDK_VERSION (PyPI)"
  rm -rf "$PYOTEL_VENV"
  mkdir -p "$(dirname "$PYOTEL_VENV")"
  run_quiet "$CACHE/python-otel/venv.log" "$py" -m venv "$PYOTEL_VENV" || return 1
  run_quiet "$CACHE/python-otel/pip.log" "$PYOTEL_VENV/bin/pip" install -q --disable-pip-version-check \
    "opentelemetry-sdk==$OTEL_PYTHON_SDK_VERSION" \
    "opentelemetry-exporter-otlp==$OTEL_PYTHON_EXPORTER_OTLP_VERSION" \
    "structlog==$STRUCTLOG_VERSION" || return 1
  touch "$PYOTEL_VENV/.complete"
}

python_otel_start() { :; }

python_otel_healthy() {
  [ -e "$PYOTEL_VENV/.complete" ] &&
    "$PYOTEL_VENV/bin/python" -c 'import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.http.trace_exporter, structlog' 2>/dev/null
}

python_otel_env() { echo "OTEL_PYTHON=$PYOTEL_VENV/bin/python"; }
