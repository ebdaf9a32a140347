#!/usr/bin/env bash
# Start the portal: a Celery worker (with its beat scheduler, restarted if it exits) and the
# web server. Ctrl-C (or SIGTERM) stops both. Called by `make run` after migrate and load_demo.
set -euo pipefail
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}
mkdir -p var/log

"$BIN/python" manage.py collectstatic --noinput --verbosity 0

# The worker, restarted whenever it exits (a crash, the OOM killer), after 1 s, doubling up
# to 30 s while it keeps exiting within a minute of its start. SIGINT/SIGTERM stop it for good.
# Gossip, mingle and event heartbeats are off: nothing here uses them (/healthz reads the
# workers' own row), and their channels are the ones a broker reconnect trips over.
supervise_worker() {
  local child="" delay=1 started status
  trap '[[ -n $child ]] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' INT TERM
  while true; do
    started=$SECONDS
    "$BIN/celery" -A copgirls.worker worker --beat --loglevel INFO --concurrency 1 \
      --without-gossip --without-mingle --without-heartbeat \
      --schedule var/celerybeat-schedule >>var/log/worker.log 2>&1 &
    child=$!
    status=0
    wait "$child" || status=$?
    child=""
    if (( SECONDS - started >= 60 )); then delay=1; fi
    echo "$(date -u +%FT%TZ) the Celery worker exited ($status); restarting in ${delay}s" \
      | tee -a var/log/worker.log >&2
    sleep "$delay" &
    wait $! || true  # a signal interrupts the pause, not only the worker
    delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
  done
}
: >var/log/worker.log
supervise_worker &
worker=$!
"$BIN/gunicorn" copgirls.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --error-logfile - --log-level warning &
web=$!

stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the web server and the worker…"
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

for _ in $(seq 60); do
  grep -q " ready\." var/log/worker.log 2>/dev/null && break
  sleep 0.5
done
if ! grep -q " ready\." var/log/worker.log 2>/dev/null; then
  echo "The Celery worker is not ready after 30 s (it is restarted as it exits);" \
    "see var/log/worker.log" >&2
fi
cat <<MSG

  copgirls is running at http://$HOST:$PORT/   (health: http://$HOST:$PORT/healthz)
  Celery worker log: var/log/worker.log
  Two-factor sign-in required: ${MFA_REQUIRED:-true} (the demo turns it off)

  Demo logins (role, e-mail, password):
MSG
"$BIN/python" manage.py load_demo --logins-only | sed 's/^/  /'
cat <<MSG

  Press Ctrl-C to stop.
MSG
wait -n "$web" "$worker"
