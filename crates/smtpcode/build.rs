//! Turns the data files in `data/` into the crate's static tables and phf maps.
//!
//! Every fact (codes, meanings, reasons, rules) is written once, in a TSV file, and every row
//! cites its source. This script validates the rows (field counts, duplicate keys, digit
//! ranges, names that refer to other tables) and stops the build with the file and line of
//! the first bad row.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

struct Table {
    file: &'static str,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn read(file: &'static str, header: &[&str]) -> Table {
        let path = Path::new("data").join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("data/{file}: cannot read: {e}"));
        let mut lines = text.lines().enumerate();
        let (_, head) = lines
            .next()
            .unwrap_or_else(|| panic!("data/{file}: empty file"));
        let got: Vec<&str> = head.split('\t').collect();
        assert_eq!(
            got, header,
            "data/{file}: the header must be exactly {header:?}"
        );
        let mut rows = Vec::new();
        for (n, line) in lines {
            let line_no = n + 1;
            if line.trim().is_empty() {
                panic!("data/{file}:{line_no}: empty line");
            }
            let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
            if fields.len() != header.len() {
                panic!(
                    "data/{file}:{line_no}: {} fields, expected {} ({header:?})",
                    fields.len(),
                    header.len()
                );
            }
            for (f, name) in fields.iter().zip(header) {
                if f.trim() != f {
                    panic!("data/{file}:{line_no}: field {name} has white space around it");
                }
                if f.chars().any(|c| c.is_control()) {
                    panic!("data/{file}:{line_no}: field {name} has a control character");
                }
            }
            rows.push((line_no, fields));
        }
        Table { file, rows }
    }

    fn fail(&self, line: usize, msg: &str) -> ! {
        panic!("data/{}:{}: {}", self.file, line, msg)
    }
}

/// A Rust expression for a static NUL-terminated string.
fn text(s: &str) -> String {
    format!("crate::text::static_text!({s:?})")
}

