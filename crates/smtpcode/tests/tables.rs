//! Every row of every data file is reachable through the public API, with the same values.

mod common;

use smtpcode::{Action, Command, Provider, Reason};

fn rows(file: &str) -> Vec<(usize, std::collections::BTreeMap<String, String>)> {
    common::read_tsv(&common::table_dir().join(file))
}

fn opt_reason(s: &str) -> Option<Reason> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

#[test]
fn basic_codes() {
    let rows = rows("basic_codes.tsv");
    assert_eq!(rows.len(), smtpcode::codes().len());
    for ((line, row), listed) in rows.iter().zip(smtpcode::codes()) {
        let code: u16 = row["code"].parse().unwrap();
        let info = smtpcode::lookup(code)
            .unwrap_or_else(|| panic!("basic_codes.tsv:{line}: {code} not found"));
        assert_eq!(info, listed, "codes() is in file order");
        assert_eq!(info.code(), code);
        assert_eq!(info.status().as_str(), row["status"]);
        assert_eq!(info.name(), row["name"]);
        assert_eq!(info.meaning(), row["meaning"]);
        assert_eq!(info.explanation(), row["explanation"]);
        assert_eq!(info.fix(), row["fix"]);
        assert_eq!(info.reason(), opt_reason(&row["reason"]));
        assert_eq!(info.source(), row["source"]);
        assert_eq!(info.note(), row["note"]);
        if code >= 200 {
            assert_eq!(smtpcode::ReplyCode::new(code).unwrap().info(), Some(info));
        }
    }
    // The 29 codes of the glossary the project started from.
    for code in [
        101, 211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 450, 451, 452, 455, 500, 501,
        502, 503, 504, 521, 535, 541, 550, 551, 552, 553, 554,
    ] {
        let info = smtpcode::lookup(code).unwrap_or_else(|| panic!("glossary code {code} missing"));
        assert!(
            !info.explanation().is_empty() && !info.fix().is_empty(),
            "{code}"
        );
    }
    assert!(smtpcode::lookup(299).is_none());
}

/// A pair outside the registry finds no row, whatever its values: (0, 1001) is not X.1.1,
/// (1, 1000) not X.2.0, (0, 7026) not X.7.26, (5, 2000) not X.7.0 (issue 11).
#[test]
fn enhanced_lookup_is_exact() {
    for (s, d) in [
        (0, 1001),
        (1, 1000),
        (0, 7026),
        (5, 2000),
        (7, 1026),
        (65535, 65535),
    ] {
        assert_eq!(smtpcode::lookup_enhanced(s, d), None, "({s}, {d})");
    }
    for s in 0..=20u16 {
        for d in (0..=40u16).chain([999, 1000, 1001, 4096, 65535]) {
            if let Some(info) = smtpcode::lookup_enhanced(s, d) {
                assert_eq!(info.code(), format!("X.{s}.{d}"));
            }
        }
    }
}

#[test]
fn enhanced_codes() {
    let rows = rows("enhanced_codes.tsv");
    assert_eq!(rows.len(), 81, "the IANA registry has 81 codes");
    assert_eq!(smtpcode::enhanced_codes().len(), 81);
    for ((line, row), listed) in rows.iter().zip(smtpcode::enhanced_codes()) {
        let mut parts = row["code"]
            .split('.')
            .skip(1)
            .map(|p| p.parse::<u16>().unwrap());
        let (s, d) = (parts.next().unwrap(), parts.next().unwrap());
        let info = smtpcode::lookup_enhanced(s, d)
            .unwrap_or_else(|| panic!("enhanced_codes.tsv:{line}: not found"));
        assert_eq!(info, listed);
        assert_eq!(info.code(), row["code"]);
        assert_eq!(info.title(), row["title"]);
        assert_eq!(info.meaning(), row["meaning"]);
        assert_eq!(info.basic_codes(), row["basic_codes"]);
        assert_eq!(info.reason(), opt_reason(&row["reason"]));
        assert_eq!(info.source(), row["source"]);
        for class in [
            smtpcode::Class::Success,
            smtpcode::Class::PersistentTransientFailure,
            smtpcode::Class::PermanentFailure,
        ] {
            let allowed = row["classes"]
                .split(',')
                .any(|c| c.trim() == class.digit().to_string());
            assert_eq!(info.allows_class(class), allowed, "{line}");
            let code = smtpcode::EnhancedCode::new(class, s, d).unwrap();
            assert_eq!(code.info(), Some(info));
            assert_eq!(
                code.to_string().parse::<smtpcode::EnhancedCode>().unwrap(),
                code
            );
        }
    }
}

