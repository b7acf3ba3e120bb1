//! Rules over the reply text: the data model (`data/rules.tsv`, `data/providers.tsv`,
//! `data/commands.tsv`, `data/context.tsv`) and the matcher that evaluates them.
//!
//! Every rule term is a literal phrase. All literals are compiled once, on first use, into
//! one Aho-Corasick DFA; a classification normalizes the input (ASCII lower case, runs of
//! white space to one space, repeated multi-line prefixes such as `550-5.7.1` removed) into
//! a buffer on the stack, in chunks, and runs the DFA over it. Matched terms go into a bit
//! set; then only the rules that use a matched term are checked. Nothing is allocated per
//! classification and the work is linear in the input.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::code::ReplyCode;
use crate::enhanced::EnhancedCode;
use crate::macros::named_enum;
use crate::model::{Command, Outcome, Reason};
use crate::provider::Provider;
use crate::tables::{
    LITERAL_TERMS, LITERALS, MAX_LITERAL_LEN, RULES, TERM_RULES, TERM_WORDS, TERMS,
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

fn matcher() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(LITERALS.iter())
            .expect("the rule literals are validated at build time")
    })
}

/// Builds the matcher now rather than on the first classification.
pub(crate) fn warm_up() {
    let _ = matcher();
}

const BUF: usize = 1024;
const MAX_LIST: usize = 192;

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
    /// Normalizes `input` chunk by chunk and records every term that occurs.
    /// `marker` is the reply code whose later repetitions (multi-line prefixes) are skipped.
    pub(crate) fn run(input: &[u8], marker: Option<(usize, ReplyCode)>) -> Scan {
        let ac = matcher();
        let mut hits = Hits::new();
        let mut norm = Normalizer::new(input, marker);
        let mut buf = [0u8; BUF];
        let overlap = MAX_LITERAL_LEN + 1;
        let mut len = 0;
        let mut base = 0;
        let mut first = true;
        loop {
            len = norm.fill(&mut buf, len, base);
            let last = norm.done();
            let reply_at = norm.reply_at.unwrap_or(usize::MAX);
            for m in ac.find_overlapping_iter(&buf[..len]) {
                let (s, e) = (m.start(), m.end());
                // Matches touching a chunk edge are judged in the chunk that has both sides.
                if (!first && s == 0) || (!last && e == len) {
                    continue;
                }
                let lit = m.pattern().as_usize();
                let (lo, hi) = LITERAL_TERMS[lit];
                for &t in &crate::tables::LITERAL_TERM_IDS[usize::from(lo)..usize::from(hi)] {
                    let term = TERMS[usize::from(t)];
                    if term.left && s > 0 && is_word(buf[s - 1]) {
                        continue;
                    }
                    if term.right && e < len && is_word(buf[e]) {
                        continue;
                    }
                    hits.set(t, base + s >= reply_at);
                }
            }
            if last {
                break;
            }
            buf.copy_within(len - overlap..len, 0);
            base += len - overlap;
            len = overlap;
            first = false;
        }
        Scan { hits }
    }

    /// The first rule (in precedence order) of `want` tiers whose terms all occurred (in the
    /// reply itself when `in_reply`) and whose conditions hold.
    pub(crate) fn best(
        &self,
        facts: &Facts,
        in_reply: bool,
        want: impl Fn(Tier) -> bool,
    ) -> Option<&'static Rule> {
        let mut best = usize::MAX;
        let mut consider = |r: usize| {
            if r < best {
                let rule = &RULES[r];
                if want(rule.tier) && self.satisfied(rule, facts, in_reply) {
                    best = r;
                }
            }
        };
        if self.hits.overflow {
            (0..RULES.len()).for_each(&mut consider);
        } else {
            for &t in &self.hits.list[..self.hits.len] {
                let (lo, hi) = TERM_RULES[usize::from(t)];
                for &r in &crate::tables::TERM_RULE_IDS[usize::from(lo)..usize::from(hi)] {
                    consider(usize::from(r));
                }
            }
        }
        RULES.get(best)
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
    marker: Option<(usize, [u8; 3])>,
    /// The normalized offset where the reply code starts (0 without a code).
    reply_at: Option<usize>,
}

impl<'a> Normalizer<'a> {
    fn new(input: &'a [u8], marker: Option<(usize, ReplyCode)>) -> Self {
        let marker = marker.map(|(at, c)| {
            let d = c.as_str().as_bytes();
            (at, [d[0], d[1], d[2]])
        });
        Normalizer {
            input,
            pos: 0,
            space: true,
            reply_at: if marker.is_none() { Some(0) } else { None },
            marker,
        }
    }

    fn done(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Length of a continuation prefix at `i` (the code, `-` or space, an optional enhanced
    /// code and its space), or 0.
    fn prefix_len(&self, i: usize) -> usize {
        let Some((at, code)) = self.marker else {
            return 0;
        };
        let b = self.input;
        if i <= at || b.get(i..i + 3) != Some(&code[..]) {
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
    /// is the normalized offset of `buf[0]`.
    fn fill(&mut self, buf: &mut [u8; BUF], mut len: usize, base: usize) -> usize {
        let b = self.input;
        while self.pos < b.len() && len < BUF {
            if self.reply_at.is_none() && self.marker.is_some_and(|(at, _)| self.pos >= at) {
                self.reply_at = Some(base + len);
            }
            let c = b[self.pos];
            if crate::parse::is_space(c) || c < 0x20 || c == 0x7f {
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
                if len > 0 {
                    buf[len] = b' ';
                    len += 1;
                    self.space = false;
                    continue;
                }
                self.space = false;
            }
            buf[len] = c.to_ascii_lowercase();
            len += 1;
            self.pos += 1;
        }
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(s: &str, code: Option<u16>) -> String {
        let marker = code.map(|c| (0, ReplyCode::new(c).unwrap()));
        let mut n = Normalizer::new(s.as_bytes(), marker);
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
