use super::*;

fn one(line: &str) -> Event {
    let mut r = LogReader::new();
    let mut v = Vec::new();
    let info = r.read_line(line.as_bytes(), &mut v);
    assert_eq!(info.kind, LineKind::Delivery, "{line}: {info:?}");
    assert_eq!(v.len(), 1, "{line}");
    v.pop().unwrap()
}

#[test]
fn postfix_bounce() {
    let e = one(
        "Dec  4 21:30:21 mx1 postfix/smtp[4711]: 4F2A1B3C9D: to=<jane@example.net>, orig_to=<sales@example.net>, relay=mx.example.net[203.0.113.25]:25, delay=2.1, delays=0.1/0/1/1, dsn=5.1.1, status=bounced (host mx.example.net[203.0.113.25] said: 550 5.1.1 <jane@example.net>: Recipient address rejected: User unknown (in reply to RCPT TO command))",
    );
    assert_eq!(e.recipient.as_deref(), Some("jane@example.net"));
    assert_eq!(e.original_recipient.as_deref(), Some("sales@example.net"));
    assert_eq!(e.relay.as_deref(), Some("mx.example.net[203.0.113.25]:25"));
    assert_eq!(e.dsn.as_deref(), Some("5.1.1"));
    assert_eq!(e.status, Status::Bounced);
    assert_eq!(e.classification.reason(), Reason::MailboxUnknown);
    assert_eq!(e.classification.command(), Some(Command::Rcpt));
}

fn all(r: &mut LogReader, lines: &[&[u8]]) -> (Vec<Event>, Vec<LineInfo>) {
    let mut ev = Vec::new();
    let infos = lines.iter().map(|l| r.read_line(l, &mut ev)).collect();
    (ev, infos)
}

#[test]
fn an_expiry_is_expired_whatever_its_text_says() {
    let e = one(
        "Mar 14 06:41:17 relay1 postfix/qmgr[1187]: F1A2B32C99: from=<alerts@corp.example>, status=expired, returned to sender (connect to mx.gone.example[203.0.113.99]:25: Connection refused)",
    );
    assert_eq!(e.status, Status::Expired);
    assert_eq!(e.classification.reason(), Reason::Expired);
    assert_eq!(e.classification.basis(), crate::Basis::LogStatus);
    assert_eq!(e.cause, Some(Reason::NetworkError));
    assert_eq!(e.sender.as_deref(), Some("alerts@corp.example"));
    assert_eq!(e.recipient, None);
}

#[test]
fn sent_is_success_whatever_the_text_says() {
    let e = one(
        "Mar 14 07:13:00 relay1 postfix/smtp[1]: C4D5E62D39: to=<w@odd.example>, relay=mx.odd.example[203.0.113.66]:25, dsn=2.0.0, status=sent (550 5.1.1 sounds like a failure)",
    );
    assert_eq!(e.classification.outcome(), Outcome::Success);
    assert_eq!(e.classification.bounce(), crate::Bounce::None);
    assert_eq!(e.classification.reason(), Reason::None);
    let e = one(
        "Mar 14 07:13:00 relay1 postfix/local[1]: C4D5E62D39: to=<w@relay1.example>, relay=local, dsn=2.0.0, status=sent (delivered to maildir)",
    );
    assert_eq!(e.classification.outcome(), Outcome::Success);
}

