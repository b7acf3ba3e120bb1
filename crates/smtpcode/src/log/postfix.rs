//! Postfix: the delivery agents' `to=... status=...` lines, qmgr's `from=` (the sender) and
//! `status=expired`, `removed`, and smtpd / cleanup / postscreen `reject:` lines.

use super::{Ctx, Event, LineKind, LogReader, Mta, Status};
use super::{address, command_named, find, opt, queue_id, rfind, text};

/// The `key=value` items of a Postfix line (`, `-separated; a value in `<...>` may hold
/// commas), up to a `status=` item, which ends the list: `(key, value)` pairs and where the
/// status value starts.
struct Items<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = (&'a [u8], &'a [u8], usize);
    fn next(&mut self) -> Option<Self::Item> {
        let b = self.b;
        while b.get(self.at) == Some(&b' ') || b.get(self.at) == Some(&b',') {
            self.at += 1;
        }
        let rest = b.get(self.at..).filter(|r| !r.is_empty())?;
        let eq = rest.iter().take(32).position(|&c| c == b'=')?;
        let key = &rest[..eq];
        if key.iter().any(|&c| c == b' ' || c == b',') {
            return None;
        }
        let vstart = self.at + eq + 1;
        let v = &b[vstart..];
        if key == b"status" {
            self.at = b.len();
            return Some((key, v, vstart));
        }
        let end = if v.first() == Some(&b'<') {
            // To the `>` that ends the value: followed by `,`, a space or the end.
            let mut i = 1;
            loop {
                match memchr::memchr(b'>', &v[i..]) {
                    Some(j) => {
                        let k = i + j + 1;
                        if matches!(v.get(k), None | Some(b',' | b' ')) {
                            break k;
                        }
                        i = k;
                    }
                    None => break v.len(),
                }
            }
        } else {
            find(v, b", ").unwrap_or(v.len())
        };
        self.at = vstart + end;
        Some((key, &v[..end], vstart))
    }
}

fn items(b: &[u8]) -> Items<'_> {
    Items { b, at: 0 }
}

/// `WORD (TEXT)` after `status=`: the word, the text, and whether the text was cut.
fn status_text(v: &[u8]) -> (&[u8], &[u8], bool) {
    let wend = v
        .iter()
        .position(|&c| c == b' ' || c == b',')
        .unwrap_or(v.len());
    let word = &v[..wend];
    let rest = &v[wend..];
    match memchr::memchr(b'(', rest) {
        Some(open) => match memchr::memrchr(b')', rest) {
            Some(close) if close > open => (word, &rest[open + 1..close], false),
            _ => (word, &rest[open + 1..], true),
        },
        None => (word, b"", false),
    }
}

pub(crate) fn read(r: &mut LogReader, ctx: &Ctx<'_>, msg: &[u8], out: &mut Vec<Event>) -> LineKind {
    // `4F2A1B3C9D: `, `NOQUEUE: `.
    let Some((qid, rest)) = queue_id(msg, 40, 5) else {
        return ctx.no_id();
    };
    let noqueue = qid == b"NOQUEUE";
    if rest.starts_with(b"to=") && !noqueue {
        return delivery(r, ctx, qid, rest, out);
    }
    if rest.starts_with(b"from=") && !noqueue {
        return from_line(r, ctx, qid, rest, out);
    }
    if rest.starts_with(b"uid=") && !noqueue {
        // pickup: `uid=1000 from=<jo>`
        if let Some(at) = find(rest, b"from=") {
            let v = &rest[at + 5..];
            let end = v
                .iter()
                .position(|&c| c == b' ' || c == b',')
                .unwrap_or(v.len());
            r.joins.open(Mta::Postfix, qid).sender = Some(address(&v[..end]));
        }
        return LineKind::Other;
    }
    if rest == b"removed" || rest.starts_with(b"removed ") {
        r.joins.close(Mta::Postfix, qid);
        return LineKind::Other;
    }
    for action in [&b"reject: "[..], b"milter-reject: "] {
        if let Some(body) = rest.strip_prefix(action) {
            return reject(r, ctx, (!noqueue).then_some(qid), body, out);
        }
    }
    LineKind::Other
}

/// `to=<R>, [orig_to=<O>,] relay=..., ..., dsn=X.Y.Z, status=WORD (TEXT)`
fn delivery(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    qid: &[u8],
    rest: &[u8],
    out: &mut Vec<Event>,
) -> LineKind {
    let (mut to, mut orig, mut relay, mut dsn, mut status) = (None, None, None, None, None);
    for (k, v, _) in items(rest) {
        match k {
            b"to" => to = Some(v),
            b"orig_to" => orig = Some(v),
            b"relay" => relay = Some(v),
            b"dsn" => dsn = Some(v),
            b"status" => status = Some(v),
            _ => {}
        }
    }
    let Some(sv) = status else {
        return LineKind::Other;
    };
    let (word, txt, cut) = status_text(sv);
    let (status, probe) = match word {
        b"sent" => (Status::Sent, false),
        b"deferred" | b"SOFTBOUNCE" => (Status::Deferred, false),
        b"bounced" => (Status::Bounced, false),
        b"expired" | b"force-expired" => (Status::Expired, false),
        b"deliverable" => (Status::Sent, true),
        b"undeliverable" | b"undeliverable-but-not-cached" => (Status::Bounced, true),
        _ => return LineKind::Other,
    };
    let mut e = ctx.event(r, status);
    e.queue_id = Some(text(qid));
    e.recipient = to.map(address);
    e.original_recipient = orig.map(address);
    e.relay = relay
        .and_then(|v| opt(v.trim_ascii()))
        .filter(|v| v != "none");
    e.dsn = dsn.and_then(opt);
    e.text = text(txt);
    e.truncated = cut;
    e.probe = probe;
    if !probe {
        let m = r.joins.open(Mta::Postfix, qid);
        e.sender = m.sender.clone();
        match status {
            Status::Deferred => m.defer(&e),
            Status::Sent | Status::Bounced => m.done(e.recipient.as_deref()),
            _ => {}
        }
    }
    out.push(e);
    LineKind::Delivery
}

