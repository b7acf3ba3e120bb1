//! The matcher: one pass over the reply's tokens, with no allocation.
//!
//! The reply is split into tokens ([`words`](crate::words)) as it is read. Each token is
//! looked up in the vocabulary's hash table (a host under each of its suffixes); a token that
//! some sequence is anchored on is verified once the tokens around it are known: the
//! sequence's elements before the anchor are matched backwards, those after it forwards, with
//! gaps and optional words tried in turn (bounded by [`MAX_SPAN`](super::lang::MAX_SPAN)). The
//! last [`RING`] tokens are kept in a ring on the stack, so the work and the memory are linear
//! in the input whatever its length. A matched sequence sets its term's bit, and tells whether
//! it lies in the reply itself (from the reply code on) or in the words in front of it.

use super::lang::{
    ANCHOR_BIT, Anchor, FlatElem, FlatItem, FlatSeq, HASH_MASK, HOST_BIT, ID_MASK, ITEM_KIND,
    ITEM_STEM, ITEM_WORD, MAX_SPAN, OP_GAP, OP_NOT, OP_ONE, OP_OPT, PAIR_BIT, pair_key, pair_slot,
    slot_of,
};
use crate::code::ReplyCode;
use crate::words::{self, Kind, Scratch, Token};

/// How many of the last tokens are kept (a power of two above twice [`MAX_SPAN`]).
pub(crate) const RING: usize = 32;
const _: () = assert!(RING.is_power_of_two() && RING > 2 * MAX_SPAN + 1);

/// A rule set's compiled tables, as slices: the built-in ones are statics, a user's are the
/// vectors of a [`Compiled`](super::lang::Compiled).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tables<'a> {
    /// The vocabulary's hash table (see [`Compiled::slots`](super::lang::Compiled::slots)).
    pub(crate) slots: &'a [u64],
    /// Stems: their first eight bytes ([`words::prefix8`]) and their length.
    pub(crate) stems: &'a [(u64, u8)],
    pub(crate) items: &'a [FlatItem],
    pub(crate) elems: &'a [FlatElem],
    pub(crate) nots: &'a [(u32, u32)],
    pub(crate) seqs: &'a [FlatSeq],
    pub(crate) word_anchors: &'a [(u32, u32)],
    pub(crate) stem_anchors: &'a [(u32, u32)],
    /// Some sequence is anchored on a stem: every word is checked against the stems.
    pub(crate) stem_anchored: bool,
    pub(crate) kind_anchors: &'a [(u32, u32)],
    /// Bit `k` set: some sequence is anchored on the kind `k`.
    pub(crate) kind_anchored: u8,

    pub(crate) anchor_list: &'a [Anchor],
    pub(crate) pairs: &'a [(u64, u32, u32)],
    pub(crate) literals: &'a [(u32, u32, u32, bool)],
    pub(crate) term_literal: &'a [u32],
    pub(crate) literal_text: &'a [u8],
    /// The rule rows, in precedence order.
    pub(crate) rows: &'a [super::Rule],
    /// The terms of each row: ranges of `row_term_ids`.
    pub(crate) row_terms: &'a [(u32, u32)],
    pub(crate) row_term_ids: &'a [u32],
    /// The rows that use each term: ranges of `term_row_ids`.
    pub(crate) term_rows: &'a [(u32, u32)],
    pub(crate) term_row_ids: &'a [u32],
}

