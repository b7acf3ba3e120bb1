//! Messages written one after another without mbox separators (bounces pasted into one file,
//! `cat *.eml > all.txt`): where does the next message start? The messages of an mbox go
//! through the same scan, so that one of them holding several is split too.
//!
//! A new message starts with a header block at the top level of the message before it: a
//! header field at the start of a line after a blank line (or right after the closing
//! boundary of the message's multipart body), then only header lines up to a blank line, with
//! at least three fields, among them `From:` and one that a stored message has and a quoted
//! reply header does not (`Date:`, `Message-ID:`, `MIME-Version:`, `Content-Type:`,
//! `Received:`, `Return-Path:`, `Delivered-To:`).
//!
//! What a bounce quotes is not a new message:
//! * Inside the message's multipart body, a part's content right after the part's header
//!   (`message/rfc822`, `text/rfc822-headers`), and a delivery-status block after another,
//!   are never split off; a header block right after other header lines and one blank line
//!   never starts a message anywhere.
//! * In a part, a header block starts a message only if it is a whole message's header
//!   ([`Head::is_whole_message`]: five fields or more, with `From:`, `Date:` and a
//!   `Message-ID:` or trace field) after text and a blank line: the part's message never
//!   closed its body. That message is kept back; if its boundary then comes, the part was
//!   quoting, and the two are joined again.
//! * In a plain-text body, the header block right after a line announcing a copy of the
//!   message (`------ This is a copy of the message, including all the headers. ------`,
//!   `--- Below this line is a copy of the message.`, `----- Original message -----`...) is
//!   that copy's.
//! * Indented header lines are text, never a header block.
//!
//! A message's header that cannot be told from quoted headers (no blank line before it, or
//! after header lines and blank lines) is not split off, and a message on standard error says
//! where it is, so that 14 bounces are never read silently as one when they can be seen.
//!
//! Each line is looked at a bounded number of times (a candidate header block is kept until
//! its blank line, at most [`MAX_PENDING`] bytes, then either starts a message or is added to
//! the current one as it is; a message joined again is copied once): time is linear in the
//! input, and memory bounded by the messages kept ([`KEEP`] bytes each, two at most) plus
//! [`MAX_PENDING`].

use std::io::{self, BufRead, Read};

use crate::bounce::{KEEP, Sink};

/// The most bytes of a candidate header block kept while waiting for its blank line; a
/// longer block is read as the current message's text.
pub const MAX_PENDING: usize = 64 * 1024;

/// The most bytes of the `Content-Type` field kept, to find its boundary.
const MAX_CONTENT_TYPE: usize = 4096;

/// Warnings printed per input; the others are counted.
const SHOWN_WARNINGS: u64 = 10;

/// Fields of a stored message that a quoted reply header ("From: / Sent: / To: / Subject:")
/// does not have.
const MESSAGE_FIELDS: [&[u8]; 7] = [
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"received",
    b"return-path",
    b"delivered-to",
];

