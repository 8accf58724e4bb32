#!/usr/bin/env bash
# sqlmap against the routes that take user input into queries: the login,
# the module routes, quiz attempts and team routes, authenticated with a
# personal token where they need one. Fails if sqlmap reports anything
# injectable. Takes about ten minutes:
#
#   bash .ci/security/sqlmap.sh
#
# The server runs with behind_proxy = true and sqlmap's xforwardedfor tamper
# script, so each request seems to come from another address and the login
# throttle (5 failures per account, 20 per address in 15 minutes) does not
# turn every probe into a 429 that would hide an injection.
set -euo pipefail
cd "$(dirname "$0")/../.."
LEVEL="${LEVEL:-3}"
RISK="${RISK:-2}"
REPORTS="target/security/sqlmap"
mkdir -p "$REPORTS"
command -v sqlmap >/dev/null 2>&1 || pip install --quiet --disable-pip-version-check sqlmap
# shellcheck source=server.sh
source .ci/security/server.sh
printf 'behind_proxy = true\n' > "$work/salesdojo.toml"
export SALESDOJO_CONFIG="$work/salesdojo.toml"
password="sqlmap password 2026"
echo "$password" | "$BIN" user add --email admin@sqlmap.test --name "Sqlmap Admin" --role admin --password-stdin >/dev/null
echo "$password" | "$BIN" user add --email lea@sqlmap.test --name "Lea" --job new-hire --password-stdin >/dev/null
admin=$("$BIN" token create --user admin@sqlmap.test | tail -n 1)
lea=$("$BIN" token create --user lea@sqlmap.test | tail -n 1)
start_server "$REPORTS/server.log"

json='Content-Type: application/json'
# A real attempt and team to aim at.
attempt=$(curl -fs -X POST -H "Authorization: Bearer $lea" "$base/api/v1/modules/product-knowledge/attempts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["attempt_id"])')
team=$(curl -fs -X POST -H "Authorization: Bearer $admin" -H "$json" -d '{"name":"North","manager_email":"admin@sqlmap.test"}' "$base/api/v1/teams" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

status=0
probe() {
  local name=$1; shift
  echo "== sqlmap: $name"
  sqlmap --batch --level "$LEVEL" --risk "$RISK" --tamper xforwardedfor \
    --ignore-code 400,401,403,404,409,415,422,429 \
    --output-dir "$REPORTS/$name" --flush-session --disable-coloring "$@" \
    > "$REPORTS/$name.log" 2>&1 || true
  if grep -Ei "is vulnerable|appears to be .*injectable|sqlmap identified the following injection" "$REPORTS/$name.log"; then
    echo "   INJECTABLE (see $REPORTS/$name.log)"
    status=1
  else
    tried=$(grep -cE "\[INFO\] testing '" "$REPORTS/$name.log" || true)
    if [ "$tried" -eq 0 ]; then
      echo "   sqlmap tested nothing here (see $REPORTS/$name.log)"
      status=1
    else
      echo "   $tried techniques tried; $(grep -oE "all tested parameters do not appear to be injectable" "$REPORTS/$name.log" | head -n 1)"
    fi
  fi
}

probe login -u "$base/api/v1/session" --method POST -H "$json" \
  --data '{"email":"lea@sqlmap.test*","password":"x*"}'
probe login_page -u "$base/login" --method POST \
  --data 'email=lea%40sqlmap.test&password=x&next=%2F' -p email,password,next
probe modules -u "$base/api/v1/modules?q=price&language=en" -H "Authorization: Bearer $lea" -p q,language
probe module -u "$base/api/v1/modules/product-knowledge*" -H "Authorization: Bearer $lea"
probe attempt_read -u "$base/api/v1/attempts/$attempt*" -H "Authorization: Bearer $lea"
probe attempt_submit -u "$base/api/v1/attempts/$attempt" --method PUT -H "Authorization: Bearer $lea" -H "$json" \
  --data '{"answers":{"competitor-reputation*":[1]}}'
probe team_heatmap -u "$base/api/v1/teams/$team*/heatmap?sort=gap" -H "Authorization: Bearer $admin"
probe team_assignments -u "$base/api/v1/teams/$team/assignments?status=open" -H "Authorization: Bearer $admin" -p status
probe team_assign -u "$base/api/v1/teams/$team/assignments" --method POST -H "Authorization: Bearer $admin" -H "$json" \
  --data '{"module_id":"product-knowledge*","due":"2099-01-01*"}'
probe xapi -u "$base/api/v1/export/xapi?team=$team&since=2026-01-01" -H "Authorization: Bearer $admin" -p team,since
exit "$status"
