# Shared helpers for scripts/services/{up,down,status} and lib/<service>.sh.
# Sourced, not run. Every service file defines:
#   <name>_install   download/build into the cache (idempotent, cached)
#   <name>_start     start the process with svc_spawn (only called when not running)
#   <name>_healthy   exit 0 when the service answers
#   <name>_env       print its lines for .services.env
# A service without a process (python-otel) defines <name>_daemon=false.

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$SERVICES_DIR/../.." && pwd)"
# Ports can be overridden from the environment (e.g. KAFKA_PORT=19092) to run a second,
# separate set beside the usual one (with its own GENRF_SERVICES_CACHE); versions cannot.
_port_overrides="$(env | grep -E '^[A-Z_]+_PORT=[0-9]+$' || true)"
# shellcheck source=../versions.env
. "$SERVICES_DIR/versions.env"
while IFS= read -r _o; do [ -n "$_o" ] && export "${_o?}"; done <<<"$_port_overrides"
unset _o _port_overrides

CACHE="${GENRF_SERVICES_CACHE:-${GENRF_CACHE_DIR:-$HOME/.cache/genrf-collector}/services}"
RUN_DIR="$CACHE/run"     # <name>.pid, <name>.log
ENV_FILE="${GENRF_SERVICES_ENV_FILE:-$REPO_ROOT/.services.env}"
ALL_SERVICES=(kafka elasticsearch jaeger prometheus python-otel)
mkdir -p "$CACHE" "$RUN_DIR"

fn_name() { echo "${1//-/_}"; }          # python-otel -> python_otel
say() { echo "[$SVC] $*"; }
die() { echo "[$SVC] ERROR: $*" >&2; exit 1; }
log_file() { echo "$RUN_DIR/$1.log"; }
pid_file() { echo "$RUN_DIR/$1.pid"; }

is_daemon() { local v; v="$(fn_name "$1")_daemon"; [ "${!v:-true}" = true ]; }

# The pid file holds "PID START" (START: the process's start time, /proc/PID/stat field
# 22), so a PID the kernel has since reused for another process is not taken for ours.
proc_start() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
recorded_pid() { local f; f="$(pid_file "$1")"; [ -s "$f" ] && cut -d' ' -f1 "$f"; }

# pid_alive NAME: the recorded process (a process-group leader) still runs.
pid_alive() {
  local f pid start; f="$(pid_file "$1")"
  [ -s "$f" ] || return 1
  read -r pid start <"$f"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { [ -z "$start" ] || [ "$(proc_start "$pid")" = "$start" ]; }
}

# svc_spawn NAME [env...] -- cmd...: start cmd detached in its own session
# (its PID is the process group id that `down` kills), output to the log.
# The service gets no file descriptor but 0-2: whoever ran `up` may hold a lock on one (`up`'s
# own on fd 8; `flock /tmp/genrf-services.lock scripts/services/up` passes its lock's fd to
# its command), and a service that inherited it would hold that lock for its whole life.
svc_spawn() {
  local name="$1"; shift
  local log; log="$(log_file "$name")"
  : >"$log"
  (
    for _fd in /proc/$BASHPID/fd/*; do
      _n="${_fd##*/}"
      [ "$_n" -gt 2 ] 2>/dev/null && eval "exec $_n>&-"
    done
    exec setsid "$@" >>"$log" 2>&1 </dev/null
  ) &
  echo "$! $(proc_start $!)" >"$(pid_file "$name")"
}

# port_open PORT: something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_ok URL: answers 2xx.
http_ok() { curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null; }

# wait_healthy NAME TIMEOUT_S: poll <name>_healthy; fail fast if the process
# dies; on failure print the last lines of its log and return 1.
wait_healthy() {
  local name="$1" timeout="$2" fn start; fn="$(fn_name "$1")_healthy"; start=$SECONDS
  until "$fn"; do
    if is_daemon "$name" && ! pid_alive "$name"; then
      echo "[$name] ERROR: process exited before it was healthy; last lines of $(log_file "$name"):" >&2
      tail -n 40 "$(log_file "$name")" | sed "s/^/[$name] | /" >&2
      return 1
    fi
    if (( SECONDS - start >= timeout )); then
      echo "[$name] ERROR: not healthy after ${timeout}s; last lines of $(log_file "$name"):" >&2
      tail -n 40 "$(log_file "$name")" | sed "s/^/[$name] | /" >&2
      return 1
    fi
    sleep 1
  done
}

# svc_stop NAME: TERM the recorded process group, wait, KILL after 30 s.
svc_stop() {
  local name="$1" pid i
  if pid_alive "$name"; then
    pid="$(recorded_pid "$name")"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 60; i++)); do
      pgrp_alive "$pid" || break
      sleep 0.5
    done
    if pgrp_alive "$pid"; then
      echo "[$name] still running after 30 s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null
      sleep 0.5
    fi
  fi
  rm -f "$(pid_file "$name")"
}

# pgrp_alive PGID: some process of that process group still exists.
pgrp_alive() { pgrep -g "$1" >/dev/null 2>&1 || kill -0 "$1" 2>/dev/null; }

# run_quiet LOG cmd...: run a (long) install step, its output to LOG; on failure show its tail.
run_quiet() {
  local log="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    echo "[$SVC] ERROR: '$*' failed; last lines of $log:" >&2
    tail -n 40 "$log" | sed "s/^/[$SVC] | /" >&2
    return 1
  fi
}

# apt_install PKG...: install Debian packages (as root; `apt-get update` first,
# once a day). Serialised with a lock: services install in parallel.
apt_install() {
  local stamp="$CACHE/.apt-updated"
  (
    flock 9
    if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
      run_quiet "$CACHE/apt-update.log" apt-get update && touch "$stamp" || exit 1
    fi
    run_quiet "$CACHE/apt-install-$SVC.log" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "$@"
  ) 9>"$CACHE/apt.lock"
}

# write_env_file: endpoints of every service that is up now (from any earlier `up` too).
write_env_file() {
  local tmp="$ENV_FILE.tmp.$$" n fn
  {
    echo "# Written by scripts/services/up at $(date -u +%FT%TZ); services cache: $CACHE"
    for n in "${ALL_SERVICES[@]}"; do
      fn="$(fn_name "$n")"
      if { ! is_daemon "$n" || pid_alive "$n"; } && "${fn}_healthy"; then "${fn}_env"; fi
    done
  } >"$tmp" && mv "$tmp" "$ENV_FILE"
}

for _f in "$SERVICES_DIR"/lib/[a-z]*.sh; do
  [ "$_f" = "${BASH_SOURCE[0]}" ] || . "$_f"
done
unset _f
