//! The golden cases in `tests/data/*.tsv`, shared with the C and Python test suites.

mod common;

use smtpcode::{Command, Context, NoReply};

fn opt(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}

/// With `SMTPCODE_BLESS=1` the expected columns are rewritten from the current results (for
/// adding cases: write the input, command and note, bless, then review every value by hand).
fn bless() -> bool {
    std::env::var_os("SMTPCODE_BLESS").is_some_and(|v| v == "1")
}

#[test]
fn classify_cases() {
    let mut failures = Vec::new();
    let mut n = 0;
    for file in ["classify.tsv", "providers.tsv", "phrases.tsv"] {
        let path = common::data_dir().join(file);
        let mut blessed = std::collections::BTreeMap::new();
        for (line, row) in common::read_tsv(&path) {
            n += 1;
            let input = common::unescape(&row["input"]);
            let ctx = match row["command"].as_str() {
                "" | "-" => Context::new(),
                c => Context::new().command(c.parse::<Command>().unwrap()),
            };
            let c = smtpcode::classify_with(&input[..], ctx);
            let got = [
                ("code", c.code().map(|c| c.as_u16().to_string())),
                ("enhanced", c.enhanced().map(|e| e.to_string())),
                ("outcome", Some(c.outcome().to_string())),
                ("bounce", Some(c.bounce().to_string())),
                ("reason", Some(c.reason().to_string())),
                ("action", Some(c.action().to_string())),
                ("retry", c.retry().map(|r| r.to_string())),
                ("provider", c.provider().map(|p| p.name().to_string())),
                ("provider_code", c.provider_code().map(str::to_string)),
            ];
            if bless() {
                let cols: Vec<String> = got
                    .iter()
                    .map(|(_, v)| v.clone().unwrap_or_else(|| "-".into()))
                    .collect();
                blessed.insert(
                    line,
                    format!(
                        "{}\t{}\t{}\t{}",
                        row["input"],
                        row["command"],
                        cols.join("\t"),
                        row["note"]
                    ),
                );
                continue;
            }
            for (key, value) in got {
                let want = opt(&row[key]);
                if want != value.as_deref() {
                    failures.push(format!(
                        "{file}:{line}: {key}: want {want:?}, got {value:?} (rule {}) for {:?}",
                        c.rule(),
                        row["input"]
                    ));
                }
            }
        }
        if bless() {
            // Case lines are rewritten in place; the header and comment lines are kept.
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text
                .lines()
                .enumerate()
                .map(|(i, l)| blessed.get(&(i + 1)).map_or(l, String::as_str))
                .collect();
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        }
    }
    assert!(n > 0, "no golden cases found");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn parse_cases() {
    let path = common::data_dir().join("parse.tsv");
    let mut failures = Vec::new();
    let rows = common::read_tsv(&path);
    assert!(!rows.is_empty());
    for (line, row) in rows {
        let input = common::unescape(&row["input"]);
        let got = smtpcode::parse(&input[..]);
        let (code, enhanced, text, error) = match &got {
            Ok(r) => (
                r.code().map(|c| c.as_u16().to_string()),
                r.enhanced().map(|e| e.to_string()),
                Some(r.text().to_vec()),
                None,
            ),
            Err(e) => (None, None, None, Some(format!("{e:?}").to_lowercase())),
        };
        let want_text = opt(&row["text"]).map(common::unescape);
        if want_text != text {
            failures.push(format!(
                "parse.tsv:{line}: text: want {want_text:?}, got {text:?} for {:?}",
                row["input"]
            ));
        }
        let checks = [
            ("code", code),
            ("enhanced", enhanced),
            (
                "error",
                error.map(|e| {
                    if e.starts_with("empty") {
                        "empty".into()
                    } else {
                        "no_code".into()
                    }
                }),
            ),
        ];
        for (key, value) in checks {
            let want = opt(&row[key]);
            if want != value.as_deref() {
                failures.push(format!(
                    "parse.tsv:{line}: {key}: want {want:?}, got {value:?} for {:?}",
                    row["input"]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_reply_cases() {
    let mut failures = Vec::new();
    let path = common::data_dir().join("no-reply.tsv");
    let rows = common::read_tsv(&path);
    assert!(rows.len() >= 10, "{} cases in no-reply.tsv", rows.len());
    for (line, row) in rows {
        let failure: NoReply = row["failure"].parse().unwrap();
        let ctx = match opt(&row["command"]) {
            None => Context::new(),
            Some(c) => Context::new().command(c.parse::<Command>().unwrap()),
        };
        let c = smtpcode::classify_no_reply(failure, &common::unescape(&row["input"])[..], ctx);
        let got = [
            ("code", c.code().map(|c| c.as_u16().to_string())),
            ("outcome", Some(c.outcome().to_string())),
            ("bounce", Some(c.bounce().to_string())),
            ("reason", Some(c.reason().to_string())),
            ("action", Some(c.action().to_string())),
            ("retry", c.retry().map(|r| r.to_string())),
            ("answered", c.command().map(|c| c.to_string())),
        ];
        for (key, value) in got {
            let want = opt(&row[key]);
            if want != value.as_deref() || !c.outcome_inferred() {
                failures.push(format!(
                    "no-reply.tsv:{line}: {key}: want {want:?}, got {value:?} (rule {}, inferred {})",
                    c.rule(),
                    c.outcome_inferred()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
