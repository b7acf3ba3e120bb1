//! A plain reference implementation of the rule language (`crates/smtpcode/data/README.md`):
//! a tokenizer written with `char`s and `String`s, a recursive-descent parser of patterns, and
//! a matcher that tries every start position. Slow and obvious on purpose: the property tests
//! check the library's engine (hash table, anchors, ring of tokens, backtracking) against it.
#![allow(dead_code)]

/// A token: its folded text (empty for addresses and IPs), its kind, its byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub text: String,
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
}

const GENERIC: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi", "asia",
    "xyz", "online", "site", "email", "cloud", "app", "dev", "io", "ai", "tech",
];
const ENGLISH2: &[&str] = &[
    "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no",
    "of", "on", "or", "so", "to", "tv", "up", "us", "we",
];

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F)
}

fn is_sep_char(c: char) -> bool {
    let u = c as u32;
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || ".-_'+:@".contains(c));
    }
    matches!(u, 0x80..=0xBF | 0xD7 | 0xF7 | 0x3000..=0x303F | 0xFE30..=0xFE4F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0xFFF0..=0xFFFF)
        || (matches!(u, 0x2000..=0x2BFF) && u != 0x2019)
}

/// Folds one character the way the library does.
pub fn fold_char(c: char) -> String {
    let u = c as u32;
    let base = match u {
        0xC0..=0xC5 | 0xE0..=0xE5 | 0x100..=0x105 => "a",
        0xC6 | 0xE6 => "ae",
        0xC7 | 0xE7 | 0x106..=0x10D => "c",
        0xC8..=0xCB | 0xE8..=0xEB | 0x112..=0x11B => "e",
        0xCC..=0xCF | 0xEC..=0xEF | 0x128..=0x131 => "i",
        0xD0 | 0xF0 | 0x10E..=0x111 => "d",
        0xD1 | 0xF1 | 0x143..=0x14B => "n",
        0xD2..=0xD6 | 0xD8 | 0xF2..=0xF6 | 0xF8 | 0x14C..=0x151 => "o",
        0xD9..=0xDC | 0xF9..=0xFC | 0x168..=0x173 => "u",
        0xDD | 0xFD | 0xFF | 0x176..=0x178 => "y",
        0xDE | 0xFE => "th",
        0xDF => "ss",
        0x11C..=0x123 => "g",
        0x124..=0x127 => "h",
        0x134..=0x135 => "j",
        0x136..=0x138 => "k",
        0x139..=0x142 => "l",
        0x152..=0x153 => "oe",
        0x154..=0x159 => "r",
        0x15A..=0x161 => "s",
        0x162..=0x167 => "t",
        0x174..=0x175 => "w",
        0x179..=0x17E => "z",
        _ => "",
    };
    if !base.is_empty() {
        return base.to_string();
    }
    match u {
        0x410..=0x42F => char::from_u32(u + 0x20).unwrap().to_string(),
        0x400..=0x40F => char::from_u32(u + 0x50).unwrap().to_string(),
        0x391..=0x3A1 | 0x3A3..=0x3AB => char::from_u32(u + 0x20).unwrap().to_string(),
        _ => c.to_ascii_lowercase().to_string(),
    }
}

fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn host_kind(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return false;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return false;
    }
    let last = labels.last().unwrap().to_ascii_lowercase();
    if !last.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    if ["example", "invalid", "localhost", "localdomain", "local"].contains(&last.as_str()) {
        return true;
    }
    if labels.len() >= 3 {
        (2..=6).contains(&last.len())
    } else {
        GENERIC.contains(&last.as_str()) || (last.len() == 2 && !ENGLISH2.contains(&last.as_str()))
    }
}

fn compound_kind(text: &str) -> Option<&'static str> {
    let ats = text.matches('@').count();
    if ats == 1 {
        let (local, domain) = text.split_once('@').unwrap();
        return (!local.is_empty() && domain.contains('.') && domain.len() >= 3)
            .then_some("address");
    }
    if ats > 1 {
        return None;
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Some("ip");
    }
    let v6 = text
        .strip_prefix("IPv6:")
        .or_else(|| text.strip_prefix("ipv6:"))
        .unwrap_or(text);
    if v6.matches(':').count() >= 2
        && v6
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        && v6.chars().any(|c| c.is_ascii_hexdigit())
    {
        return Some("ip");
    }
    if text.chars().any(|c| ":_+'".contains(c) || !c.is_ascii()) || !text.contains('.') {
        return None;
    }
    if text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return parts.iter().all(|p| !p.is_empty()).then_some("number");
    }
    host_kind(text).then_some("host")
}

