//! The MIME walk (through `mailparse`) and the decision of what kind of message it is.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use mailparse::body::Body;
use mailparse::{MailHeader, MailHeaderMap, ParsedMail};

use super::notice::{self, Cuts, Notice};
use super::util::{address_of, first_address, icontains, ifind, istarts, squash};
use super::{
    Diagnostic, DsnAction, Format, Kind, MAX_HEADER, MAX_PART, MAX_RECIPIENTS, Original, Recipient,
    Report, classify_recipient, dsn, ses,
};
use crate::classify::Classification;
use crate::enhanced::EnhancedCode;
use crate::model::Command;
use crate::rules::engine::Tables;
use crate::tables::bounce_phrases as phrases;

/// The headers of the bounce itself that matter.
#[derive(Debug, Default)]
pub(crate) struct Head {
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub auto_submitted: Option<String>,
    pub autoreply_header: bool,
    pub precedence: Option<String>,
    pub failed_recipients: Vec<String>,
    pub report_type: Option<String>,
}

impl Head {
    fn from_headers(
        h: &[MailHeader<'_>],
        content_type: &mailparse::ParsedContentType,
        problems: &mut Problems,
    ) -> Head {
        let mut get = |name: &str| {
            h.get_first_header(name)
                .map(|f| squash(&field_value(f, problems)))
        };
        let (from, to, subject) = (get("From"), get("To"), get("Subject"));
        let (auto_submitted, precedence) = (
            get("Auto-Submitted"),
            get("Precedence").or_else(|| get("X-Precedence")),
        );
        // Addresses are ASCII: the raw value is split as it is, with no decoding.
        let mut failed = Vec::new();
        for f in h.get_all_headers("X-Failed-Recipients") {
            let raw = cut_field("X-Failed-Recipients", f.get_value_raw(), problems);
            failed_recipients(&String::from_utf8_lossy(raw), &mut failed);
        }
        if failed.len() > MAX_RECIPIENTS {
            problems.cut(format!(
                "X-Failed-Recipients lists {} addresses; the first {MAX_RECIPIENTS} were read",
                failed.len()
            ));
            failed.truncate(MAX_RECIPIENTS);
        }
        Head {
            from,
            to,
            subject,
            auto_submitted,
            autoreply_header: ["X-Autoreply", "X-Autorespond", "X-Autoresponder"]
                .iter()
                .any(|n| h.get_first_header(n).is_some()),
            precedence,
            failed_recipients: failed,
            report_type: content_type.params.get("report-type").cloned(),
        }
    }

    /// Parses header lines by hand, for a message whose MIME structure could not be read.
    fn from_text(text: &str) -> Head {
        let mut head = Head::default();
        for (name, value) in dsn::fields(text).flatten() {
            let value = squash(&value);
            match name.to_ascii_lowercase().as_str() {
                "from" if head.from.is_none() => head.from = Some(value),
                "to" if head.to.is_none() => head.to = Some(value),
                "subject" if head.subject.is_none() => head.subject = Some(value),
                "auto-submitted" => head.auto_submitted = Some(value),
                "precedence" => head.precedence = Some(value),
                "x-autoreply" | "x-autorespond" => head.autoreply_header = true,
                "x-failed-recipients" => failed_recipients(&value, &mut head.failed_recipients),
                _ => {}
            }
        }
        head.failed_recipients.truncate(MAX_RECIPIENTS);
        head
    }
}

/// The addresses of an `X-Failed-Recipients` value (comma-separated), appended to `out`.
fn failed_recipients(value: &str, out: &mut Vec<String>) {
    out.extend(value.split(',').filter_map(first_address).map(String::from));
}

/// The decoded value of a header field, of at most [`MAX_HEADER`] raw bytes (a problem
/// entry says when it was cut).
fn field_value(f: &MailHeader<'_>, problems: &mut Problems) -> String {
    let raw = f.get_value_raw();
    let kept = cut_field(&f.get_key(), raw, problems);
    if kept.len() == raw.len() {
        return f.get_value();
    }
    let mut field = f.get_key_ref().as_bytes().to_vec();
    field.extend_from_slice(b": ");
    field.extend_from_slice(kept);
    match mailparse::parse_header(&field) {
        Ok((h, _)) => h.get_value(),
        Err(_) => String::from_utf8_lossy(kept).into_owned(),
    }
}

/// The first [`MAX_HEADER`] bytes of a raw header value (a problem entry says when it was
/// cut, and how many addresses of an `X-Failed-Recipients` were not read).
fn cut_field<'v>(name: &str, raw: &'v [u8], problems: &mut Problems) -> &'v [u8] {
    if raw.len() <= MAX_HEADER {
        return raw;
    }
    let rest = &raw[MAX_HEADER..];
    let note = if name.eq_ignore_ascii_case("X-Failed-Recipients") {
        format!(
            "; {} addresses after the cut were not read",
            rest.iter().filter(|&&b| b == b'@').count()
        )
    } else {
        String::new()
    };
    problems.cut(format!(
        "{name} header cut at {MAX_HEADER} bytes ({} bytes not read{note})",
        rest.len()
    ));
    &raw[..MAX_HEADER]
}

