//! The SMTP command that a bounce's text names ("in reply to RCPT TO command", "after end of
//! data", a `>>> DATA` / `<<< 554 ...` session transcript), and the remote host it names.

use std::collections::HashSet;

use super::util::{addresses, ifind, istarts};
use crate::model::Command;

/// The SMTP command named in a text: Postfix's "(in reply to RCPT TO command)", Exim's
/// "after RCPT TO:<a@b>", qmail's "does not like recipient"... The phrases are the command
/// hints of `data/commands.tsv`: the command the classifier finds in the text, else
/// [`command_field`]. (A diagnostic that is classified anyway gets both from its
/// classification, with `command_field` as the context's fallback.)
pub(crate) fn command_in(text: &str) -> Option<Command> {
    crate::classify(text)
        .command()
        .or_else(|| command_field(text))
}

/// The command of m-FILTER's layout: "-------SMTP command" and the command on the next line.
pub(crate) fn command_field(text: &str) -> Option<Command> {
    if let Some(at) = ifind(text, "smtp command") {
        let after =
            text[at + "smtp command".len()..].trim_start_matches(['-', ':', ' ', '\n', '\r']);
        return command_word(after.split_whitespace().next().unwrap_or(""));
    }
    None
}

/// The command a word of a transcript names (`RCPT`, `DATA`, `.`): a name or alias of
/// `data/commands.tsv`.
fn command_word(w: &str) -> Option<Command> {
    let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.');
    crate::model::command_named(w.as_bytes())
}

/// What a session transcript in the notice says, read in one pass over its lines.
#[derive(Debug, Default)]
pub(crate) struct Transcript {
    /// The last command sent before the first error reply (`>>> DATA` then `<<< 550 ...`,
    /// or `Sent <<< RCPT TO:` then `Received >>> 550 ...`).
    pub(crate) command: Option<Command>,
    /// The addresses (lower case) of `>>> RCPT TO:<a@b>` lines answered by an error.
    rcpt_failed: HashSet<String>,
}

impl Transcript {
    /// Reads the transcript lines among `lines`.
    pub(crate) fn read(lines: &[&str]) -> Transcript {
        let mut t = Transcript::default();
        let mut last = None;
        // The first error reply, while its pipelined batch is still open.
        let mut first_error: Option<Option<Command>> = None;
        let mut replies_after_error = 0;
        for (i, l) in lines.iter().enumerate() {
            let line = l.trim();
            if let Some(cmd) = sent(line) {
                if let Some(c) = first_error.take() {
                    t.command = c;
                }
                last = command_of(cmd);
                if ifind(line, "rcpt to").is_some()
                    && lines.get(i + 1).is_some_and(|n| is_error_reply(n))
                {
                    for f in addresses(line) {
                        t.rcpt_failed
                            .insert(line[f.start..f.end].to_ascii_lowercase());
                    }
                }
                continue;
            }
            if let Some(reply) = received(line) {
                let r = reply.trim_start();
                if t.command.is_none() && first_error.is_none() {
                    if (r.starts_with('4') || r.starts_with('5')) && last.is_some() {
                        first_error = Some(last);
                        replies_after_error = 0;
                    }
                } else if first_error.is_some() && !r.is_empty() {
                    replies_after_error += 1;
                    // PIPELINING: more replies to the same batch ("<<< 550 User unknown" then
                    // "<<< 503 Need RCPT"): the first error answered a RCPT sent before DATA.
                    if first_error == Some(Some(Command::Data)) && replies_after_error == 1 {
                        t.command = Some(Command::Rcpt);
                        first_error = None;
                    }
                }
            }
        }
        if let Some(c) = first_error {
            t.command = c;
        }
        t
    }

    /// `Rcpt` when a transcript line sent `RCPT TO` for `address` and got an error.
    pub(crate) fn command_for(&self, address: &str) -> Option<Command> {
        if self.rcpt_failed.is_empty() {
            return None;
        }
        self.rcpt_failed
            .contains(&address.to_ascii_lowercase())
            .then_some(Command::Rcpt)
    }
}

