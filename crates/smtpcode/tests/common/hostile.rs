//! Bounce emails written to hurt: each shape grows with `n` in the way an attacker would
//! grow it (recipients, lines, parts, header length, nesting). Read by the scaling test
//! (`tests/hostile.rs`) and by the benchmark (`benches/hostile.rs`).
#![allow(dead_code)]

use std::fmt::Write;

/// The headers of a bounce from a mailer daemon, with `extra` header lines.
fn daemon(extra: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n{extra}\n"
    )
}

/// A plain notice, then `n` bare `<address>` lines: every recipient gets the notice as its
/// diagnostic.
pub fn bare_addresses(n: usize) -> Vec<u8> {
    let mut s = daemon("");
    s.push_str("I'm sorry to have to inform you that your message could not be delivered.\n\n");
    for i in 0..n {
        writeln!(s, "<u{i}@x.example>").unwrap();
    }
    s.into_bytes()
}

/// `n` lines naming a recipient in running text, with no blank line between them.
pub fn the_user_lines(n: usize) -> Vec<u8> {
    let mut s = daemon("");
    s.push_str("Delivery failed.\n");
    for i in 0..n {
        writeln!(s, "the user u{i}@x.example").unwrap();
    }
    s.into_bytes()
}

/// `n` plain recipient lines in the Postfix shape, each with its reply.
pub fn recipient_lines(n: usize) -> Vec<u8> {
    let mut s = daemon("");
    s.push_str("Your message could not be delivered.\n\n");
    for i in 0..n {
        writeln!(
            s,
            "<u{i}@x.example>: host mx.x.example[192.0.2.1] said: 550 5.1.1 no such user"
        )
        .unwrap();
    }
    s.into_bytes()
}

/// A Sendmail transcript of `n` sessions, each a remote reply, host status lines and a
/// recipient's status line that takes the reply above it.
pub fn sendmail_transcript(n: usize) -> Vec<u8> {
    let mut s = daemon("");
    s.push_str("   ----- Transcript of session follows -----\n");
    for i in 0..n {
        writeln!(s, "While talking to mx{i}.example:\n>>> MAIL From:<sender@example.org>\n<<< 550 Relaying denied {i}").unwrap();
        for h in 0..4 {
            writeln!(
                s,
                "421 h{h}.example (smtp)... Deferred: Connection timed out"
            )
            .unwrap();
        }
        writeln!(s, "554 <u{i}@x.example>... Remote protocol error").unwrap();
    }
    s.into_bytes()
}

/// One remote reply and one status line, each `n` bytes long and alike but for the last
/// byte: the status text is looked for in the reply.
pub fn long_status_line(n: usize) -> Vec<u8> {
    let mut s = daemon("");
    let text = "a".repeat(n);
    writeln!(s, ">>> DATA\n<<< 550 {text}\n554 <u@x.example>... {text}b").unwrap();
    s.into_bytes()
}

/// An RFC 3464 report with `n` recipients (no diagnostic of their own) after a text part of
/// `25 n` short lines: each recipient is looked up in the text.
pub fn dsn_times_lines(n: usize) -> Vec<u8> {
    let mut s =
        daemon("Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n");
    s.push_str("--b\nContent-Type: text/plain\n\n");
    for i in 0..25 * n {
        writeln!(s, "line {i} of the notice").unwrap();
    }
    s.push_str(
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n",
    );
    for i in 0..n {
        write!(
            s,
            "Final-Recipient: rfc822; u{i}@x.example\nAction: failed\nStatus: 5.0.0\n\n"
        )
        .unwrap();
    }
    s.push_str("--b--\n");
    s.into_bytes()
}

/// An RFC 3464 report with `n` recipients, each with its own diagnostic.
pub fn dsn_recipients(n: usize) -> Vec<u8> {
    let mut s =
        daemon("Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n");
    s.push_str("--b\nContent-Type: text/plain\n\nDelivery failed.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n");
    for i in 0..n {
        write!(
            s,
            "Final-Recipient: rfc822; u{i}@x.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <u{i}@x.example>: User unknown\n\n"
        )
        .unwrap();
    }
    s.push_str("--b--\n");
    s.into_bytes()
}

/// An RFC 3464 report with `n` recipients and only their required fields.
pub fn dsn_fields(n: usize) -> Vec<u8> {
    let mut s =
        daemon("Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n");
    s.push_str(
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n",
    );
    for i in 0..n {
        write!(
            s,
            "Final-Recipient: rfc822; u{i}@x.example\nAction: failed\nStatus: 5.0.0\n\n"
        )
        .unwrap();
    }
    s.push_str("--b--\n");
    s.into_bytes()
}

/// An `X-Failed-Recipients` header with `n` addresses.
pub fn x_failed_recipients(n: usize) -> Vec<u8> {
    let list: Vec<String> = (0..n).map(|i| format!("u{i}@x.example")).collect();
    let mut s = daemon(&format!("X-Failed-Recipients: {}\n", list.join(",\n ")));
    s.push_str("This message could not be delivered to one or more recipients.\n");
    s.into_bytes()
}

