//! Turns the data files in `data/` into the crate's static tables and phf maps.
//!
//! Every fact (codes, meanings, reasons, rules) is written once, in a TSV file, and every row
//! cites its source. The build reads the rows with `csv` into row structs ([`read`]), checks
//! them ([`check`]: field contents, duplicate keys, digit ranges, names that must exist in
//! other tables), compiles the rules' patterns with the rule language of the library
//! (`src/rules/lang.rs`, shared with the run-time compiler of user rules) and writes the
//! tables ([`emit`]). A bad row stops the build with its file and line.

mod check;
mod emit;
mod read;

#[path = "../src/words.rs"]
#[allow(dead_code)]
mod words;

#[path = "../src/rules/lang.rs"]
#[allow(dead_code)]
mod lang;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use emit::{array, array_with, bytes, camel, opt_text, text};
use read::{Table, read};

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
const TIERS: &[&str] = &["provider", "phrase", "generic"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRow {
    action: String,
    summary: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonRow {
    reason: String,
    summary: String,
    fault: String,
    permanent_bounce: String,
    permanent_action: String,
    permanent_retry: String,
    transient_bounce: String,
    transient_action: String,
    transient_retry: String,
    inferred_outcome: String,
    explanation: String,
    fix: String,
    taxonomies: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderRow {
    provider: String,
    name: String,
    hints: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandRow {
    command: String,
    summary: String,
    aliases: String,
    hints: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BasicRow {
    code: String,
    status: String,
    name: String,
    meaning: String,
    explanation: String,
    fix: String,
    reason: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DigitRow {
    position: String,
    digit: String,
    name: String,
    meaning: String,
    source: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassRow {
    class: String,
    title: String,
    meaning: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectRow {
    subject: String,
    title: String,
    meaning: String,
    reason: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnhancedRow {
    code: String,
    title: String,
    meaning: String,
    basic_codes: String,
    reason: String,
    classes: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleRow {
    id: String,
    tier: String,
    pattern: String,
    reason: String,
    provider: String,
    provider_code: String,
    when: String,
    outcome: String,
    explanation: String,
    fix: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextRow {
    id: String,
    command: String,
    reason: String,
    becomes: String,
    explanation: String,
    source: String,
}

/// The names other tables refer to.
struct Names {
    reasons: BTreeSet<String>,
    actions: BTreeSet<String>,
    providers: BTreeMap<String, usize>,
    commands: BTreeSet<String>,
}

impl Names {
    fn reason<T>(&self, t: &Table<T>, line: usize, s: &str) -> String {
        if !self.reasons.contains(s) {
            t.fail(
                line,
                &format!("unknown reason {s:?} (see data/reasons.tsv)"),
            );
        }
        format!("crate::model::Reason::{}", camel(s))
    }
    fn opt_reason<T>(&self, t: &Table<T>, line: usize, s: &str) -> String {
        if s.is_empty() {
            "None".into()
        } else {
            format!("Some({})", self.reason(t, line, s))
        }
    }
    fn action<T>(&self, t: &Table<T>, line: usize, s: &str) -> String {
        if !self.actions.contains(s) {
            t.fail(
                line,
                &format!("unknown action {s:?} (see data/actions.tsv)"),
            );
        }
        format!("crate::model::Action::{}", camel(s))
    }
    fn provider<T>(&self, t: &Table<T>, line: usize, s: &str) -> String {
        match self.providers.get(s) {
            Some(i) => format!("Some(crate::provider::Provider({i}))"),
            None if s.is_empty() => "None".into(),
            None => t.fail(
                line,
                &format!("unknown provider {s:?} (see data/providers.tsv)"),
            ),
        }
    }
    fn command<T>(&self, t: &Table<T>, line: usize, s: &str) -> String {
        if !self.commands.contains(s) {
            t.fail(
                line,
                &format!("unknown command {s:?} (see data/commands.tsv)"),
            );
        }
        format!("crate::model::Command::{}", camel(s))
    }
}

fn ok<T, V>(t: &Table<T>, line: usize, r: Result<V, String>) -> V {
    r.unwrap_or_else(|e| t.fail(line, &e))
}

fn enum_value<T>(t: &Table<T>, line: usize, s: &str, allowed: &[&str], ty: &str) -> String {
    ok(t, line, check::one_of(s, allowed));
    format!("{ty}::{}", camel(s))
}

fn main() {
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=src/words.rs");
    println!("cargo:rerun-if-changed=src/rules/lang.rs");
    let out = std::env::var("OUT_DIR").unwrap();
    let mut g = String::new();
    g.push_str("// Generated by build/main.rs from the files in data/. Do not edit.\n\n");

    let actions: Table<ActionRow> = read("actions.tsv");
    let reasons: Table<ReasonRow> = read("reasons.tsv");
    let providers: Table<ProviderRow> = read("providers.tsv");
    let commands: Table<CommandRow> = read("commands.tsv");
    let mut names = Names {
        reasons: BTreeSet::new(),
        actions: BTreeSet::new(),
        providers: BTreeMap::new(),
        commands: BTreeSet::new(),
    };
    let insert = |set: &mut BTreeSet<String>, name: &str| set.insert(name.to_string());
    for (line, r) in &reasons.rows {
        ok(&reasons, *line, check::snake_case(&r.reason));
        if !insert(&mut names.reasons, &r.reason) {
            reasons.fail(*line, &format!("duplicate name {:?}", r.reason));
        }
    }
    for (line, r) in &actions.rows {
        ok(&actions, *line, check::snake_case(&r.action));
        if !insert(&mut names.actions, &r.action) {
            actions.fail(*line, &format!("duplicate name {:?}", r.action));
        }
    }
    for (line, r) in &commands.rows {
        ok(&commands, *line, check::snake_case(&r.command));
        if !insert(&mut names.commands, &r.command) {
            commands.fail(*line, &format!("duplicate name {:?}", r.command));
        }
    }
    write_enums(&out, &reasons, &actions, &commands);
    for (i, (line, r)) in providers.rows.iter().enumerate() {
        ok(&providers, *line, check::snake_case(&r.provider));
        if names.providers.insert(r.provider.clone(), i).is_some() {
            providers.fail(*line, &format!("duplicate provider {:?}", r.provider));
        }
    }

    // ---- reasons and actions ----
    array_with(
        &mut g,
        "ACTIONS",
        "crate::model::ActionInfo",
        &actions.rows,
        |(line, r)| {
            format!(
                "crate::model::ActionInfo {{ action: {}, summary: {}, source: {} }}",
                names.action(&actions, *line, &r.action),
                text(&r.summary),
                text(&r.source)
            )
        },
    );
    g.push_str("\npub(crate) fn action_info(a: crate::model::Action) -> &'static crate::model::ActionInfo {\n    match a {\n");
    for (i, (_, r)) in actions.rows.iter().enumerate() {
        writeln!(
            g,
            "        crate::model::Action::{} => &ACTIONS[{i}],",
            camel(&r.action)
        )
        .unwrap();
    }
    g.push_str("    }\n}\n\n");
    array_with(
        &mut g,
        "REASONS",
        "crate::model::ReasonInfo",
        &reasons.rows,
        |(line, r)| {
            let (l, t) = (*line, &reasons);
            format!(
                "crate::model::ReasonInfo {{ reason: {}, summary: {}, fault: {}, permanent: ({}, {}, {}), transient: ({}, {}, {}), inferred_outcome: {}, explanation: {}, fix: {}, taxonomies: {}, source: {} }}",
                names.reason(t, l, &r.reason),
                text(&r.summary),
                enum_value(t, l, &r.fault, FAULTS, "crate::model::Fault"),
                enum_value(t, l, &r.permanent_bounce, BOUNCES, "crate::model::Bounce"),
                names.action(t, l, &r.permanent_action),
                ok(t, l, check::boolean(&r.permanent_retry)),
                enum_value(t, l, &r.transient_bounce, BOUNCES, "crate::model::Bounce"),
                names.action(t, l, &r.transient_action),
                ok(t, l, check::boolean(&r.transient_retry)),
                enum_value(t, l, &r.inferred_outcome, OUTCOMES, "crate::model::Outcome"),
                text(&r.explanation),
                text(&r.fix),
                text(&r.taxonomies),
                text(&r.source),
            )
        },
    );
    g.push_str("\npub(crate) fn reason_info(r: crate::model::Reason) -> &'static crate::model::ReasonInfo {\n    match r {\n");
    for (i, (_, r)) in reasons.rows.iter().enumerate() {
        writeln!(
            g,
            "        crate::model::Reason::{} => &REASONS[{i}],",
            camel(&r.reason)
        )
        .unwrap();
    }
    g.push_str("    }\n}\n\n");

    codes(&mut g, &names);
    provider_table(&mut g, &providers);
    rule_tables(&mut g, &names, &providers, &commands);

    bounce_phrases(&mut g);
    std::fs::write(Path::new(&out).join("tables.rs"), g).unwrap();
}

/// Basic reply codes, digits, enhanced status classes, subjects and codes.
fn codes(g: &mut String, names: &Names) {
    let basic: Table<BasicRow> = read("basic_codes.tsv");
    let statuses = [
        "standard",
        "extension",
        "registry",
        "nonstandard",
        "not_smtp",
    ];
    // Row of each code plus one (0 for none), by code: one load per lookup (a phf map hashed
    // the code with SipHash; classify looks codes up a few times per input).
    let mut basic_index = vec![0u8; 1000];
    let mut seen = BTreeSet::new();
    let mut prev = 0u16;
    for (i, (line, r)) in basic.rows.iter().enumerate() {
        let l = *line;
        let code = ok(&basic, l, check::basic_code(&r.code));
        if !seen.insert(code) {
            basic.fail(l, &format!("duplicate code {code}"));
        }
        if code < prev {
            basic.fail(l, "codes must be in numeric order");
        }
        prev = code;
        if (code < 200) != (r.status == "not_smtp") {
            basic.fail(l, "codes below 200 (and only they) have status not_smtp");
        }
        for (name, v) in [
            ("name", &r.name),
            ("meaning", &r.meaning),
            ("explanation", &r.explanation),
            ("fix", &r.fix),
            ("source", &r.source),
        ] {
            ok(&basic, l, check::required(name, v));
        }
        match (basic_index.get_mut(usize::from(code)), u8::try_from(i + 1)) {
            (Some(slot), Ok(row)) => *slot = row,
            _ => basic.fail(l, "codes are below 1000, and at most 254 of them"),
        }
    }
    array_with(
        g,
        "BASIC_CODES",
        "crate::code::CodeInfo",
        &basic.rows,
        |(line, r)| {
            let l = *line;
            let code = ok(&basic, l, check::basic_code(&r.code));
            format!(
                "crate::code::CodeInfo {{ code: {code}, status: {}, name: {}, meaning: {}, explanation: {}, fix: {}, reason: {}, source: {}, note: {}, rule_id: {} }}",
                enum_value(&basic, l, &r.status, &statuses, "crate::code::CodeStatus"),
                text(&r.name),
                text(&r.meaning),
                text(&r.explanation),
                text(&r.fix),
                names.opt_reason(&basic, l, &r.reason),
                text(&r.source),
                text(&r.note),
                text(&format!("basic:{code}")),
            )
        },
    );
    array(g, "BASIC_INDEX", "u8", &basic_index);
    let digits: String = (200..=599).map(|n: u16| n.to_string()).collect();
    writeln!(g, "pub(crate) static CODE_DIGITS: &str = {digits:?};\n").unwrap();

    let dig: Table<DigitRow> = read("digits.tsv");
    let mut seen = BTreeSet::new();
    array_with(
        g,
        "DIGITS",
        "crate::code::DigitInfo",
        &dig.rows,
        |(line, r)| {
            let l = *line;
            let digit = match (r.position.as_str(), r.digit.as_str()) {
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
            if !seen.insert((r.position.clone(), r.digit.clone())) {
                dig.fail(l, "duplicate digit");
            }
            format!(
                "crate::code::DigitInfo {{ position: {}, digit: {digit}, name: {}, meaning: {}, source: {}, note: {} }}",
                enum_value(
                    &dig,
                    l,
                    &r.position,
                    &["first", "second", "third"],
                    "crate::code::DigitPosition"
                ),
                text(&r.name),
                text(&r.meaning),
                text(&r.source),
                text(&r.note)
            )
        },
    );

    let classes: Table<ClassRow> = read("enhanced_classes.tsv");
    let expected = [
        ("2", "Success"),
        ("4", "PersistentTransientFailure"),
        ("5", "PermanentFailure"),
    ];
    if classes.rows.len() != 3 {
        classes.fail(0, "expected the three classes 2, 4, 5");
    }
    g.push_str("pub(crate) static CLASSES: [crate::enhanced::ClassInfo; 3] = [\n");
    for ((line, r), (want, class)) in classes.rows.iter().zip(expected) {
        if r.class != want {
            classes.fail(*line, &format!("expected class {want} here"));
        }
        writeln!(
            g,
            "    crate::enhanced::ClassInfo {{ class: crate::enhanced::Class::{class}, title: {}, meaning: {}, source: {} }},",
            text(&r.title),
            text(&r.meaning),
            text(&r.source)
        )
        .unwrap();
    }
    g.push_str("];\n\n");

    let subjects: Table<SubjectRow> = read("enhanced_subjects.tsv");
    for (i, (line, r)) in subjects.rows.iter().enumerate() {
        if r.subject != i.to_string() {
            subjects.fail(
                *line,
                &format!("expected subject {i} here (0 to 7, in order)"),
            );
        }
    }
    let numbered: Vec<(usize, &(usize, SubjectRow))> = subjects.rows.iter().enumerate().collect();
    array_with(
        g,
        "SUBJECTS",
        "crate::enhanced::SubjectInfo",
        &numbered,
        |(i, (line, r))| {
            format!(
                "crate::enhanced::SubjectInfo {{ subject: {i}, title: {}, meaning: {}, reason: {}, source: {}, rule_id: {} }}",
                text(&r.title),
                text(&r.meaning),
                names.opt_reason(&subjects, *line, &r.reason),
                text(&r.source),
                text(&format!("subject:X.{i}"))
            )
        },
    );

    let enhanced: Table<EnhancedRow> = read("enhanced_codes.tsv");
    // Row of each code plus one (0 for none), by subject and detail (see BASIC_INDEX).
    let mut enh_index: Vec<(u16, u16, u8)> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, (line, r)) in enhanced.rows.iter().enumerate() {
        let l = *line;
        let (subject, detail) = match check::enhanced(&r.code) {
            Ok((0, s, d)) if r.code.starts_with('X') && s <= 7 => (s, d),
            _ => enhanced.fail(
                l,
                &format!("code {:?} is not X.subject.detail with subject 0-7", r.code),
            ),
        };
        if !seen.insert((subject, detail)) {
            enhanced.fail(l, &format!("duplicate code {}", r.code));
        }
        for (name, v) in [
            ("title", &r.title),
            ("meaning", &r.meaning),
            ("source", &r.source),
        ] {
            ok(&enhanced, l, check::required(name, v));
        }
        match u8::try_from(i + 1) {
            Ok(row) => enh_index.push((subject, detail, row)),
            Err(_) => enhanced.fail(l, "at most 254 codes"),
        }
    }
    array_with(
        g,
        "ENHANCED_CODES",
        "crate::enhanced::EnhancedInfo",
        &enhanced.rows,
        |(line, r)| {
            let l = *line;
            let (_, subject, detail) = ok(&enhanced, l, check::enhanced(&r.code));
            let mut mask = 0u8;
            for c in r.classes.split(',') {
                match c.trim() {
                    "2" => mask |= 1 << 2,
                    "4" => mask |= 1 << 4,
                    "5" => mask |= 1 << 5,
                    other => enhanced.fail(l, &format!("class {other:?} is not 2, 4 or 5")),
                }
            }
            format!(
                "crate::enhanced::EnhancedInfo {{ subject: {subject}, detail: {detail}, code: {}, title: {}, meaning: {}, basic_codes: {}, reason: {}, classes: {mask}, source: {}, rule_id: {} }}",
                text(&r.code),
                text(&r.title),
                text(&r.meaning),
                text(&r.basic_codes),
                names.opt_reason(&enhanced, l, &r.reason),
                text(&r.source),
                text(&format!("enhanced:{}", r.code)),
            )
        },
    );
    let details = enh_index
        .iter()
        .map(|e| usize::from(e.1))
        .max()
        .unwrap_or(0)
        + 1;
    let mut by_code = vec![0u8; 8 * details];
    for (subject, detail, row) in enh_index {
        by_code[usize::from(subject) * details + usize::from(detail)] = row;
    }
    writeln!(g, "pub(crate) const ENHANCED_DETAILS: usize = {details};").unwrap();
    array(g, "ENHANCED_INDEX", "u8", &by_code);
}

fn provider_table(g: &mut String, providers: &Table<ProviderRow>) {
    let mut by_name = phf_codegen::Map::new();
    for (i, (line, r)) in providers.rows.iter().enumerate() {
        if r.name.is_empty() || r.source.is_empty() {
            providers.fail(*line, "name and source are required");
        }
        by_name.entry(r.provider.as_str(), i.to_string());
    }
    array_with(
        g,
        "PROVIDERS",
        "crate::provider::ProviderInfo",
        &providers.rows,
        |(_, r)| {
            format!(
                "crate::provider::ProviderInfo {{ name: {}, display_name: {}, source: {} }}",
                text(&r.provider),
                text(&r.name),
                text(&r.source)
            )
        },
    );
    writeln!(
        g,
        "\npub(crate) static PROVIDER_BY_NAME: phf::Map<&'static str, u16> = {};\n",
        by_name.build()
    )
    .unwrap();
}

/// One row of the rule tables: an alternative (`||`) of a rule, or a hint.
struct Row {
    id: String,
    tier: &'static str,
    pattern: String,
    terms: Vec<usize>,
    reason: String,
    provider: String,
    provider_code: String,
    command: String,
    when: String,
    /// The conditions as written in the file.
    conditions: String,
    outcome: String,
    explanation: String,
    fix: String,
    source: String,
}

/// Writes `enums.rs` (included by `src/model.rs`): the `Reason`, `Action` and `Command` enums,
/// one variant per row of their files, in file order (which gives their integer values), with
/// the row's summary as the variant's documentation and the command aliases.
fn write_enums(
    out_dir: &str,
    reasons: &Table<ReasonRow>,
    actions: &Table<ActionRow>,
    commands: &Table<CommandRow>,
) {
    let mut g = String::from(
        "// Generated by build/main.rs from data/reasons.tsv, actions.tsv and commands.tsv.\n\n",
    );
    let mut one = |head: &str, name: &str, what: &str, rows: Vec<(&str, &str, Vec<&str>)>| {
        g.push_str("named_enum! {\n");
        for l in head.lines() {
            writeln!(g, "    /// {l}").unwrap();
        }
        writeln!(g, "    pub enum {name} ({what:?}) {{").unwrap();
        for (variant, summary, aliases) in rows {
            writeln!(g, "        /// {summary}").unwrap();
            write!(g, "        {} = {variant:?}", camel(variant)).unwrap();
            for a in aliases {
                write!(g, " | {a:?}").unwrap();
            }
            g.push_str(",\n");
        }
        g.push_str("    }\n}\n\n");
    };
    one(
        "Why the reply was given: one reason per result. Each one's text here is its summary\nin `data/reasons.tsv`; the whole row (explanation, fault, default bounce, action and\nretry, and how it maps onto other taxonomies) is [`Reason::info`].",
        "Reason",
        "reason",
        reasons
            .rows
            .iter()
            .map(|(_, r)| (r.reason.as_str(), r.summary.as_str(), vec![]))
            .collect(),
    );
    one(
        "The recommended next step for the sender (`data/actions.tsv`).",
        "Action",
        "action",
        actions
            .rows
            .iter()
            .map(|(_, r)| (r.action.as_str(), r.summary.as_str(), vec![]))
            .collect(),
    );
    for (line, c) in &commands.rows {
        for a in c.aliases.split_whitespace() {
            ok(commands, *line, check::snake_case(a));
        }
    }
    one(
        "The SMTP command a reply answered, when the caller (or the bounce text) says so\n(`data/commands.tsv`). Its name parses with the aliases people write (`helo`, `rcpt_to`,\n`mail_from`, `dot`...).",
        "Command",
        "command",
        commands
            .rows
            .iter()
            .map(|(_, c)| {
                (
                    c.command.as_str(),
                    c.summary.as_str(),
                    c.aliases.split_whitespace().collect(),
                )
            })
            .collect(),
    );
    std::fs::write(Path::new(out_dir).join("enums.rs"), g).unwrap();
}

/// The rules, provider hints and command hints: parsed, compiled and written out with the
/// context refinements.
fn rule_tables(
    g: &mut String,
    names: &Names,
    providers: &Table<ProviderRow>,
    commands: &Table<CommandRow>,
) {
    let rules: Table<RuleRow> = read("rules.tsv");
    let context: Table<ContextRow> = read("context.tsv");
    let mut terms: Vec<lang::Term> = Vec::new();
    let mut term_ids: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut ids = BTreeSet::new();

    // A pattern's alternatives, each with its terms' ids and its own text.
    let mut alternatives = |file: &str, line: usize, pattern: &str| -> Vec<(String, Vec<usize>)> {
        let parsed =
            lang::parse(pattern).unwrap_or_else(|e| panic!("data/{file}:{line}: pattern: {e}"));
        let texts: Vec<&str> = pattern.split("||").map(str::trim).collect();
        parsed
            .into_iter()
            .zip(texts)
            .map(|(alt, text)| {
                let ids = alt
                    .into_iter()
                    .map(|t| {
                        let key = t.key();
                        let n = terms.len();
                        *term_ids.entry(key).or_insert_with(|| {
                            terms.push(t);
                            n
                        })
                    })
                    .collect();
                (text.to_string(), ids)
            })
            .collect()
    };

    for (line, r) in &rules.rows {
        let l = *line;
        let tier = match r.tier.as_str() {
            "provider" => "Provider",
            "phrase" => "Phrase",
            "generic" => "Generic",
            other => rules.fail(l, &format!("tier {other:?} is not one of {TIERS:?}")),
        };
        if !ids.insert(r.id.clone()) {
            rules.fail(l, &format!("duplicate rule id {:?}", r.id));
        }
        for (name, v) in [
            ("id", &r.id),
            ("pattern", &r.pattern),
            ("reason", &r.reason),
            ("source", &r.source),
        ] {
            ok(&rules, l, check::required(name, v));
        }
        names.reason(&rules, l, &r.reason);
        names.provider(&rules, l, &r.provider);
        if tier == "Provider" && r.provider.is_empty() {
            rules.fail(l, "a provider rule names its provider");
        }
        if !r.outcome.is_empty() {
            ok(&rules, l, check::one_of(&r.outcome, OUTCOMES));
        }
        let when = parse_when(&rules, l, names, &r.when);
        for (pattern, t) in alternatives("rules.tsv", l, &r.pattern) {
            rows.push(Row {
                id: r.id.clone(),
                tier,
                pattern,
                terms: t,
                reason: r.reason.clone(),
                provider: r.provider.clone(),
                provider_code: r.provider_code.clone(),
                command: String::new(),
                when: when.clone(),
                conditions: r.when.clone(),
                outcome: r.outcome.clone(),
                explanation: r.explanation.clone(),
                fix: r.fix.clone(),
                source: r.source.clone(),
            });
        }
    }
    // Precedence: provider, phrase, generic; then the hints. Stable within a tier.
    rows.sort_by_key(|r| {
        ["Provider", "Phrase", "Generic"]
            .iter()
            .position(|x| *x == r.tier)
    });
    let no_when = parse_when(&rules, 0, names, "");
    for (line, p) in &providers.rows {
        for (pattern, t) in alternatives("providers.tsv", *line, &p.hints) {
            rows.push(Row {
                id: format!("provider:{}", p.provider),
                tier: "ProviderHint",
                pattern,
                terms: t,
                reason: String::new(),
                provider: p.provider.clone(),
                provider_code: String::new(),
                command: String::new(),
                when: no_when.clone(),
                conditions: String::new(),
                outcome: String::new(),
                explanation: String::new(),
                fix: String::new(),
                source: p.source.clone(),
            });
        }
    }
    for (line, c) in &commands.rows {
        for (pattern, t) in alternatives("commands.tsv", *line, &c.hints) {
            rows.push(Row {
                id: format!("command:{}", c.command),
                tier: "CommandHint",
                pattern,
                terms: t,
                reason: String::new(),
                provider: String::new(),
                provider_code: String::new(),
                command: c.command.clone(),
                when: no_when.clone(),
                conditions: String::new(),
                outcome: String::new(),
                explanation: String::new(),
                fix: String::new(),
                source: c.source.clone(),
            });
        }
    }

    let mut compiled = lang::compile(&terms).unwrap_or_else(|e| panic!("data/rules.tsv: {e}"));
    let row_term_lists: Vec<Vec<u32>> = rows
        .iter()
        .map(|r| r.terms.iter().map(|&t| t as u32).collect())
        .collect();
    lang::mark_eager(&mut compiled, &row_term_lists);
    // A literal looked for in every input costs a pass over it: the built-in rules give each
    // literal words to be looked for with.
    if let Some(lit) = compiled.literals.iter().find(|l| l.3) {
        panic!(
            "data: the literal {:?} is a rule's only term: give the rule words too (a literal is searched for only when they are found)",
            String::from_utf8_lossy(&compiled.literal_text[lit.0 as usize..lit.1 as usize])
        );
    }
    // A sequence anchored on a stem makes every word of every reply look at the stems: the
    // built-in rules anchor every sequence on a whole word.
    let mut unanchored = Vec::new();
    for t in &terms {
        if let lang::Term::Words(seqs) = t {
            for s in seqs {
                if lang::anchor_pair(s).is_some() {
                    continue;
                }
                if let lang::Elem::One(items) = &s[lang::anchor_of(s)] {
                    if items
                        .iter()
                        .any(|i| !matches!(i, lang::Item::Word(_) | lang::Item::Host(_)))
                    {
                        unanchored.push(lang::show_seq(s));
                    }
                }
            }
        }
    }
    assert!(
        unanchored.is_empty(),
        "data: these sequences have no whole word to anchor on (only stems or kinds); add one: {unanchored:#?}"
    );
    assert!(
        terms.len() <= 2048,
        "more than 2048 terms (engine::MAX_TERMS)"
    );
    assert!(rows.len() < 65536, "more than 65535 rule rows");

    array_with(g, "RULES", "crate::rules::Rule", &rows, |r| {
        format!(
            "crate::rules::Rule {{ id: {}, tier: crate::rules::Tier::{}, pattern: {}, reason: {}, provider: {}, provider_code: {}, command: {}, when: {}, conditions: {}, outcome: {}, explanation: {}, fix: {}, source: {} }}",
            text(&r.id),
            r.tier,
            text(&r.pattern),
            names.opt_reason(&rules, 0, &r.reason),
            names.provider(&rules, 0, &r.provider),
            opt_text(&r.provider_code),
            if r.command.is_empty() {
                "None".into()
            } else {
                format!("Some({})", names.command(&rules, 0, &r.command))
            },
            r.when,
            text(&r.conditions),
            if r.outcome.is_empty() {
                "None".into()
            } else {
                format!("Some(crate::model::Outcome::{})", camel(&r.outcome))
            },
            text(&r.explanation),
            text(&r.fix),
            text(&r.source),
        )
    });
    let mut row_terms = Vec::new();
    let mut row_term_ids: Vec<u32> = Vec::new();
    for r in &rows {
        let lo = row_term_ids.len() as u32;
        row_term_ids.extend(r.terms.iter().map(|&t| t as u32));
        row_terms.push((lo, row_term_ids.len() as u32));
    }
    let mut term_rows = Vec::new();
    let mut term_row_ids: Vec<u32> = Vec::new();
    for t in 0..terms.len() {
        let lo = term_row_ids.len() as u32;
        term_row_ids.extend(
            rows.iter()
                .enumerate()
                .filter(|(_, r)| r.terms.contains(&t))
                .map(|(i, _)| i as u32),
        );
        term_rows.push((lo, term_row_ids.len() as u32));
    }
    // The words that anchor the most sequences (every occurrence in a reply costs a
    // verification of each): written next to the tables, for whoever tunes the rules.
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let mut counts: Vec<(usize, String)> = compiled
        .word_anchors
        .iter()
        .enumerate()
        .skip(1)
        .map(|(id, (s, e))| {
            let (a, b) = compiled.vocab[id];
            (
                (e - s) as usize,
                String::from_utf8_lossy(&compiled.vocab_text[a as usize..b as usize]).into_owned(),
            )
        })
        .collect();
    counts.sort_by(|a, b| b.cmp(a));
    let stats: String = counts
        .iter()
        .take(60)
        .map(|(n, w)| format!("{n}\t{w}\n"))
        .collect();
    std::fs::write(Path::new(&out_dir).join("anchors.txt"), stats).unwrap();
    array(g, "ROW_TERMS", "(u32, u32)", &row_terms);
    array(g, "ROW_TERM_IDS", "u32", &row_term_ids);
    array(g, "TERM_ROWS", "(u32, u32)", &term_rows);
    array(g, "TERM_ROW_IDS", "u32", &term_row_ids);
    write_compiled(g, &compiled);

    // ---- context refinements ----
    let mut seen = BTreeSet::new();
    array_with(
        g,
        "CONTEXT_RULES",
        "crate::rules::ContextRule",
        &context.rows,
        |(line, r)| {
            let l = *line;
            if !seen.insert((r.command.clone(), r.reason.clone())) || ids.contains(&r.id) {
                context.fail(l, "duplicate id or (command, reason)");
            }
            format!(
                "crate::rules::ContextRule {{ id: {}, command: {}, from: {}, to: {}, explanation: {}, source: {} }}",
                text(&r.id),
                names.command(&context, l, &r.command),
                names.reason(&context, l, &r.reason),
                names.reason(&context, l, &r.becomes),
                text(&r.explanation),
                text(&r.source)
            )
        },
    );
}

/// The compiled rule tables as statics, and `BUILTIN`, the matcher's view of them.
fn write_compiled(g: &mut String, c: &lang::Compiled) {
    let items: Vec<String> = c
        .items
        .iter()
        .map(|i| {
            format!(
                "crate::rules::lang::FlatItem {{ tag: {}, value: {} }}",
                i.tag, i.value
            )
        })
        .collect();
    let elems: Vec<String> = c
        .elems
        .iter()
        .map(|e| {
            format!(
                "crate::rules::lang::FlatElem {{ op: {}, n: {}, word: {}, sig: {}, start: {}, len: {} }}",
                e.op, e.n, e.word, e.sig, e.start, e.len
            )
        })
        .collect();
    let seqs: Vec<String> = c
        .seqs
        .iter()
        .map(|s| format!("crate::rules::lang::FlatSeq {{ start: {}, len: {}, anchor: {}, term: {}, straight: {}, codes: {} }}", s.start, s.len, s.anchor, s.term, s.straight, s.codes))
        .collect();
    let anchors: Vec<String> = c
        .anchor_list
        .iter()
        .map(|a| {
            format!(
                "crate::rules::lang::Anchor {{ seq: {}, elem: {}, guard: {}, guard_at: {}, need: {}, need_len: {} }}",
                a.seq, a.elem, a.guard, a.guard_at, a.need, a.need_len
            )
        })
        .collect();
    array(g, "SLOTS", "u64", &c.slots);
    array(g, "DISP", "u16", &c.disp);
    array(g, "STEMS", "(u64, u8)", &c.stems);
    array_with(g, "ITEMS", "crate::rules::lang::FlatItem", &items, |s| {
        s.clone()
    });
    array_with(g, "ELEMS", "crate::rules::lang::FlatElem", &elems, |s| {
        s.clone()
    });
    array(g, "NOTS", "(u32, u32)", &c.nots);
    array(g, "SIMPLE", "u16", &c.simple);
    array_with(g, "SEQS", "crate::rules::lang::FlatSeq", &seqs, |s| {
        s.clone()
    });
    array(g, "WORD_ANCHORS", "(u32, u32)", &c.word_anchors);
    array(g, "STEM_ANCHORS", "(u32, u32)", &c.stem_anchors);
    array(g, "KIND_ANCHORS", "(u32, u32)", &c.kind_anchors);
    array_with(
        g,
        "ANCHOR_LIST",
        "crate::rules::lang::Anchor",
        &anchors,
        |s| s.clone(),
    );
    array(g, "PAIRS", "(u64, u32, u32)", &c.pairs);
    array(g, "PAIR_DISP", "u16", &c.pair_disp);
    array(g, "PAIR_SIG", "u64", &c.pair_sig);
    array(g, "LITERALS", "(u32, u32, u32, bool)", &c.literals);
    array(g, "TERM_LITERAL", "u32", &c.term_literal);
    writeln!(
        g,
        "pub(crate) static LITERAL_TEXT: &[u8] = {};",
        bytes(&c.literal_text)
    )
    .unwrap();
    let stem_anchored = c.stem_anchors.iter().any(|(s, e)| s < e);
    writeln!(
        g,
        "pub(crate) const BUILTIN: crate::rules::engine::Tables<'static> = crate::rules::engine::Tables {{
    slots: &SLOTS, disp: &DISP,
    stems: &STEMS, items: &ITEMS, elems: &ELEMS, nots: &NOTS, seqs: &SEQS, simple: &SIMPLE,
    word_anchors: &WORD_ANCHORS, stem_anchors: &STEM_ANCHORS, stem_anchored: {stem_anchored}, kind_anchors: &KIND_ANCHORS, kind_anchored: {},
    anchor_list: &ANCHOR_LIST, pairs: &PAIRS, pair_disp: &PAIR_DISP, pair_sig: &PAIR_SIG,
    literals: &LITERALS, term_literal: &TERM_LITERAL, literal_text: LITERAL_TEXT,
    rows: &RULES, row_terms: &ROW_TERMS, row_term_ids: &ROW_TERM_IDS, term_rows: &TERM_ROWS, term_row_ids: &TERM_ROW_IDS,
}};",
        c.kind_anchored
    )
    .unwrap();
}

/// A rule's conditions (`when`), as the rule language reads them, in Rust.
fn parse_when<T>(t: &Table<T>, line: usize, names: &Names, s: &str) -> String {
    let w = ok(t, line, lang::when(s));
    let enhanced = match w.enhanced {
        Some((c, s, d)) => format!("Some(({c}, {s}, {d}))"),
        None => "None".into(),
    };
    let commands: Vec<String> = w
        .commands
        .iter()
        .map(|c| {
            names.command(t, line, c);
            format!("(1 << crate::model::Command::{} as u16)", camel(c))
        })
        .collect();
    let commands = if commands.is_empty() {
        "0".into()
    } else {
        commands.join(" | ")
    };
    let provider = names.provider(t, line, w.provider.as_deref().unwrap_or(""));
    format!(
        "crate::rules::When {{ classes: {}, code: {}, enhanced: {enhanced}, commands: {commands}, provider: {provider}, no_code: {} }}",
        w.classes, w.code, w.no_code
    )
}

/// The roles of `data/bounce_phrases.tsv`, with how the reader matches their phrases: each
/// becomes one constant of `tables::bounce_phrases`, documented with the text here. A phrase
/// that another of its role always matches first is refused (`check::covered`).
const PHRASE_ROLES: &[(&str, check::Match, &str)] = &[
    (
        "auto_reply_subject",
        check::Match::Prefix,
        "A subject that starts with one of these is an automatic reply.",
    ),
    (
        "auto_reply_subject_anywhere",
        check::Match::Substring,
        "A subject that contains one of these anywhere is an automatic reply.",
    ),
    (
        "daemon_sender",
        check::Match::Substring,
        "A sender whose local part contains one of these is a mail system.",
    ),
    (
        "daemon_name",
        check::Match::Substring,
        "A From field that contains one of these is a mail system.",
    ),
    (
        "bounce_subject",
        check::Match::Substring,
        "A subject that contains one of these announces a bounce.",
    ),
    (
        "bounce_wording",
        check::Match::Substring,
        "Notice wording that says the message was not delivered.",
    ),
    (
        "final_wording",
        check::Match::Substring,
        "Notice wording that says delivery has failed for good (not a delay).",
    ),
    (
        "delay_wording",
        check::Match::Substring,
        "Notice wording that says delivery is only delayed.",
    ),
    (
        "delay_subject",
        check::Match::Substring,
        "A subject that contains one of these announces a delay.",
    ),
    (
        "reason_intro",
        check::Match::Ordered,
        "A line that introduces the reason given for every recipient (the first that matches wins, so the order of the rows counts).",
    ),
    (
        "original_marker",
        check::Match::Prefix,
        "A line that starts the copy of the original message.",
    ),
    (
        "recipient_naming",
        check::Match::Substring,
        "Words shortly before an address that name it as a recipient.",
    ),
    (
        "recipient_label",
        check::Match::Substring,
        "Words in a `label: address` line that make the address a recipient.",
    ),
    (
        "recipient_wrapper",
        check::Match::Substring,
        "Label words that are the notice's own wrapper, not the diagnostic.",
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseRow {
    role: String,
    phrase: String,
    language: String,
    source: String,
}

/// `data/bounce_phrases.tsv` as one constant slice per role, in file order.
fn bounce_phrases(g: &mut String) {
    let t: Table<PhraseRow> = read("bounce_phrases.tsv");
    let roles: Vec<&str> = PHRASE_ROLES.iter().map(|(r, _, _)| *r).collect();
    let mut seen = BTreeSet::new();
    for (line, r) in &t.rows {
        ok(&t, *line, check::one_of(&r.role, &roles));
        ok(&t, *line, check::phrase(&r.phrase));
        ok(&t, *line, check::language(&r.language));
        ok(&t, *line, check::required("source", &r.source));
        if !seen.insert((r.role.as_str(), r.phrase.as_str())) {
            t.fail(*line, &format!("{:?} twice in role {}", r.phrase, r.role));
        }
    }
    g.push_str("\n/// The bounce reader's vocabulary, from `data/bounce_phrases.tsv`.\n#[cfg(feature = \"bounce\")]\npub(crate) mod bounce_phrases {\n");
    for (role, how, doc) in PHRASE_ROLES {
        let rows: Vec<(usize, &str)> = t
            .rows
            .iter()
            .filter(|(_, r)| r.role == *role)
            .map(|(line, r)| (*line, r.phrase.as_str()))
            .collect();
        if rows.is_empty() {
            panic!("data/bounce_phrases.tsv: no phrase for role {role}");
        }
        let items: Vec<&str> = rows.iter().map(|(_, p)| *p).collect();
        for (line, p) in &rows {
            ok(&t, *line, check::covered(p, &items, *how));
        }
        writeln!(g, "    /// {doc}").unwrap();
        writeln!(
            g,
            "    pub(crate) const {}: &[&str] = &{:?};",
            role.to_ascii_uppercase(),
            items
        )
        .unwrap();
    }
    g.push_str("}\n");
}