fn word_tok(text: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
    let folded = fold(text);
    let kind = if text.chars().all(|c| c.is_ascii_digit()) {
        "number"
    } else {
        "word"
    };
    if folded == "cannot" {
        out.push(Tok {
            text: "can".into(),
            kind: "word",
            start,
            end: start + 3,
        });
        out.push(Tok {
            text: "not".into(),
            kind: "word",
            start: start + 3,
            end,
        });
        return;
    }
    let text = if text.len() > 256 || folded.len() > 64 {
        String::new()
    } else {
        folded
    };
    out.push(Tok {
        text,
        kind,
        start,
        end,
    });
}

/// Splits `input` into tokens as the library does (see `src/words.rs`), in the simplest way.
pub fn tokenize(input: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if is_cjk(c) {
            let (s, _) = chars[i];
            out.push(Tok {
                text: fold(&c.to_string()),
                kind: "word",
                start: s,
                end: s + c.len_utf8(),
            });
            i += 1;
            continue;
        }
        if is_sep_char(c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && !is_sep_char(chars[j].1) && !is_cjk(chars[j].1) {
            j += 1;
        }
        let start = chars[i].0;
        let end = if j < chars.len() {
            chars[j].0
        } else {
            input.len()
        };
        run(&input[start..end], start, &mut out);
        i = j;
    }
    out
}

fn is_joiner(c: char) -> bool {
    ".-_'+:@\u{2019}".contains(c)
}

fn run(text: &str, offset: usize, out: &mut Vec<Tok>) {
    let trimmed_start = text.len() - text.trim_start_matches(is_joiner).len();
    let t = text.trim_matches(is_joiner);
    if t.is_empty() {
        return;
    }
    let start = offset + trimmed_start;
    let end = start + t.len();
    if t.len() > 256 {
        out.push(Tok {
            text: String::new(),
            kind: "word",
            start,
            end,
        });
        return;
    }
    if let Some(kind) = compound_kind(t) {
        let text = match kind {
            "number" => fold(t),
            "host" | "address" => {
                let f = fold(t);
                if t.len() > 64 {
                    fold(&t[t.len() - 64..])
                } else {
                    f
                }
            }
            _ => String::new(),
        };
        out.push(Tok {
            text,
            kind,
            start,
            end,
        });
        return;
    }
    // Pieces between joiners other than dots.
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut p = 0;
    let bytes: Vec<(usize, char)> = t.char_indices().collect();
    let mut k = 0;
    while k <= bytes.len() {
        let at_end = k == bytes.len();
        if at_end || (is_joiner(bytes[k].1) && bytes[k].1 != '.') {
            let q = if at_end { t.len() } else { bytes[k].0 };
            pieces.push((p, q));
            if !at_end {
                p = q + bytes[k].1.len_utf8();
            }
        }
        k += 1;
    }
    let mut skip_next_t = false;
    let mut skip_next_s = false;
    for (n, &(p, q)) in pieces.iter().enumerate() {
        let mut piece = &t[p..q];
        let mut pstart = start + p;
        if skip_next_t {
            skip_next_t = false;
            if piece.len() == 1 && piece.eq_ignore_ascii_case("t") {
                continue;
            }
            // `n't` followed by more letters: not a contraction (handled below as a piece).
        }
        if skip_next_s {
            skip_next_s = false;
            if piece.eq_ignore_ascii_case("s") {
                continue;
            }
        }
        let next_is_apostrophe =
            q < t.len() && (t[q..].starts_with('\'') || t[q..].starts_with('\u{2019}'));
        let next = pieces.get(n + 1).map(|&(a, b)| &t[a..b]);
        if next_is_apostrophe
            && piece.len() >= 2
            && piece.to_ascii_lowercase().ends_with('n')
            && next.is_some_and(|x| x.eq_ignore_ascii_case("t"))
        {
            let base = &piece[..piece.len() - 1];
            let base = if base.eq_ignore_ascii_case("ca") {
                "can".to_string()
            } else if base.eq_ignore_ascii_case("wo") {
                "will".to_string()
            } else {
                fold(base)
            };
            // A word longer than 64 bytes has no text.
            let base = if base.len() > 64 { String::new() } else { base };
            out.push(Tok {
                text: base,
                kind: "word",
                start: pstart,
                end: pstart + piece.len() - 1,
            });
            // `n't`: from the `n` to past the `t`.
            let apostrophe = if t[q..].starts_with('\'') { 1 } else { 3 };
            out.push(Tok {
                text: "not".into(),
                kind: "word",
                start: pstart + piece.len() - 1,
                end: pstart + piece.len() + apostrophe + 1,
            });
            skip_next_t = true;
            continue;
        }
        if next_is_apostrophe && next.is_some_and(|x| x.eq_ignore_ascii_case("s")) {
            skip_next_s = true;
        }
        if piece.contains('.') {
            if let Some(kind @ ("number" | "host")) = compound_kind(piece) {
                // A host keeps its last 64 bytes.
                let text = if kind == "host" && piece.len() > 64 {
                    fold(&piece[piece.len() - 64..])
                } else {
                    fold(piece)
                };
                out.push(Tok {
                    text,
                    kind,
                    start: pstart,
                    end: pstart + piece.len(),
                });
                continue;
            }
            for part in piece.split('.') {
                if !part.is_empty() {
                    word_tok(part, pstart, pstart + part.len(), out);
                }
                pstart += part.len() + 1;
            }
            continue;
        }
        if piece.is_empty() {
            continue;
        }
        word_tok(piece, pstart, pstart + piece.len(), out);
        piece = "";
        let _ = piece;
    }
}

