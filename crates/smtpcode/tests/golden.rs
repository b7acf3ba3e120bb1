//! The golden cases in `tests/data/*.tsv`, shared with the C and Python test suites.

mod common;

use smtpcode::{Command, Context};

fn opt(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}

#[test]
fn classify_cases() {
    let mut failures = Vec::new();
    let mut n = 0;
    for file in ["classify.tsv", "providers.tsv", "phrases.tsv"] {
        let path = common::data_dir().join(file);
        if !path.exists() {
            continue;
        }
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
                ("retry", Some(c.retry().to_string())),
                ("provider", c.provider().map(|p| p.name().to_string())),
                ("provider_code", c.provider_code().map(str::to_string)),
            ];
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
