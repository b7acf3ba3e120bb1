//! Classification allocates nothing on the heap, on any path (in place, normalized, chunked,
//! multi-line), with the built-in rules and with a user's once they are loaded. Counted with
//! dhat's testing mode.

mod common;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[test]
fn classify_and_parse_do_not_allocate() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for file in ["classify.tsv", "providers.tsv", "phrases.tsv"] {
        for (_, row) in common::read_tsv(&common::data_dir().join(file)) {
            inputs.push(common::unescape(&row["input"]));
        }
    }
    inputs.push("550 5.1.1 user unknown ".repeat(20_000).into_bytes());
    inputs.push(
        "550-5.1.1 a\r\n550-5.1.1 b\r\n550 5.1.1 user  unknown\r\n"
            .repeat(5_000)
            .into_bytes(),
    );
    inputs.push(vec![0xff; 100_000]);
    smtpcode::warm_up();
    // A classifier with a user's rules, loaded before counting.
    let mine = smtpcode::Classifier::with_rules(
        smtpcode::Rules::load(common::data_dir().join("user-rules.tsv")).unwrap(),
    );

    let before = dhat::HeapStats::get();
    let mut seen = 0usize;
    for input in &inputs {
        for ctx in [
            smtpcode::Context::new(),
            smtpcode::Context::new().command(smtpcode::Command::EndOfData),
        ] {
            let c = smtpcode::classify_with(&input[..], ctx);
            seen += c.explanation().len() + c.rule().len();
            let c = mine.classify_with(&input[..], ctx);
            seen += c.rule().len();
            for failure in smtpcode::NoReply::ALL {
                seen += smtpcode::classify_no_reply(*failure, &input[..], ctx)
                    .rule()
                    .len();
                seen += mine
                    .classify_no_reply(*failure, &input[..], ctx)
                    .rule()
                    .len();
            }
        }
        if let Ok(r) = smtpcode::parse(&input[..]) {
            seen += r.text().len();
        }
    }
    let after = dhat::HeapStats::get();
    assert!(seen > 0);
    dhat::assert_eq!(after.total_blocks, before.total_blocks);
}
