//! Whole bounce messages: the fixtures in `tests/data/bounces/` (written for this project in
//! the style of each MTA), malformed and huge input, and, when the shared corpus of real
//! bounces is present beside the repository, a no-panic pass over it.
#![cfg(feature = "bounce")]

mod common;
#[path = "common/seed.rs"]
mod seed;

use proptest::prelude::*;
use smtpcode::bounce::{self, BounceError, DsnAction, Format, Kind, Report};
use smtpcode::{Bounce, Command, Reason};

fn fixture(name: &str) -> Report {
    let path = common::data_dir().join("bounces").join(name);
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bounce::parse(&raw).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn postfix_rfc3464_report() {
    let r = fixture("postfix-dsn.eml");
    assert_eq!(r.kind, Kind::DeliveryFailure);
    assert_eq!(r.format, Format::Rfc3464);
    assert_eq!(r.reporting_mta.as_deref(), Some("mx.example.org"));
    assert_eq!(r.recipients.len(), 2);
    let jane = &r.recipients[0];
    assert_eq!(jane.recipient, "jane@example.com");
    assert_eq!(jane.original_recipient.as_deref(), Some("Jane@Example.com"));
    assert_eq!(jane.action, Some(DsnAction::Failed));
    assert_eq!(jane.status.unwrap().to_string(), "5.1.1");
    assert_eq!(jane.remote_mta.as_deref(), Some("mx.example.com"));
    let d = jane.diagnostic.as_ref().unwrap();
    assert_eq!(d.kind.as_deref(), Some("smtp"));
    assert_eq!(
        &*d.text,
        "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in local recipient table"
    );
    assert_eq!(jane.classification.reason(), Reason::MailboxUnknown);
    assert_eq!(jane.classification.bounce(), Bounce::Hard);
    let full = &r.recipients[1];
    assert_eq!(full.recipient, "full@example.net");
    // The DSN's diagnostic has no command; the text part says "in reply to RCPT TO command".
    assert_eq!(full.command, Some(Command::Rcpt));
    assert_eq!(full.classification.reason(), Reason::MailboxFull);
    let o = r.original.as_ref().unwrap();
    assert_eq!(o.message_id.as_deref(), Some("<figures-2025@example.org>"));
    assert_eq!(o.subject.as_deref(), Some("Quarterly figures"));
    assert_eq!(o.to.as_deref(), Some("jane@example.com, full@example.net"));
}

#[test]
fn exim_text_bounce_with_command() {
    let r = fixture("exim.eml");
    assert_eq!((r.kind, r.format), (Kind::DeliveryFailure, Format::Text));
    assert_eq!(r.recipients.len(), 1);
    let bob = &r.recipients[0];
    assert_eq!(bob.recipient, "bob@example.com");
    assert_eq!(bob.command, Some(Command::EndOfData));
    assert_eq!(bob.remote_mta.as_deref(), Some("mx.example.com"));
    assert!(
        bob.diagnostic
            .as_ref()
            .unwrap()
            .text
            .contains("550 5.7.1 Message rejected as spam")
    );
    assert_eq!(bob.classification.reason(), Reason::ContentSpam);
    assert_eq!(
        r.original.as_ref().unwrap().message_id.as_deref(),
        Some("<offer-1@example.org>")
    );
}

#[test]
fn qmail_two_recipients() {
    let r = fixture("qmail.eml");
    let got: Vec<(&str, Reason)> = r
        .recipients
        .iter()
        .map(|x| (x.recipient.as_str(), x.classification.reason()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("nobody@example.com", Reason::MailboxUnknown),
            ("carol@example.net", Reason::MailboxFull)
        ]
    );
    assert_eq!(r.recipients[1].command, Some(Command::Rcpt));
    assert_eq!(r.original.unwrap().subject.as_deref(), Some("Hello"));
}

#[test]
fn indimail_recipients_keep_their_own_replies() {
    // Each `<a@b>:` block starts with indimail's `From: <s> RCPT: <a@b> ...` line, which
    // looks like a header: the block still takes it and the reply under it.
    let r = fixture("qmail-indimail.eml");
    let got: Vec<(&str, Option<u16>, Reason)> = r
        .recipients
        .iter()
        .map(|x| {
            let c = &x.classification;
            (
                x.recipient.as_str(),
                c.code().map(|c| c.as_u16()),
                c.reason(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("erin@example.net", Some(552), Reason::MailboxFull),
            ("frank@example.net", Some(550), Reason::MailboxUnknown)
        ]
    );
}

#[test]
fn sendmail_status_line_takes_the_remote_reply() {
    // "554 <grace@...>... Remote protocol error" under "<<< 550 Relaying denied ...": the
    // remote's reply to MAIL FROM is the diagnostic; the host's status line between is not.
    let r = fixture("sendmail-transcript.eml");
    let grace = &r.recipients[0];
    assert_eq!(grace.recipient, "grace@example.com");
    assert_eq!(
        grace.diagnostic.as_ref().unwrap().text.as_ref(),
        "550 Relaying denied for 203.0.113.9 (Remote protocol error)"
    );
    assert_eq!(grace.command, Some(Command::Mail));
    assert_eq!(grace.classification.reason(), Reason::RelayDenied);
    let heidi = &r.recipients[1];
    assert_eq!(heidi.classification.reason(), Reason::DomainInvalid);
    assert!(!heidi.diagnostic.as_ref().unwrap().text.contains("Deferred"));
}

#[test]
fn sendmail_pipelined_transcript_is_rcpt() {
    let r = fixture("sendmail.eml");
    let dave = &r.recipients[0];
    assert_eq!(dave.recipient, "dave@example.com");
    // ">>> DATA" then two replies: the 550 answered the pipelined RCPT.
    assert_eq!(dave.command, Some(Command::Rcpt));
    assert_eq!(dave.classification.reason(), Reason::MailboxUnknown);
}

#[test]
fn gmail_reason_section() {
    let r = fixture("gmail.eml");
    let erin = &r.recipients[0];
    assert_eq!(erin.recipient, "erin@example.jp");
    assert!(erin.diagnostic.as_ref().unwrap().text.contains("550 5.1.1"));
    assert_eq!(erin.classification.bounce(), Bounce::Hard);
}

#[test]
fn exchange_recipient_on_date() {
    let r = fixture("exchange.eml");
    assert_eq!(r.recipients.len(), 1);
    assert_eq!(r.recipients[0].recipient, "frank@corp.example.com");
    assert_eq!(
        r.recipients[0].classification.reason(),
        Reason::MailboxUnknown
    );
}

#[test]
fn delay_and_success_notices() {
    let r = fixture("delayed-dsn.eml");
    assert_eq!(r.kind, Kind::DelayNotice);
    let g = &r.recipients[0];
    assert_eq!(g.action, Some(DsnAction::Delayed));
    assert_eq!(
        g.diagnostic.as_ref().unwrap().kind.as_deref(),
        Some("x-postfix")
    );
    assert_eq!(g.classification.bounce(), Bounce::Soft);

    let r = fixture("success-dsn.eml");
    assert_eq!(r.kind, Kind::SuccessNotice);
    assert_eq!(r.recipients[0].action, Some(DsnAction::Relayed));
    assert_eq!(r.recipients[0].classification.bounce(), Bounce::None);
    assert!(!r.is_bounce());
}

#[test]
fn arf_feedback_report() {
    let r = fixture("arf.eml");
    assert_eq!((r.kind, r.format), (Kind::Feedback, Format::Arf));
    assert_eq!(r.feedback_type.as_deref(), Some("abuse"));
    assert_eq!(r.recipients.len(), 1);
    assert_eq!(r.recipients[0].recipient, "ivan@example.net");
    assert_eq!(r.recipients[0].classification.bounce(), Bounce::Unknown);
    assert_eq!(
        r.original.unwrap().message_id.as_deref(),
        Some("<offer-5@example.org>")
    );
}

#[test]
fn auto_reply_and_ordinary_mail() {
    let r = fixture("autoreply.eml");
    assert_eq!(r.kind, Kind::AutoReply);
    // The mailbox that replied, not the address its text mentions.
    let got: Vec<&str> = r.recipients.iter().map(|x| x.recipient.as_str()).collect();
    assert_eq!(got, vec!["judy@example.com"]);

    let r = fixture("not-bounce.eml");
    assert_eq!(r.kind, Kind::NotBounce);
    assert!(r.recipients.is_empty());
}

#[test]
fn ses_json_notification() {
    let r = fixture("ses.eml");
    assert_eq!((r.kind, r.format), (Kind::DeliveryFailure, Format::Json));
    assert_eq!(
        r.reporting_mta.as_deref(),
        Some("a1-2.smtp-out.example.com")
    );
    let k = &r.recipients[0];
    assert_eq!(k.recipient, "kim@example.com");
    assert_eq!(k.status.unwrap().to_string(), "5.1.1");
    assert_eq!(k.classification.reason(), Reason::MailboxUnknown);
}

#[test]
fn iso_2022_jp_text_and_subject() {
    let r = fixture("iso2022jp.eml");
    assert_eq!(r.subject.as_deref(), Some("配信エラー"));
    assert_eq!(r.recipients[0].recipient, "leo@example.jp");
    assert_eq!(
        r.recipients[0].classification.reason(),
        Reason::MailboxUnknown
    );
}

#[test]
fn undeclared_iso_2022_jp_in_a_delivery_status_part() {
    let mut raw = b"From: Postmaster@example.jp\nContent-Type: multipart/report; report-type=delivery-status; boundary=z\n\n--z\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; ken@example.jp\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: X-Notes; ".to_vec();
    // "ユーザー" in ISO-2022-JP.
    raw.extend_from_slice(b"\x1b$B%f!<%6!<\x1b(B ken\n--z--\n");
    let r = bounce::parse(&raw).unwrap();
    let d = r.recipients[0].diagnostic.as_ref().unwrap();
    assert_eq!(&*d.text, "ユーザー ken");
    assert_eq!(d.kind.as_deref(), Some("x-notes"));
}

#[test]
fn boundary_that_does_not_match_is_read_as_text() {
    let r = fixture("broken-boundary.eml");
    assert_eq!(r.kind, Kind::DeliveryFailure);
    assert_eq!(r.format, Format::DsnText);
    assert!(!r.problems.is_empty(), "the report says it is partial");
    assert_eq!(r.recipients[0].recipient, "mike@example.com");
    assert_eq!(r.recipients[0].classification.reason(), Reason::Blocklisted);
}

#[test]
fn errors_and_malformed_input() {
    assert_eq!(bounce::parse(b"").unwrap_err(), BounceError::Empty);
    assert_eq!(bounce::parse(b" \r\n\t").unwrap_err(), BounceError::Empty);
    assert_eq!(
        bounce::parse(b"just some words\nno headers").unwrap_err(),
        BounceError::NotAMessage
    );
    assert!(
        BounceError::NotAMessage
            .to_string()
            .contains("not an email message")
    );
    // Non-UTF-8 headers, a lone CR after the headers, an unterminated multipart: a report.
    let r =
        bounce::parse(b"From: \xff\xfe <MAILER-DAEMON@x.example>\r\nSubject: \xc3\x28\r\n\rbody")
            .unwrap();
    assert_eq!(r.kind, Kind::DeliveryFailure);
    let r = bounce::parse(
        b"Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n",
    )
    .unwrap();
    assert_eq!(r.recipients[0].recipient, "a@example.com");
    // An mbox "From " line in front of the headers.
    let r = bounce::parse(
        b"From MAILER-DAEMON Thu Jul  2 12:05:05 2020\nFrom: x@example.com\nSubject: hi\n\nhello",
    )
    .unwrap();
    assert_eq!(r.kind, Kind::NotBounce);
}

#[test]
fn deep_nesting_is_bounded() {
    let mut raw = String::from("From: MAILER-DAEMON@x.example\n");
    for i in 0..500 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\n\n<a@example.com>: 550 5.1.1 User unknown\n");
    let r = bounce::parse(&raw).unwrap();
    assert!(!r.problems.is_empty() || !r.recipients.is_empty());
}

#[test]
fn fifty_mib_message_is_cut_and_bounded() {
    let head = std::fs::read(common::data_dir().join("bounces/postfix-dsn.eml")).unwrap();
    let mut raw = head.clone();
    raw.reserve(50 << 20);
    while raw.len() < 50 << 20 {
        raw.extend_from_slice(
            b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        );
    }
    let start = std::time::Instant::now();
    let r = bounce::parse(&raw).unwrap();
    assert!(r.truncated);
    assert_eq!(
        r.recipients.len(),
        2,
        "the report at the start is still read"
    );
    assert!(start.elapsed().as_secs() < 20);
    // One 50 MiB line without any line end.
    let mut raw = b"From: MAILER-DAEMON@x.example\nSubject: x\n\n".to_vec();
    raw.resize(50 << 20, b'x');
    let r = bounce::parse(&raw).unwrap();
    assert!(r.truncated);
}

#[test]
fn corpus_never_panics() {
    let dir = common::data_dir().join("../../../shared/corpus/bounces");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no shared corpus at {}", dir.display());
        return;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let raw = std::fs::read(e.path()).unwrap();
        if let Ok(r) = bounce::parse(&raw) {
            n += 1;
            for rc in &r.recipients {
                assert!(!rc.recipient.is_empty(), "{}", e.path().display());
            }
        }
    }
    assert!(n > 0);
}

proptest! {
    #![proptest_config(seed::config(512))]

    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = bounce::parse(&raw);
    }

    #[test]
    fn mangled_bounces_never_panic(cut in 0usize..4000, byte in any::<u8>(), at in 0usize..4000) {
        let mut raw = std::fs::read(common::data_dir().join("bounces/postfix-dsn.eml")).unwrap();
        raw.truncate(cut.min(raw.len()));
        if !raw.is_empty() {
            let i = at % raw.len();
            raw[i] = byte;
        }
        let _ = bounce::parse(&raw);
    }

    #[test]
    fn header_shaped_noise_never_panics(lines in proptest::collection::vec("[ -~\t]{0,60}", 0..40)) {
        let raw = format!("From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; boundary=q\n\n--q\n{}", lines.join("\n"));
        let _ = bounce::parse(&raw);
    }
}

/// Every fixture's report, in the core's serde form, is the JSON file beside it
/// (`tests/data/bounces/NAME.json`, also read by the Python suite). `SMTPCODE_BLESS=1` rewrites
/// the files from the current output, to be read in review like any other change.
#[test]
fn fixtures_match_their_golden_json() {
    let dir = common::data_dir().join("bounces");
    let bless = std::env::var_os("SMTPCODE_BLESS").is_some();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    names.sort();
    assert!(names.len() >= 14);
    let mut stale = Vec::new();
    for eml in &names {
        let report = bounce::parse(&std::fs::read(eml).unwrap()).unwrap();
        let got = serde_json::to_value(&report).unwrap();
        let golden = eml.with_extension("json");
        if bless {
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            std::fs::write(&golden, text).unwrap();
            continue;
        }
        let want: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&golden)
                .unwrap_or_else(|e| panic!("{}: {e}", golden.display())),
        )
        .unwrap();
        if got != want {
            stale.push(format!(
                "{}:\n{}",
                golden.display(),
                serde_json::to_string_pretty(&got).unwrap()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "reports differ from their golden JSON (SMTPCODE_BLESS=1 rewrites them):\n{}",
        stale.join("\n")
    );
}
