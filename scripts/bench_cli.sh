#!/bin/sh
# `smtpcode classify --summary` over the 1,000,000 distinct lines of issue 13's workload
# (`../shared/corpus/make_lines.py ../shared/corpus/sisimai-dev.tsv 1000000 OUT`, the file
# `cargo bench -p smtpcode --bench lines` also reads): lines per second and peak memory as a
# whole process (file read included), on one thread (RAYON_NUM_THREADS=1) and on every core,
# next to `wc -l` on the same file as a baseline measured in the same run. Best of 3 each.
# Needs /usr/bin/time (Debian package `time`).
#
#     scripts/bench_cli.sh [path/to/smtpcode] [lines-file]
set -eu
cd "$(dirname "$0")/.."
bin=${1:-target/release/smtpcode}
file=${2:-target/lines-1m.txt}
[ -x "$bin" ] || cargo build --release -q -p smtpcode-cli
if [ ! -f "$file" ]; then
    corpus=../shared/corpus
    [ -f "$corpus/make_lines.py" ] || { echo "no $file and no $corpus/make_lines.py" >&2; exit 1; }
    python3 "$corpus/make_lines.py" "$corpus/sisimai-dev.tsv" 1000000 "$file"
fi
lines=$(wc -l < "$file")
echo "$file: $(wc -c < "$file") bytes, $lines lines; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
tmp=$(mktemp "${TMPDIR:-/tmp}/smtpcode-bench.XXXXXX")
trap 'rm -f "$tmp" "$tmp.time"' EXIT
best() { # COMMAND...: "SECONDS KIB" of the fastest of three runs
    b=
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$tmp.time" "$@" > "$tmp"
        read -r secs kib < "$tmp.time"
        if [ -z "$b" ] || awk -v a="$secs" -v b="${b% *}" 'BEGIN { exit !(a < b) }'; then
            b="$secs $kib"
        fi
    done
    echo "$b"
}
wc_run=$(best wc -l "$file")
one=$(best env RAYON_NUM_THREADS=1 "$bin" classify --summary "$file")
all=$(best "$bin" classify --summary "$file")
python3 - "$lines" "$one" "$all" "$wc_run" <<'PY'
import sys
n = int(sys.argv[1])
(s1, k1), (sa, ka), (sw, kw) = (a.split() for a in sys.argv[2:5])
s1, sa, sw = float(s1), float(sa), float(sw)
print(f"classify --summary, one thread: {s1:.2f} s, {n / s1 / 1e6:.2f} M lines/s, peak RSS {int(k1) / 1024:.1f} MiB")
print(f"classify --summary, all cores:  {sa:.2f} s, {n / sa / 1e6:.2f} M lines/s, peak RSS {int(ka) / 1024:.1f} MiB ({s1 / sa:.2f}x one thread)")
print(f"baseline wc -l:                 {sw:.2f} s, peak RSS {int(kw) / 1024:.1f} MiB")
PY
