#!/usr/bin/env bash
# API latency and throughput of `GET /api/candidates?per_page=50` with 1,000 candidates in the
# store, behind a session: Otbor (release build, embedded backend: SQLite) side by side with the
# FastAPI baseline (FastAPI + SQLite, 2 uvicorn workers: ../shared/baselines/fastapi, started
# by scripts/bench-baseline.sh), both on this machine, measured with the same wrk over loopback.
# The runs alternate (baseline, Otbor, baseline, Otbor, ...) after a warm-up of each; prints
# every run, the best of each (highest req/s, lowest p50 and p99: absolute figures on a shared
# machine move from run to run) and the ratios.
#
#   scripts/bench.sh [duration_seconds=15] [connections=32] [rounds=2]
#
# BENCH_BASELINE_DIR: the baseline's folder (default ../shared/baselines/fastapi; `none`, or a
#   folder without app.py, measures Otbor alone).
# BENCH_OTBOR_BIN: a prebuilt server to measure instead of building target/release/otbor.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION="${1:-15}"
CONNECTIONS="${2:-32}"
ROUNDS="${3:-2}"
PORT="${BENCH_PORT:-18181}"
BASELINE_PORT="${BENCH_BASELINE_PORT:-18182}"
BASELINE_DIR="${BENCH_BASELINE_DIR:-../shared/baselines/fastapi}"
BASE="http://127.0.0.1:$PORT"
PATH_Q="/api/candidates?per_page=50"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [[ -n "${BENCH_OTBOR_BIN:-}" ]]; then
    BIN="$BENCH_OTBOR_BIN"
else
    cargo build --release -p otbor
    BIN=target/release/otbor
fi
DATA="$(mktemp -d)"
SERVER=""
BASELINE_PID=""
cleanup() {
    [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null
    # uvicorn's supervisor leads its own process group: the group is it and its two workers.
    [[ -n "$BASELINE_PID" ]] && kill -TERM -- "-$BASELINE_PID" 2>/dev/null
    rm -rf "$DATA"
}
trap cleanup EXIT

OTBOR_ADDR="127.0.0.1:$PORT" OTBOR_DATA_DIR="$DATA/otbor" OTBOR_WEB_DIR="$DATA/none" OTBOR_LOG=warn \
OTBOR_ADMIN_EMAIL=bench@otbor.local OTBOR_ADMIN_PASSWORD=bench-password-1 \
    "$BIN" serve > "$DATA/server.log" 2>&1 &
SERVER=$!
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
echo "Otbor ($BIN): 1,000 candidates created"

SERVERS=(otbor)
declare -A URL=([otbor]="$BASE$PATH_Q") COOKIE=([otbor]="$SESSION")
if [[ "$BASELINE_DIR" != none && -f "$BASELINE_DIR/app.py" ]]; then
    mkdir -p "$DATA/baseline"
    eval "$(bash scripts/bench-baseline.sh "$BASELINE_DIR" "$BASELINE_PORT" "$DATA/baseline")"
    echo "FastAPI baseline ($BASELINE_DIR, 2 uvicorn workers): 1,000 candidates seeded"
    SERVERS=(baseline otbor)
    URL[baseline]="http://127.0.0.1:$BASELINE_PORT$PATH_Q"
    COOKIE[baseline]="$BASELINE_COOKIE"
else
    echo "no FastAPI baseline at $BASELINE_DIR (BENCH_BASELINE_DIR): measuring Otbor alone"
fi

# Both answer the same page: 50 of 1,000 candidates.
for s in "${SERVERS[@]}"; do
    curl -sf -H "Cookie: ${COOKIE[$s]}" "${URL[$s]}" -o "$DATA/$s.json"
    python3 - "$s" "$DATA/$s.json" <<'PY'
import json, os, sys
b = json.load(open(sys.argv[2]))
assert len(b["items"]) == 50 and b["total"] == 1000, (len(b["items"]), b["total"])
print(f"{sys.argv[1]}: 50 of {b['total']} candidates per response, {os.path.getsize(sys.argv[2]):,} bytes of JSON")
PY
done

echo "wrk: ${DURATION}s per run, $CONNECTIONS connections, 2 threads, GET $PATH_Q; $ROUNDS rounds"
for s in "${SERVERS[@]}"; do
    wrk -t2 -c"$CONNECTIONS" -d3s -H "Cookie: ${COOKIE[$s]}" "${URL[$s]}" > /dev/null
done
for r in $(seq 1 "$ROUNDS"); do
    for s in "${SERVERS[@]}"; do
        wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: ${COOKIE[$s]}" "${URL[$s]}" > "$DATA/wrk-$s-$r.txt"
        echo "--- $s, round $r"
        grep -E '^ +(Latency|Req/Sec) |^ +(50|99)%|^Requests/sec|Non-2xx|Socket errors' "$DATA/wrk-$s-$r.txt" || true
    done
done
[[ -n "$SERVER" ]] && kill -0 "$SERVER" 2>/dev/null || { echo "Otbor stopped during the run:"; cat "$DATA/server.log"; exit 1; }

echo
python3 - "$DATA" "$ROUNDS" "${SERVERS[@]}" <<'PY'
import re, statistics, sys
data, rounds, servers = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}

def ms(v):
    n, u = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * UNIT[u]

def run(s, r):
    t = open(f"{data}/wrk-{s}-{r}.txt").read()
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    if bad:
        sys.exit(f"{s}, round {r}: {bad.group(1)} responses were not 2xx: not comparable")
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
            "p50": ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)),
            "p99": ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))}

runs = {s: [run(s, r) for r in range(1, rounds + 1)] for s in servers}
best = {s: {"rps": max(x["rps"] for x in v), "p50": min(x["p50"] for x in v), "p99": min(x["p99"] for x in v)}
        for s, v in runs.items()}
med = {s: {k: statistics.median(x[k] for x in v) for k in ("rps", "p50", "p99")} for s, v in runs.items()}
name = {"otbor": "Otbor", "baseline": "FastAPI baseline"}
print("GET /api/candidates?per_page=50 (1,000 in store, SQLite), each run:")
for s in servers:
    for r, x in enumerate(runs[s], 1):
        print(f"  {name[s]:<17} round {r}: {x['rps']:>9,.0f} req/s   p50 {x['p50']:7.2f} ms   p99 {x['p99']:7.2f} ms")
print("best of each (median in brackets):")
for s in servers:
    b, m = best[s], med[s]
    print(f"  {name[s]:<17} {b['rps']:>9,.0f} req/s ({m['rps']:,.0f})   p50 {b['p50']:6.2f} ms ({m['p50']:.2f})"
          f"   p99 {b['p99']:6.2f} ms ({m['p99']:.2f})")
if "baseline" in servers:
    o, f = best["otbor"], best["baseline"]
    mo, mf = med["otbor"], med["baseline"]
    rps, p50, p99 = o["rps"] / f["rps"], f["p50"] / o["p50"], f["p99"] / o["p99"]
    print(f"Otbor / baseline: {rps:.1f}x the requests per second ({mo['rps'] / mf['rps']:.1f}x of the medians), "
          f"{p50:.1f}x lower p50, {p99:.1f}x lower p99 ({mf['p99'] / mo['p99']:.1f}x of the medians)")
    print(f"target (issue 14): >= 10x req/s {'met' if rps >= 10 else 'MISSED'}, "
          f">= 5x lower p99 {'met' if p99 >= 5 else 'MISSED'}")
PY