#[test]
fn classes_subjects_digits() {
    for ((_, row), info) in rows("enhanced_classes.tsv")
        .iter()
        .zip(smtpcode::enhanced_classes())
    {
        assert_eq!(info.class().digit().to_string(), row["class"]);
        assert_eq!(info.class().info(), info);
        assert_eq!(info.title(), row["title"]);
        assert_eq!(info.meaning(), row["meaning"]);
    }
    let subjects = rows("enhanced_subjects.tsv");
    assert_eq!(subjects.len(), smtpcode::enhanced_subjects().len());
    for ((_, row), info) in subjects.iter().zip(smtpcode::enhanced_subjects()) {
        assert_eq!(info.subject().to_string(), row["subject"]);
        assert_eq!(info.title(), row["title"]);
        assert_eq!(info.reason(), opt_reason(&row["reason"]));
        let code =
            smtpcode::EnhancedCode::new(smtpcode::Class::PermanentFailure, info.subject(), 999)
                .unwrap();
        assert_eq!(code.subject_info(), Some(info));
    }
    let digits = rows("digits.tsv");
    assert_eq!(digits.len(), smtpcode::digits().len());
    for ((_, row), info) in digits.iter().zip(smtpcode::digits()) {
        assert_eq!(info.position().as_str(), row["position"]);
        assert_eq!(info.name(), row["name"]);
        if let Some(d) = info.digit() {
            assert_eq!(d.to_string(), row["digit"]);
            assert_eq!(smtpcode::digit_info(info.position(), d), Some(info));
        }
    }
}

#[test]
fn reasons_and_actions() {
    let rows_r = rows("reasons.tsv");
    assert_eq!(rows_r.len(), Reason::ALL.len());
    for ((_, row), &reason) in rows_r.iter().zip(Reason::ALL) {
        assert_eq!(reason.as_str(), row["reason"]);
        assert_eq!(row["reason"].parse::<Reason>().unwrap(), reason);
        let info = reason.info();
        assert_eq!(info.reason(), reason);
        assert_eq!(info.summary(), row["summary"]);
        assert_eq!(info.fault().as_str(), row["fault"]);
        let (b, a, r) = info.permanent();
        assert_eq!(
            (b.as_str(), a.as_str(), r.to_string()),
            (
                row["permanent_bounce"].as_str(),
                row["permanent_action"].as_str(),
                row["permanent_retry"].clone()
            )
        );
        let (b, a, r) = info.transient();
        assert_eq!(
            (b.as_str(), a.as_str(), r.to_string()),
            (
                row["transient_bounce"].as_str(),
                row["transient_action"].as_str(),
                row["transient_retry"].clone()
            )
        );
        assert_eq!(info.inferred_outcome().as_str(), row["inferred_outcome"]);
        assert_eq!(info.explanation(), row["explanation"]);
        assert_eq!(info.fix(), row["fix"]);
    }
    let rows_a = rows("actions.tsv");
    assert_eq!(rows_a.len(), Action::ALL.len());
    for ((_, row), &action) in rows_a.iter().zip(Action::ALL) {
        assert_eq!(action.as_str(), row["action"]);
        assert_eq!(action.info().summary(), row["summary"]);
    }
}

