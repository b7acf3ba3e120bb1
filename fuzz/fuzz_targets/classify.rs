//! `smtpcode::classify` on any bytes, with and without each command: no panic, and the
//! answer holds together.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcode::{Basis, Bounce, Classification, Command, Context, Outcome, Reason};

fn check(c: &Classification) {
    assert!(!c.rule().is_empty() && !c.explanation().is_empty() && !c.fix().is_empty());
    match c.outcome() {
        Outcome::Success | Outcome::Intermediate => {
            assert_eq!(c.bounce(), Bounce::None);
            assert_eq!(c.reason(), Reason::None);
            assert!(!c.retry());
        }
        Outcome::Transient | Outcome::Permanent => {
            assert_ne!(c.bounce(), Bounce::None);
            // A failure has a reason, but for a delay warning (a phrase rule): a transient
            // soft bounce with nothing failed for good.
            if c.reason() == Reason::None {
                assert_eq!(c.outcome(), Outcome::Transient);
                assert_eq!(c.basis(), Basis::PhraseRule);
                assert_eq!(c.bounce(), Bounce::Soft);
            }
        }
        Outcome::Unknown => assert_ne!(c.reason(), Reason::None),
    }
    if let Some(code) = c.code() {
        assert!((200..=599).contains(&code.as_u16()));
    }
}

fuzz_target!(|data: &[u8]| {
    let c = smtpcode::classify(data);
    check(&c);
    assert_eq!(smtpcode::parse(data).ok().and_then(|r| r.code()), c.code());
    for &command in Command::ALL {
        let c = smtpcode::classify_with(data, Context::new().command(command));
        check(&c);
        assert_eq!(c.command(), Some(command));
    }
});
