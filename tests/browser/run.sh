#!/usr/bin/env bash
# The dashboard's end-to-end suite in a real browser.
#
#   tests/browser/run.sh
#
# Installs the pinned npm dependency (npm ci), installs Debian's chromium when
# /usr/bin/chromium is missing, builds bouncekit, seeds a temporary database (the sample
# bounces with recent dates, a KumoMTA log with deliveries, blocks and a domain outage),
# starts two `bouncekit serve` on free loopback ports — one open, one with [[tokens]] —
# and runs the suite (node's test runner). Screenshots of every page are written to
# target/browser-screenshots/. Only the servers started here are stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
shots="$target/browser-screenshots"

echo "== browser tests: dependencies"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "== installing chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "== browser tests: building bouncekit"
(cd "$root" && cargo build --locked -q -p bouncekit)
bin="$target/debug/bouncekit"

work="$(mktemp -d)"
pids=()
stop_servers() {
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
trap 'stop_servers; rm -rf "$work"' EXIT

echo "== browser tests: seeding"
node "$here/seed.mjs" "$root/testdata/bounces" "$work/seed"
"$bin" --db "$work/open.db" ingest --no-progress "$work/seed/eml" >"$work/ingest.log" 2>&1 || {
  # Exit 1 means "some message was not understood"; anything else is a failure.
  rc=$?
  [ "$rc" -eq 1 ] || { cat "$work/ingest.log" >&2; exit "$rc"; }
}
"$bin" --db "$work/open.db" logs --ingest --mta kumomta --no-progress "$work/seed/kumo.jsonl" >>"$work/ingest.log" 2>&1
cp "$work/open.db" "$work/tokens.db"

read_token="read-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
write_token="write-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$work/tokens.toml" <<EOF
[[tokens]]
name = "reader"
token = "$read_token"
scope = "read"

[[tokens]]
name = "writer"
token = "$write_token"
scope = "write"
EOF

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# "Check DNS now" asks a loopback port where nothing answers: the verdict is "unknown",
# and no query leaves the machine.
printf '[dashboard]\nnameservers = ["127.0.0.1:%s"]\n' "$(free_port)" >"$work/open.toml"
printf '\n' >>"$work/tokens.toml"
cat "$work/open.toml" >>"$work/tokens.toml"
start() { # name port database [serve options...]
  local name="$1" port="$2" db="$3"
  shift 3
  "$bin" --db "$db" serve --listen "127.0.0.1:$port" --cleanup-every 0 "$@" >"$work/$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "browser tests: the $name server did not start:" >&2
  cat "$work/$name.log" >&2
  return 1
}
open_port="$(free_port)"
start open "$open_port" "$work/open.db" --config "$work/open.toml"
tokens_port="$(free_port)"
start tokens "$tokens_port" "$work/tokens.db" --config "$work/tokens.toml"

echo "== browser tests: running (screenshots in $shots)"
rm -rf "$shots"
mkdir -p "$shots"
cd "$here"
status=0
BK_OPEN_URL="http://127.0.0.1:$open_port" BK_TOKENS_URL="http://127.0.0.1:$tokens_port" \
  BK_READ_TOKEN="$read_token" BK_WRITE_TOKEN="$write_token" BK_SHOTS="$shots" \
  node --test --test-concurrency=1 --test-reporter=spec dashboard.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "browser tests failed; server logs:" >&2
  tail -n 30 "$work/open.log" "$work/tokens.log" >&2
fi
exit "$status"
