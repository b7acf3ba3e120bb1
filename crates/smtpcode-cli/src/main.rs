//! `smtpcode`: explain and classify SMTP replies and bounce diagnostics.
//!
//! This is the root of the library `smtpcode_cli`, whose one public item is [`run`]: the
//! `smtpcode` binary (`src/bin/smtpcode.rs`) and the Python package's `smtpcode` command both
//! call it, so that they print the same.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use smtpcode::{Classification, Classifier, Command, Context, Rules};

mod bounce;
mod card;
mod docs;
mod html;
mod inputs;
pub mod lines;
mod logs;
mod output;
mod report;
mod split;
mod term;

/// Explain and classify SMTP replies and bounce diagnostics.
#[derive(Parser)]
#[command(name = "smtpcode", version, about, long_about = None)]
struct Cli {
    /// Read rules from this file before the built-in ones (tab-separated: id, pattern,
    /// reason, and optional columns; the rule language is in the crate's data/README.md).
    /// A user's rule decides before a built-in rule of the same step.
    #[arg(long, global = true, value_name = "FILE")]
    rules: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print a readable card for one reply: meaning, explanation, fix, outcome, bounce,
    /// reason, action. Several words are joined with spaces into one reply.
    Explain {
        /// The reply or diagnostic, e.g. 550 or "550 5.1.1 <a@b.c>: User unknown".
        #[arg(required = true, num_args = 1..)]
        reply: Vec<String>,
        /// The SMTP command the reply answered.
        #[arg(long, value_parser = parse_command)]
        command: Option<Command>,
        /// Output format: `table` is the card; `json`, `tsv` and `csv` are the record of
        /// `classify --input` for this reply (without the line number).
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// The same as `--format json`.
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
    /// Classify each input line (one reply or diagnostic per line) from the files, or from
    /// standard input when no file is given. Prints one record per input line, in order.
    Classify {
        /// Files to read ("-" for standard input).
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Print counts per reason, bounce and outcome instead of records.
        #[arg(long)]
        summary: bool,
        /// The SMTP command every line answered.
        #[arg(long, value_parser = parse_command)]
        command: Option<Command>,
        /// Include the input line in each JSON/TSV record.
        #[arg(long)]
        input: bool,
        /// Give each record the file it comes from (`file` in JSON, a column in TSV and the
        /// table), even with one input; it is given anyway when there are several.
        #[arg(long, short = 'H')]
        with_filename: bool,
    },
    /// List the code table (the glossary): basic reply codes, or enhanced status codes.
    Codes {
        /// Only codes of this class (first digit), e.g. 4 or 5.
        #[arg(long, short)]
        class: Option<u8>,
        /// List the IANA enhanced status codes instead of the basic reply codes.
        #[arg(long)]
        enhanced: bool,
        /// Print every field of each row, as a card (with `--format table`).
        #[arg(long, short)]
        long: bool,
        /// Output format: every field of each row in `json` (one object per line), `tsv`
        /// and `csv`.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// The same as `--format json`.
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
    /// List the reasons with their meaning, default bounce and action.
    Reasons {
        /// Output format: every field of each reason in `json` (one object per line), `tsv`
        /// and `csv`.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Parse whole bounce messages (files, maildir folders, mbox files, files of messages
    /// written one after another; standard input when none is given) and print one record
    /// per recipient: the kind of message, the recipient, the DSN fields and the
    /// classification of the diagnostic. A message without recipients (an auto-reply, a
    /// message that is not a bounce) still gets one record with its kind. A message header
    /// that cannot be told from quoted headers is reported on standard error.
    Bounce {
        /// Message files, maildir folders (cur/ and new/), folders of message files, mbox
        /// files ("-" for standard input).
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Print counts and shares by DSN action, reason, bounce, provider and recipient
        /// domain instead of records.
        #[arg(long, conflicts_with = "suppress")]
        summary: bool,
        /// Print the addresses to stop sending to (hard bounces), one per address, with
        /// the count, last time and reason (`--format csv` for an ESP's import).
        #[arg(long)]
        suppress: bool,
        /// Also write a report page to FILE ("-" for standard output): one self-contained
        /// HTML file (no script, no request) with charts and their tables; see `logs --report`.
        #[arg(long, value_name = "FILE", conflicts_with = "suppress")]
        report: Option<PathBuf>,
    },
    /// Read mail logs (Postfix, Exim, Sendmail, OpenSMTPD through syslog or their own files;
    /// KumoMTA JSON, PowerMTA accounting CSV, Exchange message tracking) and print one record
    /// per delivery event: recipient, queue id, sender, relay, the log's status and the
    /// classification of the reply. Lines that are no delivery are skipped and counted.
    /// Files may be gzip or zstd compressed; "-" (or no file) reads standard input as a
    /// stream.
    Logs {
        /// Log files ("-" for standard input).
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Print counts and shares by status, reason, bounce, provider and recipient domain
        /// instead of records.
        #[arg(long, conflicts_with_all = ["suppress", "all"])]
        summary: bool,
        /// Print the addresses to stop sending to (hard bounces of outgoing mail), one per
        /// address, with the count, last time and reason (`--format csv` for an ESP's
        /// import).
        #[arg(long, conflicts_with = "all")]
        suppress: bool,
        /// Also print the lines that are no delivery event, marked with what they are.
        #[arg(long)]
        all: bool,
        /// Write a report page to FILE ("-" for standard output): one self-contained HTML
        /// file (no script, no request) with deliveries over time by status, bounce and
        /// deferral rates of the top providers, the top reasons with the action to take,
        /// the domains with the most hard bounces and the suppression list's size, each
        /// chart with its table; the counts are those of --summary (which may be given too).
        /// Traditional syslog times are read in the current year unless --year says.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["suppress", "all"])]
        report: Option<PathBuf>,
        /// Only events at or after this time (2026-12-04, "2026-12-04 21:30", RFC 3339). A
        /// time without an offset is compared with the log's wall-clock times.
        #[arg(long, value_parser = parse_time, value_name = "TIME")]
        since: Option<smtpcode::log::LogTime>,
        /// Only events before this time.
        #[arg(long, value_parser = parse_time, value_name = "TIME")]
        until: Option<smtpcode::log::LogTime>,
        /// The year of traditional syslog times (which have none), so that they can be read
        /// and compared.
        #[arg(long)]
        year: Option<i16>,
        /// Read every line as this format (postfix, exim, sendmail, opensmtpd, kumomta,
        /// powermta, exchange) instead of recognizing each line's.
        #[arg(long, value_parser = parse_mta, value_name = "FORMAT")]
        log_format: Option<smtpcode::log::Mta>,
        /// No progress bar (it is shown on a terminal only, on standard error).
        #[arg(long)]
        no_progress: bool,
    },
    /// Print the shell completion script for bash, zsh, fish, elvish or PowerShell (`make
    /// install` installs those of bash, zsh and fish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of the command, or of one subcommand; `--dir` writes
    /// them all (smtpcode.1, smtpcode-classify.1, ...) into a folder.
    Man {
        /// The subcommand whose page to print (the command's own page when none is given).
        #[arg(conflicts_with = "dir")]
        subcommand: Option<String>,
        /// Write every page into this folder instead of printing one.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Output formats of the subcommands.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Aligned columns for people.
    Table,
    /// One JSON object per line.
    Json,
    /// Tab-separated values with a header line.
    Tsv,
    /// Comma-separated values (RFC 4180) with a header line.
    Csv,
}

fn parse_time(s: &str) -> Result<smtpcode::log::LogTime, String> {
    smtpcode::log::LogTime::parse(s).ok_or_else(|| {
        format!("{s:?} is not a time (2026-12-04, \"2026-12-04 21:30\", 2026-12-04T21:30:00+01:00)")
    })
}

fn parse_mta(s: &str) -> Result<smtpcode::log::Mta, String> {
    s.to_ascii_lowercase().parse().map_err(|_| {
        let names: Vec<&str> = smtpcode::log::Mta::ALL.iter().map(|m| m.as_str()).collect();
        format!("{s:?} is not a log format ({})", names.join(", "))
    })
}

/// A command name as people write it: any case, `-` or a space for `_`, and the aliases of
/// `data/commands.tsv` (`helo`, `rcpt_to`, `dot`...).
fn parse_command(s: &str) -> Result<Command, String> {
    let norm = s.to_ascii_lowercase().replace(['-', ' '], "_");
    norm.parse().map_err(|e: smtpcode::UnknownName| {
        format!("{e} (connect, ehlo, starttls, auth, mail, rcpt, data, end_of_data)")
    })
}

/// Runs the command with these arguments (the first is the program name) and returns its
/// exit status: the whole of `smtpcode`, for the binary (`src/bin/smtpcode.rs`) and for front
/// ends that embed it (the Python package's `smtpcode` command).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    // Not `parse_from`, which ends the process on --help or a usage error: a front end that
    // embeds the command (Python) gets the status back instead.
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print and succeed; a usage error prints and fails (2).
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    // The commands that print what the definitions above say need no classifier.
    match &cli.command {
        Cmd::Completions { shell } => return finish(docs::completions(*shell), 0),
        Cmd::Man { subcommand, dir } => {
            return finish(docs::man(subcommand.as_deref(), dir.as_deref()), 0);
        }
        _ => {}
    }
    let classifier = match &cli.rules {
        None => Classifier::new(),
        Some(path) => match Rules::load(path) {
            Ok(rules) => Classifier::with_rules(rules),
            Err(e) => {
                eprintln!("smtpcode: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut read = inputs::Outcome::default();
    let result = match cli.command {
        Cmd::Explain {
            reply,
            command,
            format,
            json,
        } => explain(
            &classifier,
            &reply.join(" "),
            command,
            if json { Format::Json } else { format },
        ),
        Cmd::Classify {
            files,
            format,
            summary,
            command,
            input,
            with_filename,
        } => classify(
            &classifier,
            &files,
            &ClassifyOptions {
                format,
                summary,
                command,
                echo: input,
                with_filename,
            },
            &mut read,
        ),
        Cmd::Codes {
            class,
            enhanced,
            long,
            format,
            json,
        } => output::codes(
            class,
            enhanced,
            long,
            if json { Format::Json } else { format },
        ),
        Cmd::Reasons { format } => output::reasons(format),
        Cmd::Completions { .. } | Cmd::Man { .. } => unreachable!("handled above"),
        Cmd::Bounce {
            files,
            format,
            summary,
            suppress,
            report,
        } => bounce::run(
            &classifier,
            &files,
            format,
            summary,
            suppress,
            report.as_deref(),
            &mut read,
        ),
        Cmd::Logs {
            files,
            format,
            summary,
            suppress,
            all,
            report,
            since,
            until,
            year,
            log_format,
            no_progress,
        } => logs::run(
            &classifier,
            &logs::Options {
                files,
                format,
                summary,
                suppress,
                all,
                report,
                since,
                until,
                year,
                log_format,
                progress: !no_progress,
            },
            &mut read,
        ),
    };
    finish(result, read.unreadable)
}

/// The exit status of a run that ended with `result` after `unreadable` inputs could not be
/// read; the error, if any, is printed.
fn finish(result: io::Result<()>, unreadable: usize) -> ExitCode {
    match result {
        Ok(()) | Err(_) if unreadable > 0 => {
            if let Err(e) = result.as_ref() {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    eprintln!("smtpcode: {e}");
                }
            }
            eprintln!(
                "smtpcode: {} input{} could not be read (see above)",
                unreadable,
                if unreadable == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
        Ok(()) => ExitCode::SUCCESS,
        // A closed output (`| head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smtpcode: {e}");
            ExitCode::FAILURE
        }
    }
}

fn context(command: Option<Command>) -> Context {
    match command {
        Some(c) => Context::new().command(c),
        None => Context::new(),
    }
}

fn explain(
    classifier: &Classifier,
    reply: &str,
    command: Option<Command>,
    format: Format,
) -> io::Result<()> {
    let c = classifier.classify_with(reply, context(command));
    let mut out = BufWriter::new(io::stdout().lock());
    if format == Format::Table {
        card::write(&mut out, reply, &c)?;
    } else {
        // The record of `classify --input`, without a line number.
        let mut w = output::Records::new(format, true, false, false);
        w.record(&mut out, None, None, &c, reply.as_bytes(), false)?;
    }
    out.flush()
}

/// What `classify` prints.
struct ClassifyOptions {
    format: Format,
    summary: bool,
    command: Option<Command>,
    /// Include the input line in each record.
    echo: bool,
    /// Name the file in each record even with one input.
    with_filename: bool,
}

/// Lines of a file read and classified together: at most this many lines, or the lines
/// that hold this many bytes (the last one whole).
const BLOCK_LINES: usize = 4096;
const BLOCK_BYTES: usize = 4 << 20;
/// Below this many lines a block is classified on the reading thread.
const PARALLEL_FROM: usize = 64;

/// A block of lines: their bytes one after another, where each ends and whether it was cut,
/// and their classifications once `classify` ran.
#[derive(Default)]
struct Block {
    text: Vec<u8>,
    ends: Vec<(usize, bool)>,
    results: Vec<Classification>,
}

impl Block {
    /// Reads the next lines into the block (emptied first); with `stream`, the block also
    /// ends when the input has nothing more to give at once. `Ok(true)` when more may
    /// follow, `Ok(false)` at the end of the input, `Err` when reading failed: the block
    /// holds the lines read before the error either way.
    fn fill<R: BufRead>(
        &mut self,
        reader: &mut lines::Pending<R>,
        buf: &mut Vec<u8>,
        stream: bool,
    ) -> io::Result<bool> {
        self.text.clear();
        self.ends.clear();
        while self.ends.len() < BLOCK_LINES && self.text.len() < BLOCK_BYTES {
            match lines::next_line(reader, buf)? {
                Some(truncated) => {
                    self.text.extend_from_slice(buf);
                    self.ends.push((self.text.len(), truncated));
                }
                None => return Ok(false),
            }
            if stream && reader.pending() == 0 {
                break;
            }
        }
        Ok(true)
    }

    /// Line `i` and whether it was cut.
    fn line(&self, i: usize) -> (&[u8], bool) {
        let start = if i == 0 { 0 } else { self.ends[i - 1].0 };
        let (end, truncated) = self.ends[i];
        (&self.text[start..end], truncated)
    }

    /// Classifies the block's lines into `results`, in order, on all cores when there are
    /// enough of them.
    fn classify(&mut self, classifier: &Classifier, ctx: Context) {
        use rayon::prelude::*;
        let mut results = std::mem::take(&mut self.results);
        let this = &*self;
        let one = |i: usize| classifier.classify_with(this.line(i).0, ctx);
        if this.ends.len() >= PARALLEL_FROM {
            (0..this.ends.len())
                .into_par_iter()
                .map(one)
                .collect_into_vec(&mut results);
        } else {
            results.clear();
            results.extend((0..this.ends.len()).map(one));
        }
        self.results = results;
    }
}

fn classify(
    classifier: &Classifier,
    files: &[PathBuf],
    opts: &ClassifyOptions,
    read: &mut inputs::Outcome,
) -> io::Result<()> {
    let ctx = context(opts.command);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut counts = output::Summary::default();
    let list = inputs::list(files, false, read);
    // Like grep and ripgrep: the file is named when there are several (or with -H).
    let named = opts.with_filename || list.len() > 1;
    let mut writer = output::Records::new(opts.format, opts.echo, true, named);
    inputs::read_each(&list, read, |input, reader: &mut dyn BufRead| {
        let name = input.name();
        let file = named.then_some(name.as_str());
        // Line numbers count from 1 in each input.
        let mut line_no = 0u64;
        let mut buf = Vec::new();
        let mut block = Block::default();
        // Blocks of lines classified on all cores, written in order. Standard input's block
        // also ends when it has nothing more to give at once, and is written out then: a
        // pipe's lines are answered as they come.
        let stream = matches!(input, inputs::Input::Stdin);
        let mut reader = lines::Pending::new(reader);
        let mut each = || -> io::Result<()> {
            loop {
                let read = block.fill(&mut reader, &mut buf, stream);
                block.classify(classifier, ctx);
                for (i, c) in block.results.iter().enumerate() {
                    line_no += 1;
                    if opts.summary {
                        counts.add(c);
                    } else {
                        let (line, truncated) = block.line(i);
                        writer.record(&mut out, file, Some(line_no), c, line, truncated)?;
                    }
                }
                if stream {
                    out.flush()?;
                }
                // A read error after the lines before it are out.
                if !read? {
                    return Ok(());
                }
            }
        };
        let result = each();
        // What this input gave is out before a message about the next one (or about this
        // one's read error) reaches standard error.
        out.flush()?;
        result
    })?;
    if opts.summary {
        counts.write(&mut out, opts.format)?;
    } else if read.unreadable == 0 {
        // An empty input still gets the header of its format.
        writer.finish(&mut out)?;
    }
    out.flush()
}