/// The tokens of a reply, with the repetitions of a multi-line reply's code at the start of
/// its continuation lines (and the enhanced code after them) left out, as the library does.
pub fn reply_tokens(input: &str, reply_from: usize, marker: Option<&str>) -> Vec<Tok> {
    let toks = tokenize(input);
    let Some(code) = marker else {
        return toks;
    };
    let b = input.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | 0);
    let mut out = Vec::new();
    let mut skip_after = None;
    for t in toks {
        if t.kind == "number" && t.start > reply_from && &input[t.start..t.end] == code {
            let before = t.start == 0 || space(b[t.start - 1]);
            let after = b.get(t.end).is_none_or(|&c| c == b'-' || space(c));
            if before && after {
                skip_after = Some(t.end);
                continue;
            }
        }
        if let Some(e) = skip_after.take() {
            if t.kind == "number" && t.start == e + 1 && t.text.matches('.').count() == 2 {
                continue;
            }
        }
        out.push(t);
    }
    out
}

// ---- patterns ----

/// An element of a parsed pattern.
#[derive(Debug, Clone)]
pub enum Node {
    /// One token: a word (text), a host (text), a stem (prefix) or a kind.
    Word(String),
    Host(String),
    Stem(String),
    Kind(String),
    /// Alternatives of sequences.
    Choice(Vec<Vec<Node>>),
    Opt(Box<Node>),
    Gap(usize),
    Not(Box<Node>),
}

/// A term: a sequence, or a literal.
#[derive(Debug, Clone)]
pub enum Term {
    Seq(Vec<Node>),
    Literal(String),
}

/// Parses one alternative of a pattern (no `||`): its terms.
pub fn parse_alternative(alt: &str) -> Vec<Term> {
    alt.split("&&")
        .map(|t| {
            let t = t.trim();
            if let Some(lit) = t.strip_prefix('"') {
                return Term::Literal(lit.trim_end_matches('"').to_ascii_lowercase());
            }
            let chars: Vec<char> = t.chars().collect();
            let mut i = 0;
            Term::Seq(alternatives(&chars, &mut i))
        })
        .collect()
}

/// Sequences separated by `|`, up to `)` or the end.
fn alternatives(c: &[char], i: &mut usize) -> Vec<Node> {
    let mut alts = vec![seq(c, i)];
    while *i < c.len() && c[*i] == '|' {
        *i += 1;
        alts.push(seq(c, i));
    }
    if alts.len() == 1 {
        alts.pop().unwrap()
    } else {
        vec![Node::Choice(alts)]
    }
}

fn seq(c: &[char], i: &mut usize) -> Vec<Node> {
    let mut v = Vec::new();
    loop {
        while *i < c.len() && c[*i] == ' ' {
            *i += 1;
        }
        if *i >= c.len() || c[*i] == ')' || c[*i] == '|' {
            return v;
        }
        let mut nodes = primary(c, i);
        if *i < c.len() && c[*i] == '?' {
            *i += 1;
            let inner = if nodes.len() == 1 {
                nodes.pop().unwrap()
            } else {
                Node::Choice(vec![nodes])
            };
            nodes = vec![Node::Opt(Box::new(inner))];
        }
        v.extend(nodes);
    }
}

