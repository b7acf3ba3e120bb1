//! Rules a user adds at run time, in the same language as the built-in ones, and the
//! classifier that reads them before the built-in rules.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use super::engine::Tables;
use super::lang::{self, Compiled};
use super::{Rule, Tier, When};
use crate::classify::{Classification, Context, NoReply, classify_in, classify_no_reply_in};
use crate::model::{Command, Outcome, Reason};
use crate::provider::Provider;

/// Why a rule file could not be loaded: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct RulesError {
    /// The file (or `<text>` for rules given as text).
    pub origin: String,
    /// The line (1 is the header; 0 for the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One row of a user's rule file. Only `id`, `pattern` and `reason` are required.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    id: String,
    pattern: String,
    reason: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    provider_code: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    fix: String,
    #[serde(default)]
    source: String,
}

/// A set of user rules, compiled: loaded with [`Rules::load`] or [`Rules::parse`], used
/// through a [`Classifier`]. Immutable once built.
///
/// The file is tab-separated with a header line, like the crate's own `data/rules.tsv`:
/// `id`, `pattern` and `reason` are required; `tier` (`provider`, `phrase` or `generic`;
/// `phrase` when empty), `provider`, `provider_code`, `when`, `outcome`, `explanation`,
/// `fix` and `source` may be given. Lines starting with `#` are comments.
///
/// ```
/// let rules = smtpcode::Rules::parse(
///     "id\tpattern\treason\n\
///      acme.quota\tmailbox ~2 over its (limit|allowance)\tmailbox_full\n",
/// )?;
/// let classifier = smtpcode::Classifier::with_rules(rules);
/// let c = classifier.classify("452 4.2.2 Mailbox <jo@acme.example> is over its allowance");
/// assert_eq!(c.reason(), smtpcode::Reason::MailboxFull);
/// assert_eq!(c.rule(), "acme.quota");
/// # Ok::<(), smtpcode::RulesError>(())
/// ```
#[derive(Clone)]
pub struct Rules {
    inner: Arc<Inner>,
}

