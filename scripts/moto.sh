#!/usr/bin/env bash
# Runs moto server, the local AWS emulator (DynamoDB, S3, SQS) that the otbor-aws
# conformance tests talk to, on loopback only.
#
#   scripts/moto.sh start   # installs moto into .venv-emu if missing, starts it, prints the export line
#   scripts/moto.sh url     # prints the export line of the running server
#   scripts/moto.sh stop    # stops it
#
# Then: eval "$(scripts/moto.sh start)" && cargo test -p otbor-aws
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-emu"
TMP="$ROOT/.tmp"
PID_FILE="$TMP/moto.pid"
PORT_FILE="$TMP/moto.port"
LOG_FILE="$TMP/moto.log"
# The per-service extras plus flask and flask-cors are all moto_server needs; the `server`
# extra would also pull in every other service's dependencies (cfn-lint, docker, ...).
MOTO_SPEC='moto[dynamodb,s3,sqs]==5.2.5'
# The SMTP server the notification tests send to (scripts/smtp_sink.py) lives in the same venv.
SMTP_SPEC='aiosmtpd==1.4.6'

log() { echo "moto.sh: $*" >&2; }

# True if the recorded process is alive and is still our moto server (not a reused pid).
running() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/cmdline" ]]; then
        tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q moto_serial
    fi
}

print_url() {
    echo "export OTBOR_TEST_AWS_ENDPOINT=http://127.0.0.1:$(cat "$PORT_FILE")"
    echo "export OTBOR_TEST_PYTHON=$VENV/bin/python"
}

ensure_venv() {
    # The marker is written only after a complete install, so an interrupted install is redone.
    if [[ -x "$VENV/bin/moto_server" && -f "$VENV/.otbor-installed" ]] \
        && [[ "$(cat "$VENV/.otbor-installed")" == "$MOTO_SPEC $SMTP_SPEC" ]]; then
        return
    fi
    log "installing $MOTO_SPEC and $SMTP_SPEC into $VENV (once)"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
        "$MOTO_SPEC" flask flask-cors "$SMTP_SPEC" >&2
    echo "$MOTO_SPEC $SMTP_SPEC" > "$VENV/.otbor-installed"
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

answers() {
    "$VENV/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=2).read()
PY
}

start() {
    mkdir -p "$TMP"
    if running; then
        print_url
        return
    fi
    ensure_venv
    local port
    port="$(free_port)"
    # setsid: the server outlives this script and the shell that ran it.
    # Through moto_serial.py: one request at a time, so that DynamoDB transactions are atomic.
    setsid "$VENV/bin/python" "$ROOT/scripts/moto_serial.py" -H 127.0.0.1 -p "$port" >"$LOG_FILE" 2>&1 < /dev/null &
    echo $! > "$PID_FILE"
    echo "$port" > "$PORT_FILE"
    for _ in $(seq 1 60); do
        if answers "$port"; then
            print_url
            return
        fi
        if ! running; then
            log "moto server exited; see $LOG_FILE"
            tail -n 20 "$LOG_FILE" >&2 || true
            exit 1
        fi
        sleep 0.5
    done
    log "moto server did not answer within 30 s; see $LOG_FILE"
    stop
    exit 1
}

stop() {
    if running; then
        kill "$(cat "$PID_FILE")"
        for _ in $(seq 1 20); do
            running || break
            sleep 0.25
        done
    fi
    rm -f "$PID_FILE" "$PORT_FILE"
}

url() {
    if running; then
        print_url
    else
        log "moto server is not running; run: scripts/moto.sh start"
        exit 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
