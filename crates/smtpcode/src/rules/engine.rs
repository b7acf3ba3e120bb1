//! The matcher: one pass over the reply's tokens, with no allocation.
//!
//! The reply is split into tokens ([`words`](crate::words)) into a batch of [`CAP`] tokens
//! on the stack. Then, for each rule set, the batch's words and numbers are looked up in the
//! vocabulary's table (one probe each, independent of each other), and each token that
//! anchors a sequence is verified against the tokens around it: the sequence's elements
//! before the anchor are matched backwards, those after it forwards, with gaps and optional
//! words tried in turn (bounded by [`MAX_SPAN`](super::lang::MAX_SPAN)). When the batch is
//! full, its last tokens are kept as the context of the next one, so the work and the memory
//! are linear in the input whatever its length. A matched sequence sets its term's bit, and
//! tells whether it lies in the reply itself (from the reply code on) or in the words in front
//! of it.

use super::lang::{
    ANCHOR_BIT, Anchor, FlatElem, FlatItem, FlatSeq, HASH_MASK, HOST_BIT, ID_MASK, ITEM_KIND,
    ITEM_STEM, ITEM_WORD, MAX_SPAN, OP_GAP, OP_NOT, OP_ONE, OP_OPT, PAIR_BIT, SIG_OTHER,
    SIMPLE_KIND, SIMPLE_STEM, mix, pair_bit, pair_key, perfect_slot, sig_bit,
};
use crate::code::ReplyCode;
use crate::words::{self, Kind, Scratch, Token};

/// The most tokens held at once.
pub(crate) const CAP: usize = 64;
/// The tokens kept as context when a full batch is followed by more: a sequence anchored on
/// the first of them that is not verified yet reaches [`MAX_SPAN`] tokens back.
const KEEP: usize = 2 * MAX_SPAN;
const _: () = assert!(CAP > KEEP + MAX_SPAN);

/// A rule set's compiled tables, as slices: the built-in ones are statics, a user's are the
/// vectors of a [`Compiled`](super::lang::Compiled).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tables<'a> {
    /// The vocabulary's hash table (see [`Compiled::slots`](super::lang::Compiled::slots)).
    pub(crate) slots: &'a [u64],
    /// Its displacements (see [`Perfect`](super::lang::Perfect)).
    pub(crate) disp: &'a [u16],
    /// Stems: their first eight bytes ([`words::prefix8`]) and their length.
    pub(crate) stems: &'a [(u64, u8)],
    pub(crate) items: &'a [FlatItem],
    pub(crate) elems: &'a [FlatElem],
    pub(crate) nots: &'a [(u32, u32)],
    pub(crate) seqs: &'a [FlatSeq],
    pub(crate) simple: &'a [u16],
    pub(crate) word_anchors: &'a [(u32, u32)],
    pub(crate) stem_anchors: &'a [(u32, u32)],
    /// Some sequence is anchored on a stem: every word is checked against the stems.
    pub(crate) stem_anchored: bool,
    pub(crate) kind_anchors: &'a [(u32, u32)],
    /// Bit `k` set: some sequence is anchored on the kind `k`.
    pub(crate) kind_anchored: u8,

    pub(crate) anchor_list: &'a [Anchor],
    pub(crate) pairs: &'a [(u64, u32, u32)],
    pub(crate) pair_disp: &'a [u16],
    /// See [`Compiled::pair_sig`](super::lang::Compiled::pair_sig).
    pub(crate) pair_sig: &'a [u64],
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
        let s = self.slots[perfect_slot(hash, self.disp, self.slots.len())];
        if s & HASH_MASK == hash & HASH_MASK {
            s as u16
        } else {
            0
        }
    }

    /// The id and flags of a host name or an address (folded text): the longest suffix of the
    /// host (or of the address's domain) that the vocabulary holds as a host.
    fn host_id(&self, kind: Kind, text: &[u8], hash: u64) -> u16 {
        let mut text = text;
        if kind == Kind::Address {
            match text.iter().rposition(|&c| c == b'@') {
                Some(at) => text = &text[at + 1..],
                None => return 0,
            }
        }
        // Every host of the vocabulary has a dot (a host token has one, and so has the end of
        // a long one that it keeps): a suffix without one, such as the top-level domain that
        // ended every search, is not hashed and looked up (-0.1 % instructions on the first
        // 20k lines of lines-1m, callgrind).
        let Some(last_dot) = text.iter().rposition(|&c| c == b'.') else {
            return 0;
        };
        let mut h = if kind == Kind::Host {
            hash
        } else {
            words::hash(text)
        };
        let mut from = 0;
        loop {
            let id = self.lookup(h);
            if id & HOST_BIT != 0 {
                return id;
            }
            match text[from..].iter().position(|&c| c == b'.') {
                Some(dot) if from + dot < last_dot => {
                    from += dot + 1;
                    h = words::hash(&text[from..]);
                }
                _ => return 0,
            }
        }
    }

    /// The sequences anchored on the word `first` followed by a token whose
    /// [`words::prefix_code`] is `second`: a range of `anchor_list`.
    #[inline]
    fn pair(&self, first: u16, second: u32) -> (u32, u32) {
        if second == 0 || first & PAIR_BIT == 0 {
            return (0, 0);
        }
        // Most tokens after a pair's first word make no pair with it: one load and one bit
        // test say so, without the table's hash (verify_range from 8.3 % to 7.5 % of the
        // samples of classify on the 1 M corpus lines).
        if self.pair_sig[usize::from(first & ID_MASK)] & pair_bit(second) == 0 {
            return (0, 0);
        }
        let key = pair_key(first & ID_MASK, second);
        let (k, s, e) = self.pairs[perfect_slot(mix(key), self.pair_disp, self.pairs.len())];
        if k == key { (s, e) } else { (0, 0) }
    }

    fn stem(&self, id: u16) -> (u64, u8) {
        self.stems[usize::from(id)]
    }
}

