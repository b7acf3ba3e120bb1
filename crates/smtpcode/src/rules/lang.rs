//! The rule language: a pattern's text, parsed and compiled into flat tables that the matcher
//! walks. The build script compiles the built-in rules with this module; the library compiles
//! a user's rules with it at run time. It depends only on `std` and [`words`](super::words).
//!
//! The language is written down in `data/README.md`. In short:
//!
//! * `user unknown` — words in sequence (split and folded as replies are: `doesn't` is
//!   `does not`, `Mailbox` is `mailbox`);
//! * `(user|recipient|mailbox) unknown` — alternatives, in parentheses: of words, or of
//!   sequences (`(does not exist|unknown)`); a whole term needs none (`unknown user|no such
//!   user`);
//! * `account? suspended`, `(has been)? suspended` — optional;
//! * `mailbox ~3 full` — up to 3 tokens of anything between;
//! * `suspend*` — a word starting with `suspend`;
//! * `<address>`, `<ip>`, `<host>`, `<number>`, `<word>` — any token of that kind;
//! * `outlook.com` — a host name matches itself and the hosts under it;
//! * `does not accept mail !(from)` — not followed by `from`;
//! * `"aup#cxbl"` — a byte literal, matched case-insensitively in the raw text;
//! * `a && b` — both terms, anywhere; `a || b` — either alternative (each its own rule row).

use std::collections::HashMap;

use super::words::{self, Kind, Scratch, prefix_code};

/// The most tokens a sequence can span (its words, gaps, optional words and look-ahead). The
/// matcher keeps this many tokens before and after the one it anchors a sequence on.
pub const MAX_SPAN: usize = 15;

/// The longest stem (`word*`), in bytes of folded text.
pub const MAX_STEM: usize = 8;

/// The longest gap (`~N`).
pub const MAX_GAP: u8 = 9;

/// The most sequences one term may expand into (alternatives of groups and optional groups
/// multiply).
pub const MAX_EXPANSIONS: usize = 256;

/// One thing a token is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// A word or number, by its folded text.
    Word(Vec<u8>),
    /// A host name: itself or a host under it.
    Host(Vec<u8>),
    /// A word starting with this folded text.
    Stem(Vec<u8>),
    /// Any token of this kind.
    Kind(Kind),
}

/// An element of a sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Elem {
    /// One token matching one of the items.
    One(Vec<Item>),
    /// Zero or one such token.
    Opt(Vec<Item>),
    /// Zero to `n` tokens of anything.
    Gap(u8),
    /// Zero width: the tokens that follow match none of these sequences (of `One` elements).
    Not(Vec<Vec<Vec<Item>>>),
}

/// One way a term can match: elements in order.
pub type Seq = Vec<Elem>;

/// A term: a sequence of words (after expansion, any of several sequences), or a literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// Any of these sequences.
    Words(Vec<Seq>),
    /// Bytes, matched case-insensitively in the raw text.
    Literal(Vec<u8>),
}

impl Term {
    /// A text that equal terms share, to keep each term once.
    pub fn key(&self) -> String {
        match self {
            Term::Words(seqs) => seqs.iter().map(show_seq).collect::<Vec<_>>().join(" | "),
            Term::Literal(b) => format!("\"{}\"", String::from_utf8_lossy(b)),
        }
    }
}

/// A parsed pattern: alternatives (`||`), each a conjunction (`&&`) of terms.
pub type Pattern = Vec<Vec<Term>>;

/// The parser's syntax tree before expansion.
#[derive(Debug, Clone)]
enum Node {
    /// Alternatives of sequences.
    Choice(Vec<Vec<Node>>),
    Opt(Box<Node>),
    Gap(u8),
    Not(Box<Node>),
    Item(Item),
}

/// Parses a pattern. The error says what is wrong and where (a byte offset in the pattern).
pub fn parse(pattern: &str) -> Result<Pattern, String> {
    if pattern.trim().is_empty() {
        return Err("the pattern is empty".into());
    }
    let mut out = Vec::new();
    for alt in split_top(pattern, "||") {
        let mut terms = Vec::new();
        for t in split_top(alt, "&&") {
            terms.push(term(t.trim()).map_err(|e| format!("in {:?}: {e}", t.trim()))?);
        }
        out.push(terms);
    }
    Ok(out)
}

/// Splits at `sep` outside quotes.
fn split_top<'p>(s: &'p str, sep: &str) -> Vec<&'p str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut last = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            quoted = !quoted;
        } else if !quoted && bytes[i..].starts_with(sep.as_bytes()) {
            parts.push(&s[last..i]);
            i += sep.len();
            last = i;
            continue;
        }
        i += 1;
    }
    parts.push(&s[last..]);
    parts
}

fn term(t: &str) -> Result<Term, String> {
    if t.is_empty() {
        return Err("an empty term".into());
    }
    if let Some(inner) = t.strip_prefix('"') {
        let lit = inner
            .strip_suffix('"')
            .ok_or("a literal must end with \"")?;
        if lit.is_empty() || lit.contains('"') || lit.len() > words::MAX_TEXT {
            return Err(format!(
                "a literal is one quoted string of 1 to {} bytes",
                words::MAX_TEXT
            ));
        }
        return Ok(Term::Literal(lit.to_ascii_lowercase().into_bytes()));
    }
    let mut p = Parser {
        s: t.as_bytes(),
        i: 0,
        scratch: Scratch::default(),
    };
    let seq = p.alternatives()?;
    if p.i < p.s.len() {
        return Err(format!("unexpected {:?} at {}", p.s[p.i] as char, p.i));
    }
    let seqs = expand(&seq)?;
    for s in &seqs {
        check_seq(s)?;
    }
    Ok(Term::Words(seqs))
}

