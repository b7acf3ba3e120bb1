//! The MIME walk (through `mailparse`) and the decision of what kind of message it is.

use mailparse::body::Body;
use mailparse::{MailHeader, MailHeaderMap, ParsedMail};

use super::util::{address_of, first_address, icontains, istarts, squash};
use super::{
    Diagnostic, DsnAction, Format, Kind, Original, Recipient, Report, classify_recipient, dsn,
    plain, ses,
};

/// The most bytes of one text part that are decoded (1 MiB); the notice is at its start.
const TEXT_LIMIT: usize = 1 << 20;

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
    fn from_headers(h: &[MailHeader<'_>], content_type: &mailparse::ParsedContentType) -> Head {
        let get = |name: &str| h.get_first_value(name).map(|v| squash(&v));
        let mut failed = Vec::new();
        for v in h.get_all_values("X-Failed-Recipients") {
            for a in v.split(',') {
                if let Some(a) = first_address(a) {
                    failed.push(a.to_string());
                }
            }
        }
        Head {
            from: get("From"),
            to: get("To"),
            subject: get("Subject"),
            auto_submitted: get("Auto-Submitted"),
            autoreply_header: ["X-Autoreply", "X-Autorespond", "X-Autoresponder"]
                .iter()
                .any(|n| h.get_first_header(n).is_some()),
            precedence: get("Precedence").or_else(|| get("X-Precedence")),
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
                "x-failed-recipients" => head
                    .failed_recipients
                    .extend(value.split(',').filter_map(first_address).map(String::from)),
                _ => {}
            }
        }
        head
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
    pub problems: Vec<String>,
}

/// Reads a message and decides what it is.
pub(crate) fn read(raw: &[u8]) -> Report {
    read_at(raw, 0)
}

/// How deep attached bounces are followed.
const MAX_DEPTH: u8 = 2;

fn read_at(raw: &[u8], depth: u8) -> Report {
    let parts = walk(raw);
    decide(parts, depth)
}

