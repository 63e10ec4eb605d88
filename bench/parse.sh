#!/usr/bin/env bash
# Parser benchmark: bouncekit (1 thread and all cores) against Sisimai, in the same run,
# on the same mbox built from the shared corpus repeated N times (default 20).
#
#   bench/parse.sh            # corpus x20, plus a 15 MB bounce
#   BIG=1 bench/parse.sh      # also a >= 1 GB mbox for peak memory
#
# Needs: the shared corpus beside the repository, Debian's libsisimai-perl, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT="${REPEAT:-20}"
CORPUS=../shared/corpus/emails
WORK="${WORK:-$(mktemp -d)}"
BIN="${CARGO_TARGET_DIR:-target}/release/bouncekit"
command -v perl >/dev/null && perl -MSisimai -e1 2>/dev/null || { echo "install libsisimai-perl first (apt-get install libsisimai-perl)" >&2; exit 1; }
cargo build --release -q
python3 bench/make-mbox.py "$CORPUS" "$REPEAT" "$WORK/corpus.mbox"
MB=$(python3 -c "import os;print(round(os.path.getsize('$WORK/corpus.mbox')/1e6,2))")
MSGS=$(grep -c '^From ' "$WORK/corpus.mbox")

measure() { # label, command...  -> prints "label wall_s rss_kb records"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$WORK/out" 2>/dev/null || true
  # GNU time prints "Command exited with non-zero status N" first when the command fails.
  read -r wall rss < <(tail -n 1 "$WORK/time")
  echo "$label $wall $rss"
}
echo "input: $MSGS messages, $MB MB (corpus x$REPEAT), $(nproc) cores"
r1=$(measure bouncekit-1t "$BIN" parse --format jsonl -j 1 "$WORK/corpus.mbox"); n1=$(wc -l < "$WORK/out")
rn=$(measure bouncekit-all "$BIN" parse --format jsonl "$WORK/corpus.mbox"); nn=$(wc -l < "$WORK/out")
rs=$(measure sisimai perl bench/sisimai-count.pl "$WORK/corpus.mbox"); ns=$(cat "$WORK/out")
python3 - "$MSGS" "$MB" "$r1" "$n1" "$rn" "$nn" "$rs" "$ns" <<'PY'
import sys
msgs, mb = int(sys.argv[1]), float(sys.argv[2])
rows = []
for run, n in ((sys.argv[3], sys.argv[4]), (sys.argv[5], sys.argv[6]), (sys.argv[7], sys.argv[8])):
    label, wall, rss = run.split()
    wall = max(float(wall), 0.001)
    rows.append((label, wall, int(rss) / 1024, int(n)))
sis = rows[2][1]
print(f"{'tool':<14} {'wall s':>8} {'emails/s':>10} {'MB/s':>8} {'peak RSS MB':>12} {'records':>8} {'x Sisimai':>10}")
for label, wall, rss, n in rows:
    print(f"{label:<14} {wall:>8.2f} {msgs/wall:>10.0f} {mb/wall:>8.2f} {rss:>12.1f} {n:>8} {sis/wall:>10.1f}")
PY

# One 15 MB bounce: a DSN whose returned message carries a large attachment.
python3 bench/make-big-bounce.py "$WORK/big.eml" 15
big=$(measure big-15MB "$BIN" parse --format jsonl "$WORK/big.eml")
echo "15 MB bounce: $(echo "$big" | awk '{print $2}') s, peak RSS $(echo "$big" | awk '{printf "%.1f", $3/1024}') MB, $(wc -l < "$WORK/out") record(s)"

if [ "${BIG:-0}" = 1 ]; then
  python3 bench/make-mbox.py "$CORPUS" 700 "$WORK/huge.mbox"
  GB=$(python3 -c "import os;print(round(os.path.getsize('$WORK/huge.mbox')/1e9,2))")
  huge=$(measure huge "$BIN" parse --format jsonl "$WORK/huge.mbox")
  echo "$GB GB mbox: $(echo "$huge" | awk '{print $2}') s, peak RSS $(echo "$huge" | awk '{printf "%.1f", $3/1024}') MB, $(wc -l < "$WORK/out") records"
  rm -f "$WORK/huge.mbox"
fi
rm -rf "$WORK"
