#!/usr/bin/env bash
# Serve a whole class from this machine: N `streamlit run app.py` processes behind HAProxy, one URL.
#
#   bash scripts/serve_class.sh                   # two processes per core, class URL http://127.0.0.1:8500/
#   bash scripts/serve_class.sh 4 --bind 0.0.0.0  # 4 processes, reachable from the classroom network on port 8500
#   bash scripts/serve_class.sh 4 --port 9000 --app-port 9601 -- --theme.base=dark
#
# Options: --port P (the class's port, default 8500), --app-port Q (processes listen on Q, Q+1, ...,
# 127.0.0.1 only, default 8601), --bind ADDR (the proxy's address, default 127.0.0.1), --cookie-secret S
# (else BPTT_COOKIE_SECRET, else a new random one per start); arguments after -- go to `streamlit run`.
# Needs HAProxy (Debian: apt-get install haproxy) and the app's requirements (pip install -r requirements.txt).
# Waits until every process and the proxy answer /_stcore/health, prints the URL, and stops everything it
# started on Ctrl-C or SIGTERM (or as soon as one of them dies). Logs, the generated proxy configuration
# and the processes' ids (pids) stay in the run directory it prints. Layout and measurements: docs/serving.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python}"
processes=$((2 * $(nproc)))  # two per core (docs/serving.md, "Measured")
port="${BPTT_PORT:-8500}"
app_port="${BPTT_APP_PORT:-8601}"
bind="${BPTT_BIND_ADDR:-127.0.0.1}"
secret="${BPTT_COOKIE_SECRET:-}"
streamlit_args=()
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then processes=$1; shift; fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --app-port) app_port=$2; shift 2 ;;
    --bind) bind=$2; shift 2 ;;
    --cookie-secret) secret=$2; shift 2 ;;
    --) shift; streamlit_args=("$@"); break ;;
    *) echo "serve_class.sh: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
if ! [[ $processes =~ ^[0-9]+$ ]] || ((processes < 1 || processes > 32)); then
  echo "serve_class.sh: the number of processes must be 1..32, not $processes" >&2; exit 2
fi
HAPROXY="${HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}"  # /usr/sbin is not on every user's PATH
[[ -x $HAPROXY ]] || { echo "serve_class.sh: haproxy not found (apt-get install haproxy)" >&2; exit 1; }
"$PYTHON" -c "import streamlit" 2>/dev/null || {
  echo "serve_class.sh: streamlit not importable by $PYTHON (pip install -r requirements.txt)" >&2; exit 1; }

port_free() {  # can this machine's $1:$2 be bound right now?
  "$PYTHON" -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind((sys.argv[1], int(sys.argv[2])))
except OSError: sys.exit(1)' "$1" "$2"
}
healthy() {  # does http://$1:$2/_stcore/health answer "ok"?
  "$PYTHON" -c 'import sys, urllib.request
try: sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).read().strip() != b"ok")
except OSError: sys.exit(1)' "http://$1:$2/_stcore/health"
}
app_ports=()
for ((i = 0; i < processes; i++)); do app_ports+=($((app_port + i))); done
for p in "${app_ports[@]}"; do port_free 127.0.0.1 "$p" || { echo "serve_class.sh: port $p is in use" >&2; exit 1; }; done
port_free "$bind" "$port" || { echo "serve_class.sh: port $port on $bind is in use" >&2; exit 1; }
if [[ -z $secret ]]; then secret=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))'); fi

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/serve_class.XXXXXX")
pids=()
stopping=0
stop_all() {  # only the processes this script started, by their ids
  ((stopping)) && return
  stopping=1
  trap - INT TERM
  if ((${#pids[@]})); then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.2
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  echo "serve_class.sh: stopped (logs in $run_dir)"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

# Each child runs in its own session (setsid: no fork here, so $! is its id), so a Ctrl-C in the
# terminal reaches this script alone, which then stops them in order.
# The processes: loopback only (the class reaches them through the proxy), one shared cookie secret
# (through the environment, not the command line, so `ps` does not show it), one BLAS thread each.
# BPTT_CLASS_PORT marks them as this class's processes (scripts/classroom_load.py --url reads it).
server_lines=""
for i in "${!app_ports[@]}"; do
  p=${app_ports[$i]}
  STREAMLIT_SERVER_COOKIE_SECRET="$secret" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" \
    BPTT_CLASS_PORT="$port" PYTHONUNBUFFERED=1 \
    setsid "$PYTHON" -m streamlit run app.py --server.headless=true --server.address=127.0.0.1 --server.port="$p" \
    --server.fileWatcherType=none --browser.gatherUsageStats=false "${streamlit_args[@]}" \
    >"$run_dir/app$((i + 1)).log" 2>&1 &
  pids+=($!)
  server_lines+="    server app$((i + 1)) 127.0.0.1:$p check cookie app$((i + 1))"$'\n'
done

deadline=$((SECONDS + ${BPTT_START_TIMEOUT:-120}))
wait_healthy() {  # host port: poll its health URL; give up if one of our processes died or time ran out
  until healthy "$1" "$2"; do
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "serve_class.sh: a process exited while starting; see $run_dir" >&2; exit 1; }
    done
    ((SECONDS < deadline)) || { echo "serve_class.sh: $1:$2 not healthy in time; see $run_dir" >&2; exit 1; }
    sleep 0.3
  done
}
for p in "${app_ports[@]}"; do wait_healthy 127.0.0.1 "$p"; done

# The proxy: deploy/haproxy.cfg with its upstream list replaced by this machine's processes.
awk -v lines="$server_lines" '
  /# >>> upstream/ { print; printf "%s", lines; skip = 1; next }
  /# <<< upstream/ { skip = 0 }
  !skip' deploy/haproxy.cfg >"$run_dir/haproxy.cfg"
export BPTT_BIND="$bind:$port" BPTT_CLASS_PORT="$port"
"$HAPROXY" -c -q -f "$run_dir/haproxy.cfg"
setsid "$HAPROXY" -db -f "$run_dir/haproxy.cfg" >"$run_dir/haproxy.log" 2>&1 &
pids+=($!)
echo "${pids[*]}" >"$run_dir/pids"  # the processes' ids (the proxy last), for tools and tests
proxy_host=$bind
[[ $bind == 0.0.0.0 ]] && proxy_host=127.0.0.1
wait_healthy "$proxy_host" "$port"
host=$bind
[[ $bind == 0.0.0.0 ]] && host=$(hostname -I 2>/dev/null | awk '{print $1}')
echo "serve_class.sh: $processes processes on 127.0.0.1:${app_ports[0]}..${app_ports[-1]}, run directory $run_dir"
echo "Class URL: http://${host:-127.0.0.1}:$port/"
((processes > 2 * $(nproc))) && echo "serve_class.sh: note: $processes processes on $(nproc) cores (two per core serve a class best)"
echo "Press Ctrl-C to stop."

# Until a signal, or until any process dies (then stop the rest: half a class is worse than a clear error).
set +e
wait -n "${pids[@]}"
status=$?
((stopping)) || echo "serve_class.sh: a process exited (status $status); stopping the others; see $run_dir" >&2
exit 1
