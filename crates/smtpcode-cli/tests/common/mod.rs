//! Running the `smtpcode` command in the tests.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the command with `args`, writing `stdin` to it from another thread (the command
/// answers while it reads).
pub fn smtpcode(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtpcode"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run smtpcode");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// [`smtpcode`] with no input, which must succeed.
pub fn ok(args: &[&str]) -> Output {
    let out = smtpcode(args, b"");
    assert!(
        out.status.success(),
        "smtpcode {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
