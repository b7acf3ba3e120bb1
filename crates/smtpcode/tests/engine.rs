//! The matcher against the plain reference implementation of the rule language
//! (`tests/common/reference.rs`): the same tokens, and the same rule rows matched, on random
//! rules over random text, on the built-in rules over the golden cases, and on the corpus
//! lines when `../shared/corpus` is there.

mod common;
#[path = "common/seed.rs"]
mod seed;

use common::reference::{self, Term, Tok};
use proptest::prelude::*;
use smtpcode::__probe as probe;

/// Pieces of text: words the random rules use, the shapes the tokenizer treats apart
/// (addresses, hosts, IPs, numbers with dots, contractions, joiners at the ends of runs,
/// letters beyond ASCII, CJK, separators of several bytes) and runs longer than a token's
/// text or the scanner's window.
const PIECES: &[&str] = &[
    "user",
    "User",
    "USER",
    "unknown",
    "mailbox",
    "full",
    "not",
    "found",
    "account",
    "disabled",
    "suspended",
    "over",
    "quota",
    "from",
    "your",
    "the",
    "is",
    "does",
    "doesn't",
    "can't",
    "cannot",
    "won\u{2019}t",
    "Google's",
    "no",
    "such",
    "mail",
    "e-mail",
    "double-checking",
    "550",
    "550-5.1.1",
    "5.1.1",
    "4.2.2",
    "12345",
    "jane@example.com",
    "<jane@Example.COM>",
    "a@b",
    "mx.example.com",
    "mx1.mail.example.org.",
    "example.com",
    "zen.spamhaus.org",
    "unknown.Please",
    "STOREDRV.Deliver",
    "192.0.2.1",
    "[192.0.2.1]",
    "IPv6:2001:db8::1",
    "2001:db8::1",
    "rcpt_to",
    "x+tag",
    "'quoted'",
    "-dash-",
    "said:",
    "end.",
    "(in reply to RCPT TO command)",
    "Adresse ung\u{fc}ltig",
    "BO\u{ce}TE pleine",
    "\u{41f}\u{43e}\u{43b}\u{44c}\u{437}\u{43e}\u{432}\u{430}\u{442}\u{435}\u{43b}\u{44c}",
    "\u{5b9b}\u{5148}\u{4e0d}\u{660e}\u{3067}\u{3059}",
    "\u{a0}",
    "\u{2014}",
    "\u{ff01}",
    "\r\n",
    "\r\n550-",
    "\t",
    ";",
    ",",
    "aup#cxbl",
    "x-test",
    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123",
    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij-k",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z",
];

/// Words, stems, kinds and hosts the random rules are made of.
const WORDS: &[&str] = &[
    "user", "unknown", "mailbox", "full", "not", "found", "account", "disabled", "over", "quota",
    "from", "your", "the", "is", "does", "no", "such", "mail", "e", "550", "5.1.1", "can",
];
const OTHER_ITEMS: &[&str] = &[
    "disab*",
    "suspen*",
    "quot*",
    "mailb*",
    "55*",
    "<address>",
    "<host>",
    "<ip>",
    "<number>",
    "<word>",
    "example.com",
    "spamhaus.org",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(PIECES),
            prop::sample::select(&[" ", " ", " ", "", "\n", ": ", ". ", "\u{a0}"][..]),
        ),
        // Past 64 tokens, the matcher's batch is full and starts again with the last ones.
        0..150,
    )
    .prop_map(|v| v.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_string),
        1 => prop::sample::select(OTHER_ITEMS).prop_map(str::to_string),
    ]
}

/// One element of a sequence: a word, a group of alternatives, an optional part, a gap or a
/// negation.
fn element() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => item(),
        2 => prop::collection::vec(item(), 2..4).prop_map(|v| format!("({})", v.join("|"))),
        1 => (item(), item(), item()).prop_map(|(a, b, c)| format!("({a} {b}|{c})")),
        1 => item().prop_map(|w| format!("{w}?")),
        1 => (item(), item()).prop_map(|(a, b)| format!("({a} {b})?")),
        1 => (1u8..4).prop_map(|n| format!("~{n}")),
        1 => prop::collection::vec(item(), 1..3).prop_map(|v| format!("!({})", v.join("|"))),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    let seq = prop::collection::vec(element(), 1..5).prop_map(|v| v.join(" "));
    let term = prop_oneof![
        8 => seq,
        1 => prop::sample::select(&["\"aup#cxbl\"", "\"x-test\"", "\"5.1.1\"", "\"user\""][..])
            .prop_map(str::to_string),
    ];
    prop::collection::vec(prop::collection::vec(term, 1..3), 1..3).prop_map(|alts| {
        alts.iter()
            .map(|terms| terms.join(" && "))
            .collect::<Vec<_>>()
            .join(" || ")
    })
}