/// What was wrong with a message, and whether a limit cut anything.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<String>,
    /// A limit cut something: [`Report::truncated`].
    pub(crate) truncated: bool,
}

impl Problems {
    /// Something malformed.
    pub(crate) fn push(&mut self, p: String) {
        self.list.push(p);
    }
    /// Something that a limit cut.
    pub(crate) fn cut(&mut self, p: String) {
        self.truncated = true;
        self.list.push(p);
    }
}

/// What the MIME walk found.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub head: Head,
    /// Bodies of `message/delivery-status` parts.
    pub dsn: Vec<String>,
    /// The body of a `message/feedback-report` part.
    pub feedback: Option<String>,
    /// The human-readable text parts, decoded, in order.
    pub texts: Vec<String>,
    /// The original message's headers, from a `message/rfc822` or `text/rfc822-headers` part.
    pub original: Option<Original>,
    /// The first attached message, whole (a bounce forwarded as an attachment is read from
    /// it when the outer message says nothing).
    pub inner: Option<Vec<u8>>,
    pub problems: Problems,
}

/// Reads a message and decides what it is; `problems` holds what was already cut.
pub(crate) fn read(raw: &[u8], problems: Problems, user: Option<&Tables<'_>>) -> Report {
    read_at(raw, 0, problems, user)
}

/// How deep attached bounces are followed.
const MAX_DEPTH: u8 = 2;

fn read_at(raw: &[u8], depth: u8, problems: Problems, user: Option<&Tables<'_>>) -> Report {
    let parts = walk(raw, problems);
    decide(parts, depth, user)
}

fn walk(raw: &[u8], problems: Problems) -> Parts {
    let mut parts = Parts {
        problems,
        ..Parts::default()
    };
    match mailparse::parse_mail(raw) {
        Ok(mail) => {
            parts.head = Head::from_headers(&mail.headers, &mail.ctype, &mut parts.problems);
            let mut html = Vec::new();
            let mut seen_original = false;
            visit(&mail, &mut parts, &mut html, &mut seen_original, true);
            if parts.texts.is_empty() {
                parts.texts = html.iter().map(|h| html_to_text(h)).collect();
            }
        }
        Err(e) => {
            parts
                .problems
                .push(format!("malformed MIME ({e}); read as plain text"));
            let text = String::from_utf8_lossy(cut_bytes(
                raw,
                MAX_PART,
                "message body",
                &mut parts.problems,
            ));
            let split = text
                .find("\r\n\r\n")
                .map(|i| (i, i + 4))
                .or_else(|| text.find("\n\n").map(|i| (i, i + 2)));
            let (head, body) = match split {
                Some((h, b)) => (&text[..h], &text[b..]),
                None => (&text[..], ""),
            };
            parts.head = Head::from_text(head);
            parts.texts.push(body.to_string());
        }
    }
    parts
}

