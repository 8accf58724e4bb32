#!/usr/bin/env bash
# Start-up time and memory with 500 modules, against the shipped content.
#
# Builds a content folder of MODULES modules (default 500): the shipped
# curriculum (competencies.toml, paths, its 13 modules) plus copies of the
# shipped modules, round-robin, under new ids (`<module>-copy-NNN`) with the
# titles numbered, until there are MODULES in all. `salesdojo check` must
# accept it. Then, RUNS times each (default 3), alternating, it starts the
# release server on a fresh SQLite database with the shipped content and
# with the large one, and measures the time from the spawn to the first 200
# from /healthz and the resident memory (VmRSS, and the peak VmHWM) once it
# answers. Prints the medians, the ratios large/shipped and the ratios to the
# SPEC section 6 targets (under 2 s, under 150 MB resident).
#
# Run:  bash benches/startup.sh
# Env:  SALESDOJO_BIN (default $CARGO_TARGET_DIR/release/salesdojo,
#       else target/release/salesdojo), MODULES (500), RUNS (3), RUST_LOG (info).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULES="${MODULES:-500}"
RUNS="${RUNS:-3}"

# shellcheck source=release_binary.sh
source "$ROOT/benches/release_binary.sh"
command -v curl >/dev/null || apt-get install -y -q curl >/dev/null

TMP="$(mktemp -d /tmp/startup-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export SALESDOJO_SECRET="startup-benchmark-secret-0123456789abcdefgh"