fn opt_text(s: &str) -> String {
    if s.is_empty() {
        "None".into()
    } else {
        format!("Some({})", text(s))
    }
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

struct Names {
    reasons: BTreeSet<String>,
    actions: BTreeSet<String>,
    providers: BTreeMap<String, usize>,
    commands: BTreeSet<String>,
}

impl Names {
    fn reason(&self, t: &Table, line: usize, s: &str) -> String {
        if !self.reasons.contains(s) {
            t.fail(
                line,
                &format!("unknown reason {s:?} (see data/reasons.tsv)"),
            );
        }
        format!("crate::model::Reason::{}", camel(s))
    }
    fn opt_reason(&self, t: &Table, line: usize, s: &str) -> String {
        if s.is_empty() {
            "None".into()
        } else {
            format!("Some({})", self.reason(t, line, s))
        }
    }
    fn action(&self, t: &Table, line: usize, s: &str) -> String {
        if !self.actions.contains(s) {
            t.fail(
                line,
                &format!("unknown action {s:?} (see data/actions.tsv)"),
            );
        }
        format!("crate::model::Action::{}", camel(s))
    }
    fn provider(&self, t: &Table, line: usize, s: &str) -> String {
        match self.providers.get(s) {
            Some(i) => format!("Some(crate::provider::Provider({i}))"),
            None if s.is_empty() => "None".into(),
            None => t.fail(
                line,
                &format!("unknown provider {s:?} (see data/providers.tsv)"),
            ),
        }
    }
    fn command(&self, t: &Table, line: usize, s: &str) -> String {
        if !self.commands.contains(s) {
            t.fail(
                line,
                &format!("unknown command {s:?} (see data/commands.tsv)"),
            );
        }
        format!("crate::model::Command::{}", camel(s))
    }
}

fn parse_bool(t: &Table, line: usize, s: &str) -> bool {
    match s {
        "true" => true,
        "false" => false,
        _ => t.fail(line, &format!("expected true or false, got {s:?}")),
    }
}

fn enum_value(t: &Table, line: usize, s: &str, allowed: &[&str], ty: &str) -> String {
    if !allowed.contains(&s) {
        t.fail(line, &format!("{s:?} is not one of {allowed:?}"));
    }
    format!("{ty}::{}", camel(s))
}

/// How many leading bytes of each rule literal go into the automaton (see `ANCHORS`).
const ANCHOR_LEN: usize = 12;

const BOUNCES: &[&str] = &["none", "soft", "hard", "block"];
const OUTCOMES: &[&str] = &[
    "success",
    "intermediate",
    "transient",
    "permanent",
    "unknown",
];
const FAULTS: &[&str] = &[
    "none",
    "recipient",
    "message",
    "sender",
    "receiver",
    "infrastructure",
    "local",
    "unknown",
];

/// Parses `X.1.1` (any class) or `5.1.1`; returns (class, subject, detail), class 0 = any.
fn parse_enhanced(s: &str) -> Option<(u8, u16, u16)> {
    let mut it = s.split('.');
    let c = it.next()?;
    let class = match c {
        "X" | "x" => 0,
        "2" | "4" | "5" => c.parse().ok()?,
        _ => return None,
    };
    let num = |p: &str| -> Option<u16> {
        if p.is_empty()
            || p.len() > 3
            || (p.len() > 1 && p.starts_with('0'))
            || !p.bytes().all(|b| b.is_ascii_digit())
        {
            None
        } else {
            p.parse().ok()
        }
    };
    let subject = num(it.next()?)?;
    let detail = num(it.next()?)?;
    if it.next().is_some() {
        return None;
    }
    Some((class, subject, detail))
}

fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    let mut g = String::new();
    g.push_str("// Generated by build.rs from the files in data/. Do not edit.\n\n");

    // ---- reasons and actions (other tables refer to them by name) ----
    let actions = Table::read("actions.tsv", &["action", "summary", "source"]);
    let reasons = Table::read(
        "reasons.tsv",
        &[
            "reason",
            "summary",
            "fault",
            "permanent_bounce",
            "permanent_action",
            "permanent_retry",
            "transient_bounce",
            "transient_action",
            "transient_retry",
            "inferred_outcome",
            "explanation",
            "fix",
            "taxonomies",
            "source",
        ],
    );
    let providers = Table::read("providers.tsv", &["provider", "name", "hints", "source"]);
    let commands = Table::read("commands.tsv", &["command", "hints", "source"]);
    let mut names = Names {
        reasons: BTreeSet::new(),
        actions: BTreeSet::new(),
        providers: BTreeMap::new(),
        commands: BTreeSet::new(),
    };
    for (t, set) in [
        (&reasons, &mut names.reasons),
        (&actions, &mut names.actions),
        (&commands, &mut names.commands),
    ] {
        for (line, f) in &t.rows {
            if !f[0].bytes().all(|b| b.is_ascii_lowercase() || b == b'_') || f[0].is_empty() {
                t.fail(*line, &format!("{:?} is not a snake_case name", f[0]));
            }
            if !set.insert(f[0].clone()) {
                t.fail(*line, &format!("duplicate name {:?}", f[0]));
            }
        }
    }
    for (i, (line, f)) in providers.rows.iter().enumerate() {
        if !f[0]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            || f[0].is_empty()
        {
            providers.fail(*line, &format!("{:?} is not a snake_case name", f[0]));
        }
        if names.providers.insert(f[0].clone(), i).is_some() {
            providers.fail(*line, &format!("duplicate provider {:?}", f[0]));
        }
    }

    writeln!(
        g,
        "pub(crate) static ACTIONS: [crate::model::ActionInfo; {}] = [",
        actions.rows.len()
    )
    .unwrap();
    for (line, f) in &actions.rows {
        writeln!(
            g,
            "    crate::model::ActionInfo {{ action: {}, summary: {}, source: {} }},",
            names.action(&actions, *line, &f[0]),
            text(&f[1]),
            text(&f[2])
        )
        .unwrap();
    }
    g.push_str("];\n\npub(crate) fn action_info(a: crate::model::Action) -> &'static crate::model::ActionInfo {\n    match a {\n");
    for (i, (_, f)) in actions.rows.iter().enumerate() {
        writeln!(
            g,
            "        crate::model::Action::{} => &ACTIONS[{i}],",
            camel(&f[0])
        )
        .unwrap();
    }
    g.push_str("    }\n}\n\n");

    writeln!(
        g,
        "pub(crate) static REASONS: [crate::model::ReasonInfo; {}] = [",
        reasons.rows.len()
    )
    .unwrap();
    for (line, f) in &reasons.rows {
        let l = *line;
        let t = &reasons;
        writeln!(
            g,
            "    crate::model::ReasonInfo {{ reason: {}, summary: {}, fault: {}, permanent: ({}, {}, {}), transient: ({}, {}, {}), inferred_outcome: {}, explanation: {}, fix: {}, taxonomies: {}, source: {} }},",
            names.reason(t, l, &f[0]),
            text(&f[1]),
            enum_value(t, l, &f[2], FAULTS, "crate::model::Fault"),
            enum_value(t, l, &f[3], BOUNCES, "crate::model::Bounce"),
            names.action(t, l, &f[4]),
            parse_bool(t, l, &f[5]),
            enum_value(t, l, &f[6], BOUNCES, "crate::model::Bounce"),
            names.action(t, l, &f[7]),
            parse_bool(t, l, &f[8]),
            enum_value(t, l, &f[9], OUTCOMES, "crate::model::Outcome"),
            text(&f[10]),
            text(&f[11]),
            text(&f[12]),
            text(&f[13]),
        )
        .unwrap();
    }
    g.push_str("];\n\npub(crate) fn reason_info(r: crate::model::Reason) -> &'static crate::model::ReasonInfo {\n    match r {\n");
    for (i, (_, f)) in reasons.rows.iter().enumerate() {
        writeln!(
            g,
            "        crate::model::Reason::{} => &REASONS[{i}],",
            camel(&f[0])
        )
        .unwrap();
    }
    g.push_str("    }\n}\n\n");

    // ---- basic reply codes ----
    let basic = Table::read(
        "basic_codes.tsv",
        &[
            "code",
            "status",
            "name",
            "meaning",
            "explanation",
            "fix",
            "reason",
            "source",
            "note",
        ],
    );
    let statuses = [
        "standard",
        "extension",
        "registry",
        "nonstandard",
        "not_smtp",
    ];
    let mut basic_index = phf_codegen::Map::new();
    let mut seen = BTreeSet::new();
    let mut prev = 0u16;
    writeln!(
        g,
        "pub(crate) static BASIC_CODES: [crate::code::CodeInfo; {}] = [",
        basic.rows.len()
    )
    .unwrap();
    for (i, (line, f)) in basic.rows.iter().enumerate() {
        let l = *line;
        let code: u16 = match f[0].parse() {
            Ok(c) if f[0].len() == 3 && (100..=599).contains(&c) => c,
            _ => basic.fail(
                l,
                &format!("code {:?} is not three digits from 100 to 599", f[0]),
            ),
        };
        if !seen.insert(code) {
            basic.fail(l, &format!("duplicate code {code}"));
        }
        if code < prev {
            basic.fail(l, "codes must be in numeric order");
        }
        prev = code;
        let status = &f[1];
        if (code < 200) != (status == "not_smtp") {
            basic.fail(l, "codes below 200 (and only they) have status not_smtp");
        }
        for (k, name) in [
            (2, "name"),
            (3, "meaning"),
            (4, "explanation"),
            (5, "fix"),
            (7, "source"),
        ] {
            if f[k].is_empty() {
                basic.fail(l, &format!("{name} is empty"));
            }
        }
        writeln!(
            g,
            "    crate::code::CodeInfo {{ code: {code}, status: {}, name: {}, meaning: {}, explanation: {}, fix: {}, reason: {}, source: {}, note: {}, rule_id: {} }},",
            enum_value(&basic, l, status, &statuses, "crate::code::CodeStatus"),
            text(&f[2]),
            text(&f[3]),
            text(&f[4]),
            text(&f[5]),
            names.opt_reason(&basic, l, &f[6]),
            text(&f[7]),
            text(&f[8]),
            text(&format!("basic:{code}")),
        )
        .unwrap();
        basic_index.entry(code, i.to_string());
    }
    g.push_str("];\n\n");
    writeln!(
        g,
        "pub(crate) static BASIC_INDEX: phf::Map<u16, u16> = {};\n",
        basic_index.build()
    )
    .unwrap();
    let digits: String = (200..=599).map(|n: u16| n.to_string()).collect();
    writeln!(g, "pub(crate) static CODE_DIGITS: &str = {digits:?};\n").unwrap();

    // ---- digits ----
    let dig = Table::read(
        "digits.tsv",
        &["position", "digit", "name", "meaning", "source", "note"],
    );
    writeln!(
        g,
        "pub(crate) static DIGITS: [crate::code::DigitInfo; {}] = [",
        dig.rows.len()
    )
    .unwrap();
    let mut seen = BTreeSet::new();
    for (line, f) in &dig.rows {
        let l = *line;
        let digit = match (f[0].as_str(), f[1].as_str()) {
            ("first", d) if d.len() == 1 && ("1"..="5").contains(&d) => format!("Some({d})"),
            ("second", d) if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => {
                format!("Some({d})")
            }
            ("third", "*") => "None".into(),
            (p, d) => dig.fail(
                l,
                &format!("bad position/digit {p:?}/{d:?}: first 1-5, second 0-9, third *"),
            ),
        };
        if !seen.insert((f[0].clone(), f[1].clone())) {
            dig.fail(l, "duplicate digit");
        }
        writeln!(
            g,
            "    crate::code::DigitInfo {{ position: {}, digit: {digit}, name: {}, meaning: {}, source: {}, note: {} }},",
            enum_value(&dig, l, &f[0], &["first", "second", "third"], "crate::code::DigitPosition"),
            text(&f[2]),
            text(&f[3]),
            text(&f[4]),
            text(&f[5])
        )
        .unwrap();
    }
    g.push_str("];\n\n");

    // ---- enhanced status codes ----
    let classes = Table::read(
        "enhanced_classes.tsv",
        &["class", "title", "meaning", "source"],
    );
    let expected_classes = ["2", "4", "5"];
    if classes.rows.len() != 3 {
        classes.fail(0, "expected the three classes 2, 4, 5");
    }
    g.push_str("pub(crate) static CLASSES: [crate::enhanced::ClassInfo; 3] = [\n");
    for ((line, f), want) in classes.rows.iter().zip(expected_classes) {
        if f[0] != want {
            classes.fail(*line, &format!("expected class {want} here"));
        }
        let class = match want {
            "2" => "Success",
            "4" => "PersistentTransientFailure",
            _ => "PermanentFailure",
        };
        writeln!(
            g,
            "    crate::enhanced::ClassInfo {{ class: crate::enhanced::Class::{class}, title: {}, meaning: {}, source: {} }},",
            text(&f[1]),
            text(&f[2]),
            text(&f[3])
        )
        .unwrap();
    }
    g.push_str("];\n\n");

    let subjects = Table::read(
        "enhanced_subjects.tsv",
        &["subject", "title", "meaning", "reason", "source"],
    );
    writeln!(
        g,
        "pub(crate) static SUBJECTS: [crate::enhanced::SubjectInfo; {}] = [",
        subjects.rows.len()
    )
    .unwrap();
    for (i, (line, f)) in subjects.rows.iter().enumerate() {
        if f[0] != i.to_string() {
            subjects.fail(
                *line,
                &format!("expected subject {i} here (0 to 7, in order)"),
            );
        }
        writeln!(
            g,
            "    crate::enhanced::SubjectInfo {{ subject: {i}, title: {}, meaning: {}, reason: {}, source: {}, rule_id: {} }},",
            text(&f[1]),
            text(&f[2]),
            names.opt_reason(&subjects, *line, &f[3]),
            text(&f[4]),
            text(&format!("subject:X.{i}"))
        )
        .unwrap();
    }
    g.push_str("];\n\n");

    let enhanced = Table::read(
        "enhanced_codes.tsv",
        &[
            "code",
            "title",
            "meaning",
            "basic_codes",
            "reason",
            "classes",
            "source",
        ],
    );
    let mut enh_index = phf_codegen::Map::new();
    let mut seen = BTreeSet::new();
    writeln!(
        g,
        "pub(crate) static ENHANCED_CODES: [crate::enhanced::EnhancedInfo; {}] = [",
        enhanced.rows.len()
    )
    .unwrap();
    for (i, (line, f)) in enhanced.rows.iter().enumerate() {
        let l = *line;
        let (class, subject, detail) = match parse_enhanced(&f[0]) {
            Some(v) if v.0 == 0 && f[0].starts_with('X') && v.1 <= 7 => v,
            _ => enhanced.fail(
                l,
                &format!("code {:?} is not X.subject.detail with subject 0-7", f[0]),
            ),
        };
        let _ = class;
        if !seen.insert((subject, detail)) {
            enhanced.fail(l, &format!("duplicate code {}", f[0]));
        }
        let mut mask = 0u8;
        for c in f[5].split(',') {
            match c.trim() {
                "2" => mask |= 1 << 2,
                "4" => mask |= 1 << 4,
                "5" => mask |= 1 << 5,
                other => enhanced.fail(l, &format!("class {other:?} is not 2, 4 or 5")),
            }
        }
        for (k, name) in [(1, "title"), (2, "meaning"), (6, "source")] {
            if f[k].is_empty() {
                enhanced.fail(l, &format!("{name} is empty"));
            }
        }
        writeln!(
            g,
            "    crate::enhanced::EnhancedInfo {{ subject: {subject}, detail: {detail}, code: {}, title: {}, meaning: {}, basic_codes: {}, reason: {}, classes: {mask}, source: {}, rule_id: {} }},",
            text(&f[0]),
            text(&f[1]),
            text(&f[2]),
            text(&f[3]),
            names.opt_reason(&enhanced, l, &f[4]),
            text(&f[6]),
            text(&format!("enhanced:{}", f[0])),
        )
        .unwrap();
        // The key is injective for any (subject, detail), so that no pair outside the
        // registry can land on a row of it.
        enh_index.entry(u32::from(subject) << 16 | u32::from(detail), i.to_string());
    }
    g.push_str("];\n\n");
    writeln!(
        g,
        "pub(crate) static ENHANCED_INDEX: phf::Map<u32, u16> = {};\n",
        enh_index.build()
    )
    .unwrap();

    // ---- providers ----
    writeln!(
        g,
        "pub(crate) static PROVIDERS: [crate::provider::ProviderInfo; {}] = [",
        providers.rows.len()
    )
    .unwrap();
    let mut by_name = phf_codegen::Map::new();
    for (i, (line, f)) in providers.rows.iter().enumerate() {
        if f[1].is_empty() || f[3].is_empty() {
            providers.fail(*line, "name and source are required");
        }
        writeln!(
            g,
            "    crate::provider::ProviderInfo {{ name: {}, display_name: {}, source: {} }},",
            text(&f[0]),
            text(&f[1]),
            text(&f[3])
        )
        .unwrap();
        by_name.entry(f[0].as_str(), i.to_string());
    }
    g.push_str("];\n\n");
    writeln!(
        g,
        "pub(crate) static PROVIDER_BY_NAME: phf::Map<&'static str, u16> = {};\n",
        by_name.build()
    )
    .unwrap();

    // ---- rules ----
    let rules = Table::read(
        "rules.tsv",
        &[
            "id",
            "tier",
            "terms",
            "reason",
            "provider",
            "provider_code",
            "when",
            "outcome",
            "explanation",
            "fix",
            "source",
        ],
    );
    let context = Table::read(
        "context.tsv",
        &[
            "id",
            "command",
            "reason",
            "becomes",
            "explanation",
            "source",
        ],
    );

    struct RuleRow {
        id: String,
        tier: &'static str,
        terms: Vec<usize>,
        reason: String,
        provider: String,
        provider_code: String,
        command: String,
        when: String,
        outcome: String,
        explanation: String,
        fix: String,
        source: String,
    }
    let mut literals: Vec<String> = Vec::new();
    let mut literal_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut terms: Vec<(usize, bool, bool)> = Vec::new();
    let mut term_ids: BTreeMap<(usize, bool, bool), usize> = BTreeMap::new();
    let mut term_of = |t: &Table, line: usize, raw: &str| -> usize {
        let mut s = raw.trim();
        let left = s.starts_with("\\b");
        if left {
            s = &s[2..];
        }
        let right = s.ends_with("\\b");
        if right {
            s = &s[..s.len() - 2];
        }
        if s.is_empty() || s.len() > 120 {
            t.fail(line, &format!("term {raw:?} must have 1 to 120 bytes"));
        }
        if s.contains("  ") || s.trim() != s || s.contains('\\') {
            t.fail(line, &format!("term {raw:?}: no double spaces, no space at the ends, no backslash except \\b at the ends"));
        }
        let lit = s.to_ascii_lowercase();
        let n = literal_ids.len();
        let li = *literal_ids.entry(lit.clone()).or_insert_with(|| {
            literals.push(lit);
            n
        });
        let key = (li, left, right);
        let n = term_ids.len();
        *term_ids.entry(key).or_insert_with(|| {
            terms.push(key);
            n
        })
    };
    let mut rows: Vec<RuleRow> = Vec::new();
    let mut ids = BTreeSet::new();
    for (line, f) in &rules.rows {
        let l = *line;
        let tier = match f[1].as_str() {
            "provider" => "Provider",
            "phrase" => "Phrase",
            "generic" => "Generic",
            other => rules.fail(
                l,
                &format!("tier {other:?} is not provider, phrase or generic"),
            ),
        };
        if !ids.insert(f[0].clone()) {
            rules.fail(l, &format!("duplicate rule id {:?}", f[0]));
        }
        if f[0].is_empty() || f[2].is_empty() || f[3].is_empty() || f[10].is_empty() {
            rules.fail(l, "id, terms, reason and source are required");
        }
        names.reason(&rules, l, &f[3]);
        names.provider(&rules, l, &f[4]);
        if tier == "Provider" && f[4].is_empty() {
            rules.fail(l, "a provider rule names its provider");
        }
        if !f[7].is_empty() && !OUTCOMES.contains(&f[7].as_str()) {
            rules.fail(l, &format!("outcome {:?} is not one of {OUTCOMES:?}", f[7]));
        }
        // `a && b || c`: any alternative (separated by ||) whose terms (separated by &&) all
        // occur. Each alternative becomes one entry with the rule's id, in file order.
        for alt in f[2].split("||") {
            rows.push(RuleRow {
                id: f[0].clone(),
                tier,
                terms: alt.split("&&").map(|t| term_of(&rules, l, t)).collect(),
                reason: f[3].clone(),
                provider: f[4].clone(),
                provider_code: f[5].clone(),
                command: String::new(),
                when: f[6].clone(),
                outcome: f[7].clone(),
                explanation: f[8].clone(),
                fix: f[9].clone(),
                source: f[10].clone(),
            });
        }
    }
    // Precedence: provider, phrase, generic; then the hints. Stable within a tier.
    let order = |t: &str| {
        ["Provider", "Phrase", "Generic"]
            .iter()
            .position(|x| *x == t)
            .unwrap()
    };
    rows.sort_by_key(|r| order(r.tier));
    for (line, f) in &providers.rows {
        for hint in f[2].split("||") {
            rows.push(RuleRow {
                id: format!("provider:{}", f[0]),
                tier: "ProviderHint",
                terms: hint
                    .split("&&")
                    .map(|t| term_of(&providers, *line, t))
                    .collect(),
                reason: String::new(),
                provider: f[0].clone(),
                provider_code: String::new(),
                command: String::new(),
                when: String::new(),
                outcome: String::new(),
                explanation: String::new(),
                fix: String::new(),
                source: f[3].clone(),
            });
        }
    }
    for (line, f) in &commands.rows {
        for hint in f[1].split("||") {
            rows.push(RuleRow {
                id: format!("command:{}", f[0]),
                tier: "CommandHint",
                terms: hint
                    .split("&&")
                    .map(|t| term_of(&commands, *line, t))
                    .collect(),
                reason: String::new(),
                provider: String::new(),
                provider_code: String::new(),
                command: f[0].clone(),
                when: String::new(),
                outcome: String::new(),
                explanation: String::new(),
                fix: String::new(),
                source: f[2].clone(),
            });
        }
    }

    let max_len = literals.iter().map(String::len).max().unwrap_or(1);
    writeln!(g, "pub(crate) const MAX_LITERAL_LEN: usize = {max_len};").unwrap();
    // The automaton searches for anchors, the first ANCHOR_LEN bytes of each literal (a small
    // automaton stays in cache); a match of an anchor is then completed by comparing the rest
    // of each literal that starts with it.
    let mut anchors: Vec<String> = Vec::new();
    let mut anchor_of = Vec::new();
    for lit in &literals {
        let cut = (0..=ANCHOR_LEN.min(lit.len()))
            .rev()
            .find(|&i| lit.is_char_boundary(i))
            .unwrap();
        let a = lit[..cut].to_string();
        let i = match anchors.iter().position(|x| *x == a) {
            Some(i) => i,
            None => {
                anchors.push(a);
                anchors.len() - 1
            }
        };
        anchor_of.push(i);
    }
    let mut al_ranges = Vec::new();
    let mut al_ids = Vec::new();
    for ai in 0..anchors.len() {
        let lo = al_ids.len();
        al_ids.extend((0..literals.len()).filter(|&l| anchor_of[l] == ai));
        al_ranges.push((lo, al_ids.len()));
    }
    writeln!(g, "pub(crate) const ANCHOR_LEN: usize = {ANCHOR_LEN};").unwrap();
    writeln!(
        g,
        "pub(crate) static ANCHORS: [&str; {}] = {:?};",
        anchors.len(),
        anchors
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) static ANCHOR_LITERALS: [(u16, u16); {}] = {:?};",
        al_ranges.len(),
        al_ranges
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) static ANCHOR_LITERAL_IDS: [u16; {}] = {:?};",
        al_ids.len(),
        al_ids
    )
    .unwrap();
    write_dfa(&mut g, &anchors);
    writeln!(
        g,
        "pub(crate) static LITERALS: [&str; {}] = {:?};",
        literals.len(),
        literals
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) const TERM_WORDS: usize = {};",
        terms.len().div_ceil(64).max(1)
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) static TERMS: [crate::rules::Term; {}] = [",
        terms.len()
    )
    .unwrap();
    for (lit, left, right) in &terms {
        writeln!(
            g,
            "    crate::rules::Term {{ literal: {lit}, left: {left}, right: {right} }},"
        )
        .unwrap();
    }
    g.push_str("];\n");
    // literal -> terms
    let mut lt_ranges = Vec::new();
    let mut lt_ids = Vec::new();
    for li in 0..literals.len() {
        let lo = lt_ids.len();
        lt_ids.extend(
            terms
                .iter()
                .enumerate()
                .filter(|(_, t)| t.0 == li)
                .map(|(i, _)| i),
        );
        lt_ranges.push((lo, lt_ids.len()));
    }
    writeln!(
        g,
        "pub(crate) static LITERAL_TERMS: [(u16, u16); {}] = {:?};",
        lt_ranges.len(),
        lt_ranges
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) static LITERAL_TERM_IDS: [u16; {}] = {:?};",
        lt_ids.len(),
        lt_ids
    )
    .unwrap();

    writeln!(
        g,
        "pub(crate) static RULES: [crate::rules::Rule; {}] = [",
        rows.len()
    )
    .unwrap();
    for r in &rows {
        let t = if r.tier == "ProviderHint" {
            &providers
        } else if r.tier == "CommandHint" {
            &commands
        } else {
            &rules
        };
        let when = parse_when(t, &names, &r.id, &r.when);
        writeln!(
            g,
            "    crate::rules::Rule {{ id: {}, tier: crate::rules::Tier::{}, terms: &{:?}, reason: {}, provider: {}, provider_code: {}, command: {}, when: {when}, outcome: {}, explanation: {}, fix: {}, source: {} }},",
            text(&r.id),
            r.tier,
            r.terms,
            names.opt_reason(t, 0, &r.reason),
            names.provider(t, 0, &r.provider),
            opt_text(&r.provider_code),
            if r.command.is_empty() { "None".into() } else { format!("Some({})", names.command(t, 0, &r.command)) },
            if r.outcome.is_empty() { "None".into() } else { format!("Some(crate::model::Outcome::{})", camel(&r.outcome)) },
            text(&r.explanation),
            text(&r.fix),
            text(&r.source),
        )
        .unwrap();
    }
    g.push_str("];\n");
    let mut tr_ranges = Vec::new();
    let mut tr_ids = Vec::new();
    for ti in 0..terms.len() {
        let lo = tr_ids.len();
        tr_ids.extend(
            rows.iter()
                .enumerate()
                .filter(|(_, r)| r.terms.contains(&ti))
                .map(|(i, _)| i),
        );
        tr_ranges.push((lo, tr_ids.len()));
    }
    assert!(rows.len() < u16::MAX as usize && terms.len() < u16::MAX as usize);
    writeln!(
        g,
        "pub(crate) static TERM_RULES: [(u16, u16); {}] = {:?};",
        tr_ranges.len(),
        tr_ranges
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) static TERM_RULE_IDS: [u16; {}] = {:?};",
        tr_ids.len(),
        tr_ids
    )
    .unwrap();

    // ---- context refinements ----
    writeln!(
        g,
        "pub(crate) static CONTEXT_RULES: [crate::rules::ContextRule; {}] = [",
        context.rows.len()
    )
    .unwrap();
    let mut seen = BTreeSet::new();
    for (line, f) in &context.rows {
        let l = *line;
        if !seen.insert((f[1].clone(), f[2].clone())) || !ids.insert(f[0].clone()) {
            context.fail(l, "duplicate id or (command, reason)");
        }
        writeln!(
            g,
            "    crate::rules::ContextRule {{ id: {}, command: {}, from: {}, to: {}, explanation: {}, source: {} }},",
            text(&f[0]),
            names.command(&context, l, &f[1]),
            names.reason(&context, l, &f[2]),
            names.reason(&context, l, &f[3]),
            text(&f[4]),
            text(&f[5])
        )
        .unwrap();
    }
    g.push_str("];\n");

    std::fs::write(Path::new(&out).join("tables.rs"), g).unwrap();
}