/// The name of the header field this line starts (`Name:` at the start of the line, the name
/// of printable ASCII characters without white space).
fn field_name(line: &[u8]) -> Option<&[u8]> {
    let colon = memchr::memchr(b':', &line[..line.len().min(80)])?;
    let name = &line[..colon];
    (!name.is_empty() && name.iter().all(|b| b.is_ascii_graphic())).then_some(name)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// A line drawn with `-`, `=`, `_` or `*` (under an announcement).
fn is_rule(line: &[u8]) -> bool {
    line.iter()
        .all(|b| matches!(b, b'-' | b'=' | b'_' | b'*') || b.is_ascii_whitespace())
}

/// A folded header line (white space first).
fn is_continuation(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t')) && !is_blank(line)
}

fn one_of(name: &[u8], set: &[&[u8]]) -> bool {
    set.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// A line announcing the copy of the message that follows it in a plain-text bounce
/// (`------ This is a copy of the message, including all the headers. ------`, `--- Below
/// this line is a copy of the message.`, `----- Original message -----`, `Original message
/// headers:`...).
fn announces_copy(line: &[u8]) -> bool {
    const PHRASES: [&str; 10] = [
        "copy of the message",
        "copy of your message",
        "original message",
        "message follows",
        "below this line",
        "returned message",
        "unsent message",
        "forwarded message",
        "message header",
        "headers of the message",
    ];
    let text = String::from_utf8_lossy(line).to_ascii_lowercase();
    let text = text.trim();
    PHRASES.iter().any(|p| text.contains(p))
        || (text.contains("message") && text.starts_with(['-', '=', '_', '*']))
}

/// What a header block says, as far as splitting needs.
#[derive(Default)]
struct Head {
    fields: usize,
    from: bool,
    message_field: bool,
    date: bool,
    /// `Message-ID`, `Received`, `Return-Path` or `Delivered-To`.
    trace: bool,
    /// The unfolded `Content-Type` field (at most [`MAX_CONTENT_TYPE`] bytes).
    content_type: Vec<u8>,
    in_content_type: bool,
}

impl Head {
    /// Reads one line of the block.
    fn line(&mut self, line: &[u8]) {
        if is_continuation(line) {
            if self.in_content_type {
                self.keep_content_type(line);
            }
            return;
        }
        self.in_content_type = false;
        let Some(name) = field_name(line) else {
            return;
        };
        self.fields += 1;
        self.from |= name.eq_ignore_ascii_case(b"from");
        self.message_field |= one_of(name, &MESSAGE_FIELDS);
        self.date |= name.eq_ignore_ascii_case(b"date");
        self.trace |= one_of(
            name,
            &[b"message-id", b"received", b"return-path", b"delivered-to"],
        );
        if name.eq_ignore_ascii_case(b"content-type") {
            self.content_type.clear();
            self.in_content_type = true;
            self.keep_content_type(&line[name.len() + 1..]);
        }
    }

    fn keep_content_type(&mut self, part: &[u8]) {
        let room = MAX_CONTENT_TYPE.saturating_sub(self.content_type.len());
        self.content_type
            .extend_from_slice(&part[..part.len().min(room)]);
    }

    /// Does the block look like the header of a stored message?
    fn is_message(&self) -> bool {
        self.fields >= 3 && self.from && self.message_field
    }

    /// Does it look like a whole stored message's header, not a quoted one? (What starts a
    /// message inside a part whose closing boundary never came.)
    fn is_whole_message(&self) -> bool {
        self.fields >= 5 && self.from && self.date && self.trace
    }

    /// The boundary of a multipart body (`--` in front), if the message has one.
    fn boundary(&self) -> Option<Vec<u8>> {
        let ct = String::from_utf8_lossy(&self.content_type);
        let lower = ct.to_ascii_lowercase();
        if !lower.trim_start().starts_with("multipart/") {
            return None;
        }
        let at = lower.find("boundary=")? + "boundary=".len();
        let rest = ct[at..].trim_start();
        let value = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next().unwrap_or(""),
            None => rest
                .split(|c: char| c == ';' || c.is_ascii_whitespace())
                .next()
                .unwrap_or(""),
        };
        (!value.is_empty()).then(|| [b"--", value.as_bytes()].concat())
    }
}

/// Where the reading is in the current message.
enum State {
    /// Its header.
    Header,
    /// Its body, at the top level: not multipart, or after the closing boundary.
    TopLevel,
    /// Its multipart body, with the boundary (`--` in front), and whether a part was opened
    /// (before the first boundary line, in the preamble, the body is read as at the top
    /// level: a message whose boundary never comes is not a reason to read all that follows
    /// as one).
    Multipart(Vec<u8>, bool),
}

/// What a candidate header block does once its blank line comes, if it is a message's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// It starts the next message.
    Split,
    /// It starts the next message if it is a whole message's header
    /// ([`Head::is_whole_message`]): inside a part of a multipart body whose closing boundary
    /// never came.
    InPart,
    /// It cannot be told from quoted text: no blank line before it.
    NoBlank,
    /// It cannot be told from quoted text: it comes after header lines and blank lines (a
    /// message ending with header lines, or a message without MIME structure quoting
    /// another), and it is a whole message's header.
    Unsure,
}