/// qmgr: `from=<S>, size=N, nrcpt=M (queue active)` or `from=<S>, status=expired, returned
/// to sender`.
fn from_line(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    qid: &[u8],
    rest: &[u8],
    out: &mut Vec<Event>,
) -> LineKind {
    let (mut from, mut status) = (None, None);
    for (k, v, _) in items(rest) {
        match k {
            b"from" => from = Some(v),
            b"status" => status = Some(v),
            _ => {}
        }
    }
    let sender = from.map(address);
    let Some(sv) = status else {
        r.joins.open(Mta::Postfix, qid).sender = sender;
        return LineKind::Other;
    };
    let (word, txt, cut) = status_text(sv);
    if word != b"expired" && word != b"force-expired" {
        return LineKind::Other;
    }
    // Every recipient still deferred expires with the message; the last deferral says why.
    let pending = r
        .joins
        .get(Mta::Postfix, qid)
        .map(|m| std::mem::take(&mut m.pending))
        .unwrap_or_default();
    if pending.is_empty() {
        let mut e = ctx.event(r, Status::Expired);
        e.queue_id = Some(text(qid));
        e.sender = sender.clone();
        e.text = text(txt);
        e.truncated = cut;
        out.push(e);
    }
    for p in pending {
        let mut e = ctx.event(r, Status::Expired);
        e.queue_id = Some(text(qid));
        e.sender = sender.clone();
        e.recipient = Some(p.recipient);
        e.original_recipient = p.original_recipient;
        e.relay = p.relay;
        e.dsn = p.dsn;
        e.text = if txt.is_empty() { p.text } else { text(txt) };
        e.truncated = cut;
        out.push(e);
    }
    LineKind::Delivery
}

/// `STAGE from CLIENT: REPLY; from=<S> to=<R> proto=ESMTP helo=<H>` (smtpd, postscreen with
/// `, ` between the items) or cleanup's `header NAME: VALUE from CLIENT; from=<S> to=<R>
/// proto=ESMTP helo=<H>: REPLY`.
fn reject(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    qid: Option<&[u8]>,
    body: &[u8],
    out: &mut Vec<Event>,
) -> LineKind {
    let sp = body.iter().position(|&c| c == b' ').unwrap_or(body.len());
    let stage = &body[..sp];
    let after = &body[sp..];
    // The items at the end: the last `; ` followed by one of them.
    let tail_at = [&b"; from="[..], b"; to=", b"; proto=", b"; helo="]
        .iter()
        .filter_map(|k| rfind(after, k))
        .min();
    let (head, tail) = match tail_at {
        Some(t) => (&after[..t], &after[t + 2..]),
        None => (after, &b""[..]),
    };
    let (mut from, mut to, mut helo) = (None, None, None);
    let mut reply_after: &[u8] = b"";
    let mut t = tail;
    while !t.is_empty() {
        let t0 = t.trim_ascii();
        if t0.first() == Some(&b':') {
            reply_after = &t0[1..];
            break;
        }
        let Some(eq) = t0.iter().take(16).position(|&c| c == b'=') else {
            break;
        };
        let key = &t0[..eq];
        let v = &t0[eq + 1..];
        let end = if v.first() == Some(&b'<') {
            memchr::memchr(b'>', v).map_or(v.len(), |i| i + 1)
        } else {
            v.iter()
                .position(|&c| c == b' ' || c == b',' || c == b':')
                .unwrap_or(v.len())
        };
        match key {
            b"from" => from = Some(&v[..end]),
            b"to" => to = Some(&v[..end]),
            b"helo" => helo = Some(&v[..end]),
            _ => {}
        }
        t = &v[end..];
        while t.first() == Some(&b',') || t.first() == Some(&b' ') {
            t = &t[1..];
        }
    }
    let cleanup = matches!(stage, b"header" | b"body" | b"content");
    let (client, reply, command) = if cleanup {
        // The reply follows the items; the client is the last ` from X` before them.
        let client = rfind(head, b" from ").map(|i| head[i + 6..].trim_ascii());
        (
            client,
            reply_after.trim_ascii(),
            Some(crate::Command::EndOfData),
        )
    } else {
        let h = head.strip_prefix(b" from ").unwrap_or(head);
        match find(h, b": ") {
            Some(c) => (Some(&h[..c]), h[c + 2..].trim_ascii(), command_named(stage)),
            None => (None, h.trim_ascii(), command_named(stage)),
        }
    };
    let mut e = ctx.event(r, Status::Rejected);
    e.queue_id = qid.map(text);
    e.sender = from.map(address);
    e.recipient = to.map(address);
    e.helo = helo.map(address).filter(|h| !h.is_empty());
    e.relay = client.and_then(opt);
    e.text = text(reply);
    e.command = command;
    out.push(e);
    LineKind::Delivery
}