struct Parser<'p> {
    s: &'p [u8],
    i: usize,
    scratch: Scratch,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.i < self.s.len() && self.s[self.i] == b' ' {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Sequences separated by `|` (the alternatives of a group, or of a whole term), up to
    /// `)` or the end: one node for several, the sequence's own nodes for one.
    fn alternatives(&mut self) -> Result<Vec<Node>, String> {
        let mut alts = vec![self.seq()?];
        while self.peek() == Some(b'|') {
            self.i += 1;
            alts.push(self.seq()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or_default()
        } else {
            vec![Node::Choice(alts)]
        })
    }

    /// Elements up to `)`, `|` or the end.
    fn seq(&mut self) -> Result<Vec<Node>, String> {
        let mut v = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None | Some(b')') | Some(b'|') => break,
                _ => v.extend(self.element()?),
            }
        }
        if v.is_empty() {
            return Err(format!("nothing to match at {}", self.i));
        }
        Ok(v)
    }

    /// One element and its `?`; a word of several tokens gives several elements.
    fn element(&mut self) -> Result<Vec<Node>, String> {
        let mut nodes = self.primary()?;
        if self.peek() == Some(b'?') {
            self.i += 1;
            let inner = if nodes.len() == 1 {
                nodes.pop().unwrap()
            } else {
                Node::Choice(vec![nodes])
            };
            if matches!(inner, Node::Gap(_) | Node::Not(_)) {
                return Err("a gap or a negation cannot be optional".into());
            }
            nodes = vec![Node::Opt(Box::new(inner))];
        }
        Ok(nodes)
    }

    fn primary(&mut self) -> Result<Vec<Node>, String> {
        match self.peek() {
            Some(b'(') => {
                self.i += 1;
                let inner = self.alternatives()?;
                if self.peek() != Some(b')') {
                    return Err(format!("missing ) at {}", self.i));
                }
                self.i += 1;
                Ok(inner)
            }
            Some(b'~') => {
                self.i += 1;
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                let n: u8 = std::str::from_utf8(&self.s[start..self.i])
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .filter(|n| (1..=MAX_GAP).contains(n))
                    .ok_or(format!("~ takes a number of tokens from 1 to {MAX_GAP}"))?;
                Ok(vec![Node::Gap(n)])
            }
            Some(b'!') => {
                self.i += 1;
                let inner = self.primary()?;
                let node = if inner.len() == 1 {
                    inner.into_iter().next().unwrap()
                } else {
                    Node::Choice(vec![inner])
                };
                Ok(vec![Node::Not(Box::new(node))])
            }
            Some(b'"') => Err("a literal must be a term of its own (between && or ||)".into()),
            _ => self.word(),
        }
    }

    fn word(&mut self) -> Result<Vec<Node>, String> {
        let start = self.i;
        if self.peek() == Some(b'<') {
            let end = self.s[self.i..]
                .iter()
                .position(|&c| c == b'>')
                .ok_or("< without >")?;
            let name = std::str::from_utf8(&self.s[self.i + 1..self.i + end]).unwrap_or("");
            self.i += end + 1;
            let kind = Kind::from_name(name).ok_or(format!(
                "<{name}> is not a kind of token (<word>, <number>, <address>, <ip>, <host>)"
            ))?;
            return Ok(vec![Node::Item(Item::Kind(kind))]);
        }
        while let Some(c) = self.peek() {
            if matches!(
                c,
                b' ' | b'|' | b'(' | b')' | b'?' | b'~' | b'!' | b'"' | b'<' | b'>'
            ) {
                break;
            }
            self.i += 1;
        }
        let mut text = &self.s[start..self.i];
        if text.is_empty() {
            return Err(format!("a word is expected at {start}"));
        }
        let stem = text.ends_with(b"*");
        if stem {
            text = &text[..text.len() - 1];
        }
        if text.contains(&b'*') {
            return Err("* is only allowed at the end of a word (a stem)".into());
        }
        let mut toks: Vec<(Kind, Vec<u8>)> = Vec::new();
        words::tokenize(text, &mut self.scratch, &mut |t| {
            toks.push((t.kind, t.text.to_vec()));
        });
        if toks.is_empty() {
            // Punctuation between words ("timeout - closing") is not a word.
            if stem {
                return Err(format!(
                    "a stem (word*) is one word or number of 2 to {MAX_STEM} bytes"
                ));
            }
            return Ok(Vec::new());
        }
        if stem
            && (toks.len() != 1
                || !matches!(toks[0].0, Kind::Word | Kind::Number)
                || !(2..=MAX_STEM).contains(&toks[0].1.len()))
        {
            return Err(format!(
                "a stem (word*) is one word or number of 2 to {MAX_STEM} bytes"
            ));
        }
        toks.into_iter()
            .map(|(kind, t)| {
                let item = match kind {
                    _ if stem => Item::Stem(t),
                    Kind::Word | Kind::Number if !t.is_empty() => Item::Word(t),
                    Kind::Host if !t.is_empty() => Item::Host(t),
                    _ => {
                        return Err(format!(
                            "{:?}: a rule names words, numbers and hosts, not a particular address or IP (use <address> or <ip>)",
                            String::from_utf8_lossy(text)
                        ));
                    }
                };
                if let Item::Word(w) | Item::Host(w) | Item::Stem(w) = &item {
                    if w.len() > words::MAX_TEXT {
                        return Err(format!("a word of more than {} bytes", words::MAX_TEXT));
                    }
                }
                Ok(Node::Item(item))
            })
            .collect()
    }
}

/// The single-token items of a node, when it is one.
fn items_of(n: &Node) -> Option<Vec<Item>> {
    match n {
        Node::Item(i) => Some(vec![i.clone()]),
        Node::Choice(alts) => {
            let mut v = Vec::new();
            for a in alts {
                match a.as_slice() {
                    [single] => v.extend(items_of(single)?),
                    _ => return None,
                }
            }
            Some(v)
        }
        _ => None,
    }
}

/// Expands groups and optional groups into plain sequences.
fn expand(nodes: &[Node]) -> Result<Vec<Seq>, String> {
    let mut out: Vec<Seq> = vec![Vec::new()];
    for n in nodes {
        let options: Vec<Seq> = match n {
            Node::Gap(g) => vec![vec![Elem::Gap(*g)]],
            Node::Not(inner) => vec![vec![Elem::Not(not_alternatives(inner)?)]],
            Node::Opt(inner) => match items_of(inner) {
                Some(items) => vec![vec![Elem::Opt(items)]],
                None => {
                    let mut v = expand(std::slice::from_ref(inner))?;
                    v.push(Vec::new());
                    v
                }
            },
            _ => match items_of(n) {
                Some(items) => vec![vec![Elem::One(items)]],
                None => match n {
                    Node::Choice(alts) => {
                        let mut v = Vec::new();
                        for a in alts {
                            v.extend(expand(a)?);
                        }
                        v
                    }
                    _ => unreachable!("items are handled above"),
                },
            },
        };
        let mut next = Vec::new();
        for prefix in &out {
            for o in &options {
                let mut s = prefix.clone();
                s.extend(o.iter().cloned());
                next.push(s);
            }
        }
        if next.len() > MAX_EXPANSIONS {
            return Err(format!(
                "the groups and optional groups give more than {MAX_EXPANSIONS} sequences"
            ));
        }
        out = next;
    }
    Ok(out)
}