/// `class=4|5 code=552 enhanced=X.2.2 command=data|end_of_data provider=gmail nocode`
fn parse_when(t: &Table, names: &Names, id: &str, s: &str) -> String {
    let fail = |msg: String| -> ! { panic!("data/{}: rule {id}: {msg}", t.file) };
    let mut classes = 0u8;
    let mut code = 0u16;
    let mut enhanced = "None".to_string();
    let mut commands = Vec::new();
    let mut provider = "None".to_string();
    let mut no_code = false;
    for tok in s.split_whitespace() {
        if tok == "nocode" {
            no_code = true;
            continue;
        }
        let Some((k, v)) = tok.split_once('=') else {
            fail(format!("condition {tok:?} is not key=value"));
        };
        match k {
            "class" => {
                for c in v.split('|') {
                    match c {
                        "2" | "3" | "4" | "5" => classes |= 1 << c.parse::<u8>().unwrap(),
                        _ => fail(format!("class {c:?} is not 2-5")),
                    }
                }
            }
            "code" => match v.parse::<u16>() {
                Ok(c) if (200..=599).contains(&c) => code = c,
                _ => fail(format!("code {v:?} is not 200-599")),
            },
            "enhanced" => match parse_enhanced(v) {
                Some((c, s, d)) => enhanced = format!("Some(({c}, {s}, {d}))"),
                None => fail(format!("enhanced {v:?} is not c.s.d or X.s.d")),
            },
            "command" => {
                for c in v.split('|') {
                    if !names.commands.contains(c) {
                        fail(format!("unknown command {c:?}"));
                    }
                    commands.push(format!("(1 << crate::model::Command::{} as u16)", camel(c)));
                }
            }
            "provider" => {
                if !names.providers.contains_key(v) {
                    fail(format!("unknown provider {v:?}"));
                }
                provider = names.provider(t, 0, v);
            }
            _ => fail(format!("unknown condition {k:?}")),
        }
    }
    let commands = if commands.is_empty() {
        "0".into()
    } else {
        commands.join(" | ")
    };
    format!(
        "crate::rules::When {{ classes: {classes}, code: {code}, enhanced: {enhanced}, commands: {commands}, provider: {provider}, no_code: {no_code} }}"
    )
}

