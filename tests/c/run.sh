#!/bin/sh
# The C library's test command (`make test-c`). From a fresh clone it:
#
#  1. checks that include/smtpcode.h compiles as C99 and as C++ (strict warnings);
#  2. builds libsmtpcode (release) and installs it with bindings/c/install.sh (cargo-c) into
#     temporary prefixes: static + shared, static only, and a DESTDIR staging install whose
#     files and smtpcode.pc are checked;
#  3. generates the golden cases from tests/data/*.tsv (tests/c/gen_cases.py);
#  4. builds tests/c/test_smtpcode.c with -std=c99 -Wall -Wextra -pedantic -Werror and
#     `pkg-config --cflags --libs smtpcode` against the installed prefix, once linked against
#     the shared library and once against the static one, and runs both;
#  5. builds and runs a C++ caller (tests/c/header_cxx.cpp);
#  6. builds examples/c/classify_lines.c the same way and checks that its output is the
#     `smtpcode classify --format tsv` output for the same lines; builds
#     examples/c/bounce_report.c and checks that it reads every bounce of tests/data/bounces
#     as `smtpcode bounce` does; compiles and runs the C example of README.md;
#  7. runs the suite (bounce reports included) under AddressSanitizer +
#     UndefinedBehaviorSanitizer, and the suite and both examples under valgrind memcheck
#     (installed with apt-get when missing) with zero errors and zero leaks.
#
# Honours CARGO, CARGO_TARGET_DIR (default target/), CC, CXX and PYTHON. Work files go to
# $CARGO_TARGET_DIR/c-tests.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

