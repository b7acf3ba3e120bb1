//! OpenSMTPD (6.4 and later): `mta delivery` and `mda delivery` lines (`result=`),
//! `relay: Expire for` / `delivery: Expire for` (expiry), and `smtp failed-command`
//! (inbound refusals).

use super::{Ctx, Event, LineKind, LogReader, Status};
use super::{address, command_named, find, opt, text};

/// The `key=value` pairs of a line; a value may be `"quoted"`. `stat=` of an `mda` line is
/// unquoted and runs to the end.
fn pairs(b: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while b.get(i) == Some(&b' ') || b.get(i) == Some(&b',') {
            i += 1;
        }
        let rest = &b[i..];
        let Some(eq) = rest.iter().position(|&c| c == b'=' || c == b' ') else {
            break;
        };
        if rest[eq] == b' ' {
            i += eq + 1;
            continue;
        }
        let key = &rest[..eq];
        let val = &rest[eq + 1..];
        let (value, used) = if val.first() == Some(&b'"') {
            let mut j = 1;
            while j < val.len() && val[j] != b'"' {
                if val[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            (&val[1..j.min(val.len())], j + 1)
        } else if key == b"stat" {
            (val, val.len())
        } else {
            let e = val
                .iter()
                .position(|&c| c == b' ' || c == b',')
                .unwrap_or(val.len());
            (&val[..e], e)
        };
        v.push((key, value));
        i += eq + 1 + used;
    }
    v
}

fn get<'a>(p: &[(&'a [u8], &'a [u8])], key: &[u8]) -> Option<&'a [u8]> {
    p.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

pub(crate) fn read(r: &mut LogReader, ctx: &Ctx<'_>, msg: &[u8], out: &mut Vec<Event>) -> LineKind {
    for prefix in [&b"relay: Expire for "[..], b"delivery: Expire for "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let colon = find(rest, b": ").unwrap_or(rest.len());
            let p = pairs(rest.get(colon + 2..).unwrap_or(b""));
            let mut e = ctx.event(r, Status::Expired);
            e.queue_id = Some(text(&rest[..colon]));
            fill(&mut e, &p);
            e.text = get(&p, b"stat")
                .map(|s| text(s.trim_ascii()))
                .unwrap_or_default();
            out.push(e);
            return LineKind::Delivery;
        }
    }
    // `<session id> mta delivery ...`
    let sp = msg.iter().position(|&c| c == b' ').unwrap_or(msg.len());
    let sid = &msg[..sp];
    if sid.len() != 16 || !sid.iter().all(u8::is_ascii_hexdigit) {
        return ctx.no_id();
    }
    let rest = msg.get(sp + 1..).unwrap_or(b"");
    if let Some(d) = rest
        .strip_prefix(b"mta delivery ")
        .or_else(|| rest.strip_prefix(b"mda delivery "))
    {
        let p = pairs(d);
        let status = match get(&p, b"result") {
            Some(b"Ok") => Status::Sent,
            Some(b"TempFail") => Status::Deferred,
            Some(b"PermFail" | b"Loop") => Status::Bounced,
            _ => return LineKind::Other,
        };
        let mut e = ctx.event(r, status);
        e.queue_id = get(&p, b"evpid").and_then(opt);
        fill(&mut e, &p);
        e.relay = get(&p, b"relay").and_then(opt);
        e.text = get(&p, b"stat")
            .map(|s| text(s.trim_ascii()))
            .unwrap_or_default();
        out.push(e);
        return LineKind::Delivery;
    }
    if let Some(d) = rest.strip_prefix(b"smtp failed-command ") {
        let p = pairs(d);
        let command = get(&p, b"command").unwrap_or(b"");
        let mut e = ctx.event(r, Status::Rejected);
        e.command = if command.is_empty() {
            Some(crate::Command::Connect)
        } else {
            command_named(command)
        };
        let arg = find(command, b":").map(|i| command[i + 1..].trim_ascii());
        match e.command {
            Some(crate::Command::Rcpt) => e.recipient = arg.map(arg_address),
            Some(crate::Command::Mail) => e.sender = arg.map(arg_address),
            Some(crate::Command::Ehlo) => {
                e.helo = command
                    .iter()
                    .position(|&c| c == b' ')
                    .and_then(|i| opt(command[i..].trim_ascii()))
            }
            _ => {}
        }
        e.text = get(&p, b"result").map(text).unwrap_or_default();
        out.push(e);
        return LineKind::Delivery;
    }
    LineKind::Other
}

/// `<a@b> SIZE=...`: the address.
fn arg_address(a: &[u8]) -> String {
    let end = match a.first() {
        Some(b'<') => memchr::memchr(b'>', a).map_or(a.len(), |i| i + 1),
        _ => a.iter().position(|&c| c == b' ').unwrap_or(a.len()),
    };
    address(&a[..end])
}

/// `from=<S> to=<D> rcpt=<R|->`
fn fill(e: &mut Event, p: &[(&[u8], &[u8])]) {
    e.sender = get(p, b"from").map(address);
    e.recipient = get(p, b"to").map(address);
    e.original_recipient = get(p, b"rcpt")
        .map(address)
        .filter(|o| o != "-" && Some(o) != e.recipient.as_ref());
}
