//! The inputs of a command: files, folders, standard input. A file that cannot be opened or
//! read is reported on standard error with its name, and the others are still read; the
//! exit status says that something was not read. A failure to write the output (a closed
//! pipe) is not a failure of the input and ends the run.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// An error of reading an input, as opposed to writing the output.
#[derive(Debug)]
struct InputError(io::Error);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for InputError {}

/// A reader whose errors are marked as errors of the input.
pub struct Checked<R>(pub R);

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0
            .read(buf)
            .map_err(|e| io::Error::new(e.kind(), InputError(e)))
    }
}

/// `e` with `context` in front of its message (`after line 12: corrupt deflate stream`),
/// still an error of the input if it was one.
pub fn annotate(e: io::Error, context: &str) -> io::Error {
    let msg = format!("{context}: {e}");
    if is_input_error(&e) {
        io::Error::new(e.kind(), InputError(io::Error::new(e.kind(), msg)))
    } else {
        io::Error::new(e.kind(), msg)
    }
}

/// Is this an error of reading an input (rather than of writing the output)?
fn is_input_error(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<InputError>())
}

/// One input: its name as given (`-` for standard input) and how to open it.
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The name shown in records and messages.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }

    fn open(&self) -> io::Result<Box<dyn BufRead>> {
        Ok(match self {
            Input::Stdin => Box::new(BufReader::with_capacity(
                64 * 1024,
                Checked(io::stdin().lock()),
            )),
            Input::File(p) => {
                Box::new(BufReader::with_capacity(64 * 1024, Checked(File::open(p)?)))
            }
        })
    }
}

/// Tells whether every input was read.
#[derive(Default)]
pub struct Outcome {
    /// Inputs that could not be opened or read, or were skipped.
    pub unreadable: usize,
}

/// The inputs named on the command line: standard input when there are none, `-` for
/// standard input; with `folders`, a folder stands for its message files (a maildir's `cur/`
/// and `new/`, or the files in it, by name). Entries of a folder that are not regular files
/// (FIFOs, sockets, symbolic links that lead nowhere) are skipped with a message.
pub fn list(paths: &[PathBuf], folders: bool, outcome: &mut Outcome) -> Vec<Input> {
    if paths.is_empty() {
        return vec![Input::Stdin];
    }
    let mut v = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            v.push(Input::Stdin);
        } else if folders && p.is_dir() {
            match folder_files(p, outcome) {
                Ok(files) => v.extend(files.into_iter().map(Input::File)),
                Err(e) => {
                    eprintln!("smtpcode: cannot read {}: {e}", p.display());
                    outcome.unreadable += 1;
                }
            }
        } else {
            v.push(Input::File(p.clone()));
        }
    }
    v
}

fn folder_files(dir: &Path, outcome: &mut Outcome) -> io::Result<Vec<PathBuf>> {
    let (cur, new) = (dir.join("cur"), dir.join("new"));
    let dirs = if cur.is_dir() || new.is_dir() {
        vec![cur, new]
    } else {
        vec![dir.to_path_buf()]
    };
    let mut v = Vec::new();
    for d in dirs.iter().filter(|d| d.is_dir()) {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(d)? {
            let path = entry?.path();
            // Follows symbolic links: a link to a message file is read.
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => files.push(path),
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    eprintln!("smtpcode: skipping {}: not a regular file", path.display());
                    outcome.unreadable += 1;
                }
                Err(e) => {
                    eprintln!("smtpcode: skipping {}: {e}", path.display());
                    outcome.unreadable += 1;
                }
            }
        }
        files.sort();
        v.extend(files);
    }
    Ok(v)
}

/// Reads each input in turn with `each`. An input that cannot be opened or read is reported
/// on standard error (`smtpcode: NAME: ERROR`) and counted, and the next one is read; an
/// error of the output ends the run.
pub fn read_each(
    inputs: &[Input],
    outcome: &mut Outcome,
    mut each: impl FnMut(&Input, &mut dyn BufRead) -> io::Result<()>,
) -> io::Result<()> {
    for input in inputs {
        let result = match input.open() {
            Ok(mut r) => each(input, &mut *r),
            Err(e) => {
                eprintln!("smtpcode: cannot open {}: {e}", input.name());
                outcome.unreadable += 1;
                continue;
            }
        };
        match result {
            Ok(()) => {}
            Err(e) if is_input_error(&e) => {
                eprintln!("smtpcode: {}: {e}", input.name());
                outcome.unreadable += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