fn visit(
    part: &ParsedMail<'_>,
    parts: &mut Parts,
    html: &mut Vec<String>,
    seen_original: &mut bool,
    top: bool,
) {
    let ct = part.ctype.mimetype.as_str();
    if ct.starts_with("multipart/") {
        if part.subparts.is_empty() {
            // A multipart without boundaries found: read its body as text.
            parts.problems.push(format!(
                "{ct} without parts (boundary missing or not found); read as text"
            ));
            parts
                .texts
                .push(body_after_headers(part.raw_bytes, ct, &mut parts.problems));
        }
        for p in &part.subparts {
            visit(p, parts, html, seen_original, false);
        }
        return;
    }
    match ct {
        "message/delivery-status"
        | "message/global-delivery-status"
        | "text/delivery-status"
        | "message/x-delivery-status" => parts.dsn.push(decode(part, &mut parts.problems)),
        "message/feedback-report" => parts.feedback = Some(decode(part, &mut parts.problems)),
        "message/rfc822"
        | "message/global"
        | "message/partial"
        | "text/rfc822-headers"
        | "message/rfc822-headers"
        | "message/global-headers"
        | "text/rfc822-header" => {
            *seen_original = true;
            if parts.original.is_none() {
                let body = decode_bytes(part, &mut parts.problems);
                parts.original = original_of(&body);
                if ct != "text/rfc822-headers" && ct != "message/rfc822-headers" {
                    parts.inner = Some(body);
                }
            }
        }
        _ if *seen_original && !top => {}
        "text/html" if !is_attachment(part) => html.push(decode(part, &mut parts.problems)),
        "text/html" => {}
        _ if (ct.starts_with("text/") || top) && (!is_attachment(part) || ct == "text/plain") => {
            parts.texts.push(decode(part, &mut parts.problems));
        }
        _ => {}
    }
}

fn is_attachment(part: &ParsedMail<'_>) -> bool {
    matches!(
        part.get_content_disposition().disposition,
        mailparse::DispositionType::Attachment
    ) && !part.ctype.mimetype.starts_with("text/plain")
}

/// The body of a part, transfer-decoded and, for text, charset-decoded; at most
/// [`MAX_PART`] bytes of it (a problem entry says when it was cut).
fn decode(part: &ParsedMail<'_>, problems: &mut Problems) -> String {
    let raw = match part.get_body_encoded() {
        Body::Base64(b) | Body::QuotedPrintable(b) => b.get_raw(),
        Body::SevenBit(b) | Body::EightBit(b) => b.get_raw(),
        Body::Binary(b) => b.get_raw(),
    };
    let raw = cut_bytes(raw, MAX_PART, &part.ctype.mimetype, problems);
    let te = part
        .headers
        .get_first_value("Content-Transfer-Encoding")
        .map(|s| s.trim().to_ascii_lowercase());
    let as_string = |ctype: &mailparse::ParsedContentType| match Body::new(raw, ctype, &te) {
        Body::Base64(b) | Body::QuotedPrintable(b) => b.get_decoded_as_string(),
        Body::SevenBit(b) | Body::EightBit(b) => b.get_as_string(),
        Body::Binary(b) => b.get_as_string(),
    };
    // UTF-8 in a part that names no charset (RFC 6533's global delivery status, and what
    // many MTAs put in a delivery-status part): read as UTF-8 when it is valid UTF-8.
    if !part.ctype.params.contains_key("charset") && !raw.is_ascii() {
        let bytes = match Body::new(raw, &part.ctype, &te) {
            Body::Base64(b) | Body::QuotedPrintable(b) => b.get_decoded().ok(),
            Body::SevenBit(_) | Body::EightBit(_) | Body::Binary(_) => Some(raw.to_vec()),
        };
        if let Some(Ok(s)) = bytes.map(String::from_utf8) {
            return s;
        }
    }
    match as_string(&part.ctype) {
        // ISO-2022-JP text in a part that does not say so (a delivery-status part whose
        // diagnostic is Japanese): its escape sequences tell.
        Ok(s) if s.contains("\u{1b}$B") || s.contains("\u{1b}$@") => {
            let ctype = mailparse::ParsedContentType {
                mimetype: part.ctype.mimetype.clone(),
                charset: "iso-2022-jp".into(),
                params: part.ctype.params.clone(),
            };
            as_string(&ctype).unwrap_or(s)
        }
        Ok(s) => s,
        Err(e) => {
            problems.push(format!(
                "{} part could not be decoded ({e}); read as raw bytes",
                part.ctype.mimetype
            ));
            String::from_utf8_lossy(raw).into_owned()
        }
    }
}