#[test]
fn providers_commands_rules_context() {
    let rows_p = rows("providers.tsv");
    assert_eq!(rows_p.len(), smtpcode::providers().len());
    for ((_, row), p) in rows_p.iter().zip(smtpcode::providers()) {
        assert_eq!(p.name(), row["provider"]);
        assert_eq!(row["provider"].parse::<Provider>().unwrap(), p);
        assert_eq!(p.display_name(), row["name"]);
        assert_eq!(Provider::from_index(p.index()), Some(p));
    }
    for (_, row) in rows("commands.tsv") {
        let c: Command = row["command"].parse().unwrap();
        assert!(
            smtpcode::rules().iter().any(|r| r.command() == Some(c)),
            "no hint for {c}"
        );
    }
    let rules = smtpcode::rules();
    for (line, row) in rows("rules.tsv") {
        let listed: Vec<_> = rules.iter().filter(|r| r.id() == row["id"]).collect();
        assert!(
            !listed.is_empty(),
            "rules.tsv:{line}: {} not listed",
            row["id"]
        );
        for r in listed {
            assert_eq!(r.tier().as_str(), row["tier"]);
            assert_eq!(r.reason(), Some(row["reason"].parse().unwrap()));
            assert_eq!(
                r.provider().map(|p| p.name()).unwrap_or(""),
                row["provider"]
            );
            assert_eq!(r.provider_code().unwrap_or(""), row["provider_code"]);
            assert_eq!(r.source(), row["source"]);
            assert!(!r.pattern().is_empty());
        }
    }
    let ctx = rows("context.tsv");
    assert_eq!(ctx.len(), smtpcode::context_rules().len());
    for ((_, row), c) in ctx.iter().zip(smtpcode::context_rules()) {
        assert_eq!(c.id(), row["id"]);
        assert_eq!(c.command().as_str(), row["command"]);
        assert_eq!(c.from().as_str(), row["reason"]);
        assert_eq!(c.to().as_str(), row["becomes"]);
    }
}

/// Each text rule fires on the example of each of its alternatives (a rule that can never fire
/// is a dead row; an alternative that another rule always decides first is dead words); the
/// input is built to meet the rule's conditions (a code, an enhanced code, a class, a command,
/// a provider).
#[test]
fn every_text_rule_can_fire() {
    let mut dead = Vec::new();
    for rule in smtpcode::rules().iter().filter(|r| r.reason().is_some()) {
        let text = common::reference::example(rule.pattern());
        let mut code = None;
        let mut enhanced = None;
        let mut command = None;
        let mut nocode = false;
        for c in rule.conditions().split_whitespace() {
            match c.split_once('=') {
                Some(("code", v)) => code = Some(v.to_string()),
                Some(("class", v)) => {
                    code.get_or_insert(format!("{}50", &v[..1]));
                }
                Some(("enhanced", v)) => enhanced = Some(v.to_string()),
                Some(("command", v)) => command = v.split('|').next().map(str::to_string),
                Some(("provider", _)) => {}
                _ if c == "nocode" => nocode = true,
                _ => panic!("{}: unknown condition {c}", rule.id()),
            }
        }
        let code = code.unwrap_or_else(|| "550".into());
        let enhanced = enhanced.map(|e| e.replacen('X', &code[..1], 1));
        let prefixes: Vec<String> = if nocode {
            vec![String::new()]
        } else {
            let mut v = vec![
                match &enhanced {
                    Some(e) => format!("{code} {e} "),
                    None => format!("{code} "),
                },
                String::new(),
            ];
            v.extend(["552 ", "542 ", "554 5.4.1 ", "421 ", "550 5.4.1 "].map(String::from));
            v
        };
        let ctx = match command {
            Some(c) => smtpcode::Context::new().command(c.parse().unwrap()),
            None => smtpcode::Context::new(),
        };
        let hint = rule
            .provider()
            .map(|p| format!(" {}", hint_for(p)))
            .unwrap_or_default();
        let fired = prefixes.iter().any(|prefix| {
            let input = format!("{prefix}{text}{hint}");
            smtpcode::classify_with(&input, ctx).rule() == rule.id()
        });
        if !fired {
            let input = format!("{}{text}{hint}", prefixes[0]);
            let got = smtpcode::classify_with(&input, ctx).rule();
            dead.push(format!(
                "{} `{}` {:?} (decided by {got})",
                rule.id(),
                rule.pattern(),
                input
            ));
        }
    }
    dead.dedup();
    assert!(
        dead.is_empty(),
        "rules that never decide on their own words: {dead:#?}"
    );
}

