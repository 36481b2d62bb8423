#!/usr/bin/env bash
# API latency and throughput of `GET /api/candidates` with 1,000 candidates in the store, on
# the embedded backend (SQLite), measured with wrk over loopback. Prints p50/p99 and req/s.
#
#   scripts/bench.sh [duration_seconds=15] [connections=32]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION="${1:-15}"
CONNECTIONS="${2:-32}"
PORT="${BENCH_PORT:-18181}"
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -p otbor
DATA="$(mktemp -d)"
OTBOR_ADDR="127.0.0.1:$PORT" OTBOR_DATA_DIR="$DATA" OTBOR_WEB_DIR="$DATA/none" OTBOR_LOG=warn \
OTBOR_ADMIN_EMAIL=bench@otbor.local OTBOR_ADMIN_PASSWORD=bench-password-1 \
    target/release/otbor serve > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/api/health" >/dev/null && break; sleep 0.1; done

# Log in and create 1,000 candidates through the API, over one keep-alive connection.
SESSION="$(python3 - "$PORT" <<'PY'
import http.client, json, sys
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
conn.request("POST", "/api/auth/login", json.dumps({"email": "bench@otbor.local", "password": "bench-password-1"}),
             {"content-type": "application/json"})
r = conn.getresponse(); body = json.loads(r.read())
cookies = r.headers.get_all("set-cookie")
session = next(c.split(";")[0] for c in cookies if c.startswith("otbor_session="))
h = {"content-type": "application/json", "cookie": session, "x-csrf-token": body["csrf_token"]}
first = ["Иван", "Мария", "Алексей", "Ольга", "Дмитрий", "Анна", "Сергей", "Екатерина", "Павел", "Наталья"]
last = ["Петров", "Смирнова", "Кузнецов", "Новикова", "Волков", "Морозова", "Лебедев", "Павлова", "Соколов", "Попова"]
for i in range(1000):
    c = {"full_name": f"{first[i % 10]} {last[(i // 10) % 10]} {i}", "email": f"c{i}@example.ru",
         "phone": f"+7916{i:07d}", "location": "Москва", "source": ["hh.ru", "linkedin", "referral"][i % 3]}
    conn.request("POST", "/api/candidates", json.dumps(c), h)
    r = conn.getresponse(); r.read()
    assert r.status == 201, r.status
print(session)
PY
)"
echo "1,000 candidates created; wrk: ${DURATION}s, $CONNECTIONS connections, 2 threads, GET /api/candidates"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: $SESSION" "$BASE/api/candidates" | tee "$DATA/wrk.txt"
echo
awk '/^ +50%/{p50=$2} /^ +99%/{p99=$2} /^Requests\/sec/{rps=$2} END{printf "GET /api/candidates (1,000 in store, embedded SQLite): p50 %s, p99 %s, %s req/s\n", p50, p99, rps}' "$DATA/wrk.txt"