#[test]
fn lines_that_are_no_delivery_give_no_event() {
    let mut r = LogReader::new();
    let lines: [&[u8]; 9] = [
        b"Mar  9 06:25:02 relay1 postfix/smtpd[20431]: connect from app3.example[192.0.2.31]",
        b"Mar  9 06:25:05 relay1 postfix/qmgr[1187]: 9C0D12C44E: removed",
        b"2025-04-17 09:14:06 1u5J9y-000Gq2-3K Completed",
        b"2025-04-17 09:14:02 1u5J9y-000Gq2-3K <= a@shop.example H=app1 [192.0.2.41] P=esmtp S=9822",
        b"",
        b"   ",
        b"\x00\x00\x00",
        b"\xff\xfe garbage \xc3",
        b"Mar 14 07:13:07 relay1 kernel: [812345.112] eth0: link up",
    ];
    let (ev, infos) = all(&mut r, &lines);
    assert!(ev.is_empty());
    let kinds: Vec<LineKind> = infos.iter().map(|i| i.kind).collect();
    use LineKind::*;
    assert_eq!(
        kinds,
        vec![
            Other,
            Other,
            Other,
            Other,
            Empty,
            Empty,
            Empty,
            Unrecognized,
            Unrecognized
        ]
    );
    assert_eq!(infos[0].mta, Some(Mta::Postfix));
    assert_eq!(infos[2].mta, Some(Mta::Exim));
}

#[test]
fn the_sender_is_joined_by_queue_id_and_not_across_a_removal() {
    let mut r = LogReader::new();
    let (ev, _) = all(
        &mut r,
        &[
            b"Mar  9 06:25:02 h postfix/qmgr[1]: 7A3F02C41B: from=<first@corp.example>, size=1, nrcpt=1 (queue active)",
            b"Mar  9 06:25:03 h postfix/smtp[2]: 7A3F02C41B: to=<a@x.example>, relay=x[192.0.2.1]:25, dsn=2.0.0, status=sent (250 ok)",
            b"Mar  9 06:25:04 h postfix/qmgr[1]: 7A3F02C41B: removed",
            // The same short queue id, reused by a new message whose from= line was not seen.
            b"Mar  9 07:25:03 h postfix/smtp[2]: 7A3F02C41B: to=<b@x.example>, relay=x[192.0.2.1]:25, dsn=2.0.0, status=sent (250 ok)",
        ],
    );
    assert_eq!(ev[0].sender.as_deref(), Some("first@corp.example"));
    assert_eq!(ev[1].sender, None);
}

#[test]
fn an_expiry_applies_to_the_recipients_still_deferred() {
    let mut r = LogReader::new();
    let (ev, _) = all(
        &mut r,
        &[
            b"Mar  9 06:40:30 h postfix/smtp[1]: D0E1F22C11: to=<a@x.example>, relay=none, dsn=4.4.1, status=deferred (connect to mx.x.example[192.0.2.9]:25: Connection timed out)",
            b"Mar  9 06:40:31 h postfix/smtp[1]: D0E1F22C11: to=<b@y.example>, relay=none, dsn=4.7.1, status=deferred (host mx.y.example[192.0.2.8] said: 450 4.7.1 Greylisted, try later (in reply to RCPT TO command))",
            b"Mar  9 06:50:31 h postfix/smtp[1]: D0E1F22C11: to=<b@y.example>, relay=mx.y.example[192.0.2.8]:25, dsn=2.0.0, status=sent (250 ok)",
            b"Mar 14 06:40:02 h postfix/qmgr[1]: D0E1F22C11: from=<n@corp.example>, status=expired, returned to sender",
        ],
    );
    assert_eq!(ev.len(), 4);
    let x = &ev[3];
    assert_eq!(x.status, Status::Expired);
    assert_eq!(x.recipient.as_deref(), Some("a@x.example"));
    assert_eq!(x.sender.as_deref(), Some("n@corp.example"));
    assert_eq!(x.classification.reason(), Reason::Expired);
    assert_eq!(x.cause, Some(Reason::NetworkError));
    assert!(x.text.contains("Connection timed out"));
}

