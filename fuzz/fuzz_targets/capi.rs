//! The C API through the C ABI on any bytes (the driver and its checks are in
//! `bindings/c/src/fuzz.rs`, where `unsafe` is allowed).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| smtpcode_capi::fuzz::drive(data));