/// The command that a line of the sending side names (`>>> MAIL From:<a@b>`: `Mail`).
pub(crate) fn sent_command(line: &str) -> Option<Command> {
    command_of(sent(line.trim())?)
}

/// The command of what the sending side wrote (`MAIL From:<a@b>`, `DATA`).
fn command_of(sent: &str) -> Option<Command> {
    command_word(sent.split_whitespace().next()?.split(':').next()?)
}

/// The command of a line that the sending side wrote in a transcript.
fn sent(line: &str) -> Option<&str> {
    line.strip_prefix(">>>")
        .or_else(|| strip_prefix_ci(line, "sent <<<"))
        .or_else(|| strip_prefix_ci(line, "out:"))
}

/// The reply of a line that the receiving side wrote in a transcript.
pub(crate) fn received(line: &str) -> Option<&str> {
    line.strip_prefix("<<<")
        .or_else(|| strip_prefix_ci(line, "received >>>"))
        .or_else(|| strip_prefix_ci(line, "in:"))
}

/// Is this line (a transcript reply or a bare reply) a 4xx or 5xx reply?
fn is_error_reply(line: &str) -> bool {
    let t = line.trim();
    let reply = t
        .strip_prefix("<<<")
        .or_else(|| strip_prefix_ci(t, "received >>>"))
        .unwrap_or(t)
        .trim_start();
    reply.starts_with('4') || reply.starts_with('5')
}

fn strip_prefix_ci<'s>(s: &'s str, p: &str) -> Option<&'s str> {
    istarts(s, p).then(|| &s[p.len()..])
}

/// The remote host a diagnostic names ("host mx.example.com[192.0.2.1] said", "host
/// mx.example.com [192.0.2.1]:", "remote host 192.0.2.1 said").
pub(crate) fn remote_host(text: &str) -> Option<String> {
    let at = ifind(text, "host ")?;
    let after = text[at + 5..].trim_start_matches([':', ' ']);
    let end = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':')))
        .unwrap_or(after.len());
    let name = after[..end].trim_end_matches(['.', ':']);
    (name.contains('.') && name.len() > 3).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(
            command_in("550 x (in reply to RCPT TO command)"),
            Some(Command::Rcpt)
        );
        assert_eq!(
            command_in("SMTP error from remote mail server after end of data: 550 spam"),
            Some(Command::EndOfData)
        );
        assert_eq!(command_in("no command here"), None);
        let t = [
            ">>> MAIL From:<a@b.c>",
            "<<< 250 ok",
            ">>> DATA",
            "<<< 554 no",
        ];
        assert_eq!(Transcript::read(&t).command, Some(Command::Data));
    }

    #[test]
    fn pipelined_batch() {
        let t = [
            ">>> MAIL From:<a@b.c>",
            ">>> RCPT To:<x@y.example>",
            ">>> DATA",
            "<<< 550 5.1.1 User unknown",
            "<<< 503 5.5.1 Need RCPT",
        ];
        let tr = Transcript::read(&t);
        assert_eq!(tr.command, Some(Command::Rcpt));
        // The RCPT line is not directly followed by its reply here.
        assert_eq!(tr.command_for("x@y.example"), None);
        let t = [">>> RCPT To:<X@Y.example>", "<<< 550 no such user"];
        let tr = Transcript::read(&t);
        assert_eq!(tr.command_for("x@y.example"), Some(Command::Rcpt));
        assert_eq!(tr.command, Some(Command::Rcpt));
    }

    #[test]
    fn hosts() {
        assert_eq!(
            remote_host("host mx.example.com[192.0.2.1] said: 550").as_deref(),
            Some("mx.example.com")
        );
        assert_eq!(remote_host("no host"), None);
    }
}
