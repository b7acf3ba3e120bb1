#!/bin/sh
# Builds libsmtpcode (release) and installs it for C programs with cargo-c (`cargo cinstall`,
# configured in bindings/c/Cargo.toml under package.metadata.capi):
#
#   $LIBDIR/libsmtpcode.a
#   $LIBDIR/libsmtpcode.so.X.Y.Z, with the links libsmtpcode.so.<SONAME> and libsmtpcode.so
#   $INCLUDEDIR/smtpcode.h
#   $LIBDIR/pkgconfig/smtpcode.pc
#
# Run from anywhere (`make install-c` runs it). Settings, from the environment:
#
#   PREFIX        install prefix                     (default /usr/local)
#   DESTDIR       staging root prepended to every path, for packaging; the .pc file still
#                 says PREFIX                        (default empty)
#   LIBDIR        (default $PREFIX/lib)   INCLUDEDIR (default $PREFIX/include)
#   SMTPCODE_LIBS both | static | shared: which libraries to install (default both)
#   CARGO         cargo command (default cargo);  CARGO_TARGET_DIR (default <repo>/target)
#
# cargo-c is used from PATH when it is there; otherwise cargo-c $CARGO_C_VERSION is built
# once with `cargo install` into <target>/tools (a few minutes) and used from there.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
SMTPCODE_LIBS=${SMTPCODE_LIBS:-both}
CARGO=${CARGO:-cargo}
# The newest cargo-c that builds with Rust 1.95 (0.10.25 and later need 1.97).
CARGO_C_VERSION=${CARGO_C_VERSION:-0.10.24}

case "$SMTPCODE_LIBS" in
    both) types="--library-type staticlib --library-type cdylib" ;;
    static) types="--library-type staticlib" ;;
    shared) types="--library-type cdylib" ;;
    *) echo "install.sh: SMTPCODE_LIBS must be both, static or shared" >&2; exit 2 ;;
esac
case "$PREFIX" in
    /*) ;;
    *) echo "install.sh: PREFIX must be an absolute path (got '$PREFIX')" >&2; exit 2 ;;
esac

target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in
    /*) ;;
    *) target=$(pwd)/$target ;;
esac

if ! "$CARGO" cinstall --version >/dev/null 2>&1; then
    tools=$target/tools
    if ! PATH=$tools/bin:$PATH "$CARGO" cinstall --version >/dev/null 2>&1; then
        echo "install.sh: cargo-c is not installed: building cargo-c $CARGO_C_VERSION into $tools"
        CARGO_TARGET_DIR="$tools/build" "$CARGO" install cargo-c --locked \
            --version "$CARGO_C_VERSION" --root "$tools" --quiet
        rm -rf "$tools/build" # about 1 GB of build files
    fi
    PATH=$tools/bin:$PATH
    export PATH
fi

destdir=
[ -z "$DESTDIR" ] || destdir="--destdir=$DESTDIR"
# shellcheck disable=SC2086 # $types and $destdir are lists of words
(cd "$root" && CARGO_TARGET_DIR="$target" "$CARGO" cinstall --release \
    -p smtpcode-capi --prefix "$PREFIX" --libdir "$LIBDIR" --includedir "$INCLUDEDIR" \
    $types $destdir)

version=$(sed -n 's/^#define SMTPCODE_VERSION "\(.*\)"$/\1/p' "$root/include/smtpcode.h")
echo "installed libsmtpcode $version ($SMTPCODE_LIBS) under $DESTDIR$PREFIX"