/// The bytes after the header block of `raw`, as text (lossily), at most [`MAX_PART`].
fn body_after_headers(raw: &[u8], what: &str, problems: &mut Problems) -> String {
    let at = memchr::memmem::find(raw, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| memchr::memmem::find(raw, b"\n\n").map(|i| i + 2))
        .unwrap_or(raw.len());
    String::from_utf8_lossy(cut_bytes(&raw[at..], MAX_PART, what, problems)).into_owned()
}

/// The transfer-decoded bytes of a part (at most [`MAX_PART`] of them).
fn decode_bytes(part: &ParsedMail<'_>, problems: &mut Problems) -> Vec<u8> {
    let what = part.ctype.mimetype.as_str();
    match part.get_body_encoded() {
        Body::Base64(b) | Body::QuotedPrintable(b) => {
            let raw = cut_bytes(b.get_raw(), MAX_PART, what, problems);
            let te = part
                .headers
                .get_first_value("Content-Transfer-Encoding")
                .map(|s| s.trim().to_ascii_lowercase());
            match Body::new(raw, &part.ctype, &te) {
                Body::Base64(b) | Body::QuotedPrintable(b) => {
                    b.get_decoded().unwrap_or_else(|_| raw.to_vec())
                }
                _ => raw.to_vec(),
            }
        }
        Body::SevenBit(b) | Body::EightBit(b) => {
            cut_bytes(b.get_raw(), MAX_PART, what, problems).to_vec()
        }
        Body::Binary(b) => cut_bytes(b.get_raw(), MAX_PART, what, problems).to_vec(),
    }
}

/// The first `limit` bytes of `raw`, cut after a line end when there is one
/// ([`super::cut`]); a problem entry says what was cut, and how many recipients were in the
/// part of a report that was not read.
fn cut_bytes<'r>(raw: &'r [u8], limit: usize, what: &str, problems: &mut Problems) -> &'r [u8] {
    let kept = super::cut(raw, limit);
    if kept.len() < raw.len() {
        let rest = &raw[kept.len()..];
        let fields = super::count_fields(rest, b"final-recipient:")
            + super::count_fields(rest, b"original-rcpt-to:");
        let note = if fields > 0 {
            format!("; {fields} recipients in it were not read")
        } else {
            String::new()
        };
        problems.cut(format!(
            "{what} part cut at {limit} bytes ({} bytes not read{note})",
            rest.len()
        ));
    }
    kept
}

/// The headers that matter of an original message (or of its header block). Only these four
/// fields are decoded; the header block is read up to its end or [`MAX_HEADER`] bytes.
pub(crate) fn original_of(raw: &[u8]) -> Option<Original> {
    let start = raw.iter().position(|b| !b.is_ascii_whitespace())?;
    let raw = &raw[start..];
    if !super::util::starts_with_header(raw) {
        return None;
    }
    let raw = &raw[..raw.len().min(MAX_HEADER)];
    let mut o = Original::default();
    let mut at = 0;
    while at < raw.len() {
        let end = memchr::memchr(b'\n', &raw[at..]).map_or(raw.len(), |i| at + i + 1);
        let line = &raw[at..end];
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            break;
        }
        // The field and its continuation lines.
        let mut field_end = end;
        while field_end < raw.len() && matches!(raw[field_end], b' ' | b'\t') {
            field_end =
                memchr::memchr(b'\n', &raw[field_end..]).map_or(raw.len(), |i| field_end + i + 1);
        }
        let slot = match line.iter().position(|&b| b == b':') {
            Some(n) => match line[..n].to_ascii_lowercase().as_slice() {
                b"message-id" => Some(&mut o.message_id),
                b"from" => Some(&mut o.from),
                b"to" => Some(&mut o.to),
                b"subject" => Some(&mut o.subject),
                _ => None,
            },
            None => None,
        };
        if let Some(slot) = slot.filter(|s| s.is_none()) {
            if let Ok((h, _)) = mailparse::parse_header(&raw[at..field_end]) {
                let v = squash(&h.get_value());
                if !v.is_empty() {
                    *slot = Some(v);
                }
            }
        }
        at = field_end;
    }
    (o != Original::default()).then_some(o)
}

