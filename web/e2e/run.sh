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

WORK_DIR="$(mktemp -d -t otbor-e2e.XXXXXX)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export OTBOR_URL="http://127.0.0.1:$PORT"
export E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$WORK_DIR/screenshots}"
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
node --test --test-concurrency=1 "$WEB_DIR"/e2e/*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: failed; the last lines of the server log:" >&2
  tail -n 40 "$WORK_DIR/server.log" >&2
fi
exit "$status"