#[test]
fn inbound_refusals_carry_their_envelope() {
    let e = one(
        "Mar 14 07:05:44 relay1 postfix/smtpd[20535]: NOQUEUE: reject: RCPT from mail.partner.example[203.0.113.15]: 550 5.1.1 <h@corp.example>: Recipient address rejected: User unknown in local recipient table; from=<c@partner.example> to=<h@corp.example> proto=ESMTP helo=<mail.partner.example>",
    );
    assert_eq!(e.status, Status::Rejected);
    assert_eq!(e.queue_id, None);
    assert_eq!(e.sender.as_deref(), Some("c@partner.example"));
    assert_eq!(e.recipient.as_deref(), Some("h@corp.example"));
    assert_eq!(e.helo.as_deref(), Some("mail.partner.example"));
    assert_eq!(
        e.relay.as_deref(),
        Some("mail.partner.example[203.0.113.15]")
    );
    assert!(e.text.starts_with("550 5.1.1 <h@corp.example>: Recipient"));
    assert!(e.text.ends_with("local recipient table"));
    assert_eq!(e.classification.command(), Some(Command::Rcpt));
    let e = one(
        "Mar 14 07:07:12 relay1 postfix/postscreen[1201]: NOQUEUE: reject: RCPT from [198.51.100.77]:51544: 550 5.5.1 Protocol error; from=<g@botnet.example>, to=<i@corp.example>, proto=SMTP, helo=<botnet.example>",
    );
    assert_eq!(e.relay.as_deref(), Some("[198.51.100.77]:51544"));
    assert_eq!(e.recipient.as_deref(), Some("i@corp.example"));
    assert_eq!(e.helo.as_deref(), Some("botnet.example"));
    assert_eq!(e.text, "550 5.5.1 Protocol error");
    let e = one(
        "Mar 14 07:08:15 relay1 postfix/cleanup[20540]: 3B4C5D2CA0: reject: header Subject: Invoice.zip from mail.t.example[203.0.113.50]; from=<ap@t.example> to=<f@corp.example> proto=ESMTP helo=<mail.t.example>: 5.7.1 Attachments of this type are not accepted",
    );
    assert_eq!(e.text, "5.7.1 Attachments of this type are not accepted");
    assert_eq!(e.relay.as_deref(), Some("mail.t.example[203.0.113.50]"));
    assert_eq!(e.classification.command(), Some(Command::EndOfData));
    // A warning is not a refusal.
    let mut r = LogReader::new();
    let (ev, _) = all(&mut r, &[b"Mar 14 07:06:31 h postfix/smtpd[1]: NOQUEUE: reject_warning: RCPT from u[192.0.2.1]: 450 4.7.1 x; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<b>"]);
    assert!(ev.is_empty());
}