fn new_report(kind: Kind, format: Format, parts: &mut Parts) -> Report {
    Report {
        kind,
        format,
        reporting_mta: None,
        from: parts.head.from.clone(),
        subject: parts.head.subject.clone(),
        feedback_type: None,
        recipients: Vec::new(),
        original: parts.original.take(),
        truncated: parts.problems.truncated,
        problems: std::mem::take(&mut parts.problems.list),
    }
}

/// The kind of a DSN from its recipients' actions.
fn kind_of(recipients: &[Recipient]) -> Kind {
    let has = |a: DsnAction| recipients.iter().any(|r| r.action == Some(a));
    if has(DsnAction::Failed) {
        Kind::DeliveryFailure
    } else if has(DsnAction::Delayed) {
        Kind::DelayNotice
    } else if recipients.iter().any(|r| {
        matches!(
            r.action,
            Some(DsnAction::Delivered | DsnAction::Relayed | DsnAction::Expanded)
        )
    }) {
        Kind::SuccessNotice
    } else {
        Kind::DeliveryFailure
    }
}

/// Classifies the recipients' diagnostics. A text that several recipients share (the reason
/// a notice gives for all of them) is classified once per status and command.
struct Classifier<'u> {
    /// Keyed by the shared text's address; the value keeps the text alive, so that the
    /// address cannot be reused while the key is in the map.
    shared: HashMap<SharedKey, (Arc<str>, Classification)>,
    /// A user's rules, read before the built-in ones.
    user: Option<&'u Tables<'u>>,
}

/// A shared text's address, with the status and the commands it is classified with.
type SharedKey = (
    usize,
    Option<EnhancedCode>,
    Option<Command>,
    Option<Command>,
);

impl Classifier<'_> {
    fn classify(
        &mut self,
        text: Option<&Arc<str>>,
        status: Option<EnhancedCode>,
        command: Option<Command>,
        fallback: Option<Command>,
    ) -> Classification {
        match text {
            Some(t) if Arc::strong_count(t) > 1 => {
                let key = (
                    Arc::as_ptr(t).cast::<u8>() as usize,
                    status,
                    command,
                    fallback,
                );
                self.shared
                    .entry(key)
                    .or_insert_with(|| {
                        (
                            t.clone(),
                            classify_recipient(Some(t), status, command, fallback, self.user),
                        )
                    })
                    .1
            }
            _ => classify_recipient(text.map(|t| &**t), status, command, fallback, self.user),
        }
    }
}

/// Adds the problem entry for recipients that the limits left out.
fn note_cuts(problems: &mut Problems, cuts: Cuts) {
    if cuts.recipients > 0 {
        problems.cut(format!(
            "{} more recipients were not read: at most {MAX_RECIPIENTS} are read from one message",
            cuts.recipients
        ));
    }
    if cuts.joined > 0 {
        problems.cut(format!(
            "{} recipients were given only the reason that the notice gives for all: joining it to their own words would pass {} bytes",
            cuts.joined,
            super::MAX_JOINED
        ));
    }
}

