#!/usr/bin/env bash
# Runs the browser end-to-end tests against a fresh `otbor serve --demo`:
# a free port, a new data directory, the built web/dist; the server is stopped at the end.
set -euo pipefail

WEB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OTBOR_BIN="${OTBOR_BIN:-$WEB_DIR/../target/debug/otbor}"
case "$OTBOR_BIN" in /*) ;; *) OTBOR_BIN="$WEB_DIR/$OTBOR_BIN" ;; esac

if [ ! -x "$OTBOR_BIN" ]; then
  echo "e2e: no server binary at $OTBOR_BIN (build it with: cargo build -p otbor)" >&2
  exit 2
fi
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "e2e: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install -y chromium)" >&2
  exit 2
fi
if [ ! -d "$WEB_DIR/node_modules" ]; then
  (cd "$WEB_DIR" && npm ci)
fi
# The API types must be what `npm run gen:api` makes from this server's OpenAPI document.
GEN_TMP="$(mktemp -t otbor-api-types.XXXXXX.ts)"
(cd "$WEB_DIR" && OTBOR_BIN="$OTBOR_BIN" node scripts/gen-api.mjs "$GEN_TMP" >/dev/null)
if ! diff -u "$WEB_DIR/src/lib/api-types.gen.ts" "$GEN_TMP" >"$GEN_TMP.diff"; then
  head -n 40 "$GEN_TMP.diff" >&2
  rm -f "$GEN_TMP" "$GEN_TMP.diff"
  echo "web/src/lib/api-types.gen.ts is stale: run npm run gen:api" >&2
  exit 1
fi
rm -f "$GEN_TMP" "$GEN_TMP.diff"
echo "e2e: web/src/lib/api-types.gen.ts is fresh"

if [ ! -f "$WEB_DIR/dist/index.html" ] || [ -n "${E2E_BUILD:-}" ]; then
  (cd "$WEB_DIR" && npm run build)
fi

# The voice tests run with their own server in a network namespace that has only loopback,
# so that no packet (WebRTC candidates included) leaves the machine; the others run on the
# host network, because Chromium with no network interface reports itself offline
# (navigator.onLine), and the app then waits for the network before it refreshes.
if [ -z "${OTBOR_E2E_NETNS:-}" ]; then
  if [ "$#" -eq 0 ]; then set -- "$WEB_DIR"/e2e/*.test.mjs; fi
  host=(); isolated=()
  for f in "$@"; do case "$f" in *voice*) isolated+=("$f") ;; *) host+=("$f") ;; esac; done
  status=0
  if [ "${#host[@]}" -gt 0 ]; then
    OTBOR_E2E_NETNS=host E2E_BUILD= OTBOR_BIN="$OTBOR_BIN" bash "$0" "${host[@]}" || status=$?
  fi
  if [ "${#isolated[@]}" -gt 0 ]; then
    NS="otbor-e2e-$$"
    if [ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1 && ip netns add "$NS" 2>/dev/null; then
      ip netns exec "$NS" ip link set lo up
      ip netns exec "$NS" env OTBOR_E2E_NETNS="$NS" E2E_BUILD= OTBOR_BIN="$OTBOR_BIN" bash "$0" "${isolated[@]}" || status=$?
      ip netns delete "$NS" || true
    else
      echo "e2e: could not create a network namespace (needs root and iproute2); the voice tests run on the host network" >&2
      OTBOR_E2E_NETNS=host E2E_BUILD= OTBOR_BIN="$OTBOR_BIN" bash "$0" "${isolated[@]}" || status=$?
    fi
  fi
  exit "$status"
fi

# The voice pipeline's models, when they are installed (scripts/media-setup.sh): the server
# then asks its questions aloud; recognition is the zero-delay fake with a fixed answer.
if [ -z "${OTBOR_VAD_MODEL:-}" ] && [ -x "$WEB_DIR/../.venv-media/bin/python" ]; then
  eval "$("$WEB_DIR/../scripts/media-setup.sh" 2>/dev/null)" || true
fi
export OTBOR_STT="${OTBOR_STT:-fake}"
export OTBOR_STT_FAKE_TEXT="${OTBOR_STT_FAKE_TEXT:-Я пишу на Rust пять лет и сам проектировал сервис платежей}"
# Room for one call at a time, so that the capacity test meets a full worker.
export OTBOR_RTC_INCLUDE_LOOPBACK=1 OTBOR_RTC_DISABLE_MDNS=1 OTBOR_RTC_BIND_IP=127.0.0.1 OTBOR_RTC_CAPACITY=1

WORK_DIR="$(mktemp -d -t otbor-e2e.XXXXXX)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export OTBOR_URL="http://127.0.0.1:$PORT"
export E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$WORK_DIR/screenshots}"
export E2E_DATA_DIR="$WORK_DIR/data"
mkdir -p "$E2E_SCREENSHOTS" "$WORK_DIR/data"

OTBOR_ADDR="127.0.0.1:$PORT" \
OTBOR_DATA_DIR="$WORK_DIR/data" \
OTBOR_WEB_DIR="$WEB_DIR/dist" \
OTBOR_ADMIN_EMAIL="admin@otbor.local" \
OTBOR_ADMIN_PASSWORD="admin-password-1" \
  "$OTBOR_BIN" serve --demo >"$WORK_DIR/server.log" 2>&1 &
SERVER_PID=$!

cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK_DIR/data"
}
trap cleanup EXIT

# Wait up to 60 s for /api/health; give up early if the server died.
ready=""
for _ in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "e2e: the server exited; its log:" >&2
    cat "$WORK_DIR/server.log" >&2
    exit 1
  fi
  if node -e 'fetch(process.env.OTBOR_URL + "/api/health").then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))'; then
    ready=1
    break
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "e2e: the server did not answer /api/health in time; its log:" >&2
  cat "$WORK_DIR/server.log" >&2
  exit 1
fi

echo "e2e: server at $OTBOR_URL, screenshots in $E2E_SCREENSHOTS"
status=0
# Given files (a subset), or every test.
if [ "$#" -gt 0 ]; then files=("$@"); else files=("$WEB_DIR"/e2e/*.test.mjs); fi
node --test --test-concurrency=1 "${files[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: failed; the last lines of the server log:" >&2
  tail -n 40 "$WORK_DIR/server.log" >&2
fi
exit "$status"
