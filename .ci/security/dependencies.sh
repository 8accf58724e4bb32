#!/usr/bin/env bash
# Dependencies: licences, bans and sources with cargo deny (must pass), and
# known vulnerabilities with the RustSec advisory database (cargo deny check
# advisories) when that database can be fetched from GitHub or a mirror.
#
#   bash .ci/security/dependencies.sh
#   ADVISORY_DB_URL=git://mirror.example/advisory-db bash .ci/security/dependencies.sh
#
# Installs cargo-deny into target/tools if it is not on PATH (about five
# minutes of compiling, once per machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
config=.ci/security/deny.toml
deny=$(command -v cargo-deny || true)
if [ -z "$deny" ] || ! "$deny" --version 2>/dev/null | grep -qE '^cargo-deny 0\.(1[89]|[2-9][0-9])'; then
  deny="$PWD/target/tools/bin/cargo-deny"
  if [ ! -x "$deny" ]; then
    echo "installing cargo-deny (once) into target/tools"
    cargo install cargo-deny --locked --version '^0.20' --root target/tools --quiet
  fi
fi
"$deny" --version

echo "== licences, bans and sources"
"$deny" --manifest-path "$PWD/Cargo.toml" --config "$config" --workspace \
  check --hide-inclusion-graph licenses bans sources

echo "== known vulnerabilities (RustSec)"
# ADVISORY_DB_URL points at a git mirror of the database where GitHub cannot
# be reached. cargo deny wants a host name in it (https:// or git://, not
# file://); `git daemon` serves a local clone as git://localhost/NAME.
advisory_db=${ADVISORY_DB_URL:-https://github.com/RustSec/advisory-db}
if git ls-remote --exit-code "$advisory_db" HEAD >/dev/null 2>&1; then
  if [ -n "${ADVISORY_DB_URL:-}" ]; then
    mkdir -p target
    mirror_config=target/deny-advisory-mirror.toml
    cp "$config" "$mirror_config"
    printf '\n[advisories]\ndb-urls = ["%s"]\ndb-path = "%s"\n' \
      "$advisory_db" "$PWD/target/advisory-dbs" >>"$mirror_config"
    config=$mirror_config
    echo "advisory database: $advisory_db"
  fi
  "$deny" --manifest-path "$PWD/Cargo.toml" --config "$config" --workspace \
    check --hide-inclusion-graph advisories
elif [ -n "${ADVISORY_DB_URL:-}" ]; then
  echo "error: ADVISORY_DB_URL=$ADVISORY_DB_URL cannot be reached with git ls-remote;" >&2
  echo "check the address and that the mirror serves a clone of the advisory database" >&2
  exit 1
else
  echo "NOT CHECKED: the RustSec advisory database ($advisory_db)"
  echo "cannot be fetched from this machine. Run this script where GitHub is"
  echo "reachable, or with ADVISORY_DB_URL set to a mirror of the database."
fi