fn primary(c: &[char], i: &mut usize) -> Vec<Node> {
    match c[*i] {
        '(' => {
            *i += 1;
            let alts = alternatives(c, i);
            *i += 1; // ')'
            alts
        }
        '~' => {
            *i += 1;
            let mut n = 0;
            while *i < c.len() && c[*i].is_ascii_digit() {
                n = n * 10 + c[*i].to_digit(10).unwrap() as usize;
                *i += 1;
            }
            vec![Node::Gap(n)]
        }
        '!' => {
            *i += 1;
            let inner = primary(c, i);
            let n = if inner.len() == 1 {
                inner.into_iter().next().unwrap()
            } else {
                Node::Choice(vec![inner])
            };
            vec![Node::Not(Box::new(n))]
        }
        _ => word(c, i),
    }
}

fn word(c: &[char], i: &mut usize) -> Vec<Node> {
    let start = *i;
    if c[*i] == '<' {
        while c[*i] != '>' {
            *i += 1;
        }
        *i += 1;
        let name: String = c[start + 1..*i - 1].iter().collect();
        return vec![Node::Kind(name)];
    }
    while *i < c.len() && !" |()?~!\"<>".contains(c[*i]) {
        *i += 1;
    }
    let mut text: String = c[start..*i].iter().collect();
    let stem = text.ends_with('*');
    if stem {
        text.pop();
    }
    tokenize(&text)
        .into_iter()
        .map(|t| {
            if stem {
                Node::Stem(t.text)
            } else if t.kind == "host" {
                Node::Host(t.text)
            } else {
                Node::Word(t.text)
            }
        })
        .collect()
}

// ---- matching ----

fn one(n: &Node, t: &Tok) -> bool {
    match n {
        Node::Word(w) => !t.text.is_empty() && matches!(t.kind, "word" | "number") && t.text == *w,
        Node::Host(h) => {
            let domain = match t.kind {
                "host" => t.text.as_str(),
                "address" => t.text.rsplit_once('@').map_or("", |(_, d)| d),
                _ => "",
            };
            domain == h || domain.ends_with(&format!(".{h}"))
        }
        Node::Stem(s) => matches!(t.kind, "word" | "number") && t.text.starts_with(s.as_str()),
        Node::Kind(k) => t.kind == k,
        Node::Choice(alts) => alts.iter().any(|a| a.len() == 1 && one(&a[0], t)),
        _ => false,
    }
}

/// Every end position of `nodes` matched from token `pos`.
fn ends(nodes: &[Node], toks: &[Tok], pos: usize) -> Vec<usize> {
    let Some((n, rest)) = nodes.split_first() else {
        return vec![pos];
    };
    let mut out = Vec::new();
    let go = |p: usize, out: &mut Vec<usize>| out.extend(ends(rest, toks, p));
    match n {
        Node::Gap(k) => {
            for s in 0..=*k {
                if pos + s <= toks.len() {
                    go(pos + s, &mut out);
                }
            }
        }
        Node::Opt(inner) => {
            go(pos, &mut out);
            for e in ends(std::slice::from_ref(inner), toks, pos) {
                go(e, &mut out);
            }
        }
        Node::Not(inner) => {
            if ends(std::slice::from_ref(inner), toks, pos).is_empty() {
                go(pos, &mut out);
            }
        }
        Node::Choice(alts) => {
            for a in alts {
                for e in ends(a, toks, pos) {
                    go(e, &mut out);
                }
            }
        }
        _ => {
            if pos < toks.len() && one(n, &toks[pos]) {
                go(pos + 1, &mut out);
            }
        }
    }
    out
}

/// Does the term match somewhere, and somewhere starting at or after byte `reply_from`?
pub fn term_matches(term: &Term, input: &str, toks: &[Tok], reply_from: usize) -> (bool, bool) {
    match term {
        Term::Literal(l) => match input.to_ascii_lowercase().find(l.as_str()) {
            Some(at) => (true, at >= reply_from),
            None => (false, false),
        },
        Term::Seq(nodes) => {
            let mut any = false;
            let mut reply = false;
            for s in 0..toks.len() {
                // A sequence whose first element is a gap or an optional word may start later;
                // the match's start is its first matched token.
                if !ends(nodes, toks, s).is_empty() {
                    let first = first_token(nodes, toks, s);
                    any = true;
                    if let Some(f) = first {
                        reply |= toks[f].start >= reply_from;
                    }
                }
            }
            (any, reply)
        }
    }
}

/// The latest first token of a match of `nodes` from `s` (a leading gap or optional word can
/// consume nothing).
fn first_token(nodes: &[Node], toks: &[Tok], s: usize) -> Option<usize> {
    // Skipping leading gaps and absent optional words: the start moves right. The library
    // reports the latest start, so try the latest first.
    (s..toks.len()).rev().find(|&f| {
        // A match whose first consumed token is f, starting the pattern at s.
        matches_with_first(nodes, toks, s, f)
    })
}

