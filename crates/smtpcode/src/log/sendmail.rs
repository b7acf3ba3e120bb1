//! Sendmail: `to=... stat=...` delivery lines (one event per recipient of the list),
//! `from=` (the sender), the DSN line of a queue timeout (`Cannot send message for ...`:
//! the recipients still deferred expire), `ruleset=check_* ... reject=` and
//! `<addr>... User unknown` refusals.

use super::{Ctx, Event, LineKind, LogReader, Mta, Status};
use super::{address, find, opt, queue_id, text};

/// The value of `key=` in a `, `-separated list; `stat=` and `reply=` run further (`reply=`
/// to `, stat=`, `stat=` to the end).
fn value<'a>(b: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut at = 0;
    loop {
        let i = at + find(&b[at..], key)?;
        let ok = (i == 0 || b[i - 1] == b' ') && b.get(i + key.len()) == Some(&b'=');
        if !ok {
            at = i + key.len();
            continue;
        }
        let v = &b[i + key.len() + 1..];
        let end = match key {
            b"stat" | b"reject" => v.len(),
            b"reply" => find(v, b", stat=").unwrap_or(v.len()),
            _ => find(v, b", ").unwrap_or(v.len()),
        };
        return Some(&v[..end]);
    }
}

pub(crate) fn read(r: &mut LogReader, ctx: &Ctx<'_>, msg: &[u8], out: &mut Vec<Event>) -> LineKind {
    // `u31FFPtp032300: `.
    let Some((qid, rest)) = queue_id(msg, 32, 6) else {
        return ctx.no_id();
    };
    if rest.starts_with(b"to=") {
        return delivery(r, ctx, qid, rest, out);
    }
    if rest.starts_with(b"from=") {
        if let Some(v) = value(rest, b"from") {
            r.joins.open(Mta::Sendmail, qid).sender = Some(address(v));
        }
        return LineKind::Other;
    }
    if rest.starts_with(b"done;") {
        r.joins.close(Mta::Sendmail, qid);
        return LineKind::Other;
    }
    if rest.starts_with(b"ruleset=") || rest.starts_with(b"Milter") {
        return reject(r, ctx, qid, rest, out);
    }
    // `<newqid>: DSN: Cannot send message for 5 days`, `... return to sender: Cannot send`
    if find(rest, b"Cannot send message for").is_some() {
        return expire(r, ctx, qid, rest, out);
    }
    // `<jo@example.com>... User unknown` at RCPT.
    if let Some(i) = find(rest, b"... ") {
        let addr = &rest[..i];
        if !addr.contains(&b' ') && addr.contains(&b'@') {
            let mut e = ctx.event(r, Status::Rejected);
            e.queue_id = Some(text(qid));
            e.recipient = Some(address(addr));
            e.text = text(rest[i + 4..].trim_ascii());
            e.command = Some(crate::Command::Rcpt);
            out.push(e);
            return LineKind::Delivery;
        }
    }
    LineKind::Other
}

fn delivery(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    qid: &[u8],
    rest: &[u8],
    out: &mut Vec<Event>,
) -> LineKind {
    let Some(stat) = value(rest, b"stat") else {
        // A `[more]` line: the next line carries the status of these recipients too.
        return LineKind::Other;
    };
    let to = value(rest, b"to").unwrap_or(b"");
    let dsn = value(rest, b"dsn");
    let status = match dsn.and_then(|d| d.first()) {
        Some(b'2') => Status::Sent,
        Some(b'4') => Status::Deferred,
        Some(b'5') => Status::Bounced,
        _ if stat.starts_with(b"Sent") => Status::Sent,
        _ if stat.starts_with(b"Deferred") => Status::Deferred,
        _ if stat.starts_with(b"queued") || stat.starts_with(b"quarantined") => {
            return LineKind::Other;
        }
        _ => Status::Bounced,
    };
    let reply = value(rest, b"reply");
    let stat_text = stat.strip_prefix(b"Deferred: ").unwrap_or(stat);
    let txt = match reply {
        Some(rp) => text(rp.trim_ascii()),
        None => text(stat_text.trim_ascii()),
    };
    let relay = value(rest, b"relay").and_then(opt);
    let sender = r
        .joins
        .get(Mta::Sendmail, qid)
        .and_then(|m| m.sender.clone());
    for rcpt in to
        .split(|&c| c == b',')
        .map(<[u8]>::trim_ascii)
        .filter(|a| !a.is_empty())
    {
        let mut e = ctx.event(r, status);
        e.queue_id = Some(text(qid));
        e.recipient = Some(address(rcpt));
        e.relay = relay.clone();
        e.dsn = dsn.and_then(opt);
        e.text = txt.clone();
        e.sender = sender.clone();
        let m = r.joins.open(Mta::Sendmail, qid);
        match status {
            Status::Deferred => m.defer(&e),
            _ => m.done(e.recipient.as_deref()),
        }
        out.push(e);
    }
    LineKind::Delivery
}

fn expire(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    qid: &[u8],
    rest: &[u8],
    out: &mut Vec<Event>,
) -> LineKind {
    let why = find(rest, b"Cannot send message for").map_or(rest, |i| &rest[i..]);
    let (sender, pending) = match r.joins.get(Mta::Sendmail, qid) {
        Some(m) => (m.sender.clone(), std::mem::take(&mut m.pending)),
        None => (None, Vec::new()),
    };
    if pending.is_empty() {
        let mut e = ctx.event(r, Status::Expired);
        e.queue_id = Some(text(qid));
        e.sender = sender;
        e.text = text(why.trim_ascii());
        out.push(e);
        return LineKind::Delivery;
    }
    for p in pending {
        let mut e = ctx.event(r, Status::Expired);
        e.queue_id = Some(text(qid));
        e.sender = sender.clone();
        e.recipient = Some(p.recipient);
        e.relay = p.relay;
        e.dsn = p.dsn;
        e.text = p.text;
        out.push(e);
    }
    LineKind::Delivery
}

/// `ruleset=check_rcpt, arg1=<R>, relay=HOST [IP], reject=550 5.7.1 <R>... Relaying denied`
fn reject(
    r: &mut LogReader,
    ctx: &Ctx<'_>,
    qid: &[u8],
    rest: &[u8],
    out: &mut Vec<Event>,
) -> LineKind {
    let Some(reply) = value(rest, b"reject") else {
        return LineKind::Other;
    };
    let ruleset = value(rest, b"ruleset").unwrap_or(b"");
    let arg = value(rest, b"arg1");
    let command = match ruleset {
        b"check_rcpt" => Some(crate::Command::Rcpt),
        b"check_mail" => Some(crate::Command::Mail),
        b"check_relay" => Some(crate::Command::Connect),
        b"check_data" | b"check_eom" => Some(crate::Command::EndOfData),
        _ if rest.starts_with(b"Milter") => Some(crate::Command::EndOfData),
        _ => None,
    };
    let mut e = ctx.event(r, Status::Rejected);
    e.queue_id = Some(text(qid));
    e.relay = value(rest, b"relay").and_then(opt);
    match command {
        Some(crate::Command::Rcpt) => e.recipient = arg.map(address),
        Some(crate::Command::Mail) => e.sender = arg.map(address),
        _ => {}
    }
    e.text = text(reply.trim_ascii());
    e.command = command;
    out.push(e);
    LineKind::Delivery
}
