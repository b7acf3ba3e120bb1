#!/bin/sh
# `smtpcode classify --summary` over a file of 1,000,000 lines (the corpus inputs repeated):
# lines per second and peak memory, next to `wc -l` on the same file as a baseline measured in
# the same run. Needs /usr/bin/time (Debian package `time`).
#
#     scripts/bench_cli.sh [path/to/smtpcode] [lines]
set -eu
cd "$(dirname "$0")/.."
bin=${1:-target/release/smtpcode}
lines=${2:-1000000}
corpus=../shared/corpus/sisimai-dev.tsv
[ -x "$bin" ] || cargo build --release -q -p smtpcode-cli
[ -f "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 1; }
file=$(mktemp "${TMPDIR:-/tmp}/smtpcode-bench.XXXXXX")
trap 'rm -f "$file"' EXIT
python3 - "$corpus" "$lines" "$file" <<'PY'
import csv, sys
csv.field_size_limit(10**9)
rows = [r['input'].replace('\n', ' ') for r in csv.DictReader(open(sys.argv[1]), delimiter='\t', quoting=csv.QUOTE_NONE)]
n = int(sys.argv[2])
with open(sys.argv[3], 'w') as f:
    for i in range(n):
        f.write(rows[i % len(rows)] + '\n')
PY
echo "$(wc -c < "$file") bytes, $lines lines"
run() {
    /usr/bin/time -f "%e %M" -o "$file.time" "$@" > "$file.out"
    read -r secs kib < "$file.time"
    rm -f "$file.time"
    echo "$secs $kib"
}
set -- $(run wc -l "$file"); wc_s=$1 wc_kib=$2
set -- $(run "$bin" classify --summary "$file"); s=$1 kib=$2
rm -f "$file.out"
python3 - "$lines" "$s" "$kib" "$wc_s" "$wc_kib" <<'PY'
import sys
n, s, kib, wc_s, wc_kib = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"smtpcode classify --summary: {s:.2f} s, {n / s / 1e6:.2f} M lines/s, peak RSS {kib / 1024:.1f} MiB")
print(f"baseline wc -l:               {wc_s:.2f} s, peak RSS {wc_kib / 1024:.1f} MiB")
PY
