#!/usr/bin/env bash
# Dependencies: licences, bans and sources with cargo deny (must pass), and
# known vulnerabilities with the RustSec advisory database (cargo deny check
# advisories) when that database can be fetched from GitHub.
#
#   bash .ci/security/dependencies.sh
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
if git ls-remote --exit-code https://github.com/RustSec/advisory-db HEAD >/dev/null 2>&1; then
  "$deny" --manifest-path "$PWD/Cargo.toml" --config "$config" --workspace \
    check --hide-inclusion-graph advisories
else
  echo "NOT CHECKED: the RustSec advisory database (github.com/RustSec/advisory-db)"
  echo "cannot be fetched from this machine. Run this script where GitHub is"
  echo "reachable, or 'cargo deny check advisories' with a local copy of it."
fi