fn decide(mut parts: Parts, depth: u8, user: Option<&Tables<'_>>) -> Report {
    let notice = Notice::new(&parts.texts);
    let mut classifier = Classifier {
        shared: HashMap::new(),
        user,
    };

    // 1. RFC 3464: a delivery-status part, or its fields printed in the text.
    let mut dsns: Vec<dsn::Dsn> = parts
        .dsn
        .iter()
        .map(|t| dsn::parse(t))
        .filter(|d| !d.recipients.is_empty())
        .collect();
    let mut format = Format::Rfc3464;
    if dsns.is_empty() && parts.feedback.is_none() && notice.has_dsn_fields() {
        let d = dsn::parse(notice.full());
        if !d.recipients.is_empty() {
            dsns.push(d);
            format = Format::DsnText;
        }
    }
    if !dsns.is_empty() {
        let mut text_recipients: Option<Vec<notice::Found>> = None;
        let mut cuts = Cuts::default();
        let mut report = new_report(Kind::DeliveryFailure, format, &mut parts);
        for d in dsns {
            if report.reporting_mta.is_none() {
                report.reporting_mta = d.reporting_mta;
            }
            cuts.recipients += d.dropped;
            for (i, mut f) in d.recipients.into_iter().enumerate() {
                if report.recipients.len() >= MAX_RECIPIENTS {
                    cuts.recipients += 1;
                    continue;
                }
                // A Final-Recipient that is no address ("@mx.example.org", a source route):
                // the Original-Recipient, or the recipient that the text names.
                if !is_address(f.final_recipient.as_deref()) {
                    if is_address(f.original_recipient.as_deref()) {
                        f.final_recipient = f.original_recipient.clone();
                    } else {
                        let named =
                            text_recipients.get_or_insert_with(|| notice.recipients(&parts.head).0);
                        if let Some(n) = named.get(i) {
                            f.final_recipient = Some(n.address.clone());
                        }
                    }
                }
                report
                    .recipients
                    .push(from_fields(f, &notice, &mut classifier));
            }
        }
        report.kind = kind_of(&report.recipients);
        if report.original.is_none() {
            report.original = notice.original();
        }
        let mut problems = take_problems(&mut report);
        note_cuts(&mut problems, cuts);
        put_problems(&mut report, problems);
        return report;
    }

    // 2. ARF feedback reports and complaint mails.
    if let Some(fb) = parts.feedback.take() {
        return feedback(&fb, parts, &notice);
    }
    if parts.head.report_type.as_deref() == Some("feedback-report") || looks_like_complaint(&parts)
    {
        return feedback("", parts, &notice);
    }

    // 3. JSON notifications (Amazon SES through SNS, or the bare event).
    if let Some(mut r) = ses::read(notice.full(), user) {
        r.from = parts.head.from.take();
        r.subject = parts.head.subject.take();
        let mut problems = std::mem::take(&mut parts.problems);
        problems.list.append(&mut r.problems);
        problems.truncated |= r.truncated;
        put_problems(&mut r, problems);
        return r;
    }

    // 4. The text of an MTA's bounce.
    let bounce_like = looks_like_bounce(&parts.head, &notice);
    let auto_reply = is_auto_reply(&parts.head);
    if bounce_like || !auto_reply {
        let (found, cuts) = notice.recipients(&parts.head);
        if !found.is_empty() && (bounce_like || found.iter().any(|r| r.strong)) {
            let delay = notice.is_delay(parts.head.subject.as_deref());
            note_cuts(&mut parts.problems, cuts);
            let mut report = new_report(Kind::DeliveryFailure, Format::Text, &mut parts);
            for r in found {
                report.recipients.push(from_text(r, delay, &mut classifier));
            }
            report.kind = kind_of(&report.recipients);
            if report.original.is_none() {
                report.original = notice.original();
            }
            return report;
        }
        if bounce_like && depth < MAX_DEPTH {
            // A bounce forwarded as an attachment.
            if let Some(inner) = parts.inner.take() {
                let start = inner
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .unwrap_or(0);
                if super::util::starts_with_header(&inner[start..]) {
                    let problems = std::mem::take(&mut parts.problems);
                    let mut r = read_at(&inner[start..], depth + 1, Problems::default(), user);
                    if r.is_bounce() && !r.recipients.is_empty() {
                        let mut all = problems;
                        all.list.append(&mut r.problems);
                        all.truncated |= r.truncated;
                        put_problems(&mut r, all);
                        return r;
                    }
                    parts.problems = problems;
                }
            }
        }
        if bounce_like {
            // A bounce that names no recipient in its text: the original message says whom
            // it was for.
            let original = parts.original.clone().or_else(|| notice.original());
            let delay = notice.is_delay(parts.head.subject.as_deref());
            let mut report = new_report(Kind::DeliveryFailure, Format::Text, &mut parts);
            if report.original.is_none() {
                report.original = original.clone();
            }
            let to = original
                .and_then(|o| o.to)
                .and_then(|t| first_address(&t).map(String::from));
            if let Some(to) = to {
                let said = notice.reason().clone().or_else(|| notice.summary().clone());
                report.recipients.push(from_text(
                    notice::Found {
                        address: to,
                        said,
                        command: notice.command_anywhere(),
                        remote_mta: None,
                        strong: false,
                    },
                    delay,
                    &mut classifier,
                ));
            }
            report.kind = if delay {
                Kind::DelayNotice
            } else {
                Kind::DeliveryFailure
            };
            return report;
        }
    }

    // 5. Auto-replies.
    if auto_reply {
        let from = parts
            .head
            .from
            .as_deref()
            .and_then(first_address)
            .map(String::from);
        let mut report = new_report(Kind::AutoReply, Format::Headers, &mut parts);
        if let Some(addr) = from {
            report.recipients.push(no_diagnostic(
                addr,
                classify_recipient(None, None, None, None, None),
            ));
        }
        if report.original.is_none() {
            report.original = notice.original();
        }
        return report;
    }
    let mut report = new_report(Kind::NotBounce, Format::None, &mut parts);
    if report.original.is_none() {
        report.original = notice.original();
    }
    report
}

