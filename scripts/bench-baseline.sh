#!/usr/bin/env bash
# The FastAPI baseline that `make bench` (scripts/bench.sh) measures beside Otbor: the seed's own
# stack, FastAPI + SQLite under uvicorn with 2 workers, serving the same `GET /api/candidates`
# behind a session cookie over 1,000 candidates. Its code is not part of this repository: it
# lives in ../shared/baselines/fastapi (app.py and its README); only FastAPI and uvicorn are
# installed here, into .venv-bench, from PyPI.
#
#   scripts/bench-baseline.sh APP_DIR PORT WORK_DIR
#
# Seeds WORK_DIR/baseline.sqlite with 1,000 candidates, starts uvicorn on 127.0.0.1:PORT (log
# in WORK_DIR/baseline.log), logs in and prints two lines for eval:
#   BASELINE_PID=<uvicorn's supervisor; kill it to stop both workers>
#   BASELINE_COOKIE=session=<token>
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-bench"
# The versions measured; the baseline's README installs the latest `fastapi uvicorn`.
SPEC='fastapi==0.165.0 uvicorn==0.55.0'
APP_DIR="$(cd "$1" && pwd)"
PORT="$2"
WORK="$3"

log() { echo "bench-baseline.sh: $*" >&2; }

[[ -f "$APP_DIR/app.py" ]] || { log "no app.py in $APP_DIR"; exit 1; }
# The marker is written only after a complete install, so an interrupted install is redone.
if ! [[ -x "$VENV/bin/uvicorn" && "$(cat "$VENV/.otbor-installed" 2>/dev/null)" == "$SPEC" ]]; then
    log "installing $SPEC into $VENV (once)"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input $SPEC >&2
    echo "$SPEC" > "$VENV/.otbor-installed"
fi

DB="$WORK/baseline.sqlite"
(cd "$APP_DIR" && "$VENV/bin/python" app.py seed "$DB" 1000)
# Started from the app's folder (uvicorn imports app:app from there) with its own process
# group, so that the caller can stop the supervisor and both workers at once.
(cd "$APP_DIR" && BASELINE_DB="$DB" exec setsid "$VENV/bin/uvicorn" app:app --host 127.0.0.1 --port "$PORT" \
    --workers 2 --log-level warning) > "$WORK/baseline.log" 2>&1 < /dev/null &
PID=$!

COOKIE="$("$VENV/bin/python" - "$PORT" <<'PY'
import http.client, json, sys, time
port = int(sys.argv[1])
for _ in range(200):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/api/auth/login",
                     json.dumps({"email": "admin@example.com", "password": "Adm1n-pass-correct-horse"}),
                     {"content-type": "application/json"})
        r = conn.getresponse(); r.read()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("the baseline did not start")
assert r.status == 200, r.status
cookie = next(c.split(";")[0] for c in r.headers.get_all("set-cookie") if c.startswith("session="))
print(cookie)
PY
)" || { kill "$PID" 2>/dev/null; cat "$WORK/baseline.log" >&2; exit 1; }

echo "BASELINE_PID=$PID"
echo "BASELINE_COOKIE=$COOKIE"