CARGO=${CARGO:-cargo}
CC=${CC:-cc}
CXX=${CXX:-c++}
PYTHON=${PYTHON:-python3}
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in
    /*) ;;
    *) target=$root/$target ;;
esac
export CARGO CARGO_TARGET_DIR="$target"

work=$target/c-tests
rm -rf "$work"
mkdir -p "$work"

STRICT="-std=c99 -Wall -Wextra -pedantic -Werror"
STRICT_CXX="-std=c++11 -Wall -Wextra -pedantic -Werror"

step() { printf '\n== test-c: %s\n' "$*"; }
fail() { echo "test-c: FAILED: $*" >&2; exit 1; }

step "the header compiles as C99 and as C++"
"$CC" $STRICT -fsyntax-only -x c include/smtpcode.h
"$CXX" $STRICT_CXX -fsyntax-only -x c++ include/smtpcode.h
echo "ok"

step "build and install into temporary prefixes (PREFIX, DESTDIR)"
PREFIX=$work/prefix sh bindings/c/install.sh
SMTPCODE_LIBS=static PREFIX=$work/prefix-static sh bindings/c/install.sh
DESTDIR=$work/destdir PREFIX=/usr/local sh bindings/c/install.sh
staged=$work/destdir/usr/local
for f in lib/libsmtpcode.a lib/libsmtpcode.so include/smtpcode.h lib/pkgconfig/smtpcode.pc; do
    [ -e "$staged/$f" ] || fail "DESTDIR install lacks $f"
done
grep -qx 'prefix=/usr/local' "$staged/lib/pkgconfig/smtpcode.pc" ||
    fail "DESTDIR leaked into smtpcode.pc"
cmp -s include/smtpcode.h "$work/prefix/include/smtpcode.h" || fail "installed header differs"
soname=$(readelf -d "$work/prefix/lib/libsmtpcode.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ -n "$soname" ] && [ -e "$work/prefix/lib/$soname" ] || fail "no SONAME link ($soname)"
[ ! -e "$work/prefix-static/lib/libsmtpcode.so" ] || fail "static-only install has a .so"
echo "ok: $(cd "$work/prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"

step "generate the golden cases from tests/data"
"$PYTHON" tests/c/gen_cases.py tests/data "$work/golden_cases.h"
echo "ok: $(grep -c '^    {"' "$work/golden_cases.h") cases"

shared_pc=$work/prefix/lib/pkgconfig
static_pc=$work/prefix-static/lib/pkgconfig
libdir=$work/prefix/lib

step "C suite linked against the shared library"
cflags=$(PKG_CONFIG_PATH=$shared_pc pkg-config --cflags smtpcode)
libs=$(PKG_CONFIG_PATH=$shared_pc pkg-config --libs smtpcode)
"$CC" $STRICT -pthread -I"$work" $cflags tests/c/test_smtpcode.c -o "$work/test_shared" $libs
readelf -d "$work/test_shared" | grep -q "NEEDED.*\[$soname\]" ||
    fail "test_shared does not load $soname"
LD_LIBRARY_PATH=$libdir "$work/test_shared"

step "C suite linked against the static library"
cflags=$(PKG_CONFIG_PATH=$static_pc pkg-config --cflags smtpcode)
static_libs=$(PKG_CONFIG_PATH=$static_pc pkg-config --static --libs smtpcode)
"$CC" $STRICT -pthread -I"$work" $cflags tests/c/test_smtpcode.c -o "$work/test_static" \
    $static_libs
if readelf -d "$work/test_static" | grep -q 'NEEDED.*libsmtpcode'; then
    fail "test_static loads libsmtpcode at run time"
fi
"$work/test_static"

step "C++ caller"
"$CXX" $STRICT_CXX $cflags tests/c/header_cxx.cpp -o "$work/test_cxx" $static_libs
"$work/test_cxx"

step "examples/c/classify_lines.c agrees with the smtpcode command"
cflags=$(PKG_CONFIG_PATH=$shared_pc pkg-config --cflags smtpcode)
"$CC" $STRICT $cflags examples/c/classify_lines.c -o "$work/classify_lines" $libs
{
    cat examples/replies.txt
    printf '\n'                                  # an empty line
    printf '550 5.1.1 CRLF line\r\n'
    printf '\377\376 550 5.1.1 caf\351 inconnu\n' # not UTF-8
    printf 'connection refused by 192.0.2.1\n'   # no code
    printf '452 4.2.2 Mailbox full'              # no final newline
} >"$work/lines.txt"
"$CARGO" build -q -p smtpcode-cli
"$target/debug/smtpcode" classify --format tsv "$work/lines.txt" >"$work/lines.rust.tsv"
LD_LIBRARY_PATH=$libdir "$work/classify_lines" <"$work/lines.txt" >"$work/lines.c.tsv"
"$target/debug/smtpcode" classify --format tsv --command rcpt "$work/lines.txt" \
    >"$work/lines.rcpt.rust.tsv"
LD_LIBRARY_PATH=$libdir "$work/classify_lines" rcpt <"$work/lines.txt" >"$work/lines.rcpt.c.tsv"
diff -u "$work/lines.rust.tsv" "$work/lines.c.tsv" || fail "classify_lines differs from smtpcode classify"
diff -u "$work/lines.rcpt.rust.tsv" "$work/lines.rcpt.c.tsv" ||
    fail "classify_lines rcpt differs from smtpcode classify --command rcpt"
lines=$(wc -l <"$work/lines.c.tsv")
[ "$lines" -eq "$(($(wc -l <"$work/lines.txt") + 2))" ] || fail "classify_lines dropped lines"
echo "ok: $((lines - 1)) lines, the same as smtpcode classify (with and without a command)"

step "examples/c/bounce_report.c agrees with smtpcode bounce on every fixture"
"$CC" $STRICT $cflags examples/c/bounce_report.c -o "$work/bounce_report" $libs
# The command's JSON records, projected onto the example's columns (by field name, so that
# the comparison does not depend on the order of the command's TSV columns).
project='
import json, sys
cols = ["kind", "format", "recipient", "dsn_action", "status", "command", "code", "enhanced",
        "outcome", "bounce", "reason", "action", "retry", "provider", "rule"]
print("\t".join(cols))
for line in sys.stdin:
    rec = json.loads(line)
    if rec.get("recipient") is None:
        print("\t".join([rec["kind"], rec["format"]] + [""] * (len(cols) - 2)))
        continue
    out = []
    for c in cols:
        v = rec.get(c)
        if v is None:
            v = ""
        elif isinstance(v, bool):
            v = "true" if v else "false"
        out.append(str(v).translate({0: " ", 9: " ", 10: " ", 13: " "}))  # as the example
    print("\t".join(out))
'
fixtures=0
for eml in tests/data/bounces/*.eml; do
    name=$(basename "$eml" .eml)
    "$target/debug/smtpcode" bounce --format json "$eml" | "$PYTHON" -c "$project" \
        >"$work/bounce.$name.rust.tsv"
    LD_LIBRARY_PATH=$libdir "$work/bounce_report" "$eml" >"$work/bounce.$name.c.tsv" \
        2>"$work/bounce.$name.c.err"
    LD_LIBRARY_PATH=$libdir "$work/bounce_report" <"$eml" 2>/dev/null |
        cmp -s - "$work/bounce.$name.c.tsv" || fail "bounce_report reads stdin and files apart"
    diff -u "$work/bounce.$name.rust.tsv" "$work/bounce.$name.c.tsv" ||
        fail "bounce_report differs from smtpcode bounce on $eml"
    fixtures=$((fixtures + 1))
done
[ "$fixtures" -ge 10 ] || fail "only $fixtures bounce fixtures"
if printf 'no header here, just prose\n' | LD_LIBRARY_PATH=$libdir "$work/bounce_report" \
    >/dev/null 2>"$work/bounce.prose.err"; then
    fail "bounce_report accepted prose as a message"
fi
grep -q '^not a message' "$work/bounce.prose.err" || fail "bounce_report: no 'not a message' error"
echo "ok: $fixtures fixtures, the same recipients and classifications as smtpcode bounce"

step "the README's first program compiles and runs"
awk '/<!-- test-c:/ { on = 1; next } on && /^```c$/ { copy = 1; next }
     copy && /^```$/ { exit } copy { print }' README.md >"$work/readme_example.c"
[ -s "$work/readme_example.c" ] || fail "no C example found in README.md"
"$CC" $STRICT $cflags "$work/readme_example.c" -o "$work/readme_example" $libs
LD_LIBRARY_PATH=$libdir "$work/readme_example" | tee "$work/readme_example.out"
grep -q '^550 permanent hard mailbox_unknown -> suppress$' "$work/readme_example.out" ||
    fail "the README example does not print what its comment says"

native=$(PKG_CONFIG_PATH=$static_pc pkg-config --static --libs-only-l smtpcode | sed 's/-lsmtpcode//')
static_a=$work/prefix-static/lib/libsmtpcode.a

step "C suite under AddressSanitizer + UndefinedBehaviorSanitizer"
"$CC" $STRICT -pthread -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer -I"$work" -Iinclude tests/c/test_smtpcode.c -o "$work/test_asan" \
    "$static_a" $native
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$work/test_asan"

step "C suite under valgrind memcheck"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is missing: installing it with apt-get"
    if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >/dev/null
fi
"$CC" $STRICT -pthread -g -O1 -I"$work" -Iinclude tests/c/test_smtpcode.c \
    -o "$work/test_valgrind" "$static_a" $native
memcheck() { # LOG PROGRAM...: run under memcheck, print the summary, fail on any error or leak
    log=$1
    shift
    if ! valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all --num-callers=40 \
        --suppressions="$root/tests/c/valgrind.supp" \
        --show-leak-kinds=all --log-file="$log" "$@"; then
        cat "$log" >&2
        fail "valgrind: $*"
    fi
    # (to stderr: the program's own output may be redirected)
    grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|suppressed:' "$log" |
        sed "s|^==[0-9]*== *|  valgrind $(basename "$1"): |" >&2
}
memcheck "$work/valgrind-suite.log" "$work/test_valgrind"
(
    LD_LIBRARY_PATH=$libdir
    export LD_LIBRARY_PATH
    memcheck "$work/valgrind-example.log" "$work/classify_lines" <"$work/lines.txt" >/dev/null
    for eml in tests/data/bounces/*.eml; do
        memcheck "$work/valgrind-bounce.log" "$work/bounce_report" "$eml" >/dev/null 2>&1 ||
            fail "valgrind: bounce_report $eml (log: $work/valgrind-bounce.log)"
    done
    echo "  valgrind bounce_report: $(ls tests/data/bounces/*.eml | wc -l) messages, no errors, no leaks" >&2
)
echo "ok: no errors, no leaks"

printf '\ntest-c: all passed\n'
