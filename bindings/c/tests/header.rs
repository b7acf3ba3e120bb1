//! `include/smtpcode.h` is generated from this crate by cbindgen (a pinned dev-dependency)
//! and committed. This test regenerates it in memory and fails when the committed file
//! differs; `SMTPCODE_BLESS=1 cargo test -p smtpcode-capi --test header` rewrites it.

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("../../include/smtpcode.h")
}

/// The version macros, from Cargo's version of this crate (never written by hand).
fn version_macros() -> String {
    format!(
        "\n/** The version of this header (the crate version); compare with smtpcode_version(). */\n\
         #define SMTPCODE_VERSION \"{}\"\n\
         /** The major part of SMTPCODE_VERSION. */\n\
         #define SMTPCODE_VERSION_MAJOR {}\n\
         /** The minor part of SMTPCODE_VERSION. */\n\
         #define SMTPCODE_VERSION_MINOR {}\n\
         /** The patch part of SMTPCODE_VERSION. */\n\
         #define SMTPCODE_VERSION_PATCH {}\n",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    )
}

fn generate() -> Vec<u8> {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("bindings/c/cbindgen.toml: {e}"));
    // with_config replaces the whole configuration: it comes first.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_crate(&dir)
        .with_after_include(version_macros())
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed: {e}"));
    let mut out = Vec::new();
    bindings.write(&mut out);
    out
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  committed: {x}\n  generated: {y}", n + 1);
        }
    }
    format!(
        "the files have {} and {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn header_is_up_to_date() {
    let path = header_path();
    let fresh = generate();
    assert!(
        String::from_utf8_lossy(&fresh).contains("smtpcode_classify("),
        "cbindgen produced a header without smtpcode_classify"
    );
    if std::env::var_os("SMTPCODE_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("wrote {}", path.display());
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is not what cbindgen generates from bindings/c ({}).\n\
         If the change to the C API is intended, regenerate it with\n  \
         SMTPCODE_BLESS=1 cargo test -p smtpcode-capi --test header\nand commit it.",
        Path::new("include/smtpcode.h").display(),
        first_difference(&committed, &fresh)
    );
}
