#!/usr/bin/env bash
# HTTP benchmark of `bouncekit serve`: POST /v1/suppressions/check with 1 address and with
# 1,000 addresses per request (wrk), beside Redis answering the same questions
# (SISMEMBER for one address, SMISMEMBER for 1,000) with the same number of connections,
# in the same run. Prints req/s and p99 of each and the ratios.
#
#   bench/serve.sh                       # 64 connections, 10 s per run
#   CONNS=128 SECS=20 bench/serve.sh
#
# The server gets a fresh database with 100,000 suppressions (half of the addresses
# asked are suppressed). Redis (127.0.0.1:6379, the machine's) gets one set with the
# same 100,000 addresses under a key of its own, deleted at the end. Only the server
# started here is stopped. Needs wrk (installed from Debian if missing), redis-benchmark
# and redis-cli (redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS="${CONNS:-64}"
SECS="${SECS:-10}"
THREADS="${THREADS:-2}"
SUPPRESSED="${SUPPRESSED:-100000}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
WORK="$(mktemp -d)"
KEY="bouncekit:bench:$$"
BIN=target/release/bouncekit

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
command -v redis-benchmark >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-tools >/dev/null; }
cargo build --release -q -p bouncekit

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN" --db "$WORK/bench.db" serve --listen "127.0.0.1:$port" --cleanup-every 0 >"$WORK/serve.log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" DEL "$KEY" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

# Seed: the same suppressed addresses in bouncekit (CSV import) and in a Redis set.
python3 - "$WORK" "$SUPPRESSED" "$KEY" <<'PY'
import json, sys
work, n, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(f"{work}/seed.csv", "w") as f:
    f.write("address,kind,reason\n")
    for i in range(n):
        f.write(f"user{i*2}@example.com,hard,userunknown\n")
with open(f"{work}/seed.redis", "w") as f:
    # RESP protocol for redis-cli --pipe: SADD in chunks of 1,000.
    for start in range(0, n, 1000):
        members = [f"user{i*2}@example.com" for i in range(start, min(n, start + 1000))]
        args = ["SADD", key] + members
        parts = [f"*{len(args)}\r\n"] + [f"${len(a.encode())}\r\n{a}\r\n" for a in args]
        f.write("".join(parts))
one = {"addresses": ["user2@example.com"]}
thousand = {"addresses": [f"user{i}@example.com" for i in range(1000)]}
for name, body in (("one", one), ("thousand", thousand)):
    with open(f"{work}/{name}.lua", "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
        f.write("wrk.body = " + json.dumps(json.dumps(body)) + "\n")
with open(f"{work}/smismember.args", "w") as f:
    f.write(" ".join(f"user{i}@example.com" for i in range(1000)))
PY
curl -fsS -X POST -H 'Content-Type: text/csv' --data-binary @"$WORK/seed.csv" "http://127.0.0.1:$port/v1/suppressions/import" >/dev/null
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --pipe <"$WORK/seed.redis" >/dev/null
echo "seeded $SUPPRESSED suppressions in bouncekit and in Redis set $KEY ($(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" SCARD "$KEY") members)"

# wrk: "Requests/sec" and the 99% latency line (converted to ms).
run_wrk() {
  local out
  out="$(wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -s "$WORK/$1.lua" "http://127.0.0.1:$port/v1/suppressions/check")"
  if echo "$out" | grep -q "Non-2xx"; then echo "$out" >&2; echo "bench: non-2xx responses" >&2; exit 1; fi
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
v, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
p99 = float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
print(f"{rps:.0f} {p99:.2f}")
PY
}

# redis-benchmark --csv: "rps","avg","min","p50","p95","p99","max".
run_redis() {
  local n="$1"; shift
  redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" -c "$CONNS" -n "$n" --csv "$@" | tail -n 1 |
    python3 -c 'import csv, sys; r = next(csv.reader(sys.stdin)); print(f"{float(r[1]):.0f} {float(r[6]):.2f}")'
}

read -r h1_rps h1_p99 < <(run_wrk one)
read -r r1_rps r1_p99 < <(run_redis 400000 SISMEMBER "$KEY" user2@example.com)
read -r hk_rps hk_p99 < <(run_wrk thousand)
# shellcheck disable=SC2046
read -r rk_rps rk_p99 < <(run_redis 20000 SMISMEMBER "$KEY" $(cat "$WORK/smismember.args"))

python3 - "$CONNS" "$h1_rps" "$h1_p99" "$r1_rps" "$r1_p99" "$hk_rps" "$hk_p99" "$rk_rps" "$rk_p99" <<'PY'
import sys
c = sys.argv[1]
h1, h1p, r1, r1p, hk, hkp, rk, rkp = map(float, sys.argv[2:])
print(f"{'':44} {'req/s':>9} {'p99 ms':>8} {'addresses/s':>12}")
print(f"{'bouncekit check, 1 address':44} {h1:9.0f} {h1p:8.2f} {h1:12.0f}")
print(f"{'redis SISMEMBER, 1 address':44} {r1:9.0f} {r1p:8.2f} {r1:12.0f}")
print(f"{'bouncekit check, 1,000 addresses':44} {hk:9.0f} {hkp:8.2f} {hk*1000:12.0f}")
print(f"{'redis SMISMEMBER, 1,000 addresses':44} {rk:9.0f} {rkp:8.2f} {rk*1000:12.0f}")
print(f"ratio bouncekit/redis at {c} connections: 1 address {h1/r1:.2f}x req/s, p99 {h1p/max(r1p,0.001):.1f}x; "
      f"1,000 addresses {hk/rk:.2f}x req/s, p99 {hkp/max(rkp,0.001):.1f}x")
ok = h1 >= 20000 and h1p < 10
print(f"target (single-address check >= 20k req/s, p99 < 10 ms): {'met' if ok else 'NOT met'}")
PY
