#!/usr/bin/env bash
# Store benchmark: suppression checks per second (single and bulk) and ingest events per
# second, in process, on a database file; then `bouncekit ingest` end to end.
#
#   bench/store.sh                       # 200k events / 100k suppressions
#   BENCH_SUPPRESSIONS=1000000 bench/store.sh
#
# 1. `cargo bench -p bouncekit-store --bench store`: ingests BENCH_SUPPRESSIONS one-record
#    messages (10k one per transaction, the rest 256 per transaction, as the CLI commits),
#    every other one a hard bounce; then checks every address in one bulk call and 50k
#    addresses one call each.
# 2. `cargo bench -p bouncekit-store --bench nodes`: SQLite against PostgreSQL, one node
#    (connection) against two on the same database: ingest (1 and 256 messages per
#    transaction), single and bulk checks. PostgreSQL: BENCH_PG (default the server on
#    127.0.0.1:5432; `off` skips it), a fresh database per run, dropped after.
# 3. The CLI: the corpus written 20 times into one mbox (bench/make-mbox.py), ingested
#    into a fresh database; events per second of wall time. With PostgreSQL also by one
#    `bouncekit ingest` process and by two at once (each half of the mbox).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${WORK:-$(mktemp -d)}"
cargo build --release -q
cargo bench -q -p bouncekit-store --bench store 2>/dev/null | grep -v '^$'
cargo bench -q -p bouncekit-store --bench nodes 2>/dev/null | grep -v '^$'
python3 bench/make-mbox.py ../shared/corpus/emails 20 "$WORK/corpus.mbox"
start=$(date +%s.%N)
target/release/bouncekit --db "$WORK/bench.db" ingest --no-progress --format json "$WORK/corpus.mbox" > "$WORK/summary.json" 2>/dev/null || true
end=$(date +%s.%N)
python3 - "$start" "$end" "$WORK/summary.json" <<'PY'
import json, sys
wall = float(sys.argv[2]) - float(sys.argv[1])
s = json.load(open(sys.argv[3]))[0]
print(f"cli: bouncekit ingest of the corpus x20 ({s['messages']} messages, {s['records']} records, "
      f"{s['new_events']} new events): {wall:.2f} s = {s['records']/wall:.0f} records/s")
PY
# PostgreSQL end to end: one `bouncekit ingest` of the whole mbox, then two at once on a
# fresh database, each ingesting one half (the mbox split at a message boundary).
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ "$PG" != off ] && command -v psql >/dev/null 2>&1; then
  pg_db() { echo "${PG%%\?*}" | sed -E "s#(://[^/]*)(/.*)?\$#\1/$1#"; }
  python3 - "$WORK/corpus.mbox" "$WORK/half1.mbox" "$WORK/half2.mbox" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
cut = data.find(b'\nFrom ', len(data) // 2) + 1
open(sys.argv[2], 'wb').write(data[:cut]); open(sys.argv[3], 'wb').write(data[cut:])
PY
  for nodes in 1 2; do
    db="bouncekit_bench_cli_$$_$nodes"
    psql -q "$PG" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
    url="$(pg_db "$db")"
    target/release/bouncekit --db "$url" suppressions list --limit 1 >/dev/null  # migrate first
    start=$(date +%s.%N)
    if [ "$nodes" = 1 ]; then
      target/release/bouncekit --db "$url" ingest --no-progress --format json "$WORK/corpus.mbox" > "$WORK/s1.json" 2>/dev/null || true
      echo '[{"records": 0}]' > "$WORK/s2.json"
    else
      target/release/bouncekit --db "$url" ingest --no-progress --format json "$WORK/half1.mbox" > "$WORK/s1.json" 2>/dev/null &
      target/release/bouncekit --db "$url" ingest --no-progress --format json "$WORK/half2.mbox" > "$WORK/s2.json" 2>/dev/null || true
      wait
    fi
    end=$(date +%s.%N)
    events=$(psql -qAt "$url" -c "SELECT COUNT(*) FROM events")
    python3 - "$start" "$end" "$nodes" "$events" "$WORK/s1.json" "$WORK/s2.json" <<'PY'
import json, sys
wall = float(sys.argv[2]) - float(sys.argv[1])
records = sum(json.load(open(p))[0]["records"] for p in sys.argv[5:7])
print(f"cli on PostgreSQL, {sys.argv[3]} ingest process(es) at once: {records} records ({sys.argv[4]} new events) "
      f"in {wall:.2f} s = {records/wall:.0f} records/s")
PY
    psql -q "$PG" -c "DROP DATABASE $db WITH (FORCE)"
  done
fi
rm -rf "$WORK"