fn take_problems(report: &mut Report) -> Problems {
    Problems {
        list: std::mem::take(&mut report.problems),
        truncated: report.truncated,
    }
}

fn put_problems(report: &mut Report, problems: Problems) {
    report.problems = problems.list;
    report.truncated = problems.truncated;
}

/// Is `a` a mailbox (`local@domain`; the domain may be a bare host name), not a route or a
/// domain alone?
fn is_address(a: Option<&str>) -> bool {
    a.is_some_and(|a| match a.rsplit_once('@') {
        Some((l, d)) => {
            !l.is_empty()
                && !d.is_empty()
                && !a.contains([':', ' ', '\t', ','])
                && !l.starts_with('@')
        }
        None => false,
    })
}

fn no_diagnostic(addr: String, none: Classification) -> Recipient {
    Recipient {
        recipient: addr,
        original_recipient: None,
        action: None,
        status: None,
        remote_mta: None,
        diagnostic: None,
        command: None,
        classification: none,
    }
}

fn from_fields(f: dsn::Fields, notice: &Notice, classifier: &mut Classifier<'_>) -> Recipient {
    let recipient = f
        .final_recipient
        .clone()
        .or_else(|| f.original_recipient.clone())
        .unwrap_or_default();
    // The DSN's diagnostic, or the text that the human-readable part gives for the
    // recipient when the DSN has none.
    let from_text = notice.for_recipient(&recipient);
    let mut diagnostic = f.diagnostic;
    let text_command = from_text.as_ref().and_then(|t| t.command);
    // The command the diagnostic answered: what the text part says of the recipient; for the
    // DSN's own diagnostic, only when that names none (the classification reads its hints).
    let (command, fallback) = match &diagnostic {
        Some(d) if !d.text.trim().is_empty() => (
            None,
            super::transcript::command_field(&d.text).or(text_command),
        ),
        _ => {
            let said = from_text.as_ref().and_then(|t| t.said.as_ref());
            if let Some(said) = said {
                let kind = diagnostic.and_then(|d| d.kind);
                diagnostic = Some(Diagnostic {
                    kind,
                    text: said.text.clone(),
                });
            }
            (said.and_then(|s| s.command).or(text_command), None)
        }
    };
    let remote_mta = f
        .remote_mta
        .or_else(|| from_text.as_ref().and_then(|t| t.remote_mta.clone()));
    let classification = super::with_action(
        classifier.classify(
            diagnostic.as_ref().map(|d| &d.text),
            f.status,
            command,
            fallback,
        ),
        f.action,
    );
    Recipient {
        recipient,
        original_recipient: f.original_recipient,
        action: f.action,
        status: f.status,
        remote_mta,
        diagnostic,
        command: classification.command(),
        classification,
    }
}

fn from_text(r: notice::Found, delay: bool, classifier: &mut Classifier<'_>) -> Recipient {
    let text = r.said.as_ref().map(|s| &s.text);
    let action = if delay {
        DsnAction::Delayed
    } else {
        DsnAction::Failed
    };
    let classification = super::with_action(
        classifier.classify(text, None, r.command, None),
        Some(action),
    );
    Recipient {
        recipient: r.address,
        original_recipient: None,
        action: Some(action),
        status: r.said.as_ref().and_then(|s| s.enhanced),
        remote_mta: r.remote_mta,
        diagnostic: r.said.map(|s| Diagnostic {
            kind: None,
            text: s.text,
        }),
        command: r.command,
        classification,
    }
}