/// The alternatives of a negation: sequences of single-token elements.
fn not_alternatives(n: &Node) -> Result<Vec<Vec<Vec<Item>>>, String> {
    let err = || {
        "a negation holds words and alternatives of words, no gaps or optional parts".to_string()
    };
    let alts: Vec<Vec<Node>> = match n {
        Node::Choice(alts) => alts.clone(),
        other => vec![vec![other.clone()]],
    };
    let mut out = Vec::new();
    for a in alts {
        let mut seq = Vec::new();
        for x in &a {
            match items_of(x) {
                Some(items) => seq.push(items),
                None => match x {
                    // A choice of one sequence of words: its words in order.
                    Node::Choice(inner) if inner.len() == 1 => {
                        for y in &inner[0] {
                            seq.push(items_of(y).ok_or_else(err)?);
                        }
                    }
                    _ => return Err(err()),
                },
            }
        }
        out.push(seq);
    }
    Ok(out)
}

/// How many tokens a sequence can span, including look-ahead.
pub fn span(seq: &Seq) -> usize {
    seq.iter()
        .map(|e| match e {
            Elem::One(_) | Elem::Opt(_) => 1,
            Elem::Gap(n) => usize::from(*n),
            Elem::Not(alts) => alts.iter().map(Vec::len).max().unwrap_or(0),
        })
        .sum()
}

/// The most ways the gaps and optional words of one sequence can be tried around its anchor.
pub const MAX_WAYS: usize = 1024;

fn check_seq(seq: &Seq) -> Result<(), String> {
    if !seq.iter().any(|e| matches!(e, Elem::One(_))) {
        return Err("a sequence needs at least one word that is not optional".into());
    }
    if span(seq) > MAX_SPAN {
        return Err(format!("a sequence spans more than {MAX_SPAN} tokens"));
    }
    let ways = seq.iter().fold(1usize, |w, e| match e {
        Elem::Gap(n) => w.saturating_mul(usize::from(*n) + 1),
        Elem::Opt(_) => w.saturating_mul(2),
        _ => w,
    });
    if ways > MAX_WAYS {
        return Err(format!(
            "the gaps and optional words of a sequence can be tried in more than {MAX_WAYS} ways"
        ));
    }
    Ok(())
}

/// Words so frequent in replies that they make poor anchors: English function words and the
/// vocabulary of SMTP replies themselves (each of these turns up in a large share of replies).
const COMMON: &[&str] = &[
    "the",
    "a",
    "an",
    "to",
    "of",
    "is",
    "in",
    "for",
    "not",
    "be",
    "by",
    "this",
    "that",
    "and",
    "or",
    "from",
    "with",
    "has",
    "have",
    "been",
    "was",
    "are",
    "at",
    "on",
    "your",
    "you",
    "it",
    "as",
    "no",
    "please",
    "mail",
    "message",
    "email",
    "address",
    "user",
    "recipient",
    "de",
    "error",
    "failed",
    "failure",
    "invalid",
    "unknown",
    "rejected",
    "denied",
    "server",
    "host",
    "domain",
    "sender",
    "account",
    "mailbox",
    "try",
    "again",
    "later",
    "command",
    "temporary",
    "permanent",
    "delivery",
    "service",
    "unavailable",
    "access",
    "smtp",
    "reply",
    "remote",
    "local",
    "does",
    "can",
    "will",
    "could",
    "unable",
    "our",
    "we",
    "here",
    "too",
    "many",
    "support",
    "more",
    "information",
    "see",
    "allowed",
    "permitted",
    "found",
    "exist",
    "valid",
    "status",
    "system",
    "connection",
    "response",
    "data",
    "rcpt",
    "after",
];

/// How often an element's token is expected in replies (lower is rarer, so a better anchor):
/// the sum over its items, each a rough guess from what it is (a short word more than a long
/// one, the words of [`COMMON`] a great deal). A stem or a kind can anchor a sequence only as
/// a last resort (every word of every reply is then checked against it), so it costs the most,
/// except as the second element of a word pair (`in_pair`), where only the words after the
/// pair's first one are compared with it. `None` for elements that cannot be an anchor.
fn anchor_cost(e: &Elem, in_pair: bool) -> Option<u64> {
    let Elem::One(items) = e else {
        return None;
    };
    let word = |w: &[u8]| {
        if COMMON.iter().any(|c| c.as_bytes() == w) {
            200
        } else {
            // 2 letters: 40; 6: 16; 10 and more: 4.
            (52u64.saturating_sub(6 * w.len() as u64)).max(4)
        }
    };
    Some(
        items
            .iter()
            .map(|i| match i {
                Item::Word(w) => word(w),
                Item::Host(_) => 2,
                Item::Stem(w) if in_pair => word(w),
                Item::Stem(_) => 1_000_000,
                Item::Kind(_) => 10_000_000,
            })
            .sum(),
    )
}

/// The index of the anchor element of a sequence: the one expected least often.
pub fn anchor_of(seq: &Seq) -> usize {
    let mut best = (u64::MAX, 0);
    for (i, e) in seq.iter().enumerate() {
        if let Some(c) = anchor_cost(e, false) {
            if c < best.0 {
                best = (c, i);
            }
        }
    }
    best.1
}

