#!/bin/sh
# `make test-real`: smtpcode against real Postfix and Exim servers (issue 18, point 4).
#
# Gets the servers, then runs tests/real/realmail.py, which starts them on 127.0.0.1 only from
# private configuration and spool folders, sends the scenarios, stops them by pid and compares
# smtpcode's classify, logs and bounce answers with tests/data/real/expected.tsv.
#
# Postfix: the Debian package, installed with apt-get when missing (preseeded "No configuration",
# so it writes no /etc/postfix/main.cf and starts nothing). Exim: Debian's exim4-daemon-light
# conflicts with postfix, so unless exim4 is installed already its package is fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into target/real-servers/ (its shared
# libraries are installed with apt-get); it runs from its own configuration with -C.
# The machine's own mail setup is left alone: if installing postfix would remove a package (an
# installed MTA), the test is skipped. Without root, apt-get, or the packages, it prints
# "SKIPPED: <why>" and exits 0.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CARGO=${CARGO:-cargo}
CACHE="$ROOT/target/real-servers"

skip() {
    echo "real-server test: SKIPPED: $*"
    exit 0
}

[ "$(uname -s)" = Linux ] || skip "needs Linux (Debian packages of Postfix and Exim)"
[ "$(id -u)" = 0 ] || skip "needs root (Postfix and Exim start as root; packages come from apt-get)"
command -v python3 >/dev/null 2>&1 || skip "no python3"
command -v unshare >/dev/null 2>&1 || skip "no unshare (util-linux)"
PATH="$PATH:/usr/sbin:/sbin"
export PATH

apt_updated=
apt_update() {
    if [ -z "$apt_updated" ]; then
        apt-get update -qq >/dev/null 2>&1 || skip "apt-get update failed (no network?)"
        apt_updated=1
    fi
}
apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    apt_update
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

# Postfix (>= 3.4 for maillog_file and postlogd).
if ! command -v postfix >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || skip "Postfix is not installed and there is no apt-get"
    apt_update
    removes=$(apt-get install -s --no-install-recommends postfix 2>/dev/null | sed -n 's/^Remv \([^ ]*\).*/\1/p' | tr '\n' ' ')
    [ -z "$removes" ] || skip "installing postfix would remove $removes(the machine's own mail setup)"
    echo "real-server test: installing postfix (Debian package)"
    if command -v debconf-set-selections >/dev/null 2>&1; then
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    fi
    apt_install postfix || skip "the Debian package postfix could not be installed"
fi
pf_version=$(postconf -d -h mail_version 2>/dev/null || echo unknown)
case "$pf_version" in
    unknown) skip "cannot read Postfix's version (postconf -d mail_version)" ;;
    [0-2].* | 3.[0-3].* | 3.[0-3]) skip "Postfix $pf_version is older than 3.4 (no maillog_file)" ;;
esac

# Exim: the installed one, or Debian's package unpacked into target/real-servers/.
if [ -x /usr/sbin/exim4 ]; then
    EXIM=/usr/sbin/exim4
else
    EXIM="$CACHE/exim/usr/sbin/exim4"
    if [ ! -x "$EXIM" ]; then
        command -v apt-get >/dev/null 2>&1 || skip "Exim is not installed and there is no apt-get"
        apt_update
        echo "real-server test: fetching exim4-daemon-light (Debian package, unpacked into $CACHE)"
        rm -rf "$CACHE/deb" "$CACHE/exim"
        mkdir -p "$CACHE/deb"
        (cd "$CACHE/deb" && apt-get download exim4-daemon-light >/dev/null 2>&1) ||
            skip "apt-get download exim4-daemon-light failed"
        deb=$(ls "$CACHE"/deb/exim4-daemon-light_*.deb)
        dpkg-deb -x "$deb" "$CACHE/exim"
    fi
    deb=$(ls "$CACHE"/deb/exim4-daemon-light_*.deb 2>/dev/null || true)
    if [ -n "$deb" ] && ldd "$EXIM" 2>/dev/null | grep -q 'not found'; then
        libs=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep '^lib' | tr '\n' ' ')
        echo "real-server test: installing Exim's libraries: $libs"
        # shellcheck disable=SC2086 # one word per package
        apt_install $libs || skip "Exim's libraries could not be installed ($libs)"
    fi
    if ldd "$EXIM" 2>/dev/null | grep -q 'not found'; then
        skip "the unpacked Exim misses libraries: $(ldd "$EXIM" | grep 'not found' | tr -s ' \t\n' ' ')"
    fi
fi

# Debian's exim4 wants its user Debian-exim; without it (Exim unpacked, not installed) the test
# runs Exim in a private mount namespace with its own copy of /etc/passwd (see realmail.py).
if ! getent passwd Debian-exim >/dev/null 2>&1; then
    unshare --mount --propagation private true 2>/dev/null ||
        skip "no user Debian-exim and no private mount namespace (unshare --mount) to give Exim one"
fi

if ! command -v openssl >/dev/null 2>&1; then
    apt_install openssl || skip "no openssl (for the test certificate)"
fi

"$CARGO" build -q --release -p smtpcode-cli --manifest-path "$ROOT/Cargo.toml"
echo "real-server test: Postfix $pf_version ($(command -v postfix)), Exim $EXIM"
exec python3 "$ROOT/tests/real/realmail.py" --smtpcode "$ROOT/target/release/smtpcode" --exim "$EXIM" "$@"