/// The rules' ids, not their compiled tables.
impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rules")
            .field(
                "rules",
                &self.inner.rows.iter().map(Rule::id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

struct Inner {
    text: String,
    origin: String,
    compiled: Compiled,
    rows: Vec<Rule>,
    row_terms: Vec<(u32, u32)>,
    row_term_ids: Vec<u32>,
    term_rows: Vec<(u32, u32)>,
    term_row_ids: Vec<u32>,
}

impl Rules {
    /// Reads a rule file (see [`Rules`] for its columns).
    pub fn load(path: impl AsRef<Path>) -> Result<Rules, RulesError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RulesError {
            origin: origin.clone(),
            line: 0,
            message: format!("cannot read: {e}"),
        })?;
        Rules::from_text(&text, &origin)
    }

    /// Reads rules from the text of a rule file (errors name it `<text>`).
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        Rules::from_text(text, "<text>")
    }

    /// Reads rules from the text of a rule file; errors name it `origin` (a file name, say).
    pub fn parse_named(text: &str, origin: &str) -> Result<Rules, RulesError> {
        Rules::from_text(text, origin)
    }

    /// The text the rules were read from (to store or send them, and read them again).
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// What the rules' errors name: the file, `<text>`, or the name given to
    /// [`parse_named`](Self::parse_named).
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The rules, one per alternative (`||`) of each rule, in precedence order.
    pub fn rules(&self) -> &[Rule] {
        &self.inner.rows
    }

    fn from_text(text: &str, origin: &str) -> Result<Rules, RulesError> {
        let err = |line: usize, message: String| RulesError {
            origin: origin.to_string(),
            line,
            message,
        };
        // Comments and blank lines are dropped; `lines[k]` is the file's line number of line
        // `k + 1` of what is left, for the messages.
        let (lines, kept): (Vec<usize>, Vec<&str>) = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
            .map(|(n, l)| (n + 1, l))
            .unzip();
        let kept = kept.join("\n");
        let line_of = |p: Option<&csv::Position>| {
            p.and_then(|p| lines.get((p.line() as usize).checked_sub(1)?))
                .copied()
                .unwrap_or(0)
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .quoting(false)
            .has_headers(true)
            .flexible(false)
            .from_reader(kept.as_bytes());
        let header_line = lines.first().copied().unwrap_or(1);
        let headers = reader
            .headers()
            .map_err(|e| err(header_line, format!("cannot read the header line: {e}")))?
            .clone();
        for need in ["id", "pattern", "reason"] {
            if !headers.iter().any(|h| h == need) {
                return Err(err(
                    header_line,
                    format!(
                        "the header line has no {need:?} column (id, pattern and reason are required)"
                    ),
                ));
            }
        }
        let mut terms: Vec<lang::Term> = Vec::new();
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut rows: Vec<(Tier, Rule, Vec<u32>)> = Vec::new();
        let mut ids: HashSet<String> = HashSet::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                let line = line_of(e.position());
                err(line, e.to_string())
            })?;
            let line = line_of(rec.position());
            let row: Row = rec
                .deserialize(Some(&headers))
                .map_err(|e| err(line, e.to_string()))?;
            let fail = |m: String| err(line, m);
            if row.id.is_empty() || row.pattern.is_empty() {
                return Err(fail("id and pattern are required".into()));
            }
            if !ids.insert(row.id.clone()) {
                return Err(fail(format!("duplicate rule id {:?}", row.id)));
            }
            let reason: Reason = row
                .reason
                .parse()
                .map_err(|e| fail(format!("reason: {e}")))?;
            let tier = match row.tier.as_str() {
                "" | "phrase" => Tier::Phrase,
                "provider" => Tier::Provider,
                "generic" => Tier::Generic,
                other => {
                    return Err(fail(format!(
                        "tier {other:?} is not provider, phrase or generic"
                    )));
                }
            };
            let provider = opt(&row.provider, |p| p.parse::<Provider>())
                .map_err(|e| fail(format!("provider: {e}")))?;
            let outcome = opt(&row.outcome, |o| o.parse::<Outcome>())
                .map_err(|e| fail(format!("outcome: {e}")))?;
            let when = parse_when(&row.when).map_err(|e| fail(format!("when: {e}")))?;
            let parsed = lang::parse(&row.pattern).map_err(|e| fail(format!("pattern: {e}")))?;
            for (alt, text) in parsed
                .into_iter()
                .zip(row.pattern.split("||").map(str::trim))
            {
                let mut alt_terms = Vec::new();
                for t in alt {
                    let key = t.key();
                    let n = terms.len() as u32;
                    let id = *term_ids.entry(key).or_insert_with(|| {
                        terms.push(t);
                        n
                    });
                    alt_terms.push(id);
                }
                let rule = Rule {
                    id: intern(&row.id),
                    tier,
                    pattern: intern(text),
                    reason: Some(reason),
                    provider,
                    provider_code: (!row.provider_code.is_empty())
                        .then(|| intern(&row.provider_code)),
                    command: None,
                    when,
                    conditions: intern(&row.when),
                    outcome,
                    explanation: intern(&row.explanation),
                    fix: intern(&row.fix),
                    source: intern(if row.source.is_empty() {
                        origin
                    } else {
                        &row.source
                    }),
                };
                rows.push((tier, rule, alt_terms));
            }
        }
        if terms.len() > super::engine::MAX_TERMS || rows.len() >= usize::from(u16::MAX) {
            return Err(err(
                0,
                format!(
                    "more than {} distinct terms, or 65535 rule alternatives",
                    super::engine::MAX_TERMS
                ),
            ));
        }
        let mut compiled = lang::compile(&terms).map_err(|e| err(0, e))?;
        let row_terms: Vec<Vec<u32>> = rows.iter().map(|(_, _, t)| t.clone()).collect();
        lang::mark_eager(&mut compiled, &row_terms);
        // Precedence: provider, phrase, generic; file order within a tier.
        rows.sort_by_key(|(tier, _, _)| match tier {
            Tier::Provider => 0,
            Tier::Phrase => 1,
            _ => 2,
        });
        let mut inner = Inner {
            text: text.to_string(),
            origin: origin.to_string(),
            compiled,
            rows: Vec::new(),
            row_terms: Vec::new(),
            row_term_ids: Vec::new(),
            term_rows: Vec::new(),
            term_row_ids: Vec::new(),
        };
        for (_, rule, t) in &rows {
            let lo = inner.row_term_ids.len() as u32;
            inner.row_term_ids.extend(t);
            inner.row_terms.push((lo, inner.row_term_ids.len() as u32));
            inner.rows.push(*rule);
        }
        for term in 0..terms.len() as u32 {
            let lo = inner.term_row_ids.len() as u32;
            inner.term_row_ids.extend(
                rows.iter()
                    .enumerate()
                    .filter(|(_, (_, _, t))| t.contains(&term))
                    .map(|(i, _)| i as u32),
            );
            inner.term_rows.push((lo, inner.term_row_ids.len() as u32));
        }
        Ok(Rules {
            inner: Arc::new(inner),
        })
    }

    pub(crate) fn tables(&self) -> Tables<'_> {
        let i = &*self.inner;
        let c = &i.compiled;
        Tables {
            slots: &c.slots,
            disp: &c.disp,
            stems: &c.stems,
            items: &c.items,
            elems: &c.elems,
            nots: &c.nots,
            seqs: &c.seqs,
            simple: &c.simple,
            word_anchors: &c.word_anchors,
            stem_anchors: &c.stem_anchors,
            stem_anchored: c.stem_anchors.iter().any(|(s, e)| s < e),
            kind_anchors: &c.kind_anchors,
            kind_anchored: c.kind_anchored,
            anchor_list: &c.anchor_list,
            pairs: &c.pairs,
            pair_disp: &c.pair_disp,
            pair_sig: &c.pair_sig,
            literals: &c.literals,
            term_literal: &c.term_literal,
            literal_text: &c.literal_text,
            rows: &i.rows,
            row_terms: &i.row_terms,
            row_term_ids: &i.row_term_ids,
            term_rows: &i.term_rows,
            term_row_ids: &i.term_row_ids,
        }
    }
}

