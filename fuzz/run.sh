#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after the other, on
# seeds from testdata/ plus what earlier runs found (fuzz/corpus, not committed).
#
#   fuzz/run.sh 20                     # the short run CI does
#   nice -n 19 fuzz/run.sh 1200 logs   # a long campaign of one target
#
# Builds with cargo-fuzz on stable (`-s none -O`: libFuzzer with coverage, no sanitizer;
# debug assertions and overflow checks come from fuzz/Cargo.toml's release profile).
# Installs cargo-fuzz when missing.
# Exits non-zero when a target fails; the input that failed is in
# fuzz/artifacts/<target>/ (reproduce: cargo fuzz run -s none -O <target> <file>).
# Each target's libFuzzer log is kept in $FUZZ_LOG_DIR (default: a temporary directory)
# and its closing figures are printed.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_mail classify_reply logs webhooks smtp_session)
fi
log_dir="${FUZZ_LOG_DIR:-$(mktemp -d)}"
mkdir -p "$log_dir"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install --locked cargo-fuzz
fi

echo "== building fuzz targets"
build_start=$SECONDS
cargo fuzz build -s none -O
echo "build: $((SECONDS - build_start)) s"

python3 seed.py "${targets[@]}"

status=0
for t in "${targets[@]}"; do
  echo "== $t: ${seconds} s"
  mkdir -p "artifacts/$t"
  if cargo fuzz run -s none -O "$t" "corpus/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="artifacts/$t/" >"$log_dir/$t.log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    grep -E "panicked|ERROR|SUMMARY|Test unit written" "$log_dir/$t.log" | head -n 20 || true
  fi
  last=$(grep -E "^#[0-9]+" "$log_dir/$t.log" | tail -n 1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log_dir/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log_dir/$t.log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log_dir/$t.log")
  echo "$t: $result; execs ${execs:-?}, ${rate:-?} exec/s, peak RSS ${rss:-?} MB; last: ${last:-none}"
done
echo "logs: $log_dir"
exit "$status"
