//! Rules over the reply text: the data model (`data/rules.tsv`, `data/providers.tsv`,
//! `data/commands.tsv`, `data/context.tsv`), the rule language ([`lang`]), the matcher
//! ([`engine`]) and the rules a user adds at run time ([`user`]).
//!
//! A rule's pattern is made of words (see `data/README.md`). The build script compiles the
//! built-in rules into static tables: a vocabulary with its hash table, the sequences of
//! words each anchored on one of its words, and the rows (one per alternative of a rule) with
//! their terms and conditions. A classification reads the reply once, token by token; each
//! token that anchors a sequence is verified against the tokens around it, and a matched
//! sequence sets its term's bit. Then only the rows that use a term that matched are checked,
//! in precedence order. Nothing is allocated per classification and the work is linear in the
//! input.

use crate::code::ReplyCode;
use crate::enhanced::EnhancedCode;
use crate::macros::named_enum;
use crate::model::{Command, Outcome, Reason};
use crate::provider::Provider;
use crate::words;

pub(crate) mod engine;
pub(crate) mod lang;
pub(crate) mod user;

use engine::{Hits, Lane, Tables};

named_enum! {
    /// The kind of a text rule, and its place in the precedence order.
    ///
    /// A reason is decided by, in this order: a provider rule, a phrase rule, the enhanced
    /// status code, the basic reply code, a generic rule, the enhanced code's subject, and
    /// finally the class alone (`undetermined`). Hints decide no reason.
    pub enum Tier ("tier") {
        /// A rule for one provider's own wording or codes (`[TSS04]`, `IB607`, `S3150`).
        Provider = "provider",
        /// A specific phrase that servers use ("user unknown", "mailbox full").
        Phrase = "phrase",
        /// A generic word that decides only when nothing more specific did ("rejected").
        Generic = "generic",
        /// Tells which provider wrote the reply (`- gsmtp`, `protection.outlook.com`).
        ProviderHint = "provider_hint",
        /// Tells which SMTP command the reply answered (`(in reply to RCPT TO command)`).
        CommandHint = "command_hint",
    }
}

/// Conditions on the parsed codes and the context; zero or `None` means "any".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct When {
    /// Bit `d` set: the reply's class digit may be `d`.
    pub(crate) classes: u8,
    pub(crate) code: u16,
    /// (class, subject, detail); class 0 means any class.
    pub(crate) enhanced: Option<(u8, u16, u16)>,
    /// Bit `i` set: the command may be `Command::ALL[i]`.
    pub(crate) commands: u16,
    pub(crate) provider: Option<Provider>,
    /// The input must have neither a reply code nor an enhanced code.
    pub(crate) no_code: bool,
}

/// A rule from `data/rules.tsv` (or a hint from `data/providers.tsv`, `data/commands.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub(crate) id: &'static str,
    pub(crate) tier: Tier,
    pub(crate) pattern: &'static str,
    pub(crate) reason: Option<Reason>,
    pub(crate) provider: Option<Provider>,
    pub(crate) provider_code: Option<&'static str>,
    pub(crate) command: Option<Command>,
    pub(crate) when: When,
    pub(crate) conditions: &'static str,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) explanation: &'static str,
    pub(crate) fix: &'static str,
    pub(crate) source: &'static str,
}

impl Rule {
    /// The rule's id, such as `gmail.no_such_user` (unique).
    pub const fn id(&self) -> &'static str {
        self.id
    }
    /// The rule's kind and precedence tier.
    pub const fn tier(&self) -> Tier {
        self.tier
    }
    /// The reason it decides (`None` for hints).
    pub const fn reason(&self) -> Option<Reason> {
        self.reason
    }
    /// The provider it belongs to, if any.
    pub const fn provider(&self) -> Option<Provider> {
        self.provider
    }
    /// The provider's own code for this case (`TSS04`, `IB607`, `S3150`), if any.
    pub const fn provider_code(&self) -> Option<&'static str> {
        self.provider_code
    }
    /// The command a command hint stands for.
    pub const fn command(&self) -> Option<Command> {
        self.command
    }
    /// The rule's conditions on the codes and the context, as written in its file
    /// (`code=552 command=rcpt`); empty when it has none.
    pub const fn conditions(&self) -> &'static str {
        self.conditions
    }
    /// An outcome that overrides the class digit (RFC 5321 §4.5.3.1.10: a 552 for too many
    /// recipients is transient).
    pub const fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }
    /// A rule-specific explanation; empty when the reason's text applies.
    pub const fn explanation(&self) -> &'static str {
        self.explanation
    }
    /// A rule-specific fix; empty when the reason's text applies.
    pub const fn fix(&self) -> &'static str {
        self.fix
    }
    /// Where the wording comes from.
    pub const fn source(&self) -> &'static str {
        self.source
    }
    /// The pattern of this alternative of the rule, in the rule language (`data/README.md`):
    /// its terms joined by `&&`.
    pub const fn pattern(&self) -> &'static str {
        self.pattern
    }
}

