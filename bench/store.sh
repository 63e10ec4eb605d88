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
# 2. The CLI: the corpus written 20 times into one mbox (bench/make-mbox.py), ingested
#    into a fresh database; events per second of wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${WORK:-$(mktemp -d)}"
cargo build --release -q
cargo bench -q -p bouncekit-store --bench store 2>/dev/null | grep -v '^$'
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
rm -rf "$WORK"