impl Tables<'_> {
    /// The id and flags of a folded text (see
    /// [`Compiled::slots`](super::lang::Compiled::slots)), or 0.
    #[inline]
    fn lookup(&self, hash: u64) -> u16 {
        let len = self.slots.len();
        let h = hash & HASH_MASK;
        let mut i = slot_of(hash, len);
        loop {
            let s = self.slots[i];
            if s & HASH_MASK == h {
                return s as u16;
            }
            if s == 0 {
                return 0;
            }
            i = (i + 1) & (len - 1);
        }
    }

    /// The id and flags of a token: its text for words and numbers; the longest suffix of a
    /// host name (or of an address's domain) that the vocabulary holds as a host.
    #[inline]
    fn id_of(&self, t: &Token<'_>) -> u16 {
        match t.kind {
            Kind::Word | Kind::Number => {
                if t.text.is_empty() {
                    0
                } else {
                    let id = self.lookup(t.hash);
                    if id & HOST_BIT == 0 { id } else { 0 }
                }
            }
            // An address stands for its domain too: a host name matches the addresses at it.
            Kind::Host | Kind::Address => {
                let mut text = t.text;
                if t.kind == Kind::Address {
                    match text.iter().rposition(|&c| c == b'@') {
                        Some(at) => text = &text[at + 1..],
                        None => return 0,
                    }
                }
                if text.is_empty() {
                    return 0;
                }
                let mut h = if t.kind == Kind::Host {
                    t.hash
                } else {
                    words::hash(text)
                };
                loop {
                    let id = self.lookup(h);
                    if id & HOST_BIT != 0 {
                        return id;
                    }
                    match text.iter().position(|&c| c == b'.') {
                        Some(dot) => {
                            text = &text[dot + 1..];
                            h = words::hash(text);
                        }
                        None => return 0,
                    }
                }
            }
            Kind::Ip => 0,
        }
    }

    /// The sequences anchored on the word `first` followed by a token whose
    /// [`words::prefix_code`] is `second`: a range of `anchor_list`.
    #[inline]
    fn pair(&self, first: u16, second: u32) -> (u32, u32) {
        if second == 0 || first & PAIR_BIT == 0 {
            return (0, 0);
        }
        let key = pair_key(first & ID_MASK, second);
        let len = self.pairs.len();
        let mut i = pair_slot(key, len);
        loop {
            let (k, s, e) = self.pairs[i];
            if k == key {
                return (s, e);
            }
            if k == 0 {
                return (0, 0);
            }
            i = (i + 1) & (len - 1);
        }
    }

    fn stem(&self, id: u16) -> (u64, u8) {
        self.stems[usize::from(id)]
    }
}

/// The terms found in one input: in it at all, and in the reply itself (from the reply code
/// on, as opposed to the words in front of it).
pub(crate) struct Hits {
    any: [u64; HIT_WORDS],
    reply: [u64; HIT_WORDS],
    list: [u16; MAX_LIST],
    len: usize,
    overflow: bool,
}

/// The most terms a rule set may have (built in, or a user's).
pub(crate) const MAX_TERMS: usize = 2048;
const HIT_WORDS: usize = MAX_TERMS / 64;
/// The most distinct terms listed for the candidate rules; past it every rule is checked.
const MAX_LIST: usize = 96;

impl Hits {
    fn new() -> Self {
        Hits {
            any: [0; HIT_WORDS],
            reply: [0; HIT_WORDS],
            list: [0; MAX_LIST],
            len: 0,
            overflow: false,
        }
    }

    fn set(&mut self, term: u32, in_reply: bool) {
        let (w, b) = (term as usize / 64, term % 64);
        if in_reply {
            self.reply[w] |= 1 << b;
        }
        if self.any[w] & (1 << b) == 0 {
            self.any[w] |= 1 << b;
            if self.len < MAX_LIST {
                self.list[self.len] = term as u16;
                self.len += 1;
            } else {
                self.overflow = true;
            }
        }
    }

    pub(crate) fn has(&self, term: u32, in_reply: bool) -> bool {
        let bits = if in_reply { &self.reply } else { &self.any };
        bits[term as usize / 64] & (1 << (term % 64)) != 0
    }

    /// The terms found, in the order they were found.
    pub(crate) fn terms(&self) -> Option<&[u16]> {
        (!self.overflow).then(|| &self.list[..self.len])
    }
}