/// A phrase that makes `p` detected: an example of its first hint.
fn hint_for(p: Provider) -> String {
    smtpcode::rules()
        .iter()
        .find(|r| r.tier() == smtpcode::Tier::ProviderHint && r.provider() == Some(p))
        .map(|r| common::reference::example(r.pattern()))
        .unwrap_or_default()
}

/// Each `rust` code block of the README is the body of a function of `examples/readme.rs`,
/// in order, so `cargo test` (which builds the examples) compiles the README's Rust.
#[test]
fn readme_rust_examples_are_compiled() {
    let root = common::table_dir().join("../../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("crates/smtpcode/examples/readme.rs")).unwrap();
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in readme.lines() {
        match (&mut current, line.starts_with("```")) {
            (None, true) if line == "```rust" => current = Some(Vec::new()),
            (Some(_), true) => blocks.extend(current.take()),
            (Some(b), false) => b.push(line),
            _ => {}
        }
    }
    let mut bodies: Vec<Vec<&str>> = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in example.lines() {
        match &mut current {
            None if line.starts_with("fn ") && line.ends_with("-> Result {") => {
                current = Some(Vec::new())
            }
            Some(_) if line == "    Ok(())" => bodies.extend(current.take()),
            Some(b) => b.push(line.strip_prefix("    ").unwrap_or(line)),
            None => {}
        }
    }
    assert!(
        blocks.len() >= 4,
        "{} rust blocks in the README",
        blocks.len()
    );
    assert_eq!(
        blocks, bodies,
        "the README's rust blocks and examples/readme.rs differ"
    );
}

/// The README's table of reasons says what `data/reasons.tsv` says.
#[test]
fn readme_reason_table_matches_the_data() {
    let readme = std::fs::read_to_string(common::table_dir().join("../../../README.md")).unwrap();
    let mut seen = 0;
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let Ok(reason) = cells[0].trim_matches('`').parse::<Reason>() else {
            continue;
        };
        let info = reason.info();
        let (pb, pa, _) = info.permanent();
        let (tb, ta, _) = info.transient();
        assert_eq!(cells[1], info.summary(), "README row for {reason}");
        assert_eq!(cells[2], format!("{pb} / {pa}"), "README row for {reason}");
        assert_eq!(cells[3], format!("{tb} / {ta}"), "README row for {reason}");
        seen += 1;
    }
    assert_eq!(
        seen,
        Reason::ALL.len(),
        "the README lists every reason once"
    );
}

/// Names parse in any case, with `-` or a space for `_`, and the aliases of
/// `data/commands.tsv`; the enums' order and docs come from their data files.
#[test]
fn enum_names_and_aliases_from_the_data() {
    use smtpcode::{Action, Command};
    assert_eq!("RCPT-TO".parse::<Command>(), Ok(Command::Rcpt));
    assert_eq!("helo".parse::<Command>(), Ok(Command::Ehlo));
    assert_eq!("Mail From".parse::<Command>(), Ok(Command::Mail));
    assert_eq!("dot".parse::<Command>(), Ok(Command::EndOfData));
    assert_eq!(
        " mailbox unknown ".parse::<Reason>(),
        Ok(Reason::MailboxUnknown)
    );
    assert!("quit".parse::<Command>().is_err());
    assert!("x".repeat(100).parse::<Reason>().is_err());
    for (file, names) in [
        (
            "reasons.tsv",
            Reason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        ),
        (
            "actions.tsv",
            Action::ALL.iter().map(|a| a.as_str()).collect(),
        ),
        (
            "commands.tsv",
            Command::ALL.iter().map(|c| c.as_str()).collect(),
        ),
    ] {
        let column = file.trim_end_matches("s.tsv");
        let in_file: Vec<String> = rows(file).iter().map(|(_, r)| r[column].clone()).collect();
        assert_eq!(
            in_file, names,
            "{file}: the enum follows the file, in order"
        );
    }
}
