//! Rules a user loads at run time: the shared cases of `tests/data/user-rules-cases.tsv`, the
//! errors of bad rule files, precedence, sharing between threads, bounces.

mod common;

use smtpcode::{Classifier, Reason, Rules};

fn rules() -> Rules {
    Rules::load(common::data_dir().join("user-rules.tsv")).expect("the shared rule file loads")
}

#[test]
fn shared_cases() {
    let c = Classifier::with_rules(rules());
    let cases = common::read_tsv(&common::data_dir().join("user-rules-cases.tsv"));
    assert!(cases.len() >= 5);
    for (line, row) in cases {
        let got = c.classify(&common::unescape(&row["input"]));
        let where_ = format!("user-rules-cases.tsv:{line}");
        assert_eq!(got.reason().as_str(), row["reason"], "{where_}");
        assert_eq!(got.rule(), row["rule"], "{where_}");
        assert_eq!(got.outcome().as_str(), row["outcome"], "{where_}");
    }
}

#[test]
fn user_rules_decide_before_built_in_ones() {
    let text = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown";
    assert_eq!(smtpcode::classify(text).reason(), Reason::MailboxUnknown);
    let mine = Rules::parse("id\tpattern\treason\nsite.unknown_is_policy\tuser unknown\tpolicy\n")
        .unwrap();
    let c = Classifier::with_rules(mine).classify(text);
    assert_eq!(
        (c.reason(), c.rule()),
        (Reason::Policy, "site.unknown_is_policy")
    );
    // Without rules, a classifier is the built-in classifier.
    assert_eq!(Classifier::new().classify(text), smtpcode::classify(text));
}

#[test]
fn rule_text_and_fields_are_kept() {
    let r = rules();
    let legal = r
        .rules()
        .iter()
        .find(|x| x.id() == "acme.legal_hold")
        .unwrap();
    assert_eq!(legal.reason(), Some(Reason::Policy));
    assert!(legal.explanation().contains("legal hold"));
    assert_eq!(legal.source(), "ACME gateway runbook (example)");
    let c = Classifier::with_rules(r)
        .classify("550 5.7.1 <jane@acme.example>: recipient jane@acme.example is under legal hold");
    assert!(c.explanation().contains("legal hold"));
    assert!(c.fix().contains("legal department"));
}

/// (rule file, line named in the error, words the message must contain)
const BAD: &[(&str, usize, &str)] = &[
    ("id\tpattern\n", 1, "\"reason\" column"),
    (
        "id\tpattern\treason\tcolour\nx\tuser unknown\tpolicy\tred\n",
        2,
        "colour",
    ),
    (
        "id\tpattern\treason\nx\tuser unknown\tpolicyy\n",
        2,
        "reason",
    ),
    (
        "id\tpattern\treason\nx\t(user unknown\tpolicy\n",
        2,
        "missing )",
    ),
    (
        "id\tpattern\treason\nx\tuser ~12 unknown\tpolicy\n",
        2,
        "~ takes a number",
    ),
    (
        "id\tpattern\treason\nx\tuser? unknown?\tpolicy\n",
        2,
        "at least one word",
    ),
    ("id\tpattern\treason\nx\ts*\tpolicy\n", 2, "stem"),
    (
        "id\tpattern\treason\nx\t<mailbox>\tpolicy\n",
        2,
        "not a kind",
    ),
    (
        "id\tpattern\treason\nx\tuser unknown\tpolicy\nx\tno such user\tpolicy\n",
        3,
        "duplicate",
    ),
    (
        "id\tpattern\treason\ttier\nx\tuser unknown\tpolicy\tlater\n",
        2,
        "tier",
    ),
    (
        "id\tpattern\treason\twhen\nx\tuser unknown\tpolicy\tclass=7\n",
        2,
        "class",
    ),
    ("id\tpattern\treason\nx\tuser unknown\n", 2, "field"),
    ("id\tpattern\treason\nx\t\"\"\tpolicy\n", 2, "literal"),
    (
        "id\tpattern\treason\n# a comment\n\nx\tjane@example.com\tpolicy\n",
        4,
        "<address>",
    ),
];

#[test]
fn a_bad_rule_file_names_the_line_and_the_fault() {
    for (text, line, words) in BAD {
        let e = Rules::parse(text).expect_err(text);
        assert_eq!(e.line, *line, "{text:?}: {e}");
        assert!(
            e.message.contains(words),
            "{text:?}: {e} should say {words:?}"
        );
        assert!(
            e.to_string().starts_with(&format!("<text>:{line}: ")),
            "{e}"
        );
    }
    let missing = Rules::load("/nonexistent/rules.tsv").unwrap_err();
    assert_eq!(missing.line, 0);
    assert!(missing.to_string().contains("/nonexistent/rules.tsv"));
}

#[test]
fn a_classifier_is_shared_between_threads() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<Classifier>();
    shared::<Rules>();
    let c = Classifier::with_rules(rules());
    let text = "452 4.2.2 Mailbox <jo@acme.example> is over its storage allowance";
    let want = c.classify(text);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..1000 {
                    assert_eq!(c.classify(text), want);
                }
            });
        }
    });
}

#[test]
fn bounces_are_read_with_the_rules() {
    let raw = "From: MAILER-DAEMON@mx.acme.example\r\nTo: sender@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.acme.example\r\n\r\nFinal-Recipient: rfc822; jane@acme.example\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 ACME-GW-410 user has left the company\r\n--b--\r\n";
    let plain = smtpcode::bounce::parse(raw).unwrap();
    assert_eq!(
        plain.recipients[0].classification.reason(),
        Reason::MailboxUnknown
    );
    let report = Classifier::with_rules(rules()).parse_bounce(raw).unwrap();
    let c = &report.recipients[0].classification;
    assert_eq!(
        (c.reason(), c.rule()),
        (Reason::MailboxMoved, "acme.retired")
    );
}
