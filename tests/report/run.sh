#!/bin/sh
# The report page of `smtpcode logs --report` in a real browser (issue 16): a generated
# Postfix log of 10,000 deliveries over 7 days to several providers (scripts/gen-maillog.py
# --days 7), its report, and headless Chromium (the Debian package, installed with apt-get
# when missing and possible) at 1280 px, 390 px and in dark mode: no console error, no
# request, every chart drawn (tests/report/browser.py). The screenshots are test output:
# they go to $SMTPCODE_REPORT_OUT (default: a new temporary folder), never to the repository.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CARGO=${CARGO:-cargo}
OUT=${SMTPCODE_REPORT_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/smtpcode-report.XXXXXX")}
mkdir -p "$OUT"

find_chromium() {
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
    done
    return 1
}
if ! CHROMIUM=$(find_chromium); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "report test: installing chromium (Debian package)"
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || true
    fi
    if ! CHROMIUM=$(find_chromium); then
        echo "report test: SKIPPED: no Chromium, and the Debian package 'chromium' could not be installed (needs root and apt-get)"
        exit 0
    fi
fi

"$CARGO" build -q -p smtpcode-cli --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/debug/smtpcode"
python3 "$ROOT/scripts/gen-maillog.py" --days 7 --deliveries 10000 > "$OUT/week.log"
"$BIN" logs --year 2026 --report "$OUT/report.html" "$OUT/week.log"
size=$(wc -c < "$OUT/report.html")
[ "$size" -lt 2097152 ] || { echo "report test: the page has $size bytes" >&2; exit 1; }
python3 "$ROOT/tests/report/browser.py" "$CHROMIUM" "$OUT/report.html" "$OUT"
echo "report test: passed ($("$CHROMIUM" --version 2>/dev/null | head -1)); page and screenshots in $OUT"