fn walk(raw: &[u8]) -> Parts {
    let mut parts = Parts::default();
    match mailparse::parse_mail(raw) {
        Ok(mail) => {
            parts.head = Head::from_headers(&mail.headers, &mail.ctype);
            let mut html = Vec::new();
            let mut seen_original = false;
            visit(&mail, &mut parts, &mut html, &mut seen_original, true);
            if parts.texts.is_empty() {
                parts.texts = html.iter().map(|h| plain::html_to_text(h)).collect();
            }
        }
        Err(e) => {
            parts
                .problems
                .push(format!("malformed MIME ({e}); read as plain text"));
            let text = String::from_utf8_lossy(raw);
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
            parts.texts.push(body_after_headers(part.raw_bytes));
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
                let body = decode_bytes(part);
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
/// [`TEXT_LIMIT`] bytes of it.
fn decode(part: &ParsedMail<'_>, problems: &mut Vec<String>) -> String {
    let raw = match part.get_body_encoded() {
        Body::Base64(b) | Body::QuotedPrintable(b) => b.get_raw(),
        Body::SevenBit(b) | Body::EightBit(b) => b.get_raw(),
        Body::Binary(b) => b.get_raw(),
    };
    let raw = cut(raw, TEXT_LIMIT);
    let te = part
        .headers
        .get_first_value("Content-Transfer-Encoding")
        .map(|s| s.trim().to_ascii_lowercase());
    let as_string = |ctype: &mailparse::ParsedContentType| match Body::new(raw, ctype, &te) {
        Body::Base64(b) | Body::QuotedPrintable(b) => b.get_decoded_as_string(),
        Body::SevenBit(b) | Body::EightBit(b) => b.get_as_string(),
        Body::Binary(b) => b.get_as_string(),
    };
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

/// The bytes after the header block of `raw`, as text (lossily), at most [`TEXT_LIMIT`].
fn body_after_headers(raw: &[u8]) -> String {
    let at = memchr::memmem::find(raw, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| memchr::memmem::find(raw, b"\n\n").map(|i| i + 2))
        .unwrap_or(raw.len());
    String::from_utf8_lossy(cut(&raw[at..], TEXT_LIMIT)).into_owned()
}

/// The transfer-decoded bytes of a part (at most [`TEXT_LIMIT`] of them).
fn decode_bytes(part: &ParsedMail<'_>) -> Vec<u8> {
    match part.get_body_encoded() {
        Body::Base64(b) | Body::QuotedPrintable(b) => {
            let raw = cut(b.get_raw(), TEXT_LIMIT);
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
        Body::SevenBit(b) | Body::EightBit(b) => cut(b.get_raw(), TEXT_LIMIT).to_vec(),
        Body::Binary(b) => cut(b.get_raw(), TEXT_LIMIT).to_vec(),
    }
}

/// The first `limit` bytes of `raw`, cut after a line end when there is one.
fn cut(raw: &[u8], limit: usize) -> &[u8] {
    if raw.len() <= limit {
        return raw;
    }
    let end = memchr::memrchr(b'\n', &raw[..limit]).map_or(limit, |i| i + 1);
    &raw[..end]
}

/// The headers that matter of an original message (or of its header block). Only these four
/// fields are decoded; the header block is read up to its end or [`HEADER_LIMIT`] bytes.
pub(crate) fn original_of(raw: &[u8]) -> Option<Original> {
    let start = raw.iter().position(|b| !b.is_ascii_whitespace())?;
    let raw = &raw[start..];
    if !super::util::starts_with_header(raw) {
        return None;
    }
    let raw = &raw[..raw.len().min(HEADER_LIMIT)];
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

/// The most bytes of an original message's header block that are read (256 KiB).
const HEADER_LIMIT: usize = 256 << 10;

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
        truncated: false,
        problems: std::mem::take(&mut parts.problems),
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

fn decide(mut parts: Parts, depth: u8) -> Report {
    let notice = plain::Notice::new(&parts.texts);

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
        let mut text_recipients: Option<Vec<plain::Found>> = None;
        let mut report = new_report(Kind::DeliveryFailure, format, &mut parts);
        for d in dsns {
            if report.reporting_mta.is_none() {
                report.reporting_mta = d.reporting_mta;
            }
            for (i, mut f) in d.recipients.into_iter().enumerate() {
                // A Final-Recipient that is no address ("@mx.example.org", a source route):
                // the Original-Recipient, or the recipient that the text names.
                if !is_address(f.final_recipient.as_deref()) {
                    if is_address(f.original_recipient.as_deref()) {
                        f.final_recipient = f.original_recipient.clone();
                    } else {
                        let named =
                            text_recipients.get_or_insert_with(|| notice.recipients(&parts.head));
                        if let Some(n) = named.get(i) {
                            f.final_recipient = Some(n.address.clone());
                        }
                    }
                }
                report.recipients.push(from_fields(f, &notice));
            }
        }
        report.kind = kind_of(&report.recipients);
        if report.original.is_none() {
            report.original = notice.original();
        }
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
    if let Some(mut r) = ses::read(notice.full()) {
        r.from = parts.head.from.take();
        r.subject = parts.head.subject.take();
        r.problems = std::mem::take(&mut parts.problems);
        return r;
    }

    // 4. The text of an MTA's bounce.
    let bounce_like = looks_like_bounce(&parts.head, &notice);
    let auto_reply = is_auto_reply(&parts.head);
    if bounce_like || !auto_reply {
        let found = notice.recipients(&parts.head);
        if !found.is_empty() && (bounce_like || found.iter().any(|r| r.strong)) {
            let delay = notice.is_delay(parts.head.subject.as_deref());
            let mut report = new_report(Kind::DeliveryFailure, Format::Text, &mut parts);
            for r in found {
                report.recipients.push(from_text(r, delay));
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
                    let mut r = read_at(&inner[start..], depth + 1);
                    if r.is_bounce() && !r.recipients.is_empty() {
                        r.problems.extend(std::mem::take(&mut parts.problems));
                        return r;
                    }
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
                let diag = notice.reason().or_else(|| notice.summary());
                report.recipients.push(from_text(
                    plain::Found {
                        address: to,
                        diagnostic: diag,
                        command: notice.command_anywhere(),
                        remote_mta: None,
                        strong: false,
                    },
                    delay,
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
            report.recipients.push(no_diagnostic(addr));
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

fn no_diagnostic(addr: String) -> Recipient {
    Recipient {
        recipient: addr,
        original_recipient: None,
        action: None,
        status: None,
        remote_mta: None,
        diagnostic: None,
        command: None,
        classification: classify_recipient(None, None, None),
    }
}

fn from_fields(f: dsn::Fields, notice: &plain::Notice) -> Recipient {
    let recipient = f
        .final_recipient
        .clone()
        .or_else(|| f.original_recipient.clone())
        .unwrap_or_default();
    // The DSN's diagnostic, or the text that the human-readable part gives for the
    // recipient when the DSN has none.
    let mut diagnostic = f.diagnostic;
    let from_text = notice.for_recipient(&recipient);
    let useless = diagnostic.as_ref().is_none_or(|d| d.text.trim().is_empty());
    if useless {
        if let Some(t) = from_text.as_ref().and_then(|t| t.diagnostic.clone()) {
            let kind = diagnostic.and_then(|d| d.kind);
            diagnostic = Some(Diagnostic { kind, text: t });
        }
    }
    let command = diagnostic
        .as_ref()
        .and_then(|d| plain::command_in(&d.text))
        .or_else(|| from_text.as_ref().and_then(|t| t.command));
    let remote_mta = f
        .remote_mta
        .or_else(|| from_text.as_ref().and_then(|t| t.remote_mta.clone()));
    let classification = classify_recipient(
        diagnostic.as_ref().map(|d| d.text.as_str()),
        f.status,
        command,
    );
    Recipient {
        recipient,
        original_recipient: f.original_recipient,
        action: f.action,
        status: f.status,
        remote_mta,
        diagnostic,
        command,
        classification,
    }
}

fn from_text(r: plain::Found, delay: bool) -> Recipient {
    let status = r
        .diagnostic
        .as_deref()
        .and_then(|d| crate::parse::scan(d.as_bytes()).enhanced);
    let classification = classify_recipient(r.diagnostic.as_deref(), None, r.command);
    Recipient {
        recipient: r.address,
        original_recipient: None,
        action: Some(if delay {
            DsnAction::Delayed
        } else {
            DsnAction::Failed
        }),
        status,
        remote_mta: r.remote_mta,
        diagnostic: r.diagnostic.map(|text| Diagnostic { kind: None, text }),
        command: r.command,
        classification,
    }
}

fn feedback(fb: &str, mut parts: Parts, notice: &plain::Notice) -> Report {
    let mut feedback_type = None;
    let mut rcpts: Vec<String> = Vec::new();
    let mut reporting = None;
    for (name, value) in dsn::fields(fb).flatten() {
        match name.to_ascii_lowercase().as_str() {
            "feedback-type" => feedback_type = Some(value.trim().to_ascii_lowercase()),
            "original-rcpt-to" | "removal-recipient" => {
                let a = address_of(&value);
                if !a.is_empty() && !rcpts.contains(&a) {
                    rcpts.push(a);
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
                    .map(|f| to[f.start..f.end].to_string()),
            );
        }
    }
    report.recipients = rcpts.into_iter().map(no_diagnostic).collect();
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
    const SUBJECTS: &[&str] = &[
        "auto:",
        "auto reply",
        "auto-reply",
        "autoreply",
        "automatic reply",
        "auto response",
        "auto-response",
        "autoresponse",
        "autorespons",
        "automatische antwort",
        "réponse automatique",
        "risposta automatica",
        "respuesta automática",
        "out of office",
        "out of the office",
        "abwesenheitsnotiz",
        "vacation",
        "on vacation",
    ];
    SUBJECTS.iter().any(|p| istarts(s, p))
        || icontains(s, "out of office")
        || icontains(s, "automatic reply")
        || icontains(s, "autoreply")
        || icontains(s, "auto reply")
}

/// Does the message present itself as a bounce (sender, subject or wording)?
pub(crate) fn looks_like_bounce(head: &Head, notice: &plain::Notice) -> bool {
    let from = head.from.as_deref().unwrap_or("");
    let from_addr = first_address(from).unwrap_or(from);
    let local = from_addr
        .split('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    const DAEMONS: &[&str] = &[
        "mailer-daemon",
        "mailer_daemon",
        "maildaemon",
        "postmaster",
        "post_master",
        "mail.delivery.system",
        "mail-delivery-system",
        "mdaemon",
        "mailerdaemon",
    ];
    if DAEMONS.iter().any(|d| local.contains(d))
        || icontains(from, "mail delivery")
        || icontains(from, "mailer-daemon")
    {
        return true;
    }
    let s = head.subject.as_deref().unwrap_or("");
    const SUBJECTS: &[&str] = &[
        "undeliver",
        "undelivered",
        "delivery status notification",
        "delivery notification",
        "delivery failure",
        "delivery failed",
        "delivery has failed",
        "failure notice",
        "returned mail",
        "return mail",
        "mail delivery failed",
        "mail system error",
        "could not send message",
        "delivery problem",
        "nondeliverable",
        "non-deliverable",
        "non delivery",
        "delivery report",
        "message not delivered",
        "mail failure",
        "warning: could not",
        "delayed mail",
        "delivery delayed",
        "delivery error",
        "not delivered",
    ];
    if SUBJECTS.iter().any(|p| icontains(s, p)) {
        return true;
    }
    notice.has_bounce_wording()
}