fn matches_with_first(nodes: &[Node], toks: &[Tok], pos: usize, first: usize) -> bool {
    let Some((n, rest)) = nodes.split_first() else {
        return false;
    };
    match n {
        Node::Gap(k) => {
            (0..=*k).any(|g| pos + g <= first && matches_with_first(rest, toks, pos + g, first))
        }
        Node::Opt(inner) => {
            matches_with_first(rest, toks, pos, first)
                || (pos == first
                    && ends(std::slice::from_ref(inner), toks, pos)
                        .iter()
                        .any(|&e| !ends(rest, toks, e).is_empty()))
        }
        Node::Not(inner) => {
            ends(std::slice::from_ref(inner), toks, pos).is_empty()
                && matches_with_first(rest, toks, pos, first)
        }
        _ => {
            pos == first
                && ends(std::slice::from_ref(n), toks, pos)
                    .iter()
                    .any(|&e| !ends(rest, toks, e).is_empty())
        }
    }
}

/// A text that the alternative matches: the first choice of each alternative, optional words
/// left out, a stem with `ed` after it, a sample token of each kind.
pub fn example(alt: &str) -> String {
    fn node(n: &Node, out: &mut Vec<String>) {
        match n {
            Node::Word(w) | Node::Host(w) => out.push(w.clone()),
            Node::Stem(s) => out.push(format!("{s}ed")),
            Node::Kind(k) => out.push(
                match k.as_str() {
                    "address" => "jane@example.com",
                    "ip" => "192.0.2.1",
                    "host" => "mx.example.com",
                    "number" => "42",
                    _ => "something",
                }
                .to_string(),
            ),
            Node::Choice(alts) => alts[0].iter().for_each(|x| node(x, out)),
            Node::Opt(_) | Node::Gap(_) | Node::Not(_) => {}
        }
    }
    parse_alternative(alt)
        .iter()
        .map(|t| match t {
            Term::Literal(l) => l.clone(),
            Term::Seq(nodes) => {
                let mut out = Vec::new();
                nodes.iter().for_each(|n| node(n, &mut out));
                out.join(" ")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The alternative as a regular expression over the raw text, for the `regex::RegexSet`
/// baseline of the benchmark (the way KumoMTA's classifier matches its rules, one
/// case-insensitive regular expression per rule): the words in order with separators between
/// them, a stem as its letters and any more, a gap as up to N more words. (The `regex` crate
/// has no look-ahead: a negation is left out.)
pub fn to_regex(alt: &str) -> String {
    const SEP: &str = "[^a-z0-9]+";
    fn node(n: &Node) -> Option<String> {
        Some(match n {
            Node::Word(w) | Node::Host(w) => regex_escape(w),
            Node::Stem(s) => format!("{}[a-z0-9]*", regex_escape(s)),
            Node::Kind(k) => match k.as_str() {
                "address" => "[^ ]+@[^ ]+".to_string(),
                "ip" => "[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+".to_string(),
                "host" => "[a-z0-9-]+(?:[.][a-z0-9-]+)+".to_string(),
                "number" => "[0-9]+(?:[.][0-9]+)*".to_string(),
                _ => "[a-z0-9]+".to_string(),
            },
            Node::Choice(alts) => format!(
                "(?:{})",
                alts.iter()
                    .map(|a| seq_regex(a))
                    .collect::<Vec<_>>()
                    .join("|")
            ),
            Node::Opt(inner) => format!("(?:{}{SEP})?", node(inner)?),
            Node::Gap(k) => format!("(?:[a-z0-9]+{SEP}){{0,{k}}}"),
            Node::Not(_) => return None,
        })
    }
    fn seq_regex(nodes: &[Node]) -> String {
        let mut s = String::new();
        let parts: Vec<(bool, String)> = nodes
            .iter()
            .filter_map(|n| node(n).map(|p| (matches!(n, Node::Opt(_) | Node::Gap(_)), p)))
            .collect();
        for (i, (own_separator, p)) in parts.iter().enumerate() {
            s.push_str(p);
            if i + 1 < parts.len() && !own_separator {
                s.push_str(SEP);
            }
        }
        s
    }
    let terms: Vec<String> = parse_alternative(alt)
        .iter()
        .map(|t| match t {
            Term::Literal(l) => regex_escape(l),
            Term::Seq(nodes) => seq_regex(nodes),
        })
        .collect();
    format!("(?i-u){}", terms.join(".*"))
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
