//! The `smtpcode` binary: the command of `smtpcode_cli` (src/main.rs) with the process's
//! arguments.

fn main() -> std::process::ExitCode {
    smtpcode_cli::run(std::env::args_os())
}
