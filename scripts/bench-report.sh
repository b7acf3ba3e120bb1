#!/usr/bin/env bash
# Benchmark of `smtpcode logs --report` (issue 16): the report over a 1,000,000-line Postfix
# log (scripts/gen-maillog.py) against `logs --summary` over the same log in the same run
# (both with --year, so that both read the times). Prints the best of 3 runs of each, the
# extra seconds of the report and the page's size (the goal: under 3 s more, under 2 MB).
#   scripts/bench-report.sh [LINES]      (builds the release binary first)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
WORK=${SMTPCODE_BENCH_DIR:-$ROOT/target/bench-logs}
mkdir -p "$WORK"
BIN="$ROOT/target/release/smtpcode"
cargo build --release -p smtpcode-cli --manifest-path "$ROOT/Cargo.toml" >&2
LOG="$WORK/maillog-$N"
[ -s "$LOG" ] || python3 "$ROOT/scripts/gen-maillog.py" "$N" > "$LOG"
command -v /usr/bin/time >/dev/null || { echo "bench-report: needs GNU time (/usr/bin/time)" >&2; exit 1; }

measure() { # name command...
    local name=$1; shift
    local best="" rss=""
    for _ in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr"
        read -r secs kb < "$WORK/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
    done
    printf '%-16s %8.3f s %8.1f MiB peak\n' "$name" "$best" "$(awk "BEGIN{print $rss/1024}")"
    echo "$best" > "$WORK/t-$name"
}

echo "lines: $N ($(du -h "$LOG" | cut -f1))  cores: $(nproc)"
measure summary "$BIN" logs --year 2026 --summary "$LOG"
measure report "$BIN" logs --year 2026 --no-progress --report "$WORK/report.html" "$LOG"
measure both "$BIN" logs --year 2026 --summary --report "$WORK/report.html" "$LOG"
extra=$(awk "BEGIN{printf \"%.3f\", $(cat "$WORK/t-report") - $(cat "$WORK/t-summary")}")
echo "report - summary: $extra s   page: $(wc -c < "$WORK/report.html") bytes"