#[test]
fn exim_lines() {
    let e = one(
        "2025-04-17 09:14:05 1u5J9y-000Gq2-3K == w@web.example R=dnslookup T=remote_smtp defer (-44) H=mx.web.example [203.0.113.8]: SMTP error from remote mail server after RCPT TO:<w@web.example>: 452 4.2.2 Mailbox full",
    );
    assert_eq!(e.status, Status::Deferred);
    assert_eq!(e.relay.as_deref(), Some("mx.web.example [203.0.113.8]"));
    assert_eq!(e.classification.command(), Some(Command::Rcpt));
    assert_eq!(e.classification.reason(), Reason::MailboxFull);
    assert_eq!(e.time.as_deref(), Some("2025-04-17 09:14:05"));
    assert_eq!(e.timestamp.unwrap().to_string(), "2025-04-17T09:14:05");
    // 4.99's ` : ` and the original address.
    let e = one(
        "2025-04-17 10:02:13 1u5KAv-000HzZ-0B ** j@corp.example <acc@corp.example> R=dnslookup T=remote_smtp H=mx.corp.example [203.0.113.44]:25 I=[192.0.2.41]:52144 : SMTP error from remote mail server after end of data: 550 5.7.1 Message rejected: SPF check failed",
    );
    assert_eq!(e.original_recipient.as_deref(), Some("acc@corp.example"));
    assert_eq!(
        e.relay.as_deref(),
        Some("mx.corp.example [203.0.113.44]:25")
    );
    assert!(
        e.text
            .starts_with("SMTP error from remote mail server after end of data: 550")
    );
    assert_eq!(e.classification.command(), Some(Command::EndOfData));
    // A local (appendfile) delivery: ADDRESS is the local part, the address is in `<...>`.
    let e = one(
        "2025-04-17 09:31:02 1u5JQr-000H8d-2U => jdoe <jdoe@shop.example> R=local_user T=mail_spool",
    );
    assert_eq!(e.recipient.as_deref(), Some("jdoe@shop.example"));
    assert_eq!(e.original_recipient, None);
    // A pipe delivery of an alias: the command, then the address.
    let e = one(
        "2025-04-17 09:31:03 1u5JQs-000H8e-3V => |/usr/local/bin/ticket (tickets@shop.example) <help@shop.example> R=system_aliases T=address_pipe",
    );
    assert_eq!(e.recipient.as_deref(), Some("help@shop.example"));
    let e = one("2025-04-21 10:02:20 1u5KAv-000HzZ-0B ** k@slow.example: retry timeout exceeded");
    assert_eq!(e.status, Status::Expired);
    let e = one(
        "2025-04-17 09:21:00 H=mail.s.example [203.0.113.90] F=<n@s.example> temporarily rejected RCPT <sales@shop.example>: greylisted, please try again later",
    );
    assert_eq!(e.status, Status::Rejected);
    assert_eq!(e.classification.outcome(), Outcome::Transient);
    assert_eq!(e.recipient.as_deref(), Some("sales@shop.example"));
    assert_eq!(e.sender.as_deref(), Some("n@s.example"));
    // A 16-character message id of older releases, with +pid and a zone.
    let e = one(
        "2002-10-31 09:00:10.123 +0100 [4711] 16ZCW1-0005MB-00 => monk@holistic.example R=dnslookup T=remote_smtp H=holistic.example [192.0.2.234] C=\"250 OK \\\"queued\\\"\"",
    );
    assert_eq!(e.queue_id.as_deref(), Some("16ZCW1-0005MB-00"));
    assert_eq!(e.text, "250 OK \"queued\"");
    assert_eq!(
        e.timestamp.unwrap().to_string(),
        "2002-10-31T09:00:10.123+01:00"
    );
}

#[test]
fn bad_bytes_still_give_their_events() {
    let mut line = b"Mar  9 06:25:03 relay1 postfix/smtp[20441]: 7A3F02C41B: to=<k\xff@mail.example.se>, relay=mx1[203.0.113.40]:25, dsn=5.1.1, status=bounced (host mx1[203.0.113.40] said: 550 5.1.1 \x00User unknown (in reply to RCPT TO command))".to_vec();
    let mut r = LogReader::new();
    let mut ev = Vec::new();
    assert_eq!(r.read_line(&line, &mut ev).kind, LineKind::Delivery);
    assert_eq!(
        ev[0].recipient.as_deref(),
        Some("k\u{fffd}@mail.example.se")
    );
    assert_eq!(ev[0].classification.reason(), Reason::MailboxUnknown);
    // A line cut in the middle of its text.
    line.truncate(line.len() - 40);
    ev.clear();
    r.read_line(&line, &mut ev);
    assert!(ev[0].truncated);
    // Every prefix of a delivery line, and a megabyte of noise, read without a panic.
    for n in 0..line.len() {
        ev.clear();
        r.read_line(&line[..n], &mut ev);
    }
    let big = vec![b'x'; 1 << 20];
    assert_eq!(r.read_line(&big, &mut ev).kind, LineKind::Unrecognized);
}