/// The tokens kept while reading: where each is in the input, its kind, and whether its text
/// is one of [`words::SYNTHETIC`] rather than its bytes.
struct Ring {
    start: [u32; RING],
    kind: [Kind; RING],
    /// The [`words::prefix_code`] of each token's folded text.
    code: [u32; RING],
    /// The first eight bytes of each token's folded text ([`words::prefix8`]), and its
    /// length (0 when it has none).
    prefix: [u64; RING],
    len: [u8; RING],
}

/// Reads `input` once for one rule set: tokens, anchors, verified sequences.
pub(crate) struct Lane<'t> {
    t: &'t Tables<'t>,
    ids: [u16; RING],
    /// Tokens waiting for the tokens after them before their anchors are verified.
    pending: [u32; RING],
    head: usize,
    tail: usize,
    pub(crate) hits: Hits,
}

impl<'t> Lane<'t> {
    pub(crate) fn new(t: &'t Tables<'t>) -> Self {
        Lane {
            t,
            ids: [0; RING],
            pending: [0; RING],
            head: 0,
            tail: 0,
            hits: Hits::new(),
        }
    }

    /// Token number `n` has been read into the ring.
    #[inline]
    fn push(&mut self, tok: &Token<'_>, n: usize, text: &Text) {
        let id = self.t.id_of(tok);
        self.ids[n & (RING - 1)] = id;
        // (The ring's slot before the first token holds 0.)
        let prev = self.ids[n.wrapping_sub(1) & (RING - 1)];
        let kind_bit = 1u8 << tok.kind as u8;
        let mut anchored = (id & ANCHOR_BIT != 0)
            | (self.t.kind_anchored & kind_bit != 0)
            | (self.t.stem_anchored & ((tok.kind as u8) <= Kind::Number as u8));
        if !anchored && prev & PAIR_BIT != 0 {
            let (s, e) = self.t.pair(prev, text.ring.code[n & (RING - 1)]);
            anchored = s < e;
        }
        // Written always; kept only when the token anchors something.
        self.pending[self.tail & (RING - 1)] = n as u32;
        self.tail += usize::from(anchored);
        // Verify the anchors whose sequences can no longer reach past the tokens read.
        while self.head < self.tail {
            let a = self.pending[self.head & (RING - 1)] as usize;
            if n < a + MAX_SPAN {
                break;
            }
            self.head += 1;
            self.verify_anchors(a, n + 1, text);
        }
    }

    /// The input is read: verify what is left.
    fn finish(&mut self, read: usize, text: &Text) {
        while self.head < self.tail {
            let a = self.pending[self.head & (RING - 1)] as usize;
            self.head += 1;
            self.verify_anchors(a, read, text);
        }
    }

    fn verify_anchors(&mut self, at: usize, read: usize, text: &Text) {
        let t = self.t;
        let slot = at & (RING - 1);
        let id = self.ids[slot];
        let kind = text.ring.kind[slot];
        let check = |lane: &mut Lane<'_>, list: (u32, u32)| {
            for a in &t.anchor_list[list.0 as usize..list.1 as usize] {
                lane.verify(a, at, read, text);
            }
        };
        if id & ANCHOR_BIT != 0 {
            check(self, t.word_anchors[usize::from(id & ID_MASK)]);
        }
        if at > 0 && at > read.saturating_sub(RING) {
            check(
                self,
                t.pair(self.ids[(at - 1) & (RING - 1)], text.ring.code[slot]),
            );
        }
        if t.kind_anchored & (1 << kind as u8) != 0 {
            check(self, t.kind_anchors[kind as usize]);
        }
        if t.stem_anchored && matches!(kind, Kind::Word | Kind::Number) {
            for s in 0..t.stems.len() {
                if text.starts_with(at, t.stem(s as u16)) {
                    check(self, t.stem_anchors[s]);
                }
            }
        }
    }

    fn verify(&mut self, a: &Anchor, at: usize, read: usize, text: &Text) {
        let t = self.t;
        let seq = t.seqs[a.seq as usize];
        if self.hits.has(seq.term, true) {
            return;
        }
        let es = &t.elems[seq.start as usize..seq.start as usize + usize::from(seq.len)];
        let anchor = usize::from(a.elem);
        let m = Match {
            t,
            ids: &self.ids,
            text,
            read,
            low: read.saturating_sub(RING),
        };
        if seq.straight {
            // Only single tokens: the sequence sits at a known place around its anchor.
            let Some(start) = at.checked_sub(anchor).filter(|&s| s >= m.low) else {
                return;
            };
            if es.iter().enumerate().all(|(k, e)| m.one(e, start + k)) {
                let in_reply = text.ring.start[start & (RING - 1)] as usize >= text.reply_from;
                self.hits.set(seq.term, in_reply);
            }
            return;
        }
        // The anchor element itself (for stems and kinds the item is checked here too).
        if !m.one(&es[anchor], at) || !m.forward(&es[anchor + 1..], at + 1) {
            return;
        }
        if let Some(start) = m.backward(&es[..anchor], at) {
            let in_reply = text.ring.start[start & (RING - 1)] as usize >= text.reply_from;
            self.hits.set(seq.term, in_reply);
        }
    }
}

