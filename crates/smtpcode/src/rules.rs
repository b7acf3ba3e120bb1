//! Rules over the reply text: the data model (`data/rules.tsv`, `data/providers.tsv`,
//! `data/commands.tsv`, `data/context.tsv`) and the matcher that evaluates them.
//!
//! Every rule term is a literal phrase, matched case-insensitively, with any run of white
//! space read as one space. The first `ANCHOR_LEN` bytes of every literal (its anchor) are
//! compiled at build time into one Aho-Corasick DFA (constructed by the `aho-corasick` crate
//! in `build.rs`, stored as static tables). A classification walks the input
//! through it (in place, or, when the input has control bytes, runs of spaces or multi-line
//! prefixes such as `550-5.7.1`, after normalizing it chunk by chunk into a buffer on the
//! stack); each anchor found is completed into its literals by comparing the rest of the
//! bytes. Matched terms go into a bit set; then only the rules that use a matched term are
//! checked. Nothing is allocated per classification and the work is linear in the input.

use crate::code::ReplyCode;
use crate::enhanced::EnhancedCode;
use crate::macros::named_enum;
use crate::model::{Command, Outcome, Reason};
use crate::provider::Provider;
use crate::tables::{
    ANCHOR_LEN, ANCHOR_LITERAL_IDS, ANCHOR_LITERALS, ANCHORS, DFA_CLASS, DFA_MATCH_ANCHORS,
    DFA_MATCH_STATES, DFA_MATCHES, DFA_SHIFT, DFA_START, DFA_TRANS, LITERAL_TERMS, LITERALS,
    MAX_LITERAL_LEN, RULES, TERM_RULES, TERM_WORDS, TERMS,
};

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

/// One literal of a rule, with optional word boundaries (`\b` in the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Term {
    pub(crate) literal: u16,
    pub(crate) left: bool,
    pub(crate) right: bool,
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
    pub(crate) terms: &'static [u16],
    pub(crate) reason: Option<Reason>,
    pub(crate) provider: Option<Provider>,
    pub(crate) provider_code: Option<&'static str>,
    pub(crate) command: Option<Command>,
    pub(crate) when: When,
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
    /// The literal phrases that must all occur (lower case, as matched).
    pub fn terms(&self) -> impl Iterator<Item = &'static str> {
        self.terms
            .iter()
            .map(|&t| LITERALS[usize::from(TERMS[usize::from(t)].literal)])
    }
}

/// Every text rule and hint, in precedence order (provider, phrase, generic rules, then
/// provider hints and command hints), each tier in file order.
pub fn rules() -> &'static [Rule] {
    &RULES
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

/// One step of the anchors' DFA (compiled at build time, see `build.rs`): the state after
/// reading byte `c` in state `s`.
#[inline(always)]
fn step(s: usize, c: u8) -> usize {
    let i = (s << DFA_SHIFT) | usize::from(DFA_CLASS[usize::from(c)]);
    // The table's length is a power of two: the mask keeps the index in bounds.
    usize::from(DFA_TRANS[i & (DFA_TRANS.len() - 1)])
}

/// True when some anchors end at state `s` (match states have the lowest numbers).
#[inline(always)]
fn is_match(s: usize) -> bool {
    s < DFA_MATCH_STATES
}

/// Touches every page of the DFA so that the first classification does not pay for the page
/// faults of its tables.
pub(crate) fn warm_up() {
    let sum = DFA_TRANS
        .iter()
        .step_by(4096 / std::mem::size_of::<u16>())
        .fold(0u16, |a, &b| a.wrapping_add(b));
    std::hint::black_box(sum);
}

