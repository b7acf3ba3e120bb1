//! Amazon SES notifications (bounce, complaint, delivery), as JSON in a mail body: either an
//! SNS envelope (`{"Type": "Notification", "Message": "<JSON>"}`) or the SES event itself
//! (`notificationType` / `eventType`).

use serde_json::Value;

use super::{Diagnostic, DsnAction, Format, Kind, Original, Recipient, Report, classify_recipient};
use super::{MAX_RECIPIENTS, dsn, transcript};
use crate::rules::engine::Tables;

/// A report from a JSON notification in `text`, if `text` is one.
pub(crate) fn read(text: &str, user: Option<&Tables<'_>>) -> Option<Report> {
    let t = text.trim_start();
    if !t.starts_with('{') {
        return None;
    }
    // Only the JSON object itself: some bodies carry a signature or a footer after it.
    let end = t.rfind('}')?;
    let json = &t[..=end];
    // Mail transport may have folded long lines, leaving line ends inside JSON strings.
    let mut v: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(_) => serde_json::from_str(&json.replace(['\r', '\n'], "")).ok()?,
    };
    if let Some(inner) = v.get("Message").and_then(Value::as_str) {
        v = serde_json::from_str(inner).ok()?;
    }
    let kind_name = v
        .get("notificationType")
        .or_else(|| v.get("eventType"))
        .and_then(Value::as_str)?
        .to_ascii_lowercase();
    let mut report = Report {
        kind: Kind::DeliveryFailure,
        format: Format::Json,
        reporting_mta: None,
        from: None,
        subject: None,
        feedback_type: None,
        recipients: Vec::new(),
        original: original(&v),
        truncated: false,
        problems: Vec::new(),
    };
    match kind_name.as_str() {
        "bounce" => {
            let b = v.get("bounce")?;
            report.reporting_mta = b
                .get("reportingMTA")
                .and_then(Value::as_str)
                .map(dsn::mta_name);
            let transient = b.get("bounceType").and_then(Value::as_str) == Some("Transient");
            for r in list(b, "bouncedRecipients") {
                let Some(addr) = r.get("emailAddress").and_then(Value::as_str) else {
                    continue;
                };
                let action = r
                    .get("action")
                    .and_then(Value::as_str)
                    .and_then(dsn::action)
                    .or(Some(if transient {
                        DsnAction::Delayed
                    } else {
                        DsnAction::Failed
                    }));
                let status = r
                    .get("status")
                    .and_then(Value::as_str)
                    .and_then(dsn::status);
                let diagnostic = r
                    .get("diagnosticCode")
                    .and_then(Value::as_str)
                    .and_then(dsn::diagnostic);
                report
                    .recipients
                    .push(recipient(addr, action, status, diagnostic, None, user));
            }
            report.kind = if transient
                && report
                    .recipients
                    .iter()
                    .all(|r| r.action != Some(DsnAction::Failed))
            {
                Kind::DelayNotice
            } else {
                Kind::DeliveryFailure
            };
        }
        "complaint" => {
            let c = v.get("complaint")?;
            report.kind = Kind::Feedback;
            report.format = Format::Json;
            report.feedback_type = c
                .get("complaintFeedbackType")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase);
            for r in list(c, "complainedRecipients") {
                if let Some(addr) = r.get("emailAddress").and_then(Value::as_str) {
                    report
                        .recipients
                        .push(recipient(addr, None, None, None, None, user));
                }
            }
        }
        "delivery" => {
            let d = v.get("delivery")?;
            report.kind = Kind::SuccessNotice;
            report.reporting_mta = d
                .get("reportingMTA")
                .and_then(Value::as_str)
                .map(dsn::mta_name);
            let diag = d
                .get("smtpResponse")
                .and_then(Value::as_str)
                .map(|t| Diagnostic {
                    kind: Some("smtp".into()),
                    text: t.into(),
                });
            let remote = d.get("remoteMtaIp").and_then(Value::as_str);
            for r in list(d, "recipients") {
                if let Some(addr) = r.as_str() {
                    let mut rec = recipient(
                        addr,
                        Some(DsnAction::Delivered),
                        None,
                        diag.clone(),
                        None,
                        user,
                    );
                    rec.remote_mta = remote.map(String::from);
                    report.recipients.push(rec);
                }
            }
        }
        _ => return None,
    }
    if report.recipients.len() > MAX_RECIPIENTS {
        report.problems.push(format!(
            "{} more recipients were not read: at most {MAX_RECIPIENTS} are read from one message",
            report.recipients.len() - MAX_RECIPIENTS
        ));
        report.recipients.truncate(MAX_RECIPIENTS);
        report.truncated = true;
    }
    Some(report)
}

fn list<'v>(v: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn recipient(
    addr: &str,
    action: Option<DsnAction>,
    status: Option<crate::EnhancedCode>,
    diagnostic: Option<Diagnostic>,
    remote_mta: Option<String>,
    user: Option<&Tables<'_>>,
) -> Recipient {
    let text = diagnostic.as_ref().map(|d| &*d.text);
    let (command, classification) = if action.is_some() {
        let fallback = text.and_then(transcript::command_field);
        let c = classify_recipient(text, status, None, fallback, user);
        (c.command(), super::with_action(c, action))
    } else {
        (
            text.and_then(transcript::command_in),
            classify_recipient(None, None, None, None, None),
        )
    };
    Recipient {
        recipient: super::util::address_of(addr),
        original_recipient: None,
        action,
        status,
        remote_mta,
        diagnostic,
        command,
        classification,
    }
}

fn original(v: &Value) -> Option<Original> {
    let mail = v.get("mail")?;
    let h = mail.get("commonHeaders");
    let s = |x: Option<&Value>| x.and_then(Value::as_str).map(String::from);
    let join = |x: Option<&Value>| {
        x.and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    Some(Original {
        message_id: s(h.and_then(|h| h.get("messageId"))).or_else(|| s(mail.get("messageId"))),
        from: join(h.and_then(|h| h.get("from"))).or_else(|| s(mail.get("source"))),
        to: join(h.and_then(|h| h.get("to"))).or_else(|| join(mail.get("destination"))),
        subject: s(h.and_then(|h| h.get("subject"))),
    })
}