/// A header block that may start a new message, kept until its blank line.
struct Pending {
    bytes: Vec<u8>,
    head: Head,
    /// Its first line's number.
    line: u64,
    mode: Mode,
}

/// A message kept back (see [`Splitter::held`]).
struct Held {
    msg: Vec<u8>,
    size: usize,
    head: Head,
    /// Its boundary (`--` in front).
    boundary: Vec<u8>,
}

/// Splits one input into messages (see the module's documentation).
pub struct Splitter<'n> {
    name: &'n str,
    /// The current message: the bytes kept (at most [`KEEP`]) and its whole size.
    msg: Vec<u8>,
    size: usize,
    head: Head,
    state: State,
    /// The previous line was blank, or a closing boundary.
    prev_blank: bool,
    /// The last line that was not blank was a header field or its continuation.
    last_header: bool,
    /// Blank lines since the last line that was not blank.
    blank_run: u32,
    /// A line announced a copy of the message: the next header block is that copy's.
    armed: bool,
    /// In the header block of a quoted copy.
    quoting: bool,
    pending: Option<Pending>,
    /// The message before the current one, when the current one started inside a part of
    /// it: handed on once the current message ends without that message's boundary in it,
    /// or joined again with the current one when the boundary comes (the part was quoting).
    held: Option<Held>,
    /// Messages handed on, and whether the input is known to hold several (an mbox is).
    count: u64,
    several: bool,
    /// The input is an mbox: `From ` lines separate messages, `>From ` is `From `.
    mbox: bool,
    /// The previous line was blank (the mbox separator's rule).
    raw_blank: bool,
    line_no: u64,
    warnings: u64,
    /// Bytes looked at and copied, for the tests of linear work.
    work: u64,
}

impl<'n> Splitter<'n> {
    /// A splitter of the input `name` whose first `lines` lines (`bytes` bytes, counted in
    /// the first message's size) were blank; `mbox` when it is an mbox.
    pub fn new(name: &'n str, lines: u64, bytes: usize, mbox: bool) -> Self {
        Splitter {
            name,
            msg: Vec::new(),
            size: bytes,
            head: Head::default(),
            state: State::Header,
            prev_blank: false,
            last_header: false,
            blank_run: 0,
            armed: false,
            quoting: false,
            pending: None,
            held: None,
            count: 0,
            several: mbox,
            mbox,
            raw_blank: false,
            line_no: lines,
            warnings: 0,
            work: 0,
        }
    }

    /// Reads the rest of `r` after `first` (the first line that is not blank), handing on
    /// each message to `sink`. Returns the bytes looked at (the work done).
    pub fn read(
        mut self,
        first: &[u8],
        r: &mut dyn BufRead,
        sink: &mut Sink<'_>,
    ) -> io::Result<u64> {
        let mut line = Vec::new();
        let mut at_start = true;
        let mut chunk = first;
        let mut is_first = true;
        loop {
            if std::mem::replace(&mut is_first, false) && self.mbox {
                // The mbox's first `From ` line.
                self.line_no += 1;
            } else if at_start {
                self.line_no += 1;
                self.mbox_line(chunk, sink)?;
            } else {
                // The rest of a line longer than KEEP: text.
                if let Some(p) = self.pending.take() {
                    self.push(&p.bytes);
                }
                self.push(chunk);
                self.prev_blank = false;
            }
            at_start = chunk.ends_with(b"\n");
            line.clear();
            if r.take(KEEP as u64).read_until(b'\n', &mut line)? == 0 {
                break;
            }
            chunk = &line;
        }
        if let Some(p) = self.pending.take() {
            self.push(&p.bytes);
        }
        self.release(sink)?;
        self.count += 1;
        let n = self.several.then_some(self.count);
        sink(self.name, n, &self.msg, self.size)?;
        if self.warnings > SHOWN_WARNINGS {
            eprintln!(
                "smtpcode: {}: {} more lines like that",
                self.name,
                self.warnings - SHOWN_WARNINGS
            );
        }
        Ok(self.work)
    }