/// Compiles the anchors into an Aho-Corasick DFA (the `aho-corasick` crate does the
/// construction) and writes it out as static tables: the reachable states renumbered with the
/// match states first, the byte classes, and the transitions as a `u16` array. The library
/// walks them with no start-up cost and no indirection.
fn write_dfa(g: &mut String, anchors: &[String]) {
    use aho_corasick::automaton::Automaton;
    use aho_corasick::{Anchored, MatchKind, dfa::DFA};
    use std::collections::HashMap;

    let dfa = DFA::builder()
        .match_kind(MatchKind::Standard)
        .ascii_case_insensitive(true)
        .byte_classes(true)
        .prefilter(false)
        .build(anchors)
        .expect("the anchors compile");
    let start = dfa
        .start_state(Anchored::No)
        .expect("an unanchored start state");
    // Every state reachable from the start, in breadth-first order.
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut states = vec![start];
    index.insert(start.as_u32(), 0);
    let mut i = 0;
    while i < states.len() {
        let s = states[i];
        for b in 0..=255u8 {
            let n = dfa.next_state(Anchored::No, s, b);
            if let std::collections::hash_map::Entry::Vacant(e) = index.entry(n.as_u32()) {
                e.insert(states.len());
                states.push(n);
            }
        }
        i += 1;
    }
    let next = |s: usize, b: u8| index[&dfa.next_state(Anchored::No, states[s], b).as_u32()];
    // Bytes that lead every state to the same place share a class.
    let mut columns: HashMap<Vec<usize>, u8> = HashMap::new();
    let mut class = [0u8; 256];
    for b in 0..=255u8 {
        let column: Vec<usize> = (0..states.len()).map(|s| next(s, b)).collect();
        let n = u8::try_from(columns.len()).expect("at most 256 byte classes");
        class[usize::from(b)] = *columns.entry(column).or_insert(n);
    }
    let shift = columns.len().next_power_of_two().trailing_zeros();
    // Match states first, so that "is this a match state" is one comparison.
    let mut order: Vec<usize> = (0..states.len()).collect();
    order.sort_by_key(|&s| !dfa.is_match(states[s]));
    let mut renamed = vec![0usize; states.len()];
    for (new, &old) in order.iter().enumerate() {
        renamed[old] = new;
    }
    let matches = states.iter().filter(|&&s| dfa.is_match(s)).count();
    assert!(
        states.len() <= usize::from(u16::MAX),
        "too many DFA states for u16 ids"
    );
    // A power-of-two length lets the walk mask its index instead of checking it.
    let mut trans = vec![0u16; (states.len() << shift).next_power_of_two()];
    let mut first_byte = [0u8; 256];
    for (c, &k) in class.iter().enumerate() {
        first_byte[usize::from(k)] = c as u8;
    }
    for (old, &new) in renamed.iter().enumerate() {
        for k in 0..columns.len() {
            trans[(new << shift) | k] = renamed[next(old, first_byte[k])] as u16;
        }
    }
    let mut ranges = Vec::new();
    let mut ids = Vec::new();
    for &old in &order[..matches] {
        let s = states[old];
        let lo = ids.len();
        ids.extend((0..dfa.match_len(s)).map(|i| dfa.match_pattern(s, i).as_usize()));
        ranges.push((lo, ids.len()));
    }
    writeln!(g, "pub(crate) static DFA_CLASS: [u8; 256] = {class:?};").unwrap();
    writeln!(g, "pub(crate) const DFA_SHIFT: u32 = {shift};").unwrap();
    writeln!(g, "pub(crate) const DFA_START: usize = {};", renamed[0]).unwrap();
    writeln!(g, "pub(crate) const DFA_MATCH_STATES: usize = {matches};").unwrap();
    writeln!(
        g,
        "pub(crate) static DFA_TRANS: [u16; {}] = {:?};",
        trans.len(),
        trans
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) static DFA_MATCHES: [(u16, u16); {}] = {:?};",
        ranges.len(),
        ranges
    )
    .unwrap();
    writeln!(
        g,
        "pub(crate) static DFA_MATCH_ANCHORS: [u16; {}] = {:?};",
        ids.len(),
        ids
    )
    .unwrap();
}