fn opt<T, E>(s: &str, f: impl FnOnce(&str) -> Result<T, E>) -> Result<Option<T>, E> {
    if s.is_empty() {
        Ok(None)
    } else {
        f(s).map(Some)
    }
}

fn parse_when(s: &str) -> Result<When, String> {
    let w = lang::when(s)?;
    let mut commands = 0u16;
    for c in &w.commands {
        let c: Command = c.parse().map_err(|e| format!("{e}"))?;
        commands |= 1 << c as u16;
    }
    let provider = match &w.provider {
        Some(p) => Some(p.parse::<Provider>().map_err(|e| format!("{e}"))?),
        None => None,
    };
    Ok(When {
        classes: w.classes,
        code: w.code,
        enhanced: w.enhanced,
        commands,
        provider,
        no_code: w.no_code,
    })
}

/// A string kept for the life of the process, with a NUL after it (as every string a
/// classification holds; the C library passes them on as they are). Equal strings are kept
/// once, so loading the same rule file again costs nothing more.
fn intern(s: &str) -> &'static str {
    static STRINGS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let set = STRINGS.get_or_init(|| Mutex::new(HashSet::new()));
    let mut set = set.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(&kept) = set.get(s) {
        return kept;
    }
    let mut owned = String::with_capacity(s.len() + 1);
    owned.push_str(s);
    owned.push('\0');
    let leaked: &'static str = Box::leak(owned.into_boxed_str());
    let kept = &leaked[..s.len()];
    set.insert(kept);
    kept
}

/// Classifies replies with a user's rules before the built-in ones. Immutable, cheap to
/// clone, and safe to share between threads.
///
/// A user's rule that matches decides before the built-in rules of the same step: its
/// provider and phrase rules before everything the reply's text, codes and words say; its
/// generic rules before the built-in generic words.
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    rules: Option<Rules>,
}

impl Classifier {
    /// A classifier with the built-in rules only (as [`classify`](crate::classify)).
    pub fn new() -> Self {
        Classifier { rules: None }
    }

    /// A classifier with `rules` read before the built-in ones.
    pub fn with_rules(rules: Rules) -> Self {
        Classifier { rules: Some(rules) }
    }

    /// The user's rules, if any.
    pub fn user_rules(&self) -> Option<&Rules> {
        self.rules.as_ref()
    }

    /// Classifies one reply (see [`classify`](crate::classify)).
    pub fn classify<B: AsRef<[u8]> + ?Sized>(&self, input: &B) -> Classification {
        self.classify_with(input, Context::new())
    }

    /// Classifies one reply with what the caller knows (see
    /// [`classify_with`](crate::classify_with)).
    pub fn classify_with<B: AsRef<[u8]> + ?Sized>(
        &self,
        input: &B,
        context: Context,
    ) -> Classification {
        match &self.rules {
            None => classify_in(input.as_ref(), context, None),
            Some(r) => classify_in(input.as_ref(), context, Some(&r.tables())),
        }
    }

    /// Classifies a session that ended with no reply (see
    /// [`classify_no_reply`](crate::classify_no_reply)).
    pub fn classify_no_reply<B: AsRef<[u8]> + ?Sized>(
        &self,
        failure: NoReply,
        detail: &B,
        context: Context,
    ) -> Classification {
        match &self.rules {
            None => classify_no_reply_in(failure, detail.as_ref(), context, None),
            Some(r) => classify_no_reply_in(failure, detail.as_ref(), context, Some(&r.tables())),
        }
    }

    /// Parses a bounce message (see [`bounce::parse`](crate::bounce::parse)), classifying
    /// its recipients' diagnostics with these rules.
    #[cfg(feature = "bounce")]
    pub fn parse_bounce<B: AsRef<[u8]> + ?Sized>(
        &self,
        raw: &B,
    ) -> Result<crate::bounce::Report, crate::bounce::BounceError> {
        let raw = raw.as_ref();
        self.parse_bounce_head(raw, raw.len())
    }

    /// Like [`parse_bounce`](Self::parse_bounce) for the start of a longer message (see
    /// [`bounce::parse_head`](crate::bounce::parse_head)).
    #[cfg(feature = "bounce")]
    pub fn parse_bounce_head<B: AsRef<[u8]> + ?Sized>(
        &self,
        head: &B,
        size: usize,
    ) -> Result<crate::bounce::Report, crate::bounce::BounceError> {
        let user = self.rules.as_ref().map(Rules::tables);
        crate::bounce::parse_in(head.as_ref(), size, user.as_ref())
    }
}