/// The terms found in one input: in it at all, and in the reply itself (from the reply code
/// on, as opposed to the words in front of it).
// In declaration order: see `Scan`.
#[repr(C)]
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

/// A batch of tokens: where each starts, its kind, and the first eight bytes of its folded
/// text ([`words::prefix8`]) with its length (for stems and word pairs); the hashes of the
/// words and numbers, looked up once the batch is full.
pub(crate) struct Batch {
    n: usize,
    start: [u32; CAP],
    kind: [Kind; CAP],
    hash: [u64; CAP],
    prefix: [u64; CAP],
    len: [u8; CAP],
    /// Where the reply starts in the input.
    reply_from: usize,
}

impl Batch {
    /// Does token `i`'s folded text start with the stem (its first eight bytes and its
    /// length)?
    #[inline]
    fn starts_with(&self, i: usize, stem: (u64, u8)) -> bool {
        let mask = if stem.1 >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * stem.1)) - 1
        };
        matches!(self.kind[i], Kind::Word | Kind::Number)
            && self.len[i] >= stem.1
            && self.prefix[i] & mask == stem.0
    }

    /// The [`words::prefix_code`] of token `i` (0 for a token that is not a word or number).
    #[inline]
    fn code(&self, i: usize) -> u32 {
        if matches!(self.kind[i], Kind::Word | Kind::Number) && self.len[i] > 0 {
            ((self.prefix[i] & 0xFF_FFFF) << 8) as u32 | u32::from(self.len[i].min(3))
        } else {
            0
        }
    }

    /// Is token `i` in the reply itself (at or after the reply code)?
    #[inline]
    fn in_reply(&self, i: usize) -> bool {
        self.start[i] as usize >= self.reply_from
    }
}

/// The bits of [`Lane::present`] (a power of two, at least 64).
const PRESENT_BITS: usize = 1024;
const _: () = assert!(PRESENT_BITS.is_power_of_two() && PRESENT_BITS >= 64);

/// The bit of [`Lane::present`] for the vocabulary id `id` (without flags): the index of its
/// word and its mask. Set as the tokens are looked up and tested before a sequence is
/// verified, so both agree on where an id's bit is.
#[inline(always)]
fn presence(id: u16) -> (usize, u64) {
    let k = usize::from(id) % PRESENT_BITS;
    (k / 64, 1 << (k % 64))
}

