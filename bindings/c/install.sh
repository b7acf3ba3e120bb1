#!/bin/sh
# Builds libsmtpcode (release) and installs it for C programs:
#
#   $LIBDIR/libsmtpcode.a
#   $LIBDIR/libsmtpcode.so.X.Y.Z, with the links libsmtpcode.so.<SONAME> and libsmtpcode.so
#   $INCLUDEDIR/smtpcode.h
#   $PKGCONFIGDIR/smtpcode.pc
#
# Run from anywhere (`make install-c` runs it). Settings, from the environment:
#
#   PREFIX        install prefix                     (default /usr/local)
#   DESTDIR       staging root prepended to every path, for packaging; the .pc file still
#                 says PREFIX                        (default empty)
#   LIBDIR        (default $PREFIX/lib)   INCLUDEDIR (default $PREFIX/include)
#   PKGCONFIGDIR  (default $LIBDIR/pkgconfig)
#   SMTPCODE_LIBS both | static | shared: which libraries to install (default both)
#   CARGO         cargo command (default cargo);  CARGO_TARGET_DIR (default <repo>/target)
#
# The version comes from Cargo (the crate version); the link flags a static link needs
# (Libs.private) come from rustc's --print native-static-libs. Nothing here is hand-synced.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
PKGCONFIGDIR=${PKGCONFIGDIR:-$LIBDIR/pkgconfig}
SMTPCODE_LIBS=${SMTPCODE_LIBS:-both}
CARGO=${CARGO:-cargo}

case "$SMTPCODE_LIBS" in
    both | static | shared) ;;
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

# Build, and learn the system libraries a static link needs. (cargo replays the note when
# the build is already fresh.)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! (cd "$root" && CARGO_TARGET_DIR="$target" "$CARGO" rustc --release -p smtpcode-capi \
        --lib -- --print native-static-libs) 2>"$log"; then
    cat "$log" >&2
    exit 1
fi
native=$(sed -n 's/.*native-static-libs: *//p' "$log" | tail -n 1)
if [ -z "$native" ]; then
    cat "$log" >&2
    echo "install.sh: rustc did not print the native static libraries" >&2
    exit 1
fi

out=$target/release
static_lib=$out/libsmtpcode_capi.a
shared_lib=$out/libsmtpcode_capi.so
header=$root/include/smtpcode.h
version=$(sed -n 's/^#define SMTPCODE_VERSION "\(.*\)"$/\1/p' "$header")
[ -n "$version" ] || { echo "install.sh: no SMTPCODE_VERSION in $header" >&2; exit 1; }

install -d "$DESTDIR$LIBDIR" "$DESTDIR$INCLUDEDIR" "$DESTDIR$PKGCONFIGDIR"
install -m 644 "$header" "$DESTDIR$INCLUDEDIR/smtpcode.h"

if [ "$SMTPCODE_LIBS" != shared ]; then
    install -m 644 "$static_lib" "$DESTDIR$LIBDIR/libsmtpcode.a"
fi
if [ "$SMTPCODE_LIBS" != static ]; then
    # The SONAME the build gave the library (bindings/c/build.rs), e.g. libsmtpcode.so.0.1.
    soname=$(readelf -d "$shared_lib" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
    [ -n "$soname" ] || soname=libsmtpcode.so
    real=libsmtpcode.so.$version
    install -m 755 "$shared_lib" "$DESTDIR$LIBDIR/$real"
    if [ "$soname" != "$real" ] && [ "$soname" != libsmtpcode.so ]; then
        ln -sf "$real" "$DESTDIR$LIBDIR/$soname"
        ln -sf "$soname" "$DESTDIR$LIBDIR/libsmtpcode.so"
    else
        ln -sf "$real" "$DESTDIR$LIBDIR/libsmtpcode.so"
    fi
fi

# pkg-config paths relative to ${prefix} where they can be.
rel() {
    case "$1" in
        "$PREFIX"/*) printf '${prefix}%s' "${1#"$PREFIX"}" ;;
        *) printf '%s' "$1" ;;
    esac
}
cat >"$DESTDIR$PKGCONFIGDIR/smtpcode.pc" <<EOF
prefix=$PREFIX
libdir=$(rel "$LIBDIR")
includedir=$(rel "$INCLUDEDIR")

Name: smtpcode
Description: Classify SMTP replies and bounce diagnostics (C library)
Version: $version
Libs: -L\${libdir} -lsmtpcode
Libs.private: $native
Cflags: -I\${includedir}
EOF
chmod 644 "$DESTDIR$PKGCONFIGDIR/smtpcode.pc"

echo "installed libsmtpcode $version ($SMTPCODE_LIBS) under $DESTDIR$PREFIX"