/// Calls `found(end, state)` for every position where a match state is reached. A DFA walk
/// is a chain of dependent table lookups, so a longer text is cut into four parts
/// (overlapping by an anchor's length) walked in lock step: four independent chains.
#[inline]
fn walk(text: &[u8], found: &mut impl FnMut(usize, usize)) {
    // Four parts only pay off when each is much longer than the overlap.
    if text.len() < 6 * ANCHOR_LEN {
        let mut s = DFA_START;
        for (i, &c) in text.iter().enumerate() {
            s = step(s, c);
            if is_match(s) {
                found(i + 1, s);
            }
        }
        return;
    }
    let q = text.len() / 4;
    let back = ANCHOR_LEN - 1;
    let from = [0, q - back, 2 * q - back, 3 * q - back];
    let to = [q, 2 * q, 3 * q, text.len()];
    let (a, b, c, d) = (
        &text[from[0]..from[0] + q],
        &text[from[1]..from[1] + q],
        &text[from[2]..from[2] + q],
        &text[from[3]..from[3] + q],
    );
    let mut s = [DFA_START; 4];
    for (j, (((&ca, &cb), &cc), &cd)) in a.iter().zip(b).zip(c).zip(d).enumerate() {
        s = [
            step(s[0], ca),
            step(s[1], cb),
            step(s[2], cc),
            step(s[3], cd),
        ];
        if is_match(s[0].min(s[1]).min(s[2]).min(s[3])) {
            for k in 0..4 {
                if is_match(s[k]) {
                    found(from[k] + j + 1, s[k]);
                }
            }
        }
    }
    for k in 0..4 {
        let mut sk = s[k];
        for (i, &c) in text.iter().enumerate().take(to[k]).skip(from[k] + q) {
            sk = step(sk, c);
            if is_match(sk) {
                found(i + 1, sk);
            }
        }
    }
}

/// True when the normalizer would change more than letter case: control bytes (CR, LF, tab,
/// NUL...) or runs of spaces. Without them the input is scanned in place.
fn needs_normalizing(input: &[u8]) -> bool {
    let Some((&last, _)) = input.split_last() else {
        return false;
    };
    let odd = |c: u8| (c < b' ') | (c == 0x7f);
    input
        .iter()
        .zip(&input[1..])
        .fold(odd(last), |acc, (&a, &b)| {
            acc | odd(a) | ((a == b' ') & (b == b' '))
        })
}

const BUF: usize = 1024;
const MAX_LIST: usize = 96;

/// The terms found in one input.
pub(crate) struct Hits {
    bits: [u64; TERM_WORDS],
    /// The terms found in the reply itself: from the reply code on (the whole input when
    /// there is no code), as opposed to the reporting MTA's words in front of it.
    reply_bits: [u64; TERM_WORDS],
    list: [u16; MAX_LIST],
    len: usize,
    overflow: bool,
}

impl Hits {
    fn new() -> Self {
        Hits {
            bits: [0; TERM_WORDS],
            reply_bits: [0; TERM_WORDS],
            list: [0; MAX_LIST],
            len: 0,
            overflow: false,
        }
    }

    fn set(&mut self, term: u16, in_reply: bool) {
        let (w, b) = (usize::from(term) / 64, term % 64);
        if in_reply {
            self.reply_bits[w] |= 1 << b;
        }
        if self.bits[w] & (1 << b) == 0 {
            self.bits[w] |= 1 << b;
            if self.len < MAX_LIST {
                self.list[self.len] = term;
                self.len += 1;
            } else {
                self.overflow = true;
            }
        }
    }

    /// Completes the anchors matched at `end` into literals and records their terms.
    /// `first`/`last` say whether `text` is the first/last chunk of the input: a match that
    /// touches the edge of a chunk is left to the chunk that holds both its sides.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn record(
        &mut self,
        text: &[u8],
        end: usize,
        state: usize,
        reply_at: usize,
        first: bool,
        last: bool,
    ) {
        let (mlo, mhi) = DFA_MATCHES[state];
        for &anchor in &DFA_MATCH_ANCHORS[usize::from(mlo)..usize::from(mhi)] {
            let anchor = usize::from(anchor);
            let rest = ANCHORS[anchor].len();
            let start = end - rest;
            if !first && start == 0 {
                continue;
            }
            let (lo, hi) = ANCHOR_LITERALS[anchor];
            for &lit in &ANCHOR_LITERAL_IDS[usize::from(lo)..usize::from(hi)] {
                let literal = LITERALS[usize::from(lit)].as_bytes();
                let stop = start + literal.len();
                if stop > text.len() || (!last && stop == text.len()) {
                    continue;
                }
                if !text[end..stop].eq_ignore_ascii_case(&literal[rest..]) {
                    continue;
                }
                let (tlo, thi) = LITERAL_TERMS[usize::from(lit)];
                for &t in &crate::tables::LITERAL_TERM_IDS[usize::from(tlo)..usize::from(thi)] {
                    let term = TERMS[usize::from(t)];
                    if term.left && start > 0 && is_word(text[start - 1]) {
                        continue;
                    }
                    if term.right && stop < text.len() && is_word(text[stop]) {
                        continue;
                    }
                    self.set(t, start >= reply_at);
                }
            }
        }
    }

    fn has(&self, term: u16, in_reply: bool) -> bool {
        let bits = if in_reply {
            &self.reply_bits
        } else {
            &self.bits
        };
        bits[usize::from(term) / 64] & (1 << (term % 64)) != 0
    }
}