/// Reads the input for one rule set: the ids of the batch's tokens, the verified sequences.
// In declaration order, the fields that start at zero first: see `Scan`.
#[repr(C)]
pub(crate) struct Lane<'t> {
    ids: [u16; CAP],
    /// Bit `id % PRESENT_BITS` set: a token of the input read so far has the vocabulary id
    /// `id` (or another with the same bit: a quick filter before a sequence is verified, which
    /// may let through a sequence that cannot match, never stop one that can). 384 bytes less
    /// to zero per classification than a bit per id, and as selective: -0.33 % instructions
    /// on the first 20k lines of lines-1m, callgrind (256 bits let through too many, +0.07 %).
    present: [u64; PRESENT_BITS / 64],
    /// Bit `i` set: token `i` of the batch anchors sequences on its word ([`ANCHOR_BIT`]);
    /// `firsts`: it is the first word of a pair ([`PAIR_BIT`]). Set as the tokens are looked
    /// up, so that finding the anchors is not another pass over the batch (-1.2 %
    /// instructions on the first 20k lines of lines-1m, callgrind).
    anchors: u64,
    /// See `anchors`.
    firsts: u64,
    pub(crate) hits: Hits,
    t: &'t Tables<'t>,
}

impl<'t> Lane<'t> {
    pub(crate) fn new(t: &'t Tables<'t>) -> Self {
        Lane {
            t,
            ids: [0; CAP],
            present: [0; PRESENT_BITS / 64],
            anchors: 0,
            firsts: 0,
            hits: Hits::new(),
        }
    }

    /// Looks up the words and numbers of tokens `from..b.n` (hosts and addresses were looked
    /// up as they were read).
    fn look_up(&mut self, b: &Batch, from: usize) {
        // Without a branch per token (half of the tokens are words of the rules, at random):
        // every token is looked up and the answer kept or not with masks. The tables' slices
        // are read once, and the batch's and the lane's fields kept in locals, not reloaded
        // after each store (-0.5 % instructions on the first 20k lines of lines-1m,
        // callgrind).
        let (slots, disp) = (self.t.slots, self.t.disp);
        let (mut anchors, mut firsts) = (self.anchors, self.firsts);
        let n = b.n.min(CAP);
        for i in from..n {
            let h = b.hash[i];
            let s = slots[perfect_slot(h, disp, slots.len())];
            let found = (s ^ h) & HASH_MASK == 0;
            let id = s as u16;
            let word = (b.kind[i] as u8) <= Kind::Number as u8;
            // A token with no text (an IP, a token too long to keep) has the hash of the empty
            // text, 0, and finds an empty slot (a word's slot holds a hash that is not 0 in its
            // upper bits), id 0: no test of its length (-0.26 % instructions on the first 20k
            // lines of lines-1m, callgrind).
            let usable = found & (id & HOST_BIT == 0);
            // All ones when the token is a word or number (its id is the one looked up),
            // none for a host or address (its id was found as it was read).
            let word_mask = u16::from(word).wrapping_neg();
            let looked = id & u16::from(usable).wrapping_neg();
            let id = (looked & word_mask) | (self.ids[i] & !word_mask);
            self.ids[i] = id;
            anchors |= u64::from((id & ANCHOR_BIT) >> ANCHOR_BIT.trailing_zeros()) << i;
            firsts |= u64::from((id & PAIR_BIT) >> PAIR_BIT.trailing_zeros()) << i;
            let (word, bit) = presence(id & ID_MASK);
            self.present[word] |= bit;
        }
        (self.anchors, self.firsts) = (anchors, firsts);
    }

    /// Verifies the anchors of tokens `from..to`.
    fn verify_range(&mut self, b: &Batch, from: usize, to: usize) {
        let t = self.t;
        // The tokens that anchor a sequence on their word or on a pair with the word before
        // them, as a bit mask (a batch has at most 64 tokens), then visited.
        const _: () = assert!(CAP <= 64);
        // The words first, then the pairs: each mask is visited with no test per token of
        // which of the two it anchors (the order in which terms are found does not change
        // which are: -0.3 % instructions on the first 20k lines of lines-1m, callgrind).
        let range = range_bits(from, to);
        let mut words = self.anchors & range;
        while words != 0 {
            let i = words.trailing_zeros() as usize;
            words &= words - 1;
            let id = self.ids[i];
            self.verify_list(t.word_anchors[usize::from(id & ID_MASK)], b, i);
        }
        // Bit `i`: token `i - 1` is the first word of a pair.
        let mut seconds = (self.firsts << 1) & range;
        while seconds != 0 {
            let i = seconds.trailing_zeros() as usize;
            seconds &= seconds - 1;
            // Most tokens after a pair's first word make no pair with it (53 % of the lists
            // verified on the first 20k lines of lines-1m were empty): no call then.
            let list = t.pair(self.ids[i - 1], b.code(i));
            if list.0 != list.1 {
                self.verify_list(list, b, i);
            }
        }
        if t.kind_anchored != 0 || t.stem_anchored {
            self.verify_kinds_and_stems(b, from, to);
        }
    }

