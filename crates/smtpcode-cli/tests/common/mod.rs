//! Running the `smtpcode` command in the tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::thread::JoinHandle;

/// Starts the command with `args`, standard input and output piped.
fn spawn(args: &[&str], stderr: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_smtpcode"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("run smtpcode")
}

/// Starts the command with `args` and a thread writing `stdin` to it (the command answers
/// while it reads).
fn start(args: &[&str], stdin: &[u8]) -> (Child, JoinHandle<()>) {
    let mut child = spawn(args, Stdio::piped());
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    (child, writer)
}

/// Runs the command with `args` and `stdin`, to its end.
pub fn smtpcode(args: &[&str], stdin: &[u8]) -> Output {
    let (child, writer) = start(args, stdin);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Runs the command, reads the start of its output and closes it, like `| head -1`: the
/// run must end quietly, with status 0 and nothing on standard error.
pub fn closed_pipe_ends_quietly(args: &[&str], stdin: &[u8]) {
    let (mut child, writer) = start(args, stdin);
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    assert!(stdout.read(&mut first).unwrap() > 0, "{args:?}");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts the command with `args`, its standard input and output as pipes to write lines to
/// and read records from while it runs (standard error dropped).
pub fn streaming(
    args: &[&str],
) -> (
    Child,
    std::process::ChildStdin,
    std::io::BufReader<std::process::ChildStdout>,
) {
    let mut child = spawn(args, Stdio::null());
    let stdin = child.stdin.take().unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    (child, stdin, stdout)
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
