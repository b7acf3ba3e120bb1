#!/usr/bin/env bash
# The Python package's test command (`make test-python`).
#
# 1. Builds the sdist with maturin, checks that it carries the core crate and its data files,
#    and builds the wheel from the sdist's files with pip (the PEP 517 path `pip install`
#    takes).
# 2. Installs that one abi3 wheel into a fresh venv per CPython found, 3.9 and later
#    (pyenv's interpreters when pyenv is there, else python3; $SMTPCODE_PYTHONS overrides
#    with a space-separated list of interpreters), with pytest, hypothesis and jsonschema.
# 3. Builds the command (`smtpcode`, release) from the same tree, so that tests/test_bounce.py
#    can check parse_bounce against `smtpcode bounce --format json` ($SMTPCODE_BIN).
# 4. Runs the pytest suite (bindings/python/tests) on each, and mypy.stubtest plus mypy over
#    the tests on the newest (with pyarrow on each, and pandas, Polars, DuckDB on the newest).
# 5. Runs the Spark test once, on the newest (tests/test_spark.py, $SMTPCODE_SPARK).
# 6. Builds the release wheel with `maturin build --release`, installs it into a fresh venv
#    (with its `smtpcode` command) and runs the command and API tests there.
#
# Venvs, the sdist and the wheel go to .venv-python/ (gitignored); cargo builds into
# target/py unless CARGO_TARGET_DIR says otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG="$ROOT/bindings/python"
WORK="${SMTPCODE_PY_WORK:-$ROOT/.venv-python}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/py}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR" ;; esac
export PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$WORK"

say() { printf 'test-python: %s\n' "$*"; }

# --- Which interpreters -------------------------------------------------------------------
# Prints "X.Y.Z" for a CPython >= 3.9 with the GIL (abi3 wheels do not load on free-threaded
# builds), nothing otherwise.
version_of() {
    "$1" - <<'EOF' 2>/dev/null || true
import platform, sys, sysconfig
if (platform.python_implementation() == "CPython" and sys.version_info >= (3, 9)
        and not sysconfig.get_config_var("Py_GIL_DISABLED")):
    print(platform.python_version())
EOF
}

candidates=()
if [ -n "${SMTPCODE_PYTHONS:-}" ]; then
    read -r -a candidates <<<"$SMTPCODE_PYTHONS"
elif command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root)
    while read -r v; do
        [ -x "$pyenv_root/versions/$v/bin/python" ] && candidates+=("$pyenv_root/versions/$v/bin/python")
    done < <(pyenv versions --bare 2>/dev/null)
