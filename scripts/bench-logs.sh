#!/usr/bin/env bash
# Benchmark of `smtpcode logs` (issue 18): the whole process over a 1,000,000-line Postfix
# log (scripts/gen-maillog.py), plain and gzip'd, against baselines measured in the same run:
#   * `wc -l`            reading the lines (the floor of any line tool),
#   * `smtpcode classify --summary`  the classifier over every line, one thread (what
#                                    `classify` did with a mail log before `logs`).
# and `logs --report` (issue 16) against `logs --summary`, both with --year so that both read
# the times: the report's extra seconds and the page's size (the goal: under 3 s, under 2 MB).
# Prints lines/s and peak resident memory (GNU time) for each, and the ratios.
#   scripts/bench-logs.sh [LINES]      (builds the release binary first)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
WORK=${SMTPCODE_BENCH_DIR:-$ROOT/target/bench-logs}
mkdir -p "$WORK"
BIN="$ROOT/target/release/smtpcode"
cargo build --release -p smtpcode-cli --manifest-path "$ROOT/Cargo.toml" >&2
LOG="$WORK/maillog-$N"
[ -s "$LOG" ] || python3 "$ROOT/scripts/gen-maillog.py" "$N" > "$LOG"
[ -s "$LOG.gz" ] || gzip -6 -k -c "$LOG" > "$LOG.gz"
command -v /usr/bin/time >/dev/null || { echo "bench-logs: needs GNU time (/usr/bin/time)" >&2; exit 1; }

measure() { # name command...
    local name=$1; shift
    local best="" rss=""
    for _ in 1 2 3; do
        /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null
        read -r secs kb < "$WORK/time"
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
    done
    awk -v n="$N" -v s="$best" -v kb="$rss" -v name="$name" \
        'BEGIN{ if (s < 0.005) s = 0.005; printf "%-34s %8.3f s %12.0f lines/s %8.1f MiB peak\n", name, s, n/s, kb/1024 }'
    echo "$best" > "$WORK/t-$name"
}

echo "lines: $N  ($(du -h "$LOG" | cut -f1) plain, $(du -h "$LOG.gz" | cut -f1) gzip)  cores: $(nproc)"
measure wc wc -l "$LOG"
measure classify-summary "$BIN" classify --summary "$LOG"
measure logs-summary "$BIN" logs --summary "$LOG"
measure logs-summary-gz "$BIN" logs --summary "$LOG.gz"
measure logs-summary-1thread env RAYON_NUM_THREADS=1 "$BIN" logs --summary "$LOG"
measure logs-json "$BIN" logs --format json "$LOG"
r() { awk "BEGIN{printf \"%.2f\", $(cat "$WORK/t-$1") / $(cat "$WORK/t-$2")}"; }
echo "ratios (time): classify-summary/logs-summary $(r classify-summary logs-summary)  logs-summary-gz/logs-summary $(r logs-summary-gz logs-summary)  logs-summary/wc $(r logs-summary wc)"
measure logs-summary-year "$BIN" logs --year 2026 --summary "$LOG"
measure logs-report "$BIN" logs --year 2026 --no-progress --report "$WORK/report.html" "$LOG"
extra=$(awk "BEGIN{printf \"%.3f\", $(cat "$WORK/t-logs-report") - $(cat "$WORK/t-logs-summary-year")}")
echo "report - summary: $extra s   page: $(wc -c < "$WORK/report.html") bytes"