/// What the scan of one input established.
pub(crate) struct Scan {
    hits: Hits,
    /// The rules that use at least one of the terms found, sorted (precedence order), unless
    /// there were too many to list (`all`) and every rule must be checked.
    candidates: Candidates,
    all: bool,
}

const MAX_CANDIDATES: usize = 160;

/// A short sorted list of rule indices, on the stack.
pub(crate) struct Candidates {
    ids: [u16; MAX_CANDIDATES],
    len: usize,
}

impl Candidates {
    /// Lists the rules that use the terms in `hits`; false when they do not fit.
    fn fill(&mut self, hits: &Hits) -> bool {
        if hits.overflow {
            return false;
        }
        self.len = 0;
        for &t in &hits.list[..hits.len] {
            let (lo, hi) = TERM_RULES[usize::from(t)];
            for &r in &crate::tables::TERM_RULE_IDS[usize::from(lo)..usize::from(hi)] {
                if self.len == MAX_CANDIDATES {
                    return false;
                }
                self.ids[self.len] = r;
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

    fn iter(&self) -> impl Iterator<Item = &u16> {
        self.ids[..self.len].iter()
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

impl Scan {
    /// Records every term that occurs in `input`. `reply_from` is where the reply code
    /// starts (0 without one); `marker` is the code of a multi-line reply, whose repetitions
    /// as line prefixes (`550-5.7.1`) are skipped. Input with control bytes, runs of spaces or
    /// line prefixes is normalized first, chunk by chunk, into a buffer on the stack; any
    /// other input is scanned in place.
    ///
    /// Called once on a [`Scan::new`]: the scan is filled in place (it is about a kilobyte, and
    /// returning it would copy it).
    pub(crate) fn run(&mut self, input: &[u8], reply_from: usize, marker: Option<ReplyCode>) {
        let hits = &mut self.hits;
        if marker.is_none() && !needs_normalizing(input) {
            walk(input, &mut |end, state| {
                hits.record(input, end, state, reply_from, true, true);
            });
            self.all = !self.candidates.fill(&self.hits);
            return;
        }
        let mut norm = Normalizer::new(input, reply_from, marker);
        let mut buf = [0u8; BUF];
        let overlap = MAX_LITERAL_LEN + 1;
        let mut len = 0;
        let mut base = 0;
        let mut first = true;
        loop {
            len = norm.fill(&mut buf, len, base);
            let last = norm.done();
            let reply_at = norm.reply_at.map_or(usize::MAX, |r| r.saturating_sub(base));
            let text = &buf[..len];
            walk(text, &mut |end, state| {
                hits.record(text, end, state, reply_at, first, last);
            });
            if last {
                break;
            }
            buf.copy_within(len - overlap..len, 0);
            base += len - overlap;
            len = overlap;
            first = false;
        }
        self.all = !self.candidates.fill(&self.hits);
    }

    /// An empty scan, to be filled by [`Scan::run`].
    pub(crate) fn new() -> Scan {
        Scan {
            hits: Hits::new(),
            candidates: Candidates {
                ids: [0; MAX_CANDIDATES],
                len: 0,
            },
            all: false,
        }
    }

    /// The first rule (in precedence order) of `want` tiers whose terms all occurred (in the
    /// reply itself when `in_reply`) and whose conditions hold.
    pub(crate) fn best(
        &self,
        facts: &Facts,
        in_reply: bool,
        want: impl Fn(Tier) -> bool,
    ) -> Option<&'static Rule> {
        let fits = |rule: &Rule| want(rule.tier) && self.satisfied(rule, facts, in_reply);
        if self.all {
            RULES.iter().find(|rule| fits(rule))
        } else {
            // Rule indices are in precedence order: the first that fits is the best.
            self.candidates
                .iter()
                .map(|&r| &RULES[usize::from(r)])
                .find(|rule| fits(rule))
        }
    }

    fn satisfied(&self, rule: &Rule, f: &Facts, in_reply: bool) -> bool {
        if !rule.terms.iter().all(|&t| self.hits.has(t, in_reply)) {
            return false;
        }
        let w = &rule.when;
        let class = f
            .code
            .map(|c| c.class_digit())
            .or(f.enhanced.map(|e| e.class().digit()));
        if w.no_code && (f.code.is_some() || f.enhanced.is_some()) {
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

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Streams `input` as normalized text: ASCII lower case; any run of white space or control
/// bytes becomes one space; leading white space is dropped; a later repetition of the reply
/// code as a line prefix (`550-`, `550 5.7.1 `) is skipped, so a multi-line reply joined on
/// one line reads as one sentence.
struct Normalizer<'a> {
    input: &'a [u8],
    pos: usize,
    space: bool,
    /// The reply code of a multi-line reply, whose repetitions as line prefixes are skipped.
    marker: Option<[u8; 3]>,
    /// Where the reply starts in the input.
    reply_from: usize,
    /// The normalized offset where the reply starts, once reached.
    reply_at: Option<usize>,
}

impl<'a> Normalizer<'a> {
    fn new(input: &'a [u8], reply_from: usize, marker: Option<ReplyCode>) -> Self {
        let marker = marker.map(|c| {
            let d = c.as_str().as_bytes();
            [d[0], d[1], d[2]]
        });
        Normalizer {
            input,
            pos: 0,
            space: true,
            marker,
            reply_from,
            reply_at: None,
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Length of a continuation prefix at `i` (the code, `-` or space, an optional enhanced
    /// code and its space), or 0.
    fn prefix_len(&self, i: usize) -> usize {
        let Some(code) = self.marker else {
            return 0;
        };
        let b = self.input;
        if i <= self.reply_from || b.get(i..i + 3) != Some(&code[..]) {
            return 0;
        }
        match b.get(i + 3) {
            Some(b'-') => {}
            Some(c) if crate::parse::is_space(*c) => {}
            None => return 3,
            _ => return 0,
        }
        let mut j = i + 4;
        if let Some((_, end)) = crate::parse::enhanced_at(b, j) {
            if b.get(end).is_none_or(|c| crate::parse::is_space(*c)) {
                j = end;
            }
        }
        j - i
    }

    /// Appends normalized bytes to `buf[len..]` until it is full or the input ends; `base`
    /// is the normalized offset of `buf[0]`. Works a token (a run of non-space bytes) at a
    /// time.
    fn fill(&mut self, buf: &mut [u8], mut len: usize, base: usize) -> usize {
        let b = self.input;
        let cap = buf.len();
        while self.pos < b.len() && len < cap {
            if is_separator(b[self.pos]) {
                self.space = true;
                self.pos += 1;
                continue;
            }
            if self.space {
                let skip = self.prefix_len(self.pos);
                if skip > 0 {
                    self.pos += skip;
                    continue;
                }
                self.space = false;
                if len > 0 {
                    buf[len] = b' ';
                    len += 1;
                    if len == cap {
                        break;
                    }
                }
            }
            let start = self.pos;
            let room = (cap - len).min(b.len() - start);
            let token = &b[start..start + room];
            let n = token.iter().position(|&c| is_separator(c)).unwrap_or(room);
            for (dst, &c) in buf[len..len + n].iter_mut().zip(&token[..n]) {
                *dst = c.to_ascii_lowercase();
            }
            if self.reply_at.is_none() && self.reply_from < start + n {
                self.reply_at = Some(base + len + self.reply_from.saturating_sub(start));
            }
            len += n;
            self.pos = start + n;
        }
        len
    }
}

/// White space and control bytes, which the normalizer turns into one space.
fn is_separator(c: u8) -> bool {
    c <= b' ' || c == 0x7f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(s: &str, code: Option<u16>) -> String {
        let marker = code.map(|c| ReplyCode::new(c).unwrap());
        let mut n = Normalizer::new(s.as_bytes(), 0, marker);
        let mut buf = [0u8; BUF];
        let len = n.fill(&mut buf, 0, 0);
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalized("  Mailbox \t\r\n FULL  ", None), "mailbox full");
        assert_eq!(
            normalized(
                "550-5.1.1 The email account that you tried to reach does not exist. Please 550-5.1.1 try double-checking 550 5.1.1 https://x - gsmtp",
                Some(550)
            ),
            "550-5.1.1 the email account that you tried to reach does not exist. please try double-checking https://x - gsmtp"
        );
        assert_eq!(
            normalized("250-first\r\n250-second\r\n250 last", Some(250)),
            "250-first second last"
        );
    }
}
