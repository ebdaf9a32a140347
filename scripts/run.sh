#!/usr/bin/env bash
# Start the portal: a Celery worker (with its beat scheduler) and the web server.
# Ctrl-C (or SIGTERM) stops both. Called by `make run` after migrate and load_demo.
set -euo pipefail
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}
mkdir -p var/log

"$BIN/python" manage.py collectstatic --noinput --verbosity 0

"$BIN/celery" -A copgirls.worker worker --beat --loglevel INFO --concurrency 1 \
  --schedule var/celerybeat-schedule >var/log/worker.log 2>&1 &
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

sleep 2
if ! kill -0 "$worker" 2>/dev/null; then
  echo "The Celery worker did not start; see var/log/worker.log" >&2
  exit 1
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