/// An ARF report with `n` `Original-Rcpt-To` fields.
pub fn arf_rcpt_to(n: usize) -> Vec<u8> {
    let mut s =
        daemon("Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n");
    s.push_str("--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: x/1\nVersion: 1\n");
    for i in 0..n {
        writeln!(s, "Original-Rcpt-To: u{i}@x.example").unwrap();
    }
    s.push_str("--b--\n");
    s.into_bytes()
}

/// `n` weak recipients ("Unknown user: a@b", no code of their own) and a reason section
/// that serves them all, as long as `n` lines.
pub fn shared_reason(n: usize) -> Vec<u8> {
    let mut s = daemon("");
    s.push_str("The following recipients could not be delivered:\n\n");
    for i in 0..n {
        writeln!(s, "Unknown user: u{i}@x.example").unwrap();
    }
    s.push_str("\nThe error that the other server returned was:\n550 5.1.1 ");
    for i in 0..n {
        write!(s, "word{i} ").unwrap();
    }
    s.push('\n');
    s.into_bytes()
}

/// `n` lines that open a reason section with nothing after them but transcript lines.
pub fn empty_intros(n: usize) -> Vec<u8> {
    let mut s = daemon("");
    s.push_str("Transcript of session follows.\n");
    for _ in 0..n {
        s.push_str(">>> because: nothing\n\n");
    }
    s.push_str("<a@x.example>\n");
    s.into_bytes()
}

/// A multipart message with `n` tiny parts.
pub fn parts(n: usize) -> Vec<u8> {
    let mut s = daemon("Content-Type: multipart/mixed; boundary=\"b\"\n");
    for i in 0..n {
        write!(s, "--b\n\nuser unknown u{i}@x.example\n").unwrap();
    }
    s.push_str("--b--\n");
    s.into_bytes()
}

/// One header field (`Subject`) of `n` words, and a recipient line.
pub fn long_header(n: usize) -> Vec<u8> {
    let mut s = String::from(
        "From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\nSubject: Undelivered:",
    );
    for i in 0..n {
        writeln!(s, " w{i}").unwrap();
    }
    s.push_str("\nCould not be delivered to: <a@x.example>\n");
    s.into_bytes()
}

/// Multiparts nested `n` deep, each level with a kilobyte of text of its own. (Past
/// mailparse's limit of 100 levels the message is read as text.)
pub fn nesting(n: usize) -> Vec<u8> {
    let mut s = daemon("Content-Type: multipart/mixed; boundary=\"b0\"\n");
    for i in 0..n {
        write!(
            s,
            "--b{i}\nContent-Type: text/plain\n\nlevel {i}: the user u{i}@x.example is unknown\n{}\n--b{i}\nContent-Type: multipart/mixed; boundary=\"b{}\"\n\n",
            "filler ".repeat(140),
            i + 1,
        )
        .unwrap();
    }
    writeln!(s, "--b{n}\n\nuser unknown <a@x.example>").unwrap();
    s.into_bytes()
}

/// One shape: its name, how it grows, and the largest `n` that still grows it (nesting stops
/// at 100 levels).
pub struct Shape {
    pub name: &'static str,
    pub make: fn(usize) -> Vec<u8>,
    pub max_n: usize,
}

const fn shape(name: &'static str, make: fn(usize) -> Vec<u8>) -> Shape {
    Shape {
        name,
        make,
        max_n: usize::MAX,
    }
}

/// Every shape, for tables of tests and benchmarks.
pub const SHAPES: &[Shape] = &[
    shape("bare_addresses", bare_addresses),
    shape("the_user_lines", the_user_lines),
    shape("recipient_lines", recipient_lines),
    shape("sendmail_transcript", sendmail_transcript),
    shape("long_status_line", long_status_line),
    shape("dsn_times_lines", dsn_times_lines),
    shape("dsn_recipients", dsn_recipients),
    shape("dsn_fields", dsn_fields),
    shape("x_failed_recipients", x_failed_recipients),
    shape("arf_rcpt_to", arf_rcpt_to),
    shape("shared_reason", shared_reason),
    shape("empty_intros", empty_intros),
    shape("parts", parts),
    shape("long_header", long_header),
    Shape {
        name: "nesting",
        make: nesting,
        max_n: 99,
    },
];

impl Shape {
    /// The `n` that makes the email about `bytes` long (at most `max_n`).
    pub fn n_for_size(&self, bytes: usize) -> usize {
        let mut n = 1;
        while n < self.max_n && (self.make)(n).len() < bytes {
            n *= 2;
        }
        // The size grows about linearly: bisect between n / 2 and n.
        let (mut lo, mut hi) = (n / 2, n.min(self.max_n));
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            if (self.make)(mid).len() < bytes {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi.max(1)
    }
}
