#!/usr/bin/env bash
# An authenticated lesson page against nginx serving the same bytes.
#
# Starts the release server (SQLite, the shipped content), logs a learner in,
# saves one lesson page (/modules/$MODULE) as that learner sees it, serves the
# saved file with nginx on another port, and runs the same wrk load against
# both in this run. Prints requests/s of each, the ratio salesdojo/nginx
# (SPEC section 6: at least 0.25) and salesdojo's latency percentiles (p99
# under 10 ms at 64 connections), with the CPU each server used and the
# share of CPU time the host stole from this virtual machine meanwhile. For
# reference it also loads salesdojo's sign-in page, which needs no database.
#
# Run:  bash benches/lesson_page.sh
# Env:  SALESDOJO_BIN (default $CARGO_TARGET_DIR/release/salesdojo,
#       else target/release/salesdojo), MODULE (objection-handling), DURATION (15s),
#       CONNECTIONS (64), THREADS (2), WARMUP (3s), RUST_LOG (info, as shipped).
#
# wrk, nginx and salesdojo share the machine's cores: on a 2-core machine the
# load generator takes a good part of the CPU from both servers alike.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="${MODULE:-objection-handling}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-3s}"
EMAIL="bench-learner@example.com"
PASSWORD="bench-password-123"

# shellcheck source=release_binary.sh
source "$ROOT/benches/release_binary.sh"

# --- tools -------------------------------------------------------------------
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
    echo "installing nginx and wrk ..."
    # RUNLEVEL=1: the package must not start a system nginx on port 80.
    export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
    apt-get install -y -q nginx-light wrk curl >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null && apt-get install -y -q nginx-light wrk curl >/dev/null; } ||
        apt-get install -y -q nginx wrk curl >/dev/null
fi
# The Debian package starts a system nginx on port 80; ours uses its own port
# and configuration, so that one does not matter here.

TMP="$(mktemp -d /tmp/lesson-bench.XXXXXX)"
SERVER_PID=""
NGINX_PID=""
cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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

wait_for() { # url, seconds
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        if ((SECONDS > deadline)); then
            echo "no answer from $1 after $2 s" >&2
            return 1
        fi
        sleep 0.05
    done
}

# CPU seconds (user + system, all threads) of a process and its children.
cpu_ticks() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
        if [[ -r /proc/$pid/stat ]]; then
            # Fields 14 and 15 after the ")" that ends the command name.
            total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
        fi
    done
    echo "$total"
}
HZ="$(getconf CLK_TCK)"

# The machine-wide "cpu" line of /proc/stat: total ticks and stolen ticks.
# Steal is time this virtual machine's cores were runnable but the host ran
# something else; a run with much of it says more about the host than us.
cpu_and_steal() {
    awk '$1 == "cpu" {t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9}' /proc/stat
}

# --- salesdojo ---------------------------------------------------------------
SD_PORT="$(free_port)"
DB_URL="sqlite://$TMP/salesdojo.db?mode=rwc"
export SALESDOJO_SECRET="lesson-page-benchmark-secret-0123456789abcdef"
(
    cd "$TMP"
    exec env RUST_LOG="${RUST_LOG:-info}" "$BIN" --database-url "$DB_URL" serve \
        --bind "127.0.0.1:$SD_PORT" --content "$ROOT/content" >"$TMP/server.log" 2>&1
) &
SERVER_PID=$!
wait_for "http://127.0.0.1:$SD_PORT/healthz" 60

printf '%s\n' "$PASSWORD" | (cd "$TMP" && RUST_LOG=warn "$BIN" --database-url "$DB_URL" user add \
    --email "$EMAIL" --name "Bench Learner" --role learner --job new-hire --password-stdin) >/dev/null
curl -fsS -c "$TMP/cookies" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$SD_PORT/api/v1/session"
COOKIE="$(awk -F'\t' 'NF >= 7 && $1 !~ /^# / {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$TMP/cookies")"
if [[ -z "$COOKIE" ]]; then
    echo "the login set no cookie" >&2
    exit 1
fi

mkdir -p "$TMP/www"
PAGE_URL="http://127.0.0.1:$SD_PORT/modules/$MODULE"
status="$(curl -sS -o "$TMP/www/lesson.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$PAGE_URL")"
if [[ "$status" != 200 ]] || ! grep -q '<html' "$TMP/www/lesson.html"; then
    echo "GET /modules/$MODULE answered $status, not the lesson page" >&2
    exit 1
fi
PAGE_BYTES="$(stat -c %s "$TMP/www/lesson.html")"

# --- nginx -------------------------------------------------------------------
NG_PORT="$(free_port)"
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
user root;
daemon off;
worker_processes auto;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$NG_PORT;
        root $TMP/www;
        location = /modules/$MODULE {
            default_type "text/html; charset=utf-8";
            try_files /lesson.html =404;
        }
    }
}
EOF
nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NG_PORT/modules/$MODULE"
wait_for "$NGINX_URL" 10
if ! cmp -s <(curl -fsS "$NGINX_URL") "$TMP/www/lesson.html"; then
    echo "nginx does not serve the saved page" >&2
    exit 1
fi