    /// Adds bytes to the current message.
    fn push(&mut self, bytes: &[u8]) {
        self.work += bytes.len() as u64;
        self.size += bytes.len();
        let room = KEEP.saturating_sub(self.msg.len());
        self.msg.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// One line of an mbox (its separators, its `>From ` lines), or of another input.
    fn mbox_line(&mut self, line: &[u8], sink: &mut Sink<'_>) -> io::Result<()> {
        let raw_blank = std::mem::replace(&mut self.raw_blank, is_blank(line));
        if !self.mbox {
            return self.line(line, sink);
        }
        if line.starts_with(b"From ") && (raw_blank || crate::bounce::is_from_line(line)) {
            if let Some(p) = self.pending.take() {
                self.push(&p.bytes);
            }
            self.release(sink)?;
            self.count += 1;
            sink(self.name, Some(self.count), &self.msg, self.size)?;
            self.start();
            self.raw_blank = false;
            return Ok(());
        }
        // mboxrd: ">From " in a body was "From ".
        if line.starts_with(b">")
            && line
                .iter()
                .skip_while(|&&b| b == b'>')
                .take(5)
                .eq(b"From ".iter())
        {
            // Counted whole in the message's size, as it was in the input.
            self.size += 1;
            return self.line(&line[1..], sink);
        }
        self.line(line, sink)
    }

    /// Starts a new message, empty.
    fn start(&mut self) {
        self.msg.clear();
        self.size = 0;
        self.head = Head::default();
        self.state = State::Header;
        self.prev_blank = false;
        self.last_header = false;
        self.blank_run = 0;
        self.armed = false;
        self.quoting = false;
    }

    fn line(&mut self, line: &[u8], sink: &mut Sink<'_>) -> io::Result<()> {
        // Each line is looked at whole (a few times, each bounded by its length).
        self.work += line.len() as u64;
        if self.held.is_some() && line.starts_with(b"--") {
            self.rejoin(line);
        }
        if let Some(mut p) = self.pending.take() {
            if is_blank(line) {
                let message = match p.mode {
                    Mode::InPart | Mode::Unsure => p.head.is_whole_message(),
                    Mode::Split | Mode::NoBlank => p.head.is_message(),
                };
                if message {
                    if matches!(p.mode, Mode::Split | Mode::InPart) {
                        return self.split(p, line, sink);
                    }
                    self.warn(p.line, p.mode);
                }
                self.push(&p.bytes);
                self.last_header = true;
                self.blank_run = 0;
            } else if (field_name(line).is_some() || is_continuation(line))
                && p.bytes.len() + line.len() <= MAX_PENDING
            {
                p.head.line(line);
                p.bytes.extend_from_slice(line);
                self.work += line.len() as u64;
                self.pending = Some(p);
                return Ok(());
            } else {
                // Not a header block: the lines are the message's text.
                self.push(&p.bytes);
                self.prev_blank = false;
                self.last_header = true;
                self.blank_run = 0;
            }
        }
        let blank = is_blank(line);
        let in_part = match &mut self.state {
            State::Header => {
                if blank {
                    self.state = match self.head.boundary() {
                        Some(b) => State::Multipart(b, false),
                        None => State::TopLevel,
                    };
                    // What follows the header is the body, whatever the header's lines were.
                    self.last_header = false;
                    self.blank_run = 1;
                } else {
                    self.head.line(line);
                }
                self.push(line);
                self.prev_blank = blank;
                return Ok(());
            }
            State::Multipart(b, opened) => {
                if let Some(rest) = line.strip_prefix(&b[..]) {
                    if rest.starts_with(b"--") && is_blank(&rest[2..]) {
                        // The closing boundary: what follows is at the top level again.
                        self.state = State::TopLevel;
                        self.push(line);
                        self.prev_blank = true;
                        self.last_header = false;
                        self.blank_run = 1;
                        return Ok(());
                    }
                    if is_blank(rest) {
                        *opened = true;
                        self.armed = false;
                        self.quoting = false;
                    }
                }
                *opened
            }
            State::TopLevel => false,
        };
        if self.quoting {
            self.quoting = !blank;
        } else if self.armed && !blank && !is_rule(line) {
            // The copy's header, or the announcement was not one.
            self.quoting = field_name(line).is_some();
            self.armed = !self.quoting && announces_copy(line);
        } else if let Some(mode) = self.candidate(line, in_part) {
            let mut head = Head::default();
            head.line(line);
            self.pending = Some(Pending {
                bytes: line.to_vec(),
                head,
                line: self.line_no,
                mode,
            });
            return Ok(());
        } else if announces_copy(line) {
            self.armed = true;
        }
        self.push(line);
        self.prev_blank = blank;
        if blank {
            self.blank_run += 1;
        } else {
            self.blank_run = 0;
            // A folded line continues a header line, or is indented text.
            self.last_header =
                field_name(line).is_some() || (self.last_header && is_continuation(line));
        }
        Ok(())
    }

    /// What a header block starting at `line` would do, if it can start one.
    fn candidate(&self, line: &[u8], in_part: bool) -> Option<Mode> {
        if self.armed || line.len() > MAX_PENDING || field_name(line).is_none() {
            return None;
        }
        // Right after other header lines, a header block is a part's content
        // (message/rfc822, text/rfc822-headers), a delivery-status block, or more fields of
        // one header; after two blank lines or more, at the top level, it cannot be told.
        if self.last_header {
            return (!in_part && self.prev_blank && self.blank_run >= 2).then_some(Mode::Unsure);
        }
        match (self.prev_blank, in_part) {
            (true, false) => Some(Mode::Split),
            (true, true) => Some(Mode::InPart),
            (false, false) => Some(Mode::NoBlank),
            (false, true) => None,
        }
    }

    /// Hands on the current message and starts the next with `p`'s header and `blank`.
    fn split(&mut self, p: Pending, blank: &[u8], sink: &mut Sink<'_>) -> io::Result<()> {
        self.several = true;
        self.release(sink)?;
        let msg = std::mem::take(&mut self.msg);
        let size = std::mem::replace(&mut self.size, 0);
        let head = std::mem::replace(&mut self.head, p.head);
        match &self.state {
            // Inside a part: kept back until the new message shows it was not quoted.
            State::Multipart(boundary, true) => {
                self.held = Some(Held {
                    msg,
                    size,
                    head,
                    boundary: boundary.clone(),
                });
            }
            _ => {
                self.count += 1;
                sink(self.name, Some(self.count), &msg, size)?;
            }
        }
        self.push(&p.bytes);
        self.push(blank);
        self.state = match self.head.boundary() {
            Some(b) => State::Multipart(b, false),
            None => State::TopLevel,
        };
        self.prev_blank = true;
        self.last_header = false;
        self.blank_run = 1;
        self.armed = false;
        self.quoting = false;
        Ok(())
    }

    /// Hands on the message kept back, if any.
    fn release(&mut self, sink: &mut Sink<'_>) -> io::Result<()> {
        if let Some(h) = self.held.take() {
            self.count += 1;
            sink(self.name, Some(self.count), &h.msg, h.size)?;
        }
        Ok(())
    }

    /// The line is the boundary of the message kept back, and not the current message's
    /// own: the current message was quoted in a part of it, and is joined to it again.
    fn rejoin(&mut self, line: &[u8]) {
        let Some(h) = &self.held else {
            return;
        };
        let own = matches!(&self.state, State::Multipart(b, _) if line.starts_with(b));
        if own || !line.starts_with(&h.boundary) {
            return;
        }
        let Some(mut h) = self.held.take() else {
            return;
        };
        if let Some(p) = self.pending.take() {
            self.push(&p.bytes);
        }
        self.work += self.msg.len() as u64;
        let room = KEEP.saturating_sub(h.msg.len());
        h.msg
            .extend_from_slice(&self.msg[..self.msg.len().min(room)]);
        self.msg = h.msg;
        self.size += h.size;
        self.head = h.head;
        self.state = State::Multipart(h.boundary, true);
        if self.count == 0 && !self.mbox {
            self.several = false;
        }
    }

    fn warn(&mut self, line: u64, mode: Mode) {
        self.warnings += 1;
        if self.warnings > SHOWN_WARNINGS {
            return;
        }
        let why = if mode == Mode::NoBlank {
            "the line before it is not blank"
        } else {
            "it follows header lines"
        };
        eprintln!(
            "smtpcode: {}: line {line} looks like the header of another message, but {why}, so \
             it is read as part of message {} (put a blank line between the messages, or give \
             one file per message or an mbox)",
            self.name,
            self.count + 1 + u64::from(self.held.is_some())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message found: its number, its bytes, its size.
    type Found = (Option<u64>, Vec<u8>, usize);

    /// A hostile shape: its name, and the input for a size `n`.
    type Shape = (&'static str, fn(usize) -> Vec<u8>);

    /// The messages found in `input` and the work done.
    fn split(input: &[u8]) -> (Vec<Found>, u64) {
        let mut v = Vec::new();
        let mut r = io::BufReader::with_capacity(64, input);
        let mut sink = |_: &str, n: Option<u64>, raw: &[u8], size: usize| {
            v.push((n, raw.to_vec(), size));
            Ok(())
        };
        let mut first = Vec::new();
        r.read_until(b'\n', &mut first).unwrap();
        let mbox = first.starts_with(b"From ");
        let work = Splitter::new("t", 0, 0, mbox)
            .read(&first, &mut r, &mut sink)
            .unwrap();
        (v, work)
    }

    fn count(input: &str) -> usize {
        split(input.as_bytes()).0.len()
    }

    const A: &str = "Return-Path: <>\nFrom: MAILER-DAEMON@a.example\nTo: x@example.org\nDate: Mon, 1 Dec 2025 10:00:00 +0000\nSubject: failure notice\n\nbody a\n";
    const B: &str = "Received: from mx.b.example\nFrom: MAILER-DAEMON@b.example\nDate: Mon, 1 Dec 2025 10:00:00 +0000\nMessage-ID: <b@b.example>\nSubject: Undelivered\n\nbody b\n";

    #[test]
    fn messages_after_a_blank_line_are_split() {
        let (v, _) = split(format!("{A}\n{B}\n{A}").as_bytes());
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].0, Some(1));
        assert_eq!(v[1].0, Some(2));
        assert!(v[1].1.starts_with(b"Received: from mx.b.example\n"));
        // The sizes add up to the input.
        let total: usize = v.iter().map(|m| m.2).sum();
        assert_eq!(total, A.len() * 2 + B.len() + 2);
        // One message keeps no number.
        assert_eq!(split(A.as_bytes()).0[0].0, None);
    }

    #[test]
    fn quoted_headers_are_not_messages() {
        // A plain-text bounce's copy of the message, after its announcement (with or without
        // a blank line), indented headers, a reply's quoted header, header blocks inside a
        // multipart body.
        for copy in [
            "------ This is a copy of the message, including all the headers. ------\n\n",
            "   ----- Original message follows -----\n",
            "--- Below this line is a copy of the message.\n\n",
            "Original message headers:\n\n",
        ] {
            assert_eq!(count(&format!("{A}\n{copy}{B}")), 1, "{copy}");
        }
        let indented = B.lines().map(|l| format!("  {l}\n")).collect::<String>();
        assert_eq!(count(&format!("{A}\n{indented}")), 1);
        let reply = "From: Nina\nSent: Monday\nTo: Bob\nSubject: Re: lunch\n\nyes\n";
        assert_eq!(count(&format!("{A}\n{reply}")), 1);
        let dsn = format!(
            "From: MAILER-DAEMON@a.example\nSubject: x\nContent-Type: multipart/report;\n\tboundary=\"bb\"\n\n--bb\nContent-Type: text/plain\n\nfailed\n\n{B}\n--bb\nContent-Type: message/rfc822\n\n{A}\n--bb--\n"
        );
        assert_eq!(count(&dsn), 1);
        // After its closing boundary, the next message starts (with or without a blank line).
        assert_eq!(count(&format!("{dsn}{B}")), 2);
        assert_eq!(count(&format!("{dsn}\n{B}")), 2);
    }

    #[test]
    fn a_message_whose_boundary_never_closes_does_not_swallow_the_next() {
        let open = "From: MAILER-DAEMON@a.example\nSubject: x\nContent-Type: multipart/report; boundary=bb\n\n--bb\nContent-Type: text/plain\n\nfailed\n";
        assert_eq!(count(&format!("{open}\n{B}")), 2);
        // Its part's own content is not split (right after the part's header).
        let rfc822 = format!("{open}--bb\nContent-Type: message/rfc822\n\n{B}");
        assert_eq!(count(&rfc822), 1);
    }

    #[test]
    fn an_mbox_is_split_at_its_from_lines_and_inside_its_messages() {
        let mbox = format!(
            "From a@b Thu Jul  2 12:05:05 2020\n{A}>From here\n\nFrom b@c Thu Jul  2 12:05:06 2020\n{B}\n{A}"
        );
        let (v, _) = split(mbox.as_bytes());
        let numbers: Vec<_> = v.iter().map(|m| m.0).collect();
        assert_eq!(numbers, vec![Some(1), Some(2), Some(3)]);
        assert!(String::from_utf8_lossy(&v[0].1).contains("\nFrom here\n"));
    }

    /// Quadrupling each hostile shape at most about quadruples the work (a quadratic cost
    /// grows sixteen times), and the work stays within a few times the input.
    #[test]
    fn work_is_linear_in_hostile_input() {
        let shapes: [Shape; 6] = [
            // Header blocks that fail only at their last line, again and again.
            ("failing_blocks", |n| {
                (0..n)
                    .flat_map(|_| b"\nFrom: a\nDate: b\nTo: c\nnot a header\n".to_vec())
                    .collect()
            }),
            // One header block longer than MAX_PENDING, over and over.
            ("long_blocks", |n| {
                let mut v = b"Subject: x\n\n".to_vec();
                for _ in 0..n {
                    v.extend_from_slice(b"\nFrom: a\n");
                    v.extend(std::iter::repeat_n(b"X-F: 0123456789\n".as_slice(), 5000).flatten());
                }
                v
            }),
            // Many small messages.
            ("messages", |n| {
                (0..n).flat_map(|_| format!("{A}\n").into_bytes()).collect()
            }),
            // Many boundary lines and parts.
            ("parts", |n| {
                let mut v = b"From: a\nContent-Type: multipart/mixed; boundary=b\n\n".to_vec();
                for _ in 0..n {
                    v.extend_from_slice(b"--b\nContent-Type: text/plain\n\nFrom: x\n\n");
                }
                v
            }),
            // Announcements and quoted headers.
            ("announcements", |n| {
                (0..n)
                    .flat_map(|_| b"----- Original message -----\nFrom: a\nDate: b\n\n".to_vec())
                    .collect()
            }),
            // Long lines (longer than a header block may be).
            ("long_lines", |n| {
                let mut v = b"Subject: x\n\n".to_vec();
                for _ in 0..n {
                    v.extend_from_slice(b"From: ");
                    v.extend(std::iter::repeat_n(b'x', MAX_PENDING + 10));
                    v.extend_from_slice(b"\n\n");
                }
                v
            }),
        ];
        for (name, make) in shapes {
            let (small, big) = (make(50), make(200));
            let (_, a) = split(&small);
            let (_, b) = split(&big);
            let growth = b as f64 / a.max(1) as f64;
            let size = big.len() as f64 / small.len() as f64;
            assert!(
                growth <= 1.5 * size,
                "{name}: work x{growth:.2} for input x{size:.2}"
            );
            assert!(
                b <= 4 * big.len() as u64,
                "{name}: {b} bytes of work for {} bytes",
                big.len()
            );
        }
    }
}
