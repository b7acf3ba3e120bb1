//! KumoMTA's JSON log records: one object per line, `type` Delivery, TransientFailure,
//! Bounce, Expiration, AdminBounce, OOB or Rejection; the reply in `response` (`code`,
//! `enhanced_code`, `content`, `command`).

use serde::Deserialize;

use super::time::{from_unix, iso_prefix};
use super::{Event, LineInfo, LineKind, LogReader, Mta, Status};
use super::{command_named, host_ip};

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
    sender: Option<String>,
    recipient: Option<OneOrMany>,
    response: Option<Response>,
    peer_address: Option<Peer>,
    timestamp: Option<serde_json::Number>,
    event_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Response {
    code: Option<u16>,
    enhanced_code: Option<Enhanced>,
    content: Option<String>,
    command: Option<String>,
}

#[derive(Deserialize)]
struct Enhanced {
    class: u8,
    subject: u16,
    detail: u16,
}

#[derive(Deserialize)]
struct Peer {
    name: Option<String>,
    addr: Option<String>,
}

pub(crate) fn read(r: &mut LogReader, line: &[u8], out: &mut Vec<Event>) -> LineInfo {
    let rec: Record = match serde_json::from_slice(line) {
        Ok(rec) => rec,
        Err(e) => {
            if r.forced == Some(Mta::KumoMta) || memchr::memmem::find(line, b"\"type\"").is_some() {
                return LineInfo::problem(Mta::KumoMta, format!("not a whole JSON record: {e}"));
            }
            return LineInfo::of(LineKind::Unrecognized, None);
        }
    };
    let Some(kind) = rec.kind.as_deref() else {
        return LineInfo::of(LineKind::Unrecognized, None);
    };
    let status = match kind {
        "Delivery" => Status::Sent,
        "TransientFailure" => Status::Deferred,
        "Bounce" | "AdminBounce" | "OOB" => Status::Bounced,
        "Expiration" => Status::Expired,
        "Rejection" => Status::Rejected,
        "Reception"
        | "Feedback"
        | "Delayed"
        | "AdminRebind"
        | "DeferredInjectionRebind"
        | "XferOut"
        | "XferIn"
        | "Any" => return LineInfo::of(LineKind::Other, Some(Mta::KumoMta)),
        _ => return LineInfo::of(LineKind::Unrecognized, None),
    };
    let (time, timestamp) = match (&rec.event_time, &rec.timestamp) {
        (Some(t), _) => (
            Some(t.clone()),
            iso_prefix(t.as_bytes(), b"Tt").map(|(t, _)| t),
        ),
        (None, Some(n)) => {
            let s = n.to_string();
            let ts = from_unix(s.as_bytes());
            (Some(s), ts)
        }
        (None, None) => (None, None),
    };
    let mut reply = String::new();
    let mut dsn = None;
    let mut command = None;
    if let Some(resp) = &rec.response {
        if let Some(c) = resp.code {
            reply.push_str(&c.to_string());
        }
        if let Some(e) = &resp.enhanced_code {
            let d = format!("{}.{}.{}", e.class, e.subject, e.detail);
            if !reply.is_empty() {
                reply.push(' ');
            }
            reply.push_str(&d);
            dsn = Some(d);
        }
        if let Some(c) = resp.content.as_deref().filter(|c| !c.is_empty()) {
            if !reply.is_empty() {
                reply.push(' ');
            }
            reply.push_str(c);
        }
        command = resp
            .command
            .as_deref()
            .and_then(|c| command_named(c.as_bytes()));
    }
    let relay = rec.peer_address.as_ref().and_then(|p| {
        let name = p
            .name
            .as_deref()
            .map(|n| n.trim_end_matches('.'))
            .filter(|n| !n.is_empty());
        let addr = p.addr.as_deref().filter(|a| !a.is_empty());
        host_ip(name, addr)
    });
    let recipients = match rec.recipient {
        Some(OneOrMany::One(r)) => vec![r],
        Some(OneOrMany::Many(v)) => v,
        None => vec![String::new()],
    };
    for rcpt in recipients {
        let mut e = Event::new(Mta::KumoMta, status);
        e.time = time.clone();
        e.timestamp = timestamp;
        e.queue_id = rec.id.clone();
        e.recipient = Some(rcpt).filter(|r| !r.is_empty());
        e.sender = rec.sender.clone();
        e.relay = relay.clone();
        e.dsn = dsn.clone();
        e.text = reply.clone();
        e.command = command;
        out.push(e);
    }
    LineInfo::of(LineKind::Delivery, Some(Mta::KumoMta))
}
