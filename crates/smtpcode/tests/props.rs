//! Property tests: no input bytes make the library panic, and the answers hold together.

#[path = "common/seed.rs"]
mod seed;

use proptest::prelude::*;
use smtpcode::{Bounce, Command, Context, Outcome, Reason};

/// Words replies are made of, to build inputs that reach deep into the rules.
const WORDS: &[&str] = &[
    "550",
    "421",
    "5.1.1",
    "4.7.0",
    "550-5.7.1",
    "user",
    "unknown",
    "mailbox",
    "full",
    "quota",
    "relay",
    "access",
    "denied",
    "spam",
    "blocked",
    "using",
    "zen.spamhaus.org",
    "gsmtp",
    "[TSS04]",
    "IB607",
    "(S3150)",
    "greylisted",
    "try",
    "again",
    "later",
    "TLS",
    "required",
    "does",
    "not",
    "exist",
    "Recipient",
    "address",
    "rejected:",
    "\r\n",
    "\t",
    "  ",
    "host",
    "said:",
    "#5.2.2",
    "\u{fc}ber",
    "(in reply to RCPT TO command)",
    "after end of data",
    "smtp;",
    "-",
];

fn phrase() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..40).prop_map(|w| w.join(" "))
}

fn check(input: &[u8]) {
    for command in std::iter::once(None).chain(Command::ALL.iter().copied().map(Some)) {
        let ctx = command.map_or(Context::new(), Context::from);
        let c = smtpcode::classify_with(input, ctx);
        // The outcome agrees with the codes.
        if let Some(code) = c.code() {
            let from_class = Outcome::from_class_digit(code.class_digit()).unwrap();
            assert!(
                c.outcome() == from_class || c.outcome() == Outcome::Transient,
                "{c}"
            );
            assert!(!c.outcome_inferred());
        }
        // Only failures bounce; a hard bounce is permanent and the recipient's fault.
        match c.bounce() {
            Bounce::None => {
                assert!(!c.is_failure(), "{c}");
                assert_eq!(c.retry(), Some(false), "{c}");
            }
            Bounce::Unknown => {
                assert_eq!(c.outcome(), Outcome::Unknown, "{c}");
                assert_eq!(c.retry(), None, "{c}");
            }
            Bounce::Hard => {
                assert_eq!(c.outcome(), Outcome::Permanent, "{c}");
                assert!(
                    c.reason().is_recipient_fault()
                        || matches!(c.reason(), Reason::Undetermined | Reason::Suppressed),
                    "{c}"
                );
                assert_eq!(c.retry(), Some(false), "{c}");
            }
            Bounce::Soft | Bounce::Block => assert!(c.is_failure(), "{c}"),
        }
        if matches!(c.outcome(), Outcome::Success | Outcome::Intermediate) {
            assert_eq!(c.reason(), Reason::None);
        }
        assert!(!c.rule().is_empty());
        // Same input, same answer.
        assert_eq!(c, smtpcode::classify_with(input, ctx));
    }
    if let Ok(r) = smtpcode::parse(input) {
        assert!(r.code().is_some() || r.enhanced().is_some());
        if let Some(code) = r.code() {
            assert!((200..=599).contains(&code.as_u16()));
        }
        assert!(r.text().len() <= input.len());
    }
}

proptest! {
    #![proptest_config(seed::config(2000))]

    #[test]
    fn any_bytes(input in prop::collection::vec(any::<u8>(), 0..600)) {
        check(&input);
    }

    #[test]
    fn reply_like(text in phrase()) {
        check(text.as_bytes());
    }

    #[test]
    fn long_inputs(text in phrase(), filler in 0usize..3000) {
        // The phrase lands anywhere relative to the scanner's chunk edges.
        let input = format!("{}{}", "x ".repeat(filler), text);
        check(input.as_bytes());
    }

    /// Runs of spaces, tabs and line breaks are one space: the in-place scan and the
    /// normalizing scan agree.
    #[test]
    fn white_space_runs_do_not_matter(text in phrase()) {
        let text = text.replace(['\r', '\n', '\t'], " ");
        let single = text.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
        let wide = single.replace(' ', "\r\n ");
        let (a, b) = (smtpcode::classify(&single), smtpcode::classify(&wide));
        prop_assert_eq!(a.reason(), b.reason());
        prop_assert_eq!(a.provider(), b.provider());
        prop_assert_eq!(a.outcome(), b.outcome());
        prop_assert_eq!(a.rule(), b.rule());
    }
}

#[test]
fn one_mebibyte_lines() {
    // Near-misses all the way, then the real phrase at the very end.
    let mut near = "user unknow mailbox ful relay acces ".repeat(1 << 15);
    near.push_str("550 5.2.2 mailbox full");
    assert!(near.len() > 1 << 20);
    let c = smtpcode::classify(&near);
    assert_eq!(c.reason(), Reason::MailboxFull);
    // The same with a line break every few words: the normalizing path, in chunks.
    let broken = near.replace("ful ", "ful\r\n");
    assert_eq!(smtpcode::classify(&broken).reason(), Reason::MailboxFull);
    // Nothing but digits and dots.
    let digits = "5.5.5.5 555 ".repeat(1 << 17);
    check(digits.as_bytes());
    check(&vec![0u8; 1 << 20]);
    check(&vec![0xffu8; 1 << 20]);
}

/// Inputs the properties above once found at fault, kept as plain tests.
#[test]
fn white_space_regressions() {
    for single in [
        "spam 550 5.1.1",
        "5.1.1 550 - 5.1.1 550-5.7.1",
        "spam 550 - - 5.1.1",
    ] {
        let wide = single.replace(' ', "\r\n ");
        let (a, b) = (smtpcode::classify(single), smtpcode::classify(&wide));
        assert_eq!(
            (a.reason(), a.rule(), a.outcome()),
            (b.reason(), b.rule(), b.outcome()),
            "{single:?}"
        );
    }
}
