//! Gives the shared library its SONAME on ELF systems, derived from the crate version: the
//! file is installed as `libsmtpcode.so.<version>` with the links `libsmtpcode.so.<abi>` and
//! `libsmtpcode.so`, where `<abi>` is `0.MINOR` before 1.0 and `MAJOR` after.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets it");
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets it");
        let abi = if major == "0" {
            format!("0.{minor}")
        } else {
            major
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsmtpcode.so.{abi}");
    }
}