/// Every text rule and hint, in precedence order (provider, phrase, generic rules, then
/// provider hints and command hints), each tier in file order.
pub fn rules() -> &'static [Rule] {
    &crate::tables::RULES
}

/// A refinement by the SMTP command (`data/context.tsv`): a reason given in reply to this
/// command becomes another one (a "user unknown" after DATA is a content filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextRule {
    pub(crate) id: &'static str,
    pub(crate) command: Command,
    pub(crate) from: Reason,
    pub(crate) to: Reason,
    pub(crate) explanation: &'static str,
    pub(crate) source: &'static str,
}

impl ContextRule {
    /// The rule's id.
    pub const fn id(&self) -> &'static str {
        self.id
    }
    /// The command.
    pub const fn command(&self) -> Command {
        self.command
    }
    /// The reason found from the text and codes.
    pub const fn from(&self) -> Reason {
        self.from
    }
    /// The reason it becomes after that command.
    pub const fn to(&self) -> Reason {
        self.to
    }
    /// Why.
    pub const fn explanation(&self) -> &'static str {
        self.explanation
    }
    /// Where it comes from.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

/// Every context refinement.
pub fn context_rules() -> &'static [ContextRule] {
    &crate::tables::CONTEXT_RULES
}

pub(crate) fn context_rule(command: Command, from: Reason) -> Option<&'static ContextRule> {
    crate::tables::CONTEXT_RULES
        .iter()
        .find(|c| c.command == command && c.from == from)
}

/// The built-in rule set's tables (compiled by the build script).
pub(crate) static BUILTIN: Tables<'static> = crate::tables::BUILTIN;

/// Touches the built-in tables now: they are compiled into the binary; this only spares the
/// first classification the page faults of reading them.
pub(crate) fn warm_up() {
    let sum = BUILTIN
        .slots
        .iter()
        .step_by(4096 / std::mem::size_of::<u64>())
        .fold(0u64, |a, &b| a.wrapping_add(b));
    std::hint::black_box(sum);
}

/// The most rows listed as candidates; past it every row is checked.
const MAX_CANDIDATES: usize = 160;

/// A short sorted list of row indices, on the stack.
// In declaration order: see `Scan`.
#[repr(C)]
pub(crate) struct Candidates {
    ids: [u16; MAX_CANDIDATES],
    len: usize,
}

impl Candidates {
    fn new() -> Self {
        Candidates {
            ids: [0; MAX_CANDIDATES],
            len: 0,
        }
    }

    /// Lists the rows that use the terms in `hits`; false when they do not fit.
    fn fill(&mut self, t: &Tables<'_>, hits: &Hits) -> bool {
        let Some(terms) = hits.terms() else {
            return false;
        };
        self.len = 0;
        for &term in terms {
            let (lo, hi) = t.term_rows[usize::from(term)];
            for &r in &t.term_row_ids[lo as usize..hi as usize] {
                if self.len == MAX_CANDIDATES {
                    return false;
                }
                self.ids[self.len] = r as u16;
                self.len += 1;
            }
        }
        let ids = &mut self.ids[..self.len];
        ids.sort_unstable();
        let mut n = 0;
        for i in 0..ids.len() {
            if i == 0 || ids[i] != ids[i - 1] {
                ids[n] = ids[i];
                n += 1;
            }
        }
        self.len = n;
        true
    }
}

/// The facts a rule's conditions are checked against.
#[derive(Clone, Copy)]
pub(crate) struct Facts {
    pub(crate) code: Option<ReplyCode>,
    pub(crate) enhanced: Option<EnhancedCode>,
    pub(crate) command: Option<Command>,
    pub(crate) provider: Option<Provider>,
}

/// What the scan of one input established for one rule set: the terms found and the rows
/// that use them.
// In declaration order (with `Lane`, `Hits` and `Candidates`), the fields that start at zero
// first and together: fewer and larger stretches to zero per classification (-0.22 %
// instructions on the first 20k lines of lines-1m, callgrind).
#[repr(C)]
pub(crate) struct Scan<'t> {
    lane: Lane<'t>,
    candidates: Candidates,
    /// Too many terms or rows to list: every row is checked.
    all: bool,
    t: &'t Tables<'t>,
    /// The input and where the reply starts in it, for the literals looked for only when a
    /// rule needs them.
    input: &'t [u8],
    reply_from: usize,
    /// Literals (by index, the first 64) already looked for, found, found in the reply.
    lazy: std::cell::Cell<[u64; 3]>,
}

