//! Exim's main log: `=>` `->` `>>` deliveries, `**` failures (and `retry timeout exceeded`
//! expiries), `==` deferrals, `<=` arrivals (the sender), `Completed`, and `rejected ...`
//! refusals; in its own file or through syslog.

use super::syslog::TimeForm;
use super::time::iso_prefix;
use super::{Ctx, Event, LineKind, LogReader, Mta, Status};
use super::{address, command_named, find, opt, text};

/// A main log line (`YYYY-MM-DD HH:MM:SS ...`), or `None` when the line is not one.
pub(crate) fn read_main(r: &mut LogReader, line: &[u8], out: &mut Vec<Event>) -> Option<LineKind> {
    let (t, n) = iso_prefix(line, b" ")?;
    if line.get(n) != Some(&b' ') {
        return None;
    }
    let ctx = Ctx {
        mta: Mta::Exim,
        time: &line[..n],
        form: TimeForm::Iso(t),
        host: b"",
        program: b"",
    };
    Some(body(r, &ctx, &line[n + 1..], out))
}

/// The text after syslog's `exim[pid]: `, with or without Exim's own time stamp.
pub(crate) fn read(r: &mut LogReader, ctx: &Ctx<'_>, msg: &[u8], out: &mut Vec<Event>) -> LineKind {
    if let Some((t, n)) = iso_prefix(msg, b" ") {
        if msg.get(n) == Some(&b' ') {
            let inner = Ctx {
                mta: Mta::Exim,
                time: &msg[..n],
                form: TimeForm::Iso(t),
                host: ctx.host,
                program: ctx.program,
            };
            return body(r, &inner, &msg[n + 1..], out);
        }
    }
    body(r, ctx, msg, out)
}

/// An Exim message id: `tttttt-ppppppppppp-ffff` (4.97 and later) or `tttttt-pppppp-ff`.
fn is_message_id(w: &[u8]) -> bool {
    let alnum = |s: &[u8]| s.iter().all(u8::is_ascii_alphanumeric);
    match w.len() {
        23 => {
            w[6] == b'-' && w[18] == b'-' && alnum(&w[..6]) && alnum(&w[7..18]) && alnum(&w[19..])
        }
        16 => {
            w[6] == b'-' && w[13] == b'-' && alnum(&w[..6]) && alnum(&w[7..13]) && alnum(&w[14..])
        }
        _ => false,
    }
}

fn body(r: &mut LogReader, ctx: &Ctx<'_>, b: &[u8], out: &mut Vec<Event>) -> LineKind {
    let mut b = b;
    // `+pid`: `[1234] `
    if b.first() == Some(&b'[') {
        if let Some(close) = b.iter().take(12).position(|&c| c == b']') {
            b = b[close + 1..].trim_ascii();
        }
    }
    let sp = b.iter().position(|&c| c == b' ').unwrap_or(b.len());
    let (id, rest) = if is_message_id(&b[..sp]) {
        (Some(&b[..sp]), b.get(sp + 1..).unwrap_or(b""))
    } else {
        (None, b)
    };
    if let Some(id) = id {
        let flag = rest.get(..3).unwrap_or(rest);
        match flag {
            b"=> " | b"-> " | b">> " => return delivery(r, ctx, id, Status::Sent, &rest[3..], out),
            b"** " => return delivery(r, ctx, id, Status::Bounced, &rest[3..], out),
            b"== " => return delivery(r, ctx, id, Status::Deferred, &rest[3..], out),
            b"<= " => {
                let a = &rest[3..];
                let end = a.iter().position(|&c| c == b' ').unwrap_or(a.len());
                r.joins.open(Mta::Exim, id).sender = Some(address(&a[..end]));
                return LineKind::Other;
            }
            _ => {}
        }
        if rest.starts_with(b"Completed") {
            r.joins.close(Mta::Exim, id);
            return LineKind::Other;
        }
    }
    if let Some(at) = find(rest, b"rejected ") {
        if at == 0 || rest[at - 1] == b' ' {
            return rejected(r, ctx, id, rest, at, out);
        }
    }
    LineKind::Other
}