# --- the large content folder ------------------------------------------------
LARGE="$TMP/content-$MODULES"
cp -r "$ROOT/content" "$LARGE"
mapfile -t SHIPPED < <(find "$ROOT/content/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
if ((MODULES < ${#SHIPPED[@]})); then
    echo "MODULES must be at least ${#SHIPPED[@]} (the shipped modules)" >&2
    exit 1
fi
for ((n = ${#SHIPPED[@]}; n < MODULES; n++)); do
    source_id="${SHIPPED[n % ${#SHIPPED[@]}]}"
    id="$(printf '%s-copy-%03d' "$source_id" "$n")"
    cp -r "$ROOT/content/modules/$source_id" "$LARGE/modules/$id"
    # Number the title in each language (the first title line of the front matter).
    for lesson in "$LARGE/modules/$id"/lesson*.md; do
        sed -i "0,/^title = \"\(.*\)\"$/s//title = \"\1 ($n)\"/" "$lesson"
    done
done
# Put the copies on a learning path of their own (stages of 50 modules), so the
# folder checks without warnings, as a maintained course would.
{
    echo 'id = "bench-library"'
    echo 'title = "Benchmark library"'
    echo 'role = "sales-rep"'
    mapfile -t COPIES < <(find "$LARGE/modules" -mindepth 1 -maxdepth 1 -type d -name '*-copy-*' -printf '%f\n' | sort)
    for ((i = 0; i < ${#COPIES[@]}; i += 50)); do
        printf '\n[[stage]]\ntitle = "Part %d"\ndays = 30\nmodules = [' $((i / 50 + 1))
        printf '"%s", ' "${COPIES[@]:i:50}" | sed 's/, $//'
        printf ']\n'
    done
} >"$LARGE/paths/bench-library.toml"
FILES="$(find "$LARGE" -type f | wc -l)"
BYTES="$(du -sb "$LARGE" | cut -f1)"
echo "load average before: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews every figure; the ratios less)"
echo "salesdojo $("$BIN" --version 2>/dev/null | awk '{print $NF}') ($BIN, built $(date -u -r "$BIN" '+%F %T UTC'))"
echo "content: $(find "$LARGE/modules" -mindepth 1 -maxdepth 1 -type d | wc -l) modules ($FILES files, $((BYTES / 1024)) KiB) built from the ${#SHIPPED[@]} shipped ones"
if ! RUST_LOG=warn "$BIN" check "$LARGE" >"$TMP/check.txt" 2>&1; then
    echo "salesdojo check refused the generated content:" >&2
    cat "$TMP/check.txt" >&2
    exit 1
fi
echo "salesdojo check: $(tail -1 "$TMP/check.txt")"

# --- one start ---------------------------------------------------------------
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

# start_once CONTENT: prints "seconds rss_mb hwm_mb"
start_once() {
    local content=$1 port dir start end
    port="$(free_port)"
    dir="$(mktemp -d "$TMP/run.XXXXXX")"
    start="$(date +%s%N)"
    (
        cd "$dir"
        exec env RUST_LOG="${RUST_LOG:-info}" "$BIN" --database-url "sqlite://$dir/salesdojo.db?mode=rwc" \
            serve --bind "127.0.0.1:$port" --content "$content" >"$dir/server.log" 2>&1
    ) &
    SERVER_PID=$!
    until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "the server exited:" >&2
            cat "$dir/server.log" >&2
            exit 1
        fi
        if (($(date +%s%N) - start > 60000000000)); then
            echo "no healthy /healthz within 60 s" >&2
            exit 1
        fi
        sleep 0.005
    done
    end="$(date +%s%N)"
    sleep 0.3
    local rss hwm
    rss="$(kib "$SERVER_PID" VmRSS)"
    hwm="$(kib "$SERVER_PID" VmHWM)"
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    awk -v s="$start" -v e="$end" -v r="$rss" -v h="$hwm" \
        'BEGIN { printf "%.3f %.1f %.1f\n", (e - s) / 1e9, r / 1024, h / 1024 }'
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

: >"$TMP/shipped.txt"
: >"$TMP/large.txt"
for ((run = 1; run <= RUNS; run++)); do
    start_once "$ROOT/content" >"$TMP/last.txt"
    read -r s r h <"$TMP/last.txt"
    echo "$s $r $h" >>"$TMP/shipped.txt"
    printf 'run %d  shipped (%2d modules): %6.3f s to healthy, VmRSS %6.1f MB, VmHWM %6.1f MB\n' "$run" "${#SHIPPED[@]}" "$s" "$r" "$h"
    start_once "$LARGE" >"$TMP/last.txt"
    read -r s r h <"$TMP/last.txt"
    echo "$s $r $h" >>"$TMP/large.txt"
    printf 'run %d  large (%d modules): %6.3f s to healthy, VmRSS %6.1f MB, VmHWM %6.1f MB\n' "$run" "$MODULES" "$s" "$r" "$h"
done

col() { awk -v c="$2" '{print $c}' "$TMP/$1.txt" | median; }
S_T="$(col shipped 1)"; S_R="$(col shipped 2)"; S_H="$(col shipped 3)"
L_T="$(col large 1)"; L_R="$(col large 2)"; L_H="$(col large 3)"
echo
printf 'median of %d   %10s %12s %12s\n' "$RUNS" "start s" "VmRSS MB" "VmHWM MB"
printf 'shipped (%3d)  %10.3f %12.1f %12.1f\n' "${#SHIPPED[@]}" "$S_T" "$S_R" "$S_H"
printf 'large (%5d)  %10.3f %12.1f %12.1f\n' "$MODULES" "$L_T" "$L_R" "$L_H"
echo
awk -v lt="$L_T" -v st="$S_T" -v lr="$L_R" -v sr="$S_R" -v lh="$L_H" -v m="$MODULES" 'BEGIN {
    printf "RATIO %d modules / shipped: start %.2f, resident memory %.2f\n", m, lt / st, lr / sr
    printf "RATIO to target (%d modules): start %.2f of 2 s (%s), memory %.2f of 150 MB resident (%s; peak %.0f MB)\n",
        m, lt / 2, (lt < 2) ? "met" : "MISSED", lr / 150, (lr < 150) ? "met" : "MISSED", lh
}'
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