impl<'t> Scan<'t> {
    /// An empty scan of the rule set `t`, to be filled by [`scan`].
    pub(crate) fn new(t: &'t Tables<'t>, input: &'t [u8]) -> Self {
        Scan {
            t,
            lane: Lane::new(t),
            candidates: Candidates::new(),
            all: false,
            input,
            reply_from: 0,
            lazy: std::cell::Cell::new([0; 3]),
        }
    }

    /// Did the term occur (in the reply itself when `in_reply`)? A literal that is not
    /// searched for in every input is searched for now, once.
    fn has(&self, term: u32, in_reply: bool) -> bool {
        if self.lane.hits.has(term, in_reply) {
            return true;
        }
        let lit = self.t.term_literal[term as usize];
        if lit == 0 {
            return false;
        }
        let (s, e, _, eager) = self.t.literals[lit as usize - 1];
        if eager {
            return false;
        }
        let k = lit as usize - 1;
        let [mut done, mut found, mut reply] = self.lazy.get();
        let bit = 1u64 << (k % 64);
        if k >= 64 || done & bit == 0 {
            let text = &self.t.literal_text[s as usize..e as usize];
            let at = engine::find_ci(self.input, text);
            if k < 64 {
                done |= bit;
                if let Some(at) = at {
                    found |= bit;
                    if at >= self.reply_from {
                        reply |= bit;
                    }
                }
                self.lazy.set([done, found, reply]);
            } else {
                return at.is_some_and(|at| !in_reply || at >= self.reply_from);
            }
        }
        if in_reply {
            reply & bit != 0
        } else {
            found & bit != 0
        }
    }

    /// The first row (in precedence order) of `want` tiers whose terms all occurred (in the
    /// reply itself when `in_reply`) and whose conditions hold.
    pub(crate) fn best(
        &self,
        facts: &Facts,
        in_reply: bool,
        want: impl Fn(Tier) -> bool,
    ) -> Option<&'t Rule> {
        let t = self.t;
        let fits = |i: usize| {
            let rule = &t.rows[i];
            want(rule.tier) && self.satisfied(i, facts, in_reply)
        };
        if self.all {
            (0..t.rows.len()).find(|&i| fits(i)).map(|i| &t.rows[i])
        } else {
            // Row indices are in precedence order: the first that fits is the best.
            self.candidates.ids[..self.candidates.len]
                .iter()
                .map(|&r| usize::from(r))
                .find(|&i| fits(i))
                .map(|i| &t.rows[i])
        }
    }

    fn satisfied(&self, row: usize, f: &Facts, in_reply: bool) -> bool {
        let t = self.t;
        let (lo, hi) = t.row_terms[row];
        if !t.row_term_ids[lo as usize..hi as usize]
            .iter()
            .all(|&term| self.has(term, in_reply))
        {
            return false;
        }
        let w = &t.rows[row].when;
        let class = f
            .code
            .map(|c| c.class_digit())
            .or(f.enhanced.map(|e| e.class().digit()));
        if w.no_code && (f.code.is_some() || f.enhanced.is_some()) {
            return false;
        }
        // A rule that says nothing failed (a feedback report) does not decide a failure code,
        // unless it also sets the outcome (a delay warning is transient).
        let rule = &t.rows[row];
        if rule.reason == Some(Reason::None)
            && rule.outcome.is_none()
            && class.is_some_and(|c| c >= 4)
        {
            return false;
        }
        if w.classes != 0 && class.is_none_or(|c| w.classes & (1 << c) == 0) {
            return false;
        }
        if w.code != 0 && f.code.map(ReplyCode::as_u16) != Some(w.code) {
            return false;
        }
        if let Some((c, s, d)) = w.enhanced {
            match f.enhanced {
                Some(e)
                    if (c == 0 || c == e.class().digit())
                        && e.subject() == s
                        && e.detail() == d => {}
                _ => return false,
            }
        }
        if w.commands != 0 && f.command.is_none_or(|c| w.commands & (1 << c as u16) == 0) {
            return false;
        }
        if w.provider.is_some() && w.provider != f.provider {
            return false;
        }
        true
    }
}