/// A pattern back in text, after expansion (for messages and for the reference matcher).
pub fn show_seq(seq: &Seq) -> String {
    let item = |i: &Item| match i {
        Item::Word(w) | Item::Host(w) => String::from_utf8_lossy(w).into_owned(),
        Item::Stem(w) => format!("{}*", String::from_utf8_lossy(w)),
        Item::Kind(k) => format!("<{}>", k.name()),
    };
    let items = |v: &[Item]| v.iter().map(item).collect::<Vec<_>>().join("|");
    seq.iter()
        .map(|e| match e {
            Elem::One(v) => items(v),
            Elem::Opt(v) => format!("({})?", items(v)),
            Elem::Gap(n) => format!("~{n}"),
            Elem::Not(alts) => format!(
                "!({})",
                alts.iter()
                    .map(|s| s.iter().map(|v| items(v)).collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses an enhanced status code condition: `X.1.1` (any class: class 0) or `5.1.1`, as
/// (class, subject, detail). Subject and detail are 0 to 999 with no leading zero (RFC 3463
/// §2).
pub fn enhanced(s: &str) -> Result<(u8, u16, u16), String> {
    let bad = || format!("{s:?} is not class.subject.detail (X.1.1 or 5.1.1)");
    let mut it = s.split('.');
    let class = match it.next().ok_or_else(bad)? {
        "X" | "x" => 0,
        c @ ("2" | "4" | "5") => c.parse().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    let num = |p: Option<&str>| -> Result<u16, String> {
        let p = p.ok_or_else(bad)?;
        if p.is_empty()
            || p.len() > 3
            || (p.len() > 1 && p.starts_with('0'))
            || !p.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        p.parse().map_err(|_| bad())
    };
    let subject = num(it.next())?;
    let detail = num(it.next())?;
    if it.next().is_some() {
        return Err(bad());
    }
    Ok((class, subject, detail))
}

/// The conditions of a rule (its `when` column), with names left as written: the caller
/// checks that the commands and the provider exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When {
    /// Bit `d` set: the reply's class digit may be `d`.
    pub classes: u8,
    /// The reply code, or 0 for any.
    pub code: u16,
    /// (class, subject, detail); class 0 means any class.
    pub enhanced: Option<(u8, u16, u16)>,
    /// The commands the reply may answer (none: any).
    pub commands: Vec<String>,
    /// The provider the reply must come from.
    pub provider: Option<String>,
    /// The input must have neither a reply code nor an enhanced code.
    pub no_code: bool,
}

/// Parses `class=4|5 code=552 enhanced=X.2.2 command=data|end_of_data provider=gmail nocode`.
pub fn when(s: &str) -> Result<When, String> {
    let mut w = When::default();
    for tok in s.split_whitespace() {
        if tok == "nocode" {
            w.no_code = true;
            continue;
        }
        let Some((k, v)) = tok.split_once('=') else {
            return Err(format!("condition {tok:?} is not key=value or nocode"));
        };
        match k {
            "class" => {
                for c in v.split('|') {
                    match c {
                        "2" | "3" | "4" | "5" => w.classes |= 1 << (c.as_bytes()[0] - b'0'),
                        _ => return Err(format!("class {c:?} is not 2 to 5")),
                    }
                }
            }
            "code" => match v.parse::<u16>() {
                Ok(c) if (200..=599).contains(&c) => w.code = c,
                _ => return Err(format!("code {v:?} is not 200 to 599")),
            },
            "enhanced" => w.enhanced = Some(enhanced(v)?),
            "command" => w.commands.extend(v.split('|').map(String::from)),
            "provider" => w.provider = Some(v.to_string()),
            _ => {
                return Err(format!(
                    "unknown condition {k:?} (class, code, enhanced, command, provider, nocode)"
                ));
            }
        }
    }
    Ok(w)
}

// ---- compiled tables ----

/// An item of the flat tables: `tag` says what `value` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatItem {
    /// [`ITEM_WORD`], [`ITEM_STEM`] or [`ITEM_KIND`].
    pub tag: u8,
    /// A vocabulary id, a stem id or a [`Kind`] as a number.
    pub value: u16,
}

/// `value` is a vocabulary id (words, numbers and hosts).
pub const ITEM_WORD: u8 = 0;
/// `value` is a stem id.
pub const ITEM_STEM: u8 = 1;
/// `value` is a token kind.
pub const ITEM_KIND: u8 = 2;

/// An element of the flat tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatElem {
    /// [`OP_ONE`], [`OP_OPT`], [`OP_GAP`] or [`OP_NOT`].
    pub op: u8,
    /// The gap's length.
    pub n: u8,
    /// `One`/`Opt` of a single word: its vocabulary id (compared without going through the
    /// items); else 0.
    pub word: u16,
    /// `One`/`Opt`: a quick test of a token before the items are looked at ([`sig_bit`]): bit
    /// `id % 64` for each word item's id, and [`SIG_OTHER`] set when the items hold a stem or
    /// a kind (those are always looked at).
    pub sig: u64,
    /// `One`/`Opt`: the range of its items; `Not`: the range of its alternatives in
    /// [`Compiled::nots`].
    pub start: u32,
    /// See `start`.
    pub len: u32,
}

/// One token matching one of the items.
pub const OP_ONE: u8 = 0;
/// Zero or one such token.
pub const OP_OPT: u8 = 1;
/// Up to `n` tokens.
pub const OP_GAP: u8 = 2;
/// Not followed by any of the alternatives.
pub const OP_NOT: u8 = 3;

/// A sequence of the flat tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatSeq {
    /// Its elements: `elems[start..start + len]`.
    pub start: u32,
    /// See `start`.
    pub len: u16,
    /// The element it is anchored on.
    pub anchor: u16,
    /// The term it belongs to.
    pub term: u32,
    /// Its elements are all single tokens (no optional word, gap or negation).
    pub straight: bool,
    /// When each of its elements is one item (a word, a stem or a kind): the items, encoded
    /// as [`simple_code`]s, at `simple[codes..codes + len]`; else `u32::MAX`.
    pub codes: u32,
}

/// The code of a single item in [`Compiled::simple`]: a vocabulary id, or a stem id with
/// [`SIMPLE_STEM`], or a kind with [`SIMPLE_KIND`].
pub fn simple_code(i: &FlatItem) -> u16 {
    match i.tag {
        ITEM_WORD => i.value,
        ITEM_STEM => SIMPLE_STEM | i.value,
        _ => SIMPLE_KIND | i.value,
    }
}

/// A [`simple_code`] of a stem.
pub const SIMPLE_STEM: u16 = 0x8000;
/// A [`simple_code`] of a kind.
pub const SIMPLE_KIND: u16 = 0x4000;

/// An anchor: sequence `seq` is anchored on element `elem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The sequence.
    pub seq: u32,
    /// Its anchor element (one of whose items the token matched).
    pub elem: u16,
    /// A quick test before the sequence is verified: the vocabulary id of a word that must
    /// be the token `guard_at` tokens from the anchor ([`guard_of`]); 0 for none.
    pub guard: u16,
    /// See `guard`.
    pub guard_at: i8,
    /// Another quick test: the items `items[need..need + need_len]` (words) of an element
    /// the sequence cannot match without ([`need_of`]); one of them must be among the words
    /// of the input read so far. `need_len` 0 for none.
    pub need: u32,
    /// See `need`.
    pub need_len: u16,
}

/// An element a sequence needs (a `One` of words only) other than its anchor, the first word
/// of its pair and its guard: the one expected least often. One of its words must occur in the
/// input for the sequence to match, wherever it is; a sequence of common words anchored on one
/// of them ("user ... unknown") is then verified only in the inputs that have the others.
pub fn need_of(seq: &Seq, skip: &[usize]) -> Option<usize> {
    (0..seq.len())
        .filter(|k| !skip.contains(k))
        .filter_map(|k| match &seq[k] {
            Elem::One(items) if items.iter().all(|i| matches!(i, Item::Word(_))) => {
                Some((anchor_cost(&seq[k], false)?, k))
            }
            _ => None,
        })
        .min()
        .map(|(_, k)| k)
}

/// A word of a sequence at a fixed distance from its anchor (only single tokens between
/// them), other than the first word of the anchor's pair (`pair`, already compared): the one
/// expected least often, the farthest of those (the words next to an anchor are the ones that
/// sequences anchored on it share, "does not exist"). Comparing the token there with it
/// rejects most anchored tokens before their sequence is verified. Its index and distance.
pub fn guard_of(seq: &Seq, anchor: usize, pair: Option<usize>) -> Option<(usize, i8)> {
    let word = |k: usize| match &seq[k] {
        Elem::One(items) if matches!(items.as_slice(), [Item::Word(_)]) && Some(k) != pair => {
            anchor_cost(&seq[k], false)
        }
        _ => None,
    };
    let fixed = |k: usize| matches!(seq[k], Elem::One(_));
    let before = (0..anchor).rev().take_while(|&k| fixed(k));
    let after = (anchor + 1..seq.len()).take_while(|&k| fixed(k));
    before
        .chain(after)
        .filter_map(|k| Some((word(k)?, std::cmp::Reverse(k.abs_diff(anchor)), k)))
        .min()
        .map(|(_, _, k)| (k, (k as isize - anchor as isize) as i8))
}

/// The rules of one rule set, compiled: the vocabulary and its hash table, the sequences and
/// their anchors, the literals, the terms. The built-in tables are these, written out as
/// statics by the build script.
#[derive(Debug, Default, Clone)]
pub struct Compiled {
    /// Folded words, concatenated; word `id` is `vocab_text[vocab[id].0..vocab[id].1]`. Id 0
    /// is no word.
    pub vocab_text: Vec<u8>,
    /// See `vocab_text`.
    pub vocab: Vec<(u32, u32)>,
    /// The vocabulary's hash table: per slot, the upper 48 bits of the word's hash, then the
    /// flags ([`HOST_BIT`], [`ANCHOR_BIT`], [`PAIR_BIT`]) and the word's id ([`ID_MASK`]) in
    /// the low 16 bits (0 for an empty slot). One load tells whether a token is a word of the
    /// rules and what it anchors.
    pub slots: Vec<u64>,
    /// The displacements of `slots` ([`Perfect`]).
    pub disp: Vec<u16>,
    /// Stems: their first eight bytes ([`words::prefix8`]) and their length.
    pub stems: Vec<(u64, u8)>,
    /// Items of all elements.
    pub items: Vec<FlatItem>,
    /// Elements of all sequences (and of the alternatives of negations).
    pub elems: Vec<FlatElem>,
    /// The alternatives of negations: ranges of `elems`.
    pub nots: Vec<(u32, u32)>,
    /// Sequences.
    pub seqs: Vec<FlatSeq>,
    /// The items of the sequences whose elements are one item each ([`FlatSeq::codes`]).
    pub simple: Vec<u16>,
    /// Anchors per vocabulary id: ranges of `anchor_list`.
    pub word_anchors: Vec<(u32, u32)>,
    /// Anchors per stem id.
    pub stem_anchors: Vec<(u32, u32)>,
    /// Anchors per kind.
    pub kind_anchors: Vec<(u32, u32)>,
    /// See `word_anchors`.
    pub anchor_list: Vec<Anchor>,
    /// Bit `k` set: some sequence is anchored on the kind `k`.
    pub kind_anchored: u8,

    /// The table of word pairs: per slot, a [`pair_key`] (0 for an empty slot) and the range
    /// of `anchor_list` of the sequences anchored on that pair (on its second word).
    pub pairs: Vec<(u64, u32, u32)>,
    /// The displacements of `pairs` ([`Perfect`]).
    pub pair_disp: Vec<u16>,
    /// Per vocabulary id: the [`pair_bit`]s of the tokens after it that make a pair with it
    /// (a quick test before the pairs' table is read).
    pub pair_sig: Vec<u64>,
    /// Lengths of the stems that anchor something (for the lookup of a token's prefixes).
    pub stem_lengths: Vec<u8>,
    /// Literal terms: (literal bytes range in `literal_text`, term, eager). An eager literal
    /// is searched for in every input; another one only when a rule that also has words is
    /// checked (see [`mark_eager`]).
    pub literals: Vec<(u32, u32, u32, bool)>,
    /// Per term: the index of its literal plus one, or 0 for a term of words.
    pub term_literal: Vec<u32>,
    /// See `literals`.
    pub literal_text: Vec<u8>,
    /// The longest backward and forward reach of any sequence from its anchor.
    pub back: u8,
    /// See `back`.
    pub fwd: u8,
}

/// Compiles terms (each a [`Term`]; their index is their id) into flat tables.
pub fn compile(terms: &[Term]) -> Result<Compiled, String> {
    let mut c = Compiled {
        vocab: vec![(0, 0)],
        term_literal: vec![0; terms.len()],
        ..Compiled::default()
    };
    let mut vocab_ids: HashMap<Vec<u8>, u16> = HashMap::new();
    let mut hosts: Vec<(Vec<u8>, u16)> = Vec::new();
    let mut stem_ids: HashMap<Vec<u8>, u16> = HashMap::new();
    let mut word_anchor: Vec<Vec<Anchor>> = vec![Vec::new()];
    let mut stem_anchor: Vec<Vec<Anchor>> = Vec::new();
    let mut kind_anchor: Vec<Vec<Anchor>> = vec![Vec::new(); Kind::ALL.len()];
    let mut pair_anchor: std::collections::BTreeMap<u64, Vec<Anchor>> = Default::default();

    // The vocabulary first: every word, number and host of every term.
    let mut vocab_words: Vec<(Vec<u8>, bool)> = Vec::new();
    for t in terms {
        if let Term::Words(seqs) = t {
            for s in seqs {
                for_items(s, &mut |i| match i {
                    Item::Word(w) => vocab_words.push((w.clone(), false)),
                    Item::Host(w) => vocab_words.push((w.clone(), true)),
                    _ => {}
                });
            }
        }
    }
    for (w, host) in vocab_words {
        if vocab_ids.contains_key(&w) {
            continue;
        }
        let id = u16::try_from(c.vocab.len())
            .ok()
            .filter(|&id| id <= ID_MASK)
            .ok_or(format!("more than {ID_MASK} words"))?;
        let start = c.vocab_text.len() as u32;
        c.vocab_text.extend_from_slice(&w);
        c.vocab.push((start, c.vocab_text.len() as u32));
        word_anchor.push(Vec::new());
        if host {
            hosts.push((w.clone(), id));
        }
        vocab_ids.insert(w, id);
    }
    // A host matches the hosts under it that the vocabulary holds (the lookup of a token
    // finds the longest of them).
    let under = |host: &[u8]| -> Vec<u16> {
        let mut v = Vec::new();
        for (h, id) in &hosts {
            if h.len() > host.len() && h.ends_with(host) && h[h.len() - host.len() - 1] == b'.' {
                v.push(*id);
            }
        }
        v
    };

    let flat_items = |items: &[Item],
                      c: &mut Compiled,
                      stem_ids: &mut HashMap<Vec<u8>, u16>|
     -> Result<(u32, u32), String> {
        let start = c.items.len() as u32;
        for i in items {
            match i {
                Item::Word(w) | Item::Host(w) => {
                    c.items.push(FlatItem {
                        tag: ITEM_WORD,
                        value: vocab_ids[w],
                    });
                    if matches!(i, Item::Host(_)) {
                        for id in under(w) {
                            c.items.push(FlatItem {
                                tag: ITEM_WORD,
                                value: id,
                            });
                        }
                    }
                }
                Item::Stem(w) => {
                    let n = stem_ids.len();
                    let id = *stem_ids.entry(w.clone()).or_insert_with(|| {
                        c.stems.push((words::prefix8(w), w.len() as u8));
                        n as u16
                    });
                    c.items.push(FlatItem {
                        tag: ITEM_STEM,
                        value: id,
                    });
                }
                Item::Kind(k) => c.items.push(FlatItem {
                    tag: ITEM_KIND,
                    value: *k as u16,
                }),
            }
        }
        Ok((start, c.items.len() as u32 - start))
    };

    for (term_id, t) in terms.iter().enumerate() {
        match t {
            Term::Literal(bytes) => {
                c.term_literal[term_id] = c.literals.len() as u32 + 1;
                let start = c.literal_text.len() as u32;
                c.literal_text.extend_from_slice(bytes);
                c.literals
                    .push((start, c.literal_text.len() as u32, term_id as u32, true));
            }
            Term::Words(seqs) => {
                for s in seqs {
                    let seq_id = c.seqs.len() as u32;
                    let start = c.elems.len() as u32;
                    for e in s {
                        let fe = match e {
                            Elem::One(items) | Elem::Opt(items) => {
                                let (s0, n) = flat_items(items, &mut c, &mut stem_ids)?;
                                FlatElem {
                                    op: if matches!(e, Elem::One(_)) {
                                        OP_ONE
                                    } else {
                                        OP_OPT
                                    },
                                    n: 0,
                                    word: single_word(&c, s0, n),
                                    sig: signature(&c, s0, n),
                                    start: s0,
                                    len: n,
                                }
                            }
                            Elem::Gap(n) => FlatElem {
                                op: OP_GAP,
                                n: *n,
                                word: 0,
                                sig: 0,
                                start: 0,
                                len: 0,
                            },
                            Elem::Not(_) => FlatElem {
                                op: OP_NOT,
                                n: 0,
                                word: 0,
                                sig: 0,
                                start: 0,
                                len: 0,
                            },
                        };
                        c.elems.push(fe);
                    }
                    // The negations' alternatives go after the sequence's own elements.
                    for (k, e) in s.iter().enumerate() {
                        if let Elem::Not(alts) = e {
                            let nots_start = c.nots.len() as u32;
                            // The alternatives of one token are one alternative whose items
                            // are all of theirs: a token is compared with them at once, with
                            // one signature test (`!(domain|host|server|...)` of 20 words was
                            // 20 calls of `Match::one`; -4.0 % instructions over the first 20k
                            // lines of lines-1m, callgrind).
                            let singles: Vec<Item> = alts
                                .iter()
                                .filter(|alt| alt.len() == 1)
                                .flat_map(|alt| alt[0].iter().cloned())
                                .collect();
                            let merged = (!singles.is_empty()).then(|| vec![singles]);
                            let longer = alts.iter().filter(|alt| alt.len() != 1);
                            for alt in merged.iter().chain(longer) {
                                let a_start = c.elems.len() as u32;
                                for items in alt {
                                    let (s0, n) = flat_items(items, &mut c, &mut stem_ids)?;
                                    c.elems.push(FlatElem {
                                        op: OP_ONE,
                                        n: 0,
                                        word: single_word(&c, s0, n),
                                        sig: signature(&c, s0, n),
                                        start: s0,
                                        len: n,
                                    });
                                }
                                c.nots.push((a_start, c.elems.len() as u32 - a_start));
                            }
                            let i = start as usize + k;
                            c.elems[i].start = nots_start;
                            c.elems[i].len = c.nots.len() as u32 - nots_start;
                        }
                    }
                    // Anchored on two adjacent words when the sequence has them: a token is
                    // then verified only when the word before it is the pair's first word.
                    let pair = anchor_pair(s);
                    let anchor = pair.map_or_else(|| anchor_of(s), |k| k + 1);
                    let back: usize = span(&s[..anchor].to_vec());
                    let fwd: usize = span(&s[anchor + 1..].to_vec());
                    c.back = c.back.max(back as u8);
                    c.fwd = c.fwd.max(fwd as u8);
                    let straight = s.iter().all(|e| matches!(e, Elem::One(_)));
                    let own = &c.elems[start as usize..start as usize + s.len()];
                    let codes = if straight && own.iter().all(|e| e.len == 1) {
                        let at = c.simple.len() as u32;
                        for e in own {
                            c.simple.push(simple_code(&c.items[e.start as usize]));
                        }
                        at
                    } else {
                        u32::MAX
                    };
                    c.seqs.push(FlatSeq {
                        start,
                        len: s.len() as u16,
                        anchor: anchor as u16,
                        term: term_id as u32,
                        straight,
                        codes,
                    });
                    let guard_elem = guard_of(s, anchor, pair);
                    let mut skip = vec![anchor];
                    skip.extend(pair);
                    skip.extend(guard_elem.map(|(k, _)| k));
                    let (need, need_len) = match need_of(s, &skip) {
                        Some(k) => {
                            let e = &c.elems[start as usize + k];
                            (e.start, e.len as u16)
                        }
                        None => (0, 0),
                    };
                    let (guard, guard_at) = match guard_elem {
                        Some((k, at)) => match &s[k] {
                            Elem::One(items) => match items.as_slice() {
                                [Item::Word(w)] => (vocab_ids[w], at),
                                _ => unreachable!("a guard is one word"),
                            },
                            _ => unreachable!("a guard is one word"),
                        },
                        None => (0, 0),
                    };
                    let a = Anchor {
                        seq: seq_id,
                        elem: anchor as u16,
                        guard,
                        guard_at,
                        need,
                        need_len,
                    };
                    let Elem::One(items) = &s[anchor] else {
                        unreachable!("a sequence has a One element")
                    };
                    if let Some(k) = pair {
                        let (Elem::One(first), Elem::One(second)) = (&s[k], &s[k + 1]) else {
                            unreachable!("a pair is two One elements")
                        };
                        for f in first {
                            for g in second {
                                if let (Item::Word(x), Item::Word(y) | Item::Stem(y)) = (f, g) {
                                    let key = pair_key(vocab_ids[x], prefix_code(y));
                                    let list = pair_anchor.entry(key).or_default();
                                    if !list.contains(&a) {
                                        list.push(a);
                                    }
                                }
                            }
                        }
                        continue;
                    }
                    for i in items {
                        match i {
                            Item::Word(w) | Item::Host(w) => {
                                let id = vocab_ids[w];
                                word_anchor[usize::from(id)].push(a);
                                if matches!(i, Item::Host(_)) {
                                    for id in under(w) {
                                        word_anchor[usize::from(id)].push(a);
                                    }
                                }
                            }
                            Item::Stem(w) => {
                                let id = usize::from(stem_ids[w]);
                                if stem_anchor.len() <= id {
                                    stem_anchor.resize(id + 1, Vec::new());
                                }
                                stem_anchor[id].push(a);
                                let len = w.len() as u8;
                                if !c.stem_lengths.contains(&len) {
                                    c.stem_lengths.push(len);
                                }
                            }
                            Item::Kind(k) => kind_anchor[*k as usize].push(a),
                        }
                    }
                }
            }
        }
    }
    stem_anchor.resize(c.stems.len(), Vec::new());
    for (k, list) in kind_anchor.iter().enumerate() {
        if !list.is_empty() {
            c.kind_anchored |= 1 << k;
        }
    }
    c.stem_lengths.sort_unstable();
    for (lists, out) in [
        (&word_anchor, &mut c.word_anchors),
        (&stem_anchor, &mut c.stem_anchors),
        (&kind_anchor, &mut c.kind_anchors),
    ] {
        for l in lists {
            let start = c.anchor_list.len() as u32;
            // One entry per sequence (a host and a host under it may both name it).
            let mut seen = Vec::new();
            for a in l {
                if !seen.contains(&a.seq) {
                    seen.push(a.seq);
                    c.anchor_list.push(*a);
                }
            }
            out.push((start, c.anchor_list.len() as u32));
        }
    }
    let pair_first: Vec<u16> = pair_anchor.keys().map(|k| (k >> 32) as u16).collect();
    // The pairs' table: one probe per lookup, on the mixed key.
    let size = (pair_anchor.len() + pair_anchor.len() / 4)
        .next_power_of_two()
        .max(64);
    let keys: Vec<u64> = pair_anchor.keys().map(|&k| mix(k)).collect();
    let table = Perfect::build(&keys, size)?;
    c.pairs = vec![(0, 0, 0); size];
    c.pair_disp = table.disp;
    c.pair_sig = vec![0; c.vocab.len()];
    for key in pair_anchor.keys() {
        c.pair_sig[(key >> 32) as usize] |= pair_bit(*key as u32);
    }
    for ((key, list), slot) in pair_anchor.iter().zip(table.slots) {
        let start = c.anchor_list.len() as u32;
        c.anchor_list.extend(list.iter().copied());
        c.pairs[slot] = (*key, start, c.anchor_list.len() as u32);
    }
    let host_ids: Vec<u16> = hosts.iter().map(|(_, id)| *id).collect();
    build_table(&mut c, &host_ids, &pair_first)?;
    Ok(c)
}

/// The bit of a token's vocabulary id in an element's [`FlatElem::sig`].
#[inline]
pub fn sig_bit(id: u16) -> u64 {
    1 << (id % 63)
}

/// In [`FlatElem::sig`]: the element's items hold a stem or a kind.
pub const SIG_OTHER: u64 = 1 << 63;

/// The [`FlatElem::sig`] of the items `start..start + len`.
fn signature(c: &Compiled, start: u32, len: u32) -> u64 {
    c.items[start as usize..(start + len) as usize]
        .iter()
        .fold(0, |sig, i| {
            sig | if i.tag == ITEM_WORD {
                sig_bit(i.value)
            } else {
                SIG_OTHER
            }
        })
}

/// The vocabulary id of the items `start..start + len` when they are one word, else 0.
fn single_word(c: &Compiled, start: u32, len: u32) -> u16 {
    match &c.items[start as usize..(start + len) as usize] {
        [i] if i.tag == ITEM_WORD => i.value,
        _ => 0,
    }
}

/// The key of a word and the token after it (the word's id and the next token's
/// [`prefix_code`]); never 0, word ids start at 1.
#[inline]
pub fn pair_key(first: u16, second: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

/// The bit of a token's [`prefix_code`] in [`Compiled::pair_sig`].
#[inline]
pub fn pair_bit(second: u32) -> u64 {
    1 << (second.wrapping_mul(0x9E37_79B9) >> 26)
}

/// The most word pairs one sequence is anchored on (alternatives multiply).
const MAX_PAIRS: usize = 64;

/// Two adjacent elements to anchor a sequence on: a whole word (of any of the first's
/// alternatives) followed by a token whose first bytes are those of one of the second's
/// alternatives (words, or stems of 3 bytes or more). The index of the first of the pair with
/// the fewest combinations, if any.
pub fn anchor_pair(seq: &Seq) -> Option<usize> {
    let first = |e: &Elem| match e {
        Elem::One(items) if items.iter().all(|i| matches!(i, Item::Word(_))) => Some(items.len()),
        _ => None,
    };
    let second = |e: &Elem| match e {
        Elem::One(items)
            if items.iter().all(|i| match i {
                Item::Word(_) => true,
                Item::Stem(s) => s.len() >= 3,
                _ => false,
            }) =>
        {
            Some(items.len())
        }
        _ => None,
    };
    // The pair expected least often (the product of its elements' costs), if it is expected
    // less often than the best single element; then the one with the fewest combinations.
    let single = seq.iter().filter_map(|e| anchor_cost(e, false)).min()?;
    (0..seq.len().saturating_sub(1))
        .filter_map(|k| {
            let n = first(&seq[k])? * second(&seq[k + 1])?;
            let cost =
                anchor_cost(&seq[k], false)?.saturating_mul(anchor_cost(&seq[k + 1], true)?) / 1000;
            Some((cost, n, k))
        })
        .filter(|&(cost, n, _)| n <= MAX_PAIRS && cost < single)
        .min()
        .map(|(_, _, k)| k)
}

/// Marks which literals must be searched for in every input: those of a rule (one
/// alternative, its terms in `rows`) that has no term of words to tell when to look. A literal
/// of a rule that also has words is looked for only when those words are found.
pub fn mark_eager(c: &mut Compiled, rows: &[Vec<u32>]) {
    for lit in c.literals.iter_mut() {
        lit.3 = rows.iter().any(|terms| {
            terms.contains(&lit.2) && terms.iter().all(|&t| c.term_literal[t as usize] != 0)
        });
    }
}

/// Calls `f` on every item of a sequence, its negations included.
fn for_items(s: &Seq, f: &mut impl FnMut(&Item)) {
    for e in s {
        match e {
            Elem::One(v) | Elem::Opt(v) => v.iter().for_each(&mut *f),
            Elem::Gap(_) => {}
            Elem::Not(alts) => alts.iter().flatten().flatten().for_each(&mut *f),
        }
    }
}

/// A table that finds each of its keys with one probe and no loop ("hash and displace"):
/// a key's bucket holds a displacement that sends the key to its slot. Built once per rule
/// set; its slots are then filled by the caller at [`Perfect::slots`].
#[derive(Debug, Clone)]
pub struct Perfect {
    /// One displacement per bucket (a power of two of them).
    pub disp: Vec<u16>,
    /// The slot of each key, in the order they were given.
    pub slots: Vec<usize>,
}

/// The slot of `key` (well mixed: a [`words::hash`], or a [`mix`]ed key) in a table of `len`
/// slots (a power of two) with the displacements `disp`.
#[inline]
pub fn perfect_slot(key: u64, disp: &[u16], len: usize) -> usize {
    let d = disp[(key >> 40) as usize & (disp.len() - 1)];
    ((key ^ u64::from(d).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xD6E8_FEB8_6659_FD93)
        >> 32) as usize
        & (len - 1)
}

/// Mixes the bits of a key that is not a hash (a [`pair_key`]).
#[inline]
pub fn mix(key: u64) -> u64 {
    let k = (key ^ (key >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let k = (k ^ (k >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    k ^ (k >> 33)
}

impl Perfect {
    /// Places distinct well-mixed `keys` in a table of `len` slots (a power of two, at least
    /// as many as the keys).
    pub fn build(keys: &[u64], len: usize) -> Result<Perfect, String> {
        let buckets = (keys.len() / 2).next_power_of_two().max(1);
        let mut by_bucket: Vec<Vec<usize>> = vec![Vec::new(); buckets];
        for (i, &k) in keys.iter().enumerate() {
            by_bucket[(k >> 40) as usize & (buckets - 1)].push(i);
        }
        let mut order: Vec<usize> = (0..buckets).collect();
        order.sort_by_key(|&b| std::cmp::Reverse(by_bucket[b].len()));
        let mut disp = vec![0u16; buckets];
        let mut taken = vec![false; len];
        let mut slots = vec![0usize; keys.len()];
        for b in order {
            let members = &by_bucket[b];
            if members.is_empty() {
                continue;
            }
            let found = (0..=u16::MAX).find(|&d| {
                disp[b] = d;
                let mut mine: Vec<usize> = Vec::with_capacity(members.len());
                for &i in members {
                    let s = perfect_slot(keys[i], &disp, len);
                    if taken[s] || mine.contains(&s) {
                        return false;
                    }
                    mine.push(s);
                }
                true
            });
            if found.is_none() {
                return Err("no perfect hash for the vocabulary (two equal keys?)".into());
            }
            for &i in members {
                let s = perfect_slot(keys[i], &disp, len);
                taken[s] = true;
                slots[i] = s;
            }
        }
        Ok(Perfect { disp, slots })
    }
}

/// The part of a slot that holds the word's hash.
pub const HASH_MASK: u64 = !0xFFFF;
/// The part of a slot that holds the word's id.
pub const ID_MASK: u16 = 0x0FFF;
/// The word is a host name (a host token only matches hosts).
pub const HOST_BIT: u16 = 0x1000;
/// Some sequence is anchored on the word alone.
pub const ANCHOR_BIT: u16 = 0x2000;
/// The word is the first of a pair some sequence is anchored on.
pub const PAIR_BIT: u16 = 0x4000;

/// Builds the vocabulary's table: one probe per lookup ([`Perfect`]).
fn build_table(c: &mut Compiled, hosts: &[u16], pair_first: &[u16]) -> Result<(), String> {
    let n = c.vocab.len();
    let size = (n + n / 4).next_power_of_two().max(64);
    let mut keys = Vec::with_capacity(n);
    let mut seen: HashMap<u64, u16> = HashMap::new();
    for id in 1..n {
        let (s, e) = c.vocab[id];
        let h = words::hash(&c.vocab_text[s as usize..e as usize]);
        if h & HASH_MASK == 0 {
            return Err("a word's hash is 0 in its upper 48 bits".into());
        }
        if let Some(other) = seen.insert(h & HASH_MASK, id as u16) {
            return Err(format!("words {other} and {id} have the same hash"));
        }
        keys.push(h);
    }
    let table = Perfect::build(&keys, size)?;
    c.slots = vec![0; size];
    c.disp = table.disp;
    for (k, (&h, &slot)) in keys.iter().zip(&table.slots).enumerate() {
        let id16 = k as u16 + 1;
        let (ws, we) = c.word_anchors[usize::from(id16)];
        let flags = if hosts.contains(&id16) { HOST_BIT } else { 0 }
            | if ws < we { ANCHOR_BIT } else { 0 }
            | if pair_first.contains(&id16) {
                PAIR_BIT
            } else {
                0
            };
        c.slots[slot] = (h & HASH_MASK) | u64::from(flags | id16);
    }
    Ok(())
}
