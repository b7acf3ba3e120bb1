//! `smtpcode completions` and `smtpcode man`: the shell completion scripts (clap_complete) and
//! the manual pages (clap_mangen), both made from the command's own definitions, so that they
//! cannot drift from what the command accepts.

use std::io::{self, Write};
use std::path::Path;

use clap::CommandFactory;

use crate::Cli;

/// The command's definitions, as the generators read them (without clap's `help`
/// subcommand, which `--help` does better).
fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Built, the subcommands know their full name (`smtpcode classify`) and the global options.
    cmd.build();
    cmd
}

/// Writes `bytes` to standard output (a closed pipe is an error of kind `BrokenPipe`, which
/// ends the run quietly).
fn print(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// `smtpcode completions SHELL`: the completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> io::Result<()> {
    // Made in memory first: the generator does not return errors of its writer.
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command(), "smtpcode", &mut buf);
    print(&buf)
}

/// The manual page of the command (`None`) or of one subcommand, and its file name.
fn page(name: Option<&str>) -> io::Result<(String, Vec<u8>)> {
    let cmd = command();
    let page = match name {
        None => cmd,
        Some(name) => {
            let Some(sub) = cmd.find_subcommand(name) else {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("no subcommand {name:?} ({})", names.join(", ")),
                ));
            };
            // Named as man pages of subcommands are (git-log(1)).
            let display = format!("smtpcode-{}", sub.get_name());
            sub.clone().display_name(display)
        }
    };
    let man = clap_mangen::Man::new(page).source(concat!("smtpcode ", env!("CARGO_PKG_VERSION")));
    let mut buf = Vec::new();
    man.render(&mut buf)?;
    Ok((man.get_filename(), buf))
}

/// `smtpcode man [SUBCOMMAND]` prints one page; `smtpcode man --dir DIR` writes them all
/// (`smtpcode.1` and `smtpcode-SUBCOMMAND.1` for each subcommand).
pub fn man(subcommand: Option<&str>, dir: Option<&Path>) -> io::Result<()> {
    let Some(dir) = dir else {
        return print(&page(subcommand)?.1);
    };
    std::fs::create_dir_all(dir)?;
    let cmd = command();
    let names = std::iter::once(None).chain(cmd.get_subcommands().map(|s| Some(s.get_name())));
    for name in names {
        let (file, bytes) = page(name)?;
        std::fs::write(dir.join(file), bytes)?;
    }
    Ok(())
}