/// Reads `input` once for the built-in rules and, when there is one, a user's rule set.
/// `reply_from` is where the reply code starts (0 without one); `marker` is the code of a
/// multi-line reply, whose repetitions as line prefixes are skipped.
pub(crate) fn scan<'t>(
    builtin: &mut Scan<'t>,
    user: Option<&mut Scan<'t>>,
    input: &[u8],
    reply_from: usize,
    marker: Option<ReplyCode>,
) {
    builtin.reply_from = reply_from;
    match user {
        None => engine::scan(input, reply_from, marker, &mut [&mut builtin.lane]),
        Some(u) => {
            u.reply_from = reply_from;
            engine::scan(
                input,
                reply_from,
                marker,
                &mut [&mut u.lane, &mut builtin.lane],
            );
            u.all = !u.candidates.fill(u.t, &u.lane.hits);
        }
    }
    builtin.all = !builtin.candidates.fill(builtin.t, &builtin.lane.hits);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms_of(input: &str) -> Vec<&'static str> {
        let mut s = Scan::new(&BUILTIN, input.as_bytes());
        let found = crate::parse::scan(input.as_bytes());
        scan(
            &mut s,
            None,
            input.as_bytes(),
            0,
            found.code.filter(|_| found.multiline),
        );
        let mut v: Vec<&'static str> = (0..BUILTIN.rows.len())
            .filter(|&i| {
                let (lo, hi) = BUILTIN.row_terms[i];
                BUILTIN.row_term_ids[lo as usize..hi as usize]
                    .iter()
                    .all(|&t| s.lane.hits.has(t, false))
            })
            .map(|i| BUILTIN.rows[i].id)
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn finds_words_across_lines_and_prefixes() {
        assert!(terms_of("550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking").contains(&"gmail.no_such_user"));
        assert!(
            terms_of("550 5.1.1 <a@b.c>: Recipient address rejected: User unknown")
                .contains(&"phrase.user_unknown")
        );
    }
}

/// The matcher's view of an input, for the crate's own tests of the engine against the
/// reference implementation of the rule language (`tests/engine.rs`). Not part of the API.
#[doc(hidden)]
pub mod probe {
    use super::user::Rules;
    use super::{BUILTIN, Scan, scan};
    use crate::words::{self, Scratch};

    /// The tokens of `input`: start, end, kind name and the hash of the folded text.
    pub fn tokens(input: &[u8]) -> Vec<(usize, usize, &'static str, u64)> {
        let mut out = Vec::new();
        words::tokenize(input, &mut Scratch::default(), &mut |t| {
            out.push((t.start, t.end, t.kind.name(), t.hash));
        });
        out
    }

    /// How many tokens `input` has (for profiling the tokenizer alone).
    pub fn count_tokens(input: &[u8]) -> usize {
        let mut n = 0;
        words::tokenize(input, &mut Scratch::default(), &mut |_| n += 1);
        n
    }

    /// Reads `input` for the built-in rules (for profiling the matcher without the
    /// decision): how many terms it found.
    pub fn scan_only(input: &[u8]) -> usize {
        let found = crate::parse::scan(input);
        let from = if found.code.is_some() { found.at } else { 0 };
        let mut s = Scan::new(&BUILTIN, input);
        scan(
            &mut s,
            None,
            input,
            from,
            found.code.filter(|_| found.multiline),
        );
        s.lane.hits.terms().map_or(0, <[u16]>::len)
    }

    /// The hash of a folded text, as the matcher computes it.
    pub fn hash(text: &[u8]) -> u64 {
        words::hash(text)
    }

    /// Where the reply starts in `input` (0 without a reply code) and the code of a
    /// multi-line reply, as the classifier computes them.
    pub fn reply_start(input: &[u8]) -> (usize, Option<String>) {
        let found = crate::parse::scan(input);
        let from = if found.code.is_some() { found.at } else { 0 };
        let marker = found
            .code
            .filter(|_| found.multiline)
            .map(|c| c.as_str().to_string());
        (from, marker)
    }

    /// For each row of a rule set (the built-in one when `rules` is `None`), in precedence
    /// order: did all of its terms occur in `input`, and all in the reply itself?
    pub fn rows(rules: Option<&Rules>, input: &[u8]) -> Vec<(bool, bool)> {
        let user = rules.map(Rules::tables);
        let t = user.as_ref().unwrap_or(&BUILTIN);
        let found = crate::parse::scan(input);
        let from = if found.code.is_some() { found.at } else { 0 };
        let mut s = Scan::new(t, input);
        scan(
            &mut s,
            None,
            input,
            from,
            found.code.filter(|_| found.multiline),
        );
        (0..t.rows.len())
            .map(|row| {
                let (lo, hi) = t.row_terms[row];
                let terms = &t.row_term_ids[lo as usize..hi as usize];
                (
                    terms.iter().all(|&term| s.has(term, false)),
                    terms.iter().all(|&term| s.has(term, true)),
                )
            })
            .collect()
    }
}
