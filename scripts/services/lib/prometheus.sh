# Prometheus from Debian's `prometheus` package (/usr/bin/prometheus, promtool), run
# as our own process (not the package's systemd unit) on 127.0.0.1:$PROMETHEUS_PORT,
# with remote-write receiving and the lifecycle API on. Tests add scrape targets by
# writing file_sd JSON files into $PROMETHEUS_TARGETS_DIR (picked up within ~1 s,
# scraped every 1 s). Data is wiped at each start.

PROM_HOME="$CACHE/prometheus"
PROM_TARGETS="$PROM_HOME/targets"

prometheus_install() {
  if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
    say "installing Debian package prometheus"
    apt_install prometheus || return 1
  fi
}

prometheus_start() {
  rm -rf "$PROM_HOME/data"
  mkdir -p "$PROM_HOME/data" "$PROM_TARGETS"
  cat >"$PROM_HOME/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$PROMETHEUS_PORT']
  # Tests drop <name>.json files here: [{"targets": ["127.0.0.1:PORT"], "labels": {"job": "x"}}]
  - job_name: file_sd
    file_sd_configs:
      - files: ['$PROM_TARGETS/*.json']
        refresh_interval: 1s
YML
  /usr/bin/promtool check config "$PROM_HOME/prometheus.yml" >"$PROM_HOME/check.log" 2>&1 ||
    { cat "$PROM_HOME/check.log" >&2; return 1; }
  svc_spawn prometheus /usr/bin/prometheus \
    --config.file="$PROM_HOME/prometheus.yml" \
    --storage.tsdb.path="$PROM_HOME/data" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --web.enable-lifecycle --web.enable-remote-write-receiver
}

prometheus_healthy() { http_ok "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"; }

prometheus_env() {
  echo "PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT"
  echo "PROMETHEUS_TARGETS_DIR=$PROM_TARGETS"
  echo "PROMTOOL=/usr/bin/promtool"
}