    /// Verifies the sequences anchored on kinds and stems (a user's rules may have them).
    fn verify_kinds_and_stems(&mut self, b: &Batch, from: usize, to: usize) {
        let t = self.t;
        for i in from..to {
            let kind = b.kind[i];
            if t.kind_anchored & (1 << kind as u8) != 0 {
                self.verify_list(t.kind_anchors[kind as usize], b, i);
            }
            if t.stem_anchored && matches!(kind, Kind::Word | Kind::Number) {
                for s in 0..t.stems.len() {
                    if b.starts_with(i, t.stems[s]) {
                        self.verify_list(t.stem_anchors[s], b, i);
                    }
                }
            }
        }
    }

    /// Verifies the sequences of `list` anchored on token `at`.
    // Inlined where a list is verified, with the verification of a sequence out of line: most
    // anchors fail the quick tests, which then cost no call, and the setup of the sequence's
    // verification is paid only for the others (-0.64 % instructions on the first 20k lines of
    // lines-1m, callgrind).
    #[inline(always)]
    fn verify_list(&mut self, list: (u32, u32), b: &Batch, at: usize) {
        let t = self.t;
        for a in &t.anchor_list[list.0 as usize..list.1 as usize] {
            if a.guard != 0 {
                // Most anchored tokens fail this one comparison.
                let i = at as isize + isize::from(a.guard_at);
                if i < 0 || i as usize >= b.n || self.ids[i as usize] & ID_MASK != a.guard {
                    continue;
                }
            }
            if a.need_len != 0
                && !t.items[a.need as usize..a.need as usize + usize::from(a.need_len)]
                    .iter()
                    .any(|i| {
                        let (word, bit) = presence(i.value);
                        self.present[word] & bit != 0
                    })
            {
                continue;
            }
            self.verify(a, b, at);
        }
    }

    #[inline(never)]
    fn verify(&mut self, a: &Anchor, b: &Batch, at: usize) {
        let t = self.t;
        let seq = t.seqs[a.seq as usize];
        if self.hits.has(seq.term, true) {
            return;
        }
        let anchor = usize::from(a.elem);
        if seq.codes != u32::MAX {
            // One item per element: compared straight from the compact codes.
            let codes = &t.simple[seq.codes as usize..seq.codes as usize + usize::from(seq.len)];
            let Some(start) = at.checked_sub(anchor) else {
                return;
            };
            if start + codes.len() <= b.n
                && codes.iter().enumerate().all(|(k, &c)| {
                    let i = start + k;
                    // A word (most codes) with one test of the code's two flags (-0.1 %
                    // instructions on the first 20k lines of lines-1m, callgrind).
                    if c & (SIMPLE_STEM | SIMPLE_KIND) == 0 {
                        self.ids[i] & ID_MASK == c
                    } else if c & SIMPLE_STEM != 0 {
                        b.starts_with(i, t.stems[usize::from(c & !SIMPLE_STEM)])
                    } else {
                        b.kind[i] as u16 == c & !SIMPLE_KIND
                    }
                })
            {
                self.hits.set(seq.term, b.in_reply(start));
            }
            return;
        }
        let es = &t.elems[seq.start as usize..seq.start as usize + usize::from(seq.len)];
        let m = Match {
            t,
            ids: &self.ids,
            b,
        };
        if seq.straight {
            // Only single tokens: the sequence sits at a known place around its anchor.
            let Some(start) = at.checked_sub(anchor) else {
                return;
            };
            if start + es.len() <= b.n && es.iter().enumerate().all(|(k, e)| m.one(e, start + k)) {
                self.hits.set(seq.term, b.in_reply(start));
            }
            return;
        }
        // The anchor element itself (for stems and kinds the item is checked here too).
        if !m.one(&es[anchor], at) || !m.forward(&es[anchor + 1..], at + 1) {
            return;
        }
        if let Some(start) = m.backward(&es[..anchor], at) {
            self.hits.set(seq.term, b.in_reply(start));
        }
    }
}

