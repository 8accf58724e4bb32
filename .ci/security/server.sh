# Sourced by the security scripts: a throwaway server on a fresh SQLite
# database in a temporary folder that is removed on exit.
#
# Sets BIN, work, DATABASE_URL, SALESDOJO_SECRET and RUST_LOG; then
# `start_server LOG [serve flags...]` starts it on a free port, waits until
# /healthz answers, and sets `server` (its pid) and `base` (its URL).
BIN="${SALESDOJO_BIN:-target/debug/salesdojo}"
[ -x "$BIN" ] || cargo build --locked --bin salesdojo

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$work/salesdojo.db?mode=rwc"
export SALESDOJO_SECRET="security-scripts-secret-that-is-long-enough-for-a-cookie-key"
export RUST_LOG="${RUST_LOG:-warn}"

start_server() {
  local log=$1
  shift
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$BIN" serve --bind "127.0.0.1:$port" --content content "$@" >"$log" 2>&1 &
  server=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -fs "$base/healthz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the server did not become healthy; its log:" >&2
  tail -n 20 "$log" >&2
  return 1
}