/// The value of `key=` among space-separated fields (`H=` takes the host and its `[ip]`).
fn field<'a>(fields: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut at = 0;
    while at < fields.len() {
        let rest = &fields[at..];
        let wend = word_end(rest);
        if rest.starts_with(key) && rest.get(key.len()) == Some(&b'=') {
            let v = &rest[key.len() + 1..];
            if key == b"H" {
                return Some(host_value(v));
            }
            return Some(&v[..word_end(v)]);
        }
        at += wend + 1;
    }
    None
}

/// The end of the word at the start of `b`: a quoted value (`C="..."`) runs to its closing
/// quote.
fn word_end(b: &[u8]) -> usize {
    let mut i = 0;
    let mut quoted = false;
    while i < b.len() {
        match b[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b' ' if !quoted => return i,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// `H=name [ip]:port`, `H=(helo) [ip]`, `H=name (helo) [ip]`, `H=[ip]`: up to the
/// bracketed address.
fn host_value(v: &[u8]) -> &[u8] {
    let limit = v.len().min(512);
    match memchr::memchr(b'[', &v[..limit]) {
        Some(open) => match memchr::memchr(b']', &v[open..limit]) {
            Some(close) => {
                let mut end = open + close + 1;
                // `:port`
                if v.get(end) == Some(&b':') {
                    end += 1;
                    while v.get(end).is_some_and(u8::is_ascii_digit) {
                        end += 1;
                    }
                }
                &v[..end]
            }
            None => &v[..word_end(v)],
        },
        None => &v[..word_end(v)],
    }
}

/// A quoted field value without its quotes and escapes.
fn unquote(v: &[u8]) -> String {
    let Some(inner) = v
        .strip_prefix(b"\"")
        .map(|x| x.strip_suffix(b"\"").unwrap_or(x))
    else {
        return text(v);
    };
    let mut s = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == b'\\' && i + 1 < inner.len() {
            i += 1;
        }
        s.push(inner[i]);
        i += 1;
    }
    text(&s)
}

/// `ADDRESS [(PARENT)] [<ORIGINAL>] FIELDS[ : MESSAGE]` after the flag.
fn delivery(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    id: &[u8],
    mut status: Status,
    rest: &[u8],
    out: &mut Vec<Event>,
) -> LineKind {
    let aend = word_end(rest);
    let mut addr = &rest[..aend];
    let mut after = rest.get(aend + 1..).unwrap_or(b"");
    // `** a@b: retry timeout exceeded`: the address ends with the separator.
    let mut message: Option<&[u8]> = None;
    if let Some(a) = addr.strip_suffix(b":") {
        addr = a;
        message = Some(after);
        after = b"";
    }
    let mut original = None;
    loop {
        after = after.trim_ascii_start();
        if after.first() == Some(&b'(') {
            let e = memchr::memchr(b')', after).map_or(after.len(), |i| i + 1);
            after = &after[e..];
        } else if after.first() == Some(&b'<') {
            let e = memchr::memchr(b'>', after).map_or(after.len(), |i| i + 1);
            original = Some(&after[..e]);
            after = &after[e..];
            if let Some(a) = after.strip_prefix(b":") {
                message = Some(a);
                after = b"";
            }
        } else {
            break;
        }
    }
    let fields = if message.is_some() || status == Status::Sent {
        after
    } else {
        // The message follows ` : ` (4.99) or the first `: ` after the fields.
        let spaced = find(after, b" : ");
        let plain = find(after, b": ");
        let first = match (spaced, plain) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match first {
            Some(i) => {
                let sep = if after[i] == b' ' { 3 } else { 2 };
                message = Some(&after[i + sep..]);
                &after[..i]
            }
            None => after,
        }
    };
    let msg = message.map(<[u8]>::trim_ascii).unwrap_or(b"");
    if status == Status::Bounced && find(msg, b"retry timeout exceeded").is_some() {
        status = Status::Expired;
    }
    let mut e = ctx.event(r, status);
    e.queue_id = Some(text(id));
    // For pipe, file and autoreply deliveries ADDRESS is a local part, a command or a file
    // name, and the address delivered to is the top-level one in `<...>` (mail-log-formats.md
    // §3.3, deliver.c:1085-1095).
    let original = original.map(address);
    e.recipient = match original {
        Some(ref o) if !addr.contains(&b'@') && o.contains('@') => Some(o.clone()),
        _ => Some(address(addr)),
    };
    e.original_recipient = original.filter(|o| Some(o) != e.recipient.as_ref());
    e.relay = field(fields, b"H")
        .or_else(|| field(after, b"H"))
        .and_then(opt);
    let from = field(fields, b"F");
    e.text = if status == Status::Sent {
        field(fields, b"C").map(unquote).unwrap_or_default()
    } else {
        text(msg)
    };
    e.command = exim_command(msg);
    let joined = r.joins.open(Mta::Exim, id);
    e.sender = from.map(address).or_else(|| joined.sender.clone());
    match status {
        Status::Deferred => joined.defer(&e),
        Status::Expired => {
            let rcpt = e.recipient.as_deref().unwrap_or("");
            e.cause_text = joined
                .pending
                .iter()
                .find(|p| p.recipient == rcpt)
                .map(|p| p.text.clone());
            joined.done(e.recipient.as_deref());
        }
        _ => joined.done(e.recipient.as_deref()),
    }
    out.push(e);
    LineKind::Delivery
}

/// The command a failure message names: `... after RCPT TO:<a@b>: 550 ...`,
/// `SMTP timeout after end of data`, `... in response to MAIL FROM`.
fn exim_command(msg: &[u8]) -> Option<crate::Command> {
    let at = find(msg, b" after ")
        .map(|i| i + 7)
        .or_else(|| find(msg, b"in response to ").map(|i| i + 15))?;
    let rest = &msg[at..];
    let rest = rest.strip_prefix(b"pipelined ").unwrap_or(rest);
    command_named(rest)
}

/// `H=HOST [IP] [F=<S>] [temporarily ]rejected WHAT[: MESSAGE]`.
fn rejected(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    id: Option<&[u8]>,
    rest: &[u8],
    at: usize,
    out: &mut Vec<Event>,
) -> LineKind {
    let mut fields = &rest[..at];
    let temporary = fields.ends_with(b"temporarily ");
    if temporary {
        fields = &fields[..fields.len() - 12];
    }
    let what_msg = &rest[at + 9..];
    let (what, msg) = match find(what_msg, b": ") {
        Some(i) => (&what_msg[..i], &what_msg[i + 2..]),
        None => (what_msg, &b""[..]),
    };
    let command = if what.starts_with(b"after DATA") || what.starts_with(b"during MIME") {
        Some(crate::Command::EndOfData)
    } else if what.starts_with(b"EHLO or HELO") {
        Some(crate::Command::Ehlo)
    } else {
        command_named(what)
    };
    let arg = what
        .iter()
        .position(|&c| c == b' ')
        .map(|i| what[i + 1..].trim_ascii());
    let host = field(fields, b"H");
    let mut e = ctx.event(r, Status::Rejected);
    e.queue_id = id.map(text);
    e.relay = host.and_then(opt);
    e.helo = host.and_then(|h| {
        let open = memchr::memchr(b'(', h)?;
        let close = memchr::memchr(b')', &h[open..])?;
        opt(&h[open + 1..open + close])
    });
    e.sender = field(fields, b"F").map(address);
    match command {
        Some(crate::Command::Rcpt) => e.recipient = arg.map(address),
        Some(crate::Command::Mail) if e.sender.is_none() => e.sender = arg.map(address),
        Some(crate::Command::Ehlo) if e.helo.is_none() => {
            e.helo = what
                .strip_prefix(b"EHLO or HELO ")
                .and_then(|a| opt(a.trim_ascii()))
        }
        _ => {}
    }
    e.text = text(msg.trim_ascii());
    e.command = command;
    e.temporary = temporary;
    out.push(e);
    LineKind::Delivery
}
