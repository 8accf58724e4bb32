# Sourced by the benchmark scripts: sets BIN to the release server binary,
# from SALESDOJO_BIN, else $CARGO_TARGET_DIR/release or target/release.
# Needs ROOT (the repository) to be set.
BIN="${SALESDOJO_BIN:-}"
if [[ -z "$BIN" ]]; then
    for candidate in "${CARGO_TARGET_DIR:-$ROOT/target}/release/salesdojo" "$ROOT/target/release/salesdojo"; do
        if [[ -x "$candidate" ]]; then BIN="$candidate"; break; fi
    done
fi
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
    echo "no release binary: build one with 'cargo build --release' or set SALESDOJO_BIN" >&2
    exit 1
fi