/// The reference's answer for each pattern (one per rule row): all terms found, all found in
/// the reply itself.
fn reference_rows(patterns: &[Vec<Term>], input: &str) -> Vec<(bool, bool)> {
    let (from, marker) = probe::reply_start(input.as_bytes());
    let toks = reference::reply_tokens(input, from, marker.as_deref());
    patterns
        .iter()
        .map(|terms| {
            let hits: Vec<(bool, bool)> = terms
                .iter()
                .map(|t| reference::term_matches(t, input, &toks, from))
                .collect();
            (hits.iter().all(|h| h.0), hits.iter().all(|h| h.1))
        })
        .collect()
}

fn check_rows(rules: Option<&smtpcode::Rules>, patterns: &[Vec<Term>], input: &str) {
    let got = probe::rows(rules, input.as_bytes());
    let want = reference_rows(patterns, input);
    let ids: Vec<&str> = match rules {
        Some(r) => r.rules().iter().map(|r| r.id()).collect(),
        None => smtpcode::rules().iter().map(|r| r.id()).collect(),
    };
    let pats: Vec<&str> = match rules {
        Some(r) => r.rules().iter().map(|r| r.pattern()).collect(),
        None => smtpcode::rules().iter().map(|r| r.pattern()).collect(),
    };
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            g, w,
            "rule {} `{}` on {input:?}: engine (found, in reply) {g:?}, reference {w:?}",
            ids[i], pats[i]
        );
    }
    assert_eq!(got.len(), want.len());
}

fn check_tokens(input: &str) {
    let got = probe::tokens(input.as_bytes());
    let want: Vec<Tok> = reference::tokenize(input);
    let shape = |v: &[(usize, usize, &str)]| format!("{v:?}");
    let g: Vec<(usize, usize, &str)> = got.iter().map(|t| (t.0, t.1, t.2)).collect();
    let w: Vec<(usize, usize, &str)> = want.iter().map(|t| (t.start, t.end, t.kind)).collect();
    assert_eq!(shape(&g), shape(&w), "tokens of {input:?}");
    for (t, r) in got.iter().zip(&want) {
        // Words, numbers and hosts are looked up by the hash of their folded text.
        if matches!(r.kind, "word" | "number" | "host") {
            assert_eq!(
                t.3,
                probe::hash(r.text.as_bytes()),
                "hash of {:?} in {input:?}",
                r.text
            );
        }
    }
}

proptest! {
    #![proptest_config(seed::config(2000))]

    #[test]
    fn tokens_agree_with_the_reference(input in text()) {
        check_tokens(&input);
    }

    #[test]
    fn random_rules_agree_with_the_reference(
        patterns in prop::collection::vec(pattern(), 1..6),
        inputs in prop::collection::vec(text(), 1..8),
    ) {
        let mut file = String::from("id\tpattern\treason\n");
        for (i, p) in patterns.iter().enumerate() {
            file.push_str(&format!("r{i}\t{p}\tmailbox_unknown\n"));
        }
        // Some random patterns are not valid rules (a sequence of nothing but optional
        // words, a span past the limit); those are left out.
        let Ok(rules) = smtpcode::Rules::parse(&file) else {
            return Ok(());
        };
        let parsed: Vec<Vec<Term>> = rules
            .rules()
            .iter()
            .map(|r| reference::parse_alternative(r.pattern()))
            .collect();
        for input in &inputs {
            check_rows(Some(&rules), &parsed, input);
        }
    }
}

/// Inputs of the golden cases (`tests/data/*.tsv`, column `input`) and, when present, of the
/// corpus.
fn known_inputs() -> Vec<String> {
    let mut out = Vec::new();
    for f in ["classify.tsv", "parse.tsv", "phrases.tsv", "providers.tsv"] {
        for (_, row) in common::read_tsv(&common::data_dir().join(f)) {
            let input = common::unescape(&row["input"]);
            if let Ok(s) = String::from_utf8(input) {
                out.push(s);
            }
        }
    }
    // The golden cases alone are enough for the test to mean something, with or without the
    // corpus beside the repository.
    assert!(out.len() > 400, "only {} golden inputs", out.len());
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/sisimai-dev.tsv");
    if let Ok(text) = std::fs::read_to_string(corpus) {
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        if let Some(col) = header.split('\t').position(|h| h == "input") {
            out.extend(lines.filter_map(|l| l.split('\t').nth(col).map(str::to_string)));
        }
    }
    out
}

#[test]
fn builtin_rules_agree_with_the_reference_on_known_inputs() {
    let parsed: Vec<Vec<Term>> = smtpcode::rules()
        .iter()
        .map(|r| reference::parse_alternative(r.pattern()))
        .collect();
    let inputs = known_inputs();
    for input in &inputs {
        check_tokens(input);
        check_rows(None, &parsed, input);
    }
}
