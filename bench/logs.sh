#!/usr/bin/env bash
# MTA log benchmark: Postfix log lines per second on one core.
#
#   bench/logs.sh             # 1 M lines
#   LINES=5000000 bench/logs.sh
#
# 1. The library: `cargo bench -p bouncekit-logs --bench postfix` generates the log in
#    memory and times LogReader (line splitting, joins, reply parsing, classification,
#    record building) on one thread.
# 2. The CLI end to end on the same log written to a file: `bouncekit logs --format jsonl`
#    (reading, classifying and writing JSON lines), wall time and peak memory.
# Needs GNU time for the second part.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${LINES:-1000000}"
WORK="${WORK:-$(mktemp -d)}"
BIN=target/release/bouncekit
cargo build --release -q
BOUNCEKIT_BENCH_LINES="$LINES" cargo bench -q -p bouncekit-logs --bench postfix 2>/dev/null | grep 'lines'
BOUNCEKIT_BENCH_LINES="$LINES" BOUNCEKIT_BENCH_WRITE="$WORK/mail.log" cargo bench -q -p bouncekit-logs --bench postfix 2>/dev/null
n=$(wc -l < "$WORK/mail.log")
/usr/bin/time -f "%e %M %U %S" -o "$WORK/time" "$BIN" logs --mta postfix --format jsonl "$WORK/mail.log" > "$WORK/out" 2>/dev/null || true
read -r wall rss user sys < <(tail -n 1 "$WORK/time")
python3 - "$n" "$wall" "$rss" "$user" "$sys" "$(wc -l < "$WORK/out")" <<'PY'
import sys
n, wall, rss, cpu, recs = int(sys.argv[1]), max(float(sys.argv[2]), 0.001), int(sys.argv[3]), max(float(sys.argv[4]) + float(sys.argv[5]), 0.001), int(sys.argv[6])
print(f"cli: bouncekit logs --format jsonl: {n} lines, {recs} records in {wall:.2f} s = {n/wall:.0f} lines/s "
      f"({cpu:.2f} CPU s = {n/cpu:.0f} lines per CPU second), peak RSS {rss/1024:.1f} MB")
PY
rm -rf "$WORK"
