#!/usr/bin/env bash
# Schemathesis against Sales Dojo's OpenAPI document, authenticated with a
# personal token, once as an administrator and once as a learner, on a
# server loaded with the demo company. Fails on any 5xx, any response that
# breaks its own schema, an undocumented status code or content type.
#
#   MAX_TIME=60 bash .ci/security/api_fuzz.sh      # the short run in .ci/run
#   MAX_TIME=900 bash .ci/security/api_fuzz.sh     # the long run
#
# SALESDOJO_BIN picks the binary (default: target/debug/salesdojo, built
# if missing). Reports go to target/security/.
set -euo pipefail
cd "$(dirname "$0")/../.."
MAX_TIME="${MAX_TIME:-60}"
BIN="${SALESDOJO_BIN:-target/debug/salesdojo}"
REPORTS="target/security"
mkdir -p "$REPORTS"

if ! command -v schemathesis >/dev/null 2>&1; then
  pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi
[ -x "$BIN" ] || cargo build --locked --bin salesdojo

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$work/salesdojo.db?mode=rwc"
export SALESDOJO_SECRET="api-fuzz-secret-that-is-long-enough-for-a-cookie-key"
export RUST_LOG="${RUST_LOG:-warn}"
password="fuzz password 2026"
echo "$password" | "$BIN" user add --email admin@fuzz.test --name "Fuzz Admin" --role admin --password-stdin >/dev/null
echo "$password" | "$BIN" user add --email learner@fuzz.test --name "Fuzz Learner" --job new-hire --password-stdin >/dev/null
admin_token=$("$BIN" token create --user admin@fuzz.test --label fuzz | tail -n 1)
learner_token=$("$BIN" token create --user learner@fuzz.test --label fuzz | tail -n 1)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --bind "127.0.0.1:$port" --content content --demo >"$REPORTS/api_fuzz_server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null

status=0
for who in admin learner; do
  token_var="${who}_token"
  echo "== schemathesis as the $who (max ${MAX_TIME}s)"
  schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer ${!token_var}" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance \
    --max-time "$MAX_TIME" \
    --workers 2 \
    --seed 2026 \
    --report junit --report-dir "$REPORTS/schemathesis-$who" \
    || status=1
done
if grep -E '" 5[0-9][0-9] ' "$REPORTS/api_fuzz_server.log" >/dev/null 2>&1; then
  echo "the server logged 5xx answers:" >&2
  grep -E '" 5[0-9][0-9] ' "$REPORTS/api_fuzz_server.log" | head -20 >&2
  status=1
fi
exit "$status"