fi
if [ ${#candidates[@]} -eq 0 ]; then
    candidates=("$(command -v python3)")
fi

pythons=()
versions=()
declare -A seen=()
for py in "${candidates[@]}"; do
    v=$(version_of "$py")
    if [ -z "$v" ]; then
        say "skipping $py (not a CPython 3.9+ with the GIL; the abi3 wheel needs one)"
        continue
    fi
    [ -n "${seen[$v]:-}" ] && continue
    seen[$v]=1
    pythons+=("$py")
    versions+=("$v")
done
if [ ${#pythons[@]} -eq 0 ]; then
    say "no CPython 3.9 or later found" >&2
    exit 1
fi
# Sort by version; the last one is the newest.
mapfile -t order < <(for i in "${!versions[@]}"; do echo "${versions[$i]} $i"; done | sort -V | cut -d' ' -f2)
newest_i=${order[${#order[@]}-1]}
say "interpreters: ${versions[*]}"

# --- Build: sdist, then the wheel from it ---------------------------------------------------
build="$WORK/build"
if [ ! -x "$build/bin/python" ]; then
    "${pythons[$newest_i]}" -m venv "$build"
fi
"$build/bin/python" -m pip install -q "maturin>=1.9,<2"
dist="$WORK/dist"
rm -rf "$dist"
mkdir -p "$dist"
"$build/bin/maturin" sdist -m "$PKG/Cargo.toml" -o "$dist"
sdist=$(ls "$dist"/smtpcode-*.tar.gz)
"$build/bin/python" - "$sdist" "$ROOT" <<'EOF'
"""The sdist must carry the core crate, every data file it builds its tables from, and the
Python sources."""
import pathlib, sys, tarfile

sdist, root = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
with tarfile.open(sdist) as t:
    names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
need = {"crates/smtpcode/Cargo.toml", "crates/smtpcode-cli/Cargo.toml", "crates/smtpcode-cli/src/main.rs", "crates/smtpcode/build/main.rs", "crates/smtpcode/src/rules/lang.rs", "crates/smtpcode/src/lib.rs",
        "bindings/python/Cargo.toml", "bindings/python/src/lib.rs", "pyproject.toml",
        "python/smtpcode/__init__.py", "python/smtpcode/py.typed",
        "python/smtpcode/_smtpcode.pyi", "python/smtpcode/_enums.pyi"}
need |= {str(p.relative_to(root)) for p in (root / "crates/smtpcode/data").glob("*.tsv")}
missing = sorted(n for n in need if n not in names)
if missing:
    sys.exit("test-python: %s lacks %s" % (sdist.name, ", ".join(missing)))
print("test-python: %s has the core crate and its %d data files"
      % (sdist.name, len(list((root / "crates/smtpcode/data").glob("*.tsv")))))
EOF
# Unpack with fresh modification times (-m): the sdist's files all carry one old date, and
# cargo, seeing sources older than its last build in the shared target directory, would
# otherwise reuse stale artifacts.
src="$WORK/sdist-src"
rm -rf "$src"
mkdir -p "$src"
tar -xzmf "$sdist" -C "$src" --strip-components=1
"$build/bin/python" -m pip wheel -q --no-deps -w "$dist" "$src"
wheel=$(ls "$dist"/smtpcode-*.whl)
say "built $(basename "$wheel") from $(basename "$sdist")"
# One wheel for every CPython 3.9+: tagged cp39-abi3, its extension built for the stable ABI
# (the Arrow dependencies must not pull in the full C API).
"$build/bin/python" - "$wheel" <<'EOF'
import sys, zipfile

wheel = sys.argv[1]
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    meta = z.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
tags = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Tag:")]
ext = [n for n in names if n.startswith("smtpcode/_smtpcode.") and n.endswith(".so")]
if not tags or any(not t.startswith("cp39-abi3-") for t in tags) or ext != ["smtpcode/_smtpcode.abi3.so"]:
    sys.exit("test-python: %s is not one abi3 wheel (tags %s, extension %s)" % (wheel, tags, ext))
print("test-python: the wheel is abi3 (%s, %s)" % (", ".join(tags), ext[0]))
EOF

# --- The command, for the bounce tests' comparison with its JSON ----------------------------
"${CARGO:-cargo}" build -q --release --manifest-path "$ROOT/Cargo.toml" -p smtpcode-cli
export SMTPCODE_BIN="$CARGO_TARGET_DIR/release/smtpcode"
say "built $SMTPCODE_BIN"

# --- Install and test on each interpreter ---------------------------------------------------
tested=()
for i in "${order[@]}"; do
    py=${pythons[$i]}
    v=${versions[$i]}
    venv="$WORK/cp$v"
    if [ ! -x "$venv/bin/python" ]; then
        "$py" -m venv "$venv"
    fi
    extra=()
    require_arrow=
    [ "$i" = "$newest_i" ] && extra=(mypy)
    "$venv/bin/python" -m pip install -q pytest hypothesis jsonschema "${extra[@]}"
    # The Arrow tests: pyarrow everywhere a wheel exists (tests/test_arrow.py skips without
    # it); on the newest, also pandas, Polars, DuckDB, nanoarrow and arro3, and there the
    # tests must not skip ($SMTPCODE_REQUIRE_ARROW).
    if [ "$i" = "$newest_i" ]; then
        "$venv/bin/python" -m pip install -q --only-binary=:all: \
            pyarrow pandas polars duckdb nanoarrow arro3-core
        require_arrow=1
    elif ! "$venv/bin/python" -m pip install -q --only-binary=:all: pyarrow; then
        say "CPython $v: no pyarrow wheel; the Arrow tests skip here"
    fi
    "$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"
    say "CPython $v: pytest"
    # Run from the work directory so that nothing is imported from the source tree and
    # hypothesis keeps its database out of the repository.
    (cd "$WORK" && SMTPCODE_REQUIRE_ARROW="$require_arrow" \
        "$venv/bin/python" -m pytest "$PKG/tests" -q -p no:cacheprovider)
    if [ "$i" = "$newest_i" ]; then
        say "CPython $v: mypy.stubtest (the stubs match the module) and mypy (over the tests)"
        # Some entries are used only without pyspark, which the Spark step below installs
        # into this venv: a second run must not fail on them.
        (cd "$WORK" && "$venv/bin/python" -m mypy.stubtest smtpcode \
            --allowlist "$PKG/stubtest-allowlist.txt" --ignore-unused-allowlist)
        (cd "$PKG/tests" && "$venv/bin/python" -m mypy --cache-dir "$WORK/mypy-cache" .)
    fi
    tested+=("$v")
done

# --- Once, on the newest: Spark ------------------------------------------------------------
# smtpcode.spark on a local cluster of two executor JVMs over a million lines (heavy, so not
# on every interpreter). The test installs pyspark, and Java from Debian when it is missing;
# it skips, saying why, only when no Java can be had.
newest_venv="$WORK/cp${versions[$newest_i]}"
say "CPython ${versions[$newest_i]}: the Spark test (tests/test_spark.py)"
(cd "$WORK" && SMTPCODE_SPARK=1 SMTPCODE_REQUIRE_ARROW=1 \
    "$newest_venv/bin/python" -m pytest "$PKG/tests/test_spark.py" -q -rs -p no:cacheprovider)

# --- The release wheel of `maturin build --release`, in a fresh venv -------------------------
# The wheel a release process uploads: built by maturin itself from the repository, installed
# into a venv made for it (removed first), where the package and its `smtpcode` command are
# checked against the binary (tests/test_cli.py) with the API tests.
"$build/bin/maturin" build --release -q -m "$PKG/Cargo.toml" -o "$dist/release"
release_wheel=$(ls "$dist"/release/smtpcode-*.whl)
fresh="$WORK/fresh"
rm -rf "$fresh"
"${pythons[$newest_i]}" -m venv "$fresh"
"$fresh/bin/python" -m pip install -q "$release_wheel" pytest hypothesis
say "$(basename "$release_wheel") in a fresh venv: the smtpcode command and the API"
[ -x "$fresh/bin/smtpcode" ] || { say "the wheel installed no smtpcode command" >&2; exit 1; }
(cd "$WORK" && "$fresh/bin/python" -m pytest "$PKG/tests/test_cli.py" "$PKG/tests/test_api.py" \
    -q -p no:cacheprovider)
say "passed on CPython ${tested[*]} with $(basename "$wheel"), and $(basename "$release_wheel") fresh"