# --- load ----------------------------------------------------------------------
# run_wrk NAME PID URL [header]: writes $TMP/NAME.txt (wrk's report) and
# $TMP/NAME.cpu (server CPU and wrk CPU, each in cores used on average, and
# the share of the machine's CPU time stolen by the host).
run_wrk() {
    local name=$1 pid=$2 url=$3 before after machine_before machine_after
    shift 3
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >/dev/null
    machine_before="$(cpu_and_steal)"
    before="$(cpu_ticks "$pid")"
    local TIMEFORMAT='%R %U %S'
    { time wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$TMP/$name.txt"; } 2>"$TMP/$name.time"
    after="$(cpu_ticks "$pid")"
    machine_after="$(cpu_and_steal)"
    read -r real user sys < <(tail -n 1 "$TMP/$name.time")
    awk -v b="$before" -v a="$after" -v hz="$HZ" -v r="$real" -v u="$user" -v s="$sys" \
        -v mb="$machine_before" -v ma="$machine_after" \
        'BEGIN {
            split(mb, x, " "); split(ma, y, " ")
            stolen = (y[1] > x[1]) ? (y[2] - x[2]) / (y[1] - x[1]) : 0
            printf "%.2f %.2f %.2f\n", (a - b) / hz / r, (u + s) / r, stolen
        }' >"$TMP/$name.cpu"
}

echo "load average before: $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews every figure; the ratios less)"
echo "salesdojo $("$BIN" --version 2>/dev/null | awk '{print $NF}') ($BIN, built $(date -u -r "$BIN" '+%F %T UTC')), $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
echo "page: GET /modules/$MODULE as a logged-in learner, $PAGE_BYTES bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after a $WARMUP warm-up)"
run_wrk salesdojo "$SERVER_PID" "$PAGE_URL" -H "Cookie: $COOKIE"
run_wrk nginx "$NGINX_PID" "$NGINX_URL"
# For reference, not part of the target: a page salesdojo renders with no
# database query at all (the sign-in page), to show the framework's own
# share of the cost (HTTP, middleware, Tera) beside the lesson page's.
LOGIN_URL="http://127.0.0.1:$SD_PORT/login"
LOGIN_BYTES="$(curl -fsS "$LOGIN_URL" | wc -c)"
run_wrk sign-in "$SERVER_PID" "$LOGIN_URL"

rps() { awk '/^Requests\/sec:/ {print $2}' "$TMP/$1.txt"; }
# Latency percentile in ms from wrk's --latency table ("99%   12.34ms").
pct() {
    awk -v p="$2%" '$1 == p {
        v = $2
        if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v) }
        else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
        printf "%.2f", v
    }' "$TMP/$1.txt"
}
errors() {
    awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) {sub(/,/, "", $i); n += $i}} END {print n + 0}' "$TMP/$1.txt"
}

SD_RPS="$(rps salesdojo)"
NG_RPS="$(rps nginx)"
echo
printf '%-10s %12s %9s %9s %9s %9s %8s %12s %10s %8s\n' server "requests/s" "p50 ms" "p90 ms" "p99 ms" "max ms" errors "server CPU" "wrk CPU" "stolen"
for name in salesdojo nginx sign-in; do
    read -r cpu wcpu stolen <"$TMP/$name.cpu"
    printf '%-10s %12s %9s %9s %9s %9s %8s %11s%% %9s%% %7s%%\n' "$name" "$(rps "$name")" "$(pct "$name" 50)" \
        "$(pct "$name" 90)" "$(pct "$name" 99)" \
        "$(awk '/^    Latency/ {v=$4; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) sub(/ms$/,"",v); else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}' "$TMP/$name.txt")" \
        "$(errors "$name")" "$(awk -v c="$cpu" 'BEGIN {printf "%.0f", c * 100}')" \
        "$(awk -v c="$wcpu" 'BEGIN {printf "%.0f", c * 100}')" \
        "$(awk -v c="$stolen" 'BEGIN {printf "%.0f", c * 100}')"
done
echo "(sign-in: GET /login, $LOGIN_BYTES bytes, no database query; for reference only, ratio to nginx $(awk -v a="$(rps sign-in)" -v b="$NG_RPS" 'BEGIN {printf "%.3f", a / b}'))"
SD_P99="$(pct salesdojo 99)"
RATIO="$(awk -v a="$SD_RPS" -v b="$NG_RPS" 'BEGIN {printf "%.3f", a / b}')"
echo
echo "RATIO salesdojo/nginx requests/s: $RATIO (target >= 0.25: $(awk -v r="$RATIO" 'BEGIN {print (r >= 0.25) ? "met" : "MISSED"}'))"
echo "salesdojo p99: $SD_P99 ms (target < 10 ms: $(awk -v p="$SD_P99" 'BEGIN {print (p < 10) ? "met" : "MISSED"}'); ratio to target $(awk -v p="$SD_P99" 'BEGIN {printf "%.2f", p / 10}'))"
echo "(CPU is the share of one core; the machine has $(nproc) cores shared by wrk and the server; stolen is the share of the machine's CPU time the host gave to others during the run)"
if [[ "$(errors salesdojo)" != 0 || "$(errors nginx)" != 0 || "$(errors sign-in)" != 0 ]]; then
    echo "WARNING: some responses were errors; see the wrk output:" >&2
    cat "$TMP/salesdojo.txt" "$TMP/nginx.txt" "$TMP/sign-in.txt" >&2
    exit 1
fi
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