/// The input and the tokens read so far, for the verification of a sequence.
pub(crate) struct Text {
    ring: Ring,
    reply_from: usize,
}

impl Text {
    /// Does token `n`'s folded text start with the stem (its first eight bytes and its
    /// length)?
    #[inline]
    fn starts_with(&self, n: usize, stem: (u64, u8)) -> bool {
        let slot = n & (RING - 1);
        let mask = if stem.1 >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * stem.1)) - 1
        };
        self.ring.len[slot] >= stem.1 && self.ring.prefix[slot] & mask == stem.0
    }
}

/// Matching the elements of one sequence around its anchor.
struct Match<'m> {
    t: &'m Tables<'m>,
    ids: &'m [u16; RING],
    text: &'m Text,
    /// Tokens read (`read - 1` is the last).
    read: usize,
    /// The first token still in the ring.
    low: usize,
}

impl Match<'_> {
    /// Does token `n` match one of the element's items?
    fn one(&self, e: &FlatElem, n: usize) -> bool {
        if n >= self.read || n < self.low {
            return false;
        }
        let slot = n & (RING - 1);
        let (id, kind) = (self.ids[slot], self.text.ring.kind[slot]);
        self.t.items[e.start as usize..(e.start + e.len) as usize]
            .iter()
            .any(|i| match i.tag {
                ITEM_WORD => id & ID_MASK == i.value && id != 0,
                ITEM_STEM => {
                    matches!(kind, Kind::Word | Kind::Number)
                        && self.text.starts_with(n, self.t.stem(i.value))
                }
                ITEM_KIND => kind as u16 == i.value,
                _ => false,
            })
    }

    /// Do the tokens from `n` on match one of a negation's alternatives?
    fn any_alternative(&self, e: &FlatElem, n: usize) -> bool {
        self.t.nots[e.start as usize..(e.start + e.len) as usize]
            .iter()
            .any(|&(s, len)| {
                self.t.elems[s as usize..(s + len) as usize]
                    .iter()
                    .enumerate()
                    .all(|(k, x)| self.one(x, n + k))
            })
    }

    /// Can `es` match from token `n` on?
    fn forward(&self, es: &[FlatElem], n: usize) -> bool {
        let Some((e, rest)) = es.split_first() else {
            return true;
        };
        match e.op {
            OP_ONE => self.one(e, n) && self.forward(rest, n + 1),
            OP_OPT => (self.one(e, n) && self.forward(rest, n + 1)) || self.forward(rest, n),
            OP_GAP => {
                (0..=usize::from(e.n)).any(|k| n + k <= self.read && self.forward(rest, n + k))
            }
            OP_NOT => !self.any_alternative(e, n) && self.forward(rest, n),
            _ => false,
        }
    }

    /// Can `es` match ending just before token `end`? The latest start where they do.
    fn backward(&self, es: &[FlatElem], end: usize) -> Option<usize> {
        let Some((e, rest)) = es.split_last() else {
            return Some(end);
        };
        match e.op {
            OP_ONE => {
                if end > self.low && self.one(e, end - 1) {
                    self.backward(rest, end - 1)
                } else {
                    None
                }
            }
            OP_OPT => self.backward(rest, end).or_else(|| {
                if end > self.low && self.one(e, end - 1) {
                    self.backward(rest, end - 1)
                } else {
                    None
                }
            }),
            OP_GAP => (0..=usize::from(e.n))
                .filter(|&k| end >= self.low + k)
                .find_map(|k| self.backward(rest, end - k)),
            OP_NOT => {
                if self.any_alternative(e, end) {
                    None
                } else {
                    self.backward(rest, end)
                }
            }
            _ => None,
        }
    }
}