/// Matching the elements of one sequence around its anchor.
struct Match<'m> {
    t: &'m Tables<'m>,
    ids: &'m [u16; CAP],
    b: &'m Batch,
}

impl Match<'_> {
    /// Does token `n` match one of the element's items?
    #[inline(always)]
    fn one(&self, e: &FlatElem, n: usize) -> bool {
        if n >= self.b.n {
            return false;
        }
        let id = self.ids[n];
        // An element of one word (most of them) is that word's id: compared at once, without
        // its signature and its items, and inlined where it is tried (-1.3 % instructions on the
        // first 20k lines of lines-1m, callgrind). `e.word` is not 0, so neither is a token's id
        // equal to it.
        if e.word != 0 {
            return id & ID_MASK == e.word;
        }
        // Most tokens are no item of the element: one test says so, here rather than after a
        // call (-0.18 % instructions on the first 20k lines of lines-1m, callgrind).
        let bit = if id & ID_MASK == 0 {
            0
        } else {
            sig_bit(id & ID_MASK)
        };
        if e.sig & (bit | SIG_OTHER) == 0 {
            return false;
        }
        self.items(e, n, id)
    }

    /// Does token `n`, of id `id`, match one of the element's items (not a single word)?
    #[inline(never)]
    fn items(&self, e: &FlatElem, n: usize, id: u16) -> bool {
        let kind = self.b.kind[n];
        self.t.items[e.start as usize..(e.start + e.len) as usize]
            .iter()
            .any(|i| match i.tag {
                ITEM_WORD => id & ID_MASK == i.value && id != 0,
                ITEM_STEM => self.b.starts_with(n, self.t.stem(i.value)),
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
            // A gap followed by one token (the common case) tries that token at each place
            // at once, without a call per place (what `forward` of the rest does first:
            // -0.17 % instructions on the first 20k lines of lines-1m, callgrind).
            OP_GAP => match rest.split_first() {
                Some((next, after)) if next.op == OP_ONE => (0..=usize::from(e.n)).any(|k| {
                    n + k <= self.b.n && self.one(next, n + k) && self.forward(after, n + k + 1)
                }),
                _ => (0..=usize::from(e.n)).any(|k| n + k <= self.b.n && self.forward(rest, n + k)),
            },
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
                if end > 0 && self.one(e, end - 1) {
                    self.backward(rest, end - 1)
                } else {
                    None
                }
            }
            OP_OPT => self.backward(rest, end).or_else(|| {
                if end > 0 && self.one(e, end - 1) {
                    self.backward(rest, end - 1)
                } else {
                    None
                }
            }),
            // As in `forward`.
            OP_GAP => match rest.split_last() {
                Some((last, before)) if last.op == OP_ONE => {
                    (0..=usize::from(e.n)).filter(|&k| end > k).find_map(|k| {
                        if self.one(last, end - k - 1) {
                            self.backward(before, end - k - 1)
                        } else {
                            None
                        }
                    })
                }
                _ => (0..=usize::from(e.n))
                    .filter(|&k| end >= k)
                    .find_map(|k| self.backward(rest, end - k)),
            },
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
    let mut feed = Feed {
        b: Batch {
            n: 0,
            start: [0; CAP],
            kind: [Kind::Word; CAP],
            hash: [0; CAP],
            prefix: [0; CAP],
            len: [0; CAP],
            reply_from,
        },
        lanes,
        looked: 0,
        verified: 0,
        input,
        marker: marker.map(|c| c.as_str().as_bytes()),
        skip_enhanced_after: usize::MAX,
    };
    let mut scratch = Scratch::default();
    words::tokenize(input, &mut scratch, &mut |tok| feed.push(tok));
    // By reference: moving the batch out of `feed` would copy it.
    let Feed {
        ref b,
        ref mut lanes,
        looked,
        verified,
        ..
    } = feed;
    for lane in lanes.iter_mut() {
        lane.look_up(b, looked);
        lane.verify_range(b, verified, b.n);
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

/// What the tokens of one input go into.
struct Feed<'f, 'l, 't> {
    b: Batch,
    lanes: &'f mut [&'l mut Lane<'t>],
    /// Tokens of the batch from which not yet looked up, not yet verified.
    looked: usize,
    verified: usize,
    input: &'f [u8],
    /// The code of a multi-line reply.
    marker: Option<&'static [u8]>,
    /// The repetition of the reply code at the start of a continuation line, and the
    /// enhanced code after it, are skipped: where such a repetition ended.
    skip_enhanced_after: usize,
}

impl Feed<'_, '_, '_> {
    /// Adds a token to the batch. The common case (a word, or a number outside a multi-line
    /// reply, with room in the batch) is small enough to be inlined into the tokenizer; the
    /// rest is not.
    #[inline(always)]
    fn push(&mut self, tok: Token<'_>) {
        if self.b.n == CAP
            || (tok.kind != Kind::Word && (tok.kind != Kind::Number || self.marker.is_some()))
        {
            return self.push_other(tok);
        }
        // A word of a multi-line reply is no repetition of its code: what `push_other` does
        // for it (every word of such a reply went through it: -0.25 % instructions on the first
        // 20k lines of lines-1m, callgrind). Without a marker this is never read.
        self.skip_enhanced_after = usize::MAX;
        self.store(&tok);
    }

    #[inline(always)]
    fn store(&mut self, tok: &Token<'_>) {
        let b = &mut self.b;
        let i = b.n;
        b.start[i] = tok.start as u32;
        b.kind[i] = tok.kind;
        b.hash[i] = tok.hash;
        b.prefix[i] = tok.prefix;
        b.len[i] = tok.text.len().min(usize::from(u8::MAX)) as u8;
        b.n += 1;
    }

    #[inline(never)]
    fn push_other(&mut self, tok: Token<'_>) {
        let input = self.input;
        if let Some(code) = self.marker {
            if tok.kind == Kind::Number
                && tok.start > self.b.reply_from
                && &input[tok.start..tok.end] == code
                && continuation(input, tok.start, tok.end)
            {
                self.skip_enhanced_after = tok.end;
                return;
            }
            if tok.kind == Kind::Number
                && self.skip_enhanced_after != usize::MAX
                && tok.start == self.skip_enhanced_after + 1
                && tok.text.iter().filter(|&&c| c == b'.').count() == 2
            {
                self.skip_enhanced_after = usize::MAX;
                return;
            }
            self.skip_enhanced_after = usize::MAX;
        }
        if self.b.n == CAP {
            // Full: look up and verify what can be, keep the last tokens as context.
            let b = &mut self.b;
            for lane in self.lanes.iter_mut() {
                lane.look_up(b, self.looked);
                lane.verify_range(b, self.verified, CAP - MAX_SPAN);
                lane.ids.copy_within(CAP - KEEP.., 0);
                lane.anchors >>= CAP - KEEP;
                lane.firsts >>= CAP - KEEP;
            }
            b.start.copy_within(CAP - KEEP.., 0);
            b.kind.copy_within(CAP - KEEP.., 0);
            b.hash.copy_within(CAP - KEEP.., 0);
            b.prefix.copy_within(CAP - KEEP.., 0);
            b.len.copy_within(CAP - KEEP.., 0);
            b.n = KEEP;
            self.looked = KEEP;
            self.verified = KEEP - MAX_SPAN;
        }
        let i = self.b.n;
        if matches!(tok.kind, Kind::Host | Kind::Address | Kind::Ip) {
            for lane in self.lanes.iter_mut() {
                lane.ids[i] = if tok.kind == Kind::Ip {
                    0
                } else {
                    lane.t.host_id(tok.kind, tok.text, tok.hash)
                };
            }
        }
        self.store(&tok);
    }
}

/// The bits `from..to` of a batch's mask.
#[inline]
fn range_bits(from: usize, to: usize) -> u64 {
    let below_to = if to >= 64 { u64::MAX } else { (1u64 << to) - 1 };
    below_to & u64::MAX.checked_shl(from as u32).unwrap_or(0)
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