fn feedback(fb: &str, mut parts: Parts, notice: &Notice) -> Report {
    let mut feedback_type = None;
    let mut rcpts: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut dropped = 0;
    let mut reporting = None;
    for (name, value) in dsn::fields(fb).flatten() {
        match name.to_ascii_lowercase().as_str() {
            "feedback-type" => feedback_type = Some(value.trim().to_ascii_lowercase()),
            "original-rcpt-to" | "removal-recipient" => {
                let a = address_of(&value);
                if !a.is_empty() && !seen.contains(&a) {
                    if rcpts.len() < MAX_RECIPIENTS {
                        seen.insert(a.clone());
                        rcpts.push(a);
                    } else {
                        dropped += 1;
                    }
                }
            }
            "reporting-mta" => reporting = Some(dsn::mta_name(&value)),
            _ => {}
        }
    }
    let format = if fb.is_empty() {
        Format::Headers
    } else {
        Format::Arf
    };
    note_cuts(
        &mut parts.problems,
        Cuts {
            recipients: dropped,
            joined: 0,
        },
    );
    let mut report = new_report(Kind::Feedback, format, &mut parts);
    report.feedback_type = feedback_type;
    report.reporting_mta = reporting;
    if report.original.is_none() {
        report.original = notice.original();
    }
    if rcpts.is_empty() {
        if let Some(to) = report.original.as_ref().and_then(|o| o.to.as_deref()) {
            rcpts.extend(
                super::util::addresses(to)
                    .iter()
                    .take(MAX_RECIPIENTS)
                    .map(|f| to[f.start..f.end].to_string()),
            );
        }
    }
    let none = classify_recipient(None, None, None, None, None);
    report.recipients = rcpts.into_iter().map(|a| no_diagnostic(a, none)).collect();
    report
}

/// A provider's complaint mail without a report part (Hotmail's "complaint about message
/// from", "abuse report" subjects).
fn looks_like_complaint(parts: &Parts) -> bool {
    let s = parts.head.subject.as_deref().unwrap_or("");
    (istarts(s, "complaint about message from") || icontains(s, "abuse report"))
        && parts.original.is_some()
}

/// RFC 3834 and the common non-standard auto-reply markers.
pub(crate) fn is_auto_reply(head: &Head) -> bool {
    if head
        .auto_submitted
        .as_deref()
        .is_some_and(|v| istarts(v.trim(), "auto-replied"))
        || head.autoreply_header
        || head
            .precedence
            .as_deref()
            .is_some_and(|v| icontains(v, "auto_reply") || icontains(v, "auto-reply"))
    {
        return true;
    }
    let s = head.subject.as_deref().unwrap_or("").trim_start();
    phrases::AUTO_REPLY_SUBJECT.iter().any(|p| istarts(s, p))
        || phrases::AUTO_REPLY_SUBJECT_ANYWHERE
            .iter()
            .any(|p| icontains(s, p))
}

/// Does the message present itself as a bounce (sender, subject or wording)?
pub(crate) fn looks_like_bounce(head: &Head, notice: &Notice) -> bool {
    let from = head.from.as_deref().unwrap_or("");
    let from_addr = first_address(from).unwrap_or(from);
    let local = from_addr
        .split('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if phrases::DAEMON_SENDER.iter().any(|d| local.contains(d))
        || phrases::DAEMON_NAME.iter().any(|d| icontains(from, d))
    {
        return true;
    }
    let s = head.subject.as_deref().unwrap_or("");
    if phrases::BOUNCE_SUBJECT.iter().any(|p| icontains(s, p)) {
        return true;
    }
    notice.has_bounce_wording()
}
/// Text of an HTML part: tags dropped, block ends as line ends, the common entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name = tag
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "table"
        ) {
            out.push('\n');
        }
        if matches!(name, "style" | "script") && !rest[lt + 1..].starts_with('/') {
            let close = format!("</{name}");
            rest = match ifind(&rest[lt..], &close) {
                Some(c) => &rest[lt + c..],
                None => "",
            };
            continue;
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod html_tests {
    use super::html_to_text;

    #[test]
    fn html() {
        assert_eq!(
            html_to_text("<p>a&amp;b</p><style>x{}</style><br>c"),
            "\na&b\n\nc"
        );
    }
}