#[test]
fn broken_records_are_problems() {
    let mut r = LogReader::new();
    let mut ev = Vec::new();
    let info = r.read_line(
        br#"{"type":"Bounce","id":"8f4b","recipient":"a@b.example","response":{"code":550,"#,
        &mut ev,
    );
    assert_eq!(info.mta, Some(Mta::KumoMta));
    assert!(info.problem.unwrap().contains("not a whole JSON record"));
    let info = r.read_line(b"b,2025-05-12 08:00:05+0000,x@y.example,gone@z.example,5.1.1 (bad destination mailbox address)", &mut ev);
    assert!(info.problem.unwrap().contains("before any header row"));
    let info = r.read_line(b"2025-02-03T10:05:12.008Z,,,203.0.113.211,mx.vendor.example,,c,SMTP,FAIL,7180,<p@c.example>", &mut ev);
    assert!(info.problem.unwrap().contains("#Fields"));
    assert!(ev.is_empty());
}

#[test]
fn forced_formats_and_bare_lines() {
    let mut r = LogReader::new().format(Mta::Postfix);
    let mut ev = Vec::new();
    let info = r.read_line(b"0D9633D: to=<jos@example.com>, orig_to=<bestuur@example.com>, relay=mail1.example.net[192.0.2.11]:25, delay=11, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as F12DF84004)", &mut ev);
    assert_eq!(info.kind, LineKind::Delivery);
    // Another format's line is not read when one is forced.
    let info = r.read_line(
        b"2025-04-17 09:14:05 1u5J9y-000Gq2-3K ** a@b.example: Unrouteable address",
        &mut ev,
    );
    assert_eq!(info.kind, LineKind::Unrecognized);
    assert_eq!(ev.len(), 1);
}

#[test]
fn syslog_years_follow_the_log_into_the_next_year() {
    let mut r = LogReader::new().year(2024);
    let mut ev = Vec::new();
    for l in [
        &b"Dec 31 23:59:59 h postfix/smtp[1]: ABCDE1: to=<a@b.example>, relay=x, dsn=2.0.0, status=sent (250 ok)"[..],
        b"Jan  1 00:00:01 h postfix/smtp[1]: ABCDE2: to=<a@b.example>, relay=x, dsn=2.0.0, status=sent (250 ok)",
    ] {
        r.read_line(l, &mut ev);
    }
    assert_eq!(ev[0].timestamp.unwrap().to_string(), "2024-12-31T23:59:59");
    assert_eq!(ev[1].timestamp.unwrap().to_string(), "2025-01-01T00:00:01");
    // Without a year, the time is kept as written but not read.
    let e = one(
        "Dec 31 23:59:59 h postfix/smtp[1]: ABCDE1: to=<a@b.example>, relay=x, dsn=2.0.0, status=sent (250 ok)",
    );
    assert_eq!(e.time.as_deref(), Some("Dec 31 23:59:59"));
    assert_eq!(e.timestamp, None);
}

#[test]
fn user_rules_classify_log_events() {
    let rules =
        crate::Rules::parse("id\tpattern\treason\nsite.hold\tunder legal hold\tpolicy\n").unwrap();
    let mut r = LogReader::new().classifier(Classifier::with_rules(rules));
    let mut ev = Vec::new();
    r.read_line(b"Mar  9 06:25:03 h postfix/smtp[1]: ABCDE1: to=<a@b.example>, relay=x[192.0.2.1]:25, dsn=5.7.1, status=bounced (host x[192.0.2.1] said: 550 5.7.1 recipient is under legal hold (in reply to RCPT TO command))", &mut ev);
    assert_eq!(ev[0].classification.rule(), "site.hold");
}

#[test]
fn deferred_classification_gives_the_same_answer() {
    let line = b"Mar  9 06:25:03 h postfix/smtp[1]: ABCDE1: to=<a@b.example>, relay=x[192.0.2.1]:25, dsn=5.1.1, status=bounced (host x[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))";
    let mut now = Vec::new();
    LogReader::new().read_line(line, &mut now);
    let mut later = Vec::new();
    LogReader::new()
        .deferred_classification()
        .read_line(line, &mut later);
    assert_ne!(later[0].classification, now[0].classification);
    later[0].classify_with(&Classifier::new());
    assert_eq!(later, now);
}
