//! The Rust examples of the README, compiled by `cargo test` (examples are built with the
//! tests). `readme_rust_examples_are_compiled` in `tests/tables.rs` checks that each
//! `rust` code block of the README is here, line for line, in a function of its own, in the
//! README's order.
//! Not meant to be run: they read files such as `/var/log/mail.log`.
#![allow(unused_variables)]

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

#[rustfmt::skip]
fn classify() -> Result {
    use smtpcode::{Bounce, Command, Context, Reason};

    let c = smtpcode::classify("host mx.example.net[192.0.2.1] said: 552 5.2.2 <bob@example.net>: Mailbox full");
    assert_eq!(c.reason(), Reason::MailboxFull);
    assert_eq!(c.bounce(), Bounce::Soft);          // 5xx, but a full mailbox can clear
    println!("{c}\n{}\n{}", c.explanation(), c.fix());

    // What the caller knows refines the answer: "user unknown" after the data is a filter.
    let c = smtpcode::classify_with("550 5.1.1 User unknown", Context::new().command(Command::EndOfData));
    assert_eq!(c.reason(), Reason::Policy);

    let r = smtpcode::parse("smtp; 550 5.1.1 <a@example.com>... User unknown")?;   // code, enhanced code, text
    let info = smtpcode::lookup(550).unwrap();                                     // the code table
    let e = smtpcode::lookup_enhanced(7, 26).unwrap();                             // the IANA registry
    Ok(())
}

#[rustfmt::skip]
fn mail_log() -> Result {
    use std::io::{BufRead, BufReader};
    use smtpcode::log::{LogReader, Status, SuppressionList};

    let mut reader = LogReader::new().year(2025);      // .format(Mta::Exim), .classifier(c)
    let mut events = Vec::new();
    for line in BufReader::new(std::fs::File::open("/var/log/mail.log")?).split(b'\n') {
        let info = reader.read_line(&line?, &mut events);  // what the line was, and any problem
        if let Some(p) = info.problem { eprintln!("{p}"); }
    }
    for e in events.iter().filter(|e| e.status == Status::Bounced) {
        println!("{:?} {} {}", e.recipient, e.classification.reason(), e.text);
    }
    for s in SuppressionList::from_events(&events).into_sorted() {
        println!("{} {} {}", s.address, s.count, s.reason);
    }
    Ok(())
}

#[rustfmt::skip]
fn user_rules() -> Result {
    let rules = smtpcode::Rules::load("site-rules.tsv")?;          // errors name the line
    let classifier = smtpcode::Classifier::with_rules(rules);       // immutable, Send + Sync
    let c = classifier.classify("550 5.7.1 <jane@acme.example>: recipient jane@acme.example is under legal hold");
    assert_eq!(c.rule(), "acme.legal_hold");
    Ok(())
}

#[rustfmt::skip]
fn bounce_email() -> Result {
    use smtpcode::bounce::{self, Kind};

    let raw = std::fs::read("bounce.eml")?;
    let report = bounce::parse(&raw)?; // Err only for empty input or input that is not a message
    if report.kind == Kind::DeliveryFailure {
        for r in &report.recipients {
            let c = &r.classification;
            println!("{} {:?} {} {} -> {}", r.recipient, r.status, c.bounce(), c.reason(), c.action());
        }
    }
    Ok(())
}

fn main() {
    // Compiled, not called: see the module documentation.
    let _blocks: [fn() -> Result; 4] = [classify, mail_log, user_rules, bounce_email];
}