/// Reads `input` once and feeds every rule set's lane. `reply_from` is where the reply code
/// starts (0 without one); `marker` is the code of a multi-line reply, whose repetitions as
/// line prefixes (`550-5.7.1`) are skipped. The first 4 GiB of an input are read.
pub(crate) fn scan<'t>(
    input: &[u8],
    reply_from: usize,
    marker: Option<ReplyCode>,
    lanes: &mut [&mut Lane<'t>],
) {
    let input = &input[..input.len().min(u32::MAX as usize)];
    let mut text = Text {
        ring: Ring {
            start: [0; RING],
            kind: [Kind::Word; RING],
            code: [0; RING],
            prefix: [0; RING],
            len: [0; RING],
        },
        reply_from,
    };
    let marker = marker.map(|c| c.as_str().as_bytes());
    let mut scratch = Scratch::default();
    let mut n = 0usize;
    // The repetition of the reply code at the start of a continuation line, and the enhanced
    // code after it, are skipped.
    let mut skip_enhanced_after = usize::MAX;
    words::tokenize(input, 0, &mut scratch, &mut |tok| {
        if let Some(code) = marker {
            if tok.kind == Kind::Number
                && tok.start > reply_from
                && &input[tok.start..tok.end] == code
                && continuation(input, tok.start, tok.end)
            {
                skip_enhanced_after = tok.end;
                return true;
            }
            if tok.kind == Kind::Number
                && skip_enhanced_after != usize::MAX
                && tok.start == skip_enhanced_after + 1
                && tok.text.iter().filter(|&&c| c == b'.').count() == 2
            {
                skip_enhanced_after = usize::MAX;
                return true;
            }
            skip_enhanced_after = usize::MAX;
        }
        let slot = n & (RING - 1);
        text.ring.start[slot] = tok.start as u32;
        text.ring.kind[slot] = tok.kind;
        text.ring.code[slot] = tok.code;
        text.ring.prefix[slot] = tok.prefix;
        text.ring.len[slot] = tok.text.len().min(usize::from(u8::MAX)) as u8;
        for lane in lanes.iter_mut() {
            lane.push(&tok, n, &text);
        }
        n += 1;
        true
    });
    for lane in lanes.iter_mut() {
        lane.finish(n, &text);
        for &(s, e, term, eager) in lane.t.literals {
            if eager {
                let lit = &lane.t.literal_text[s as usize..e as usize];
                if let Some(at) = find_ci(input, lit) {
                    lane.hits.set(term, at >= reply_from);
                }
            }
        }
    }
}

/// Is the code at `start..end` a line prefix: at the start of a line, or after white space,
/// and followed by `-` or white space (`550-5.7.1`, `550 5.7.1`)?
fn continuation(input: &[u8], start: usize, end: usize) -> bool {
    let before = start == 0 || crate::parse::is_space(input[start - 1]);
    let after = match input.get(end) {
        None => true,
        Some(&c) => c == b'-' || crate::parse::is_space(c),
    };
    before && after
}

/// Where `needle` (lower case) first occurs in `hay`, ignoring ASCII case.
pub(crate) fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let upper = first.to_ascii_uppercase();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        let window = &hay[i..hay.len() - needle.len() + 1];
        let rel = memchr::memchr2(first, upper, window)?;
        let at = i + rel;
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}
