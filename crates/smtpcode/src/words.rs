//! Words: how a reply (and a rule's pattern) is split into tokens, folded and hashed.
//!
//! The same code runs in the build script (for the rules' words) and in the library (for
//! replies), so a word of a rule and the same word in a reply always get the same text and
//! the same hash. It depends on nothing but `core`.
//!
//! A token is one of:
//!
//! * a **word**: letters and digits (`user`, `s3150`, `tss04`); a CJK character is a word of
//!   its own (Japanese and Chinese write no spaces);
//! * a **number**: digits, with dots between groups (`550`, `5.1.1`, `554.30`);
//! * an **address** (`jane@example.com`), an **IP address** (`192.0.2.1`, `2001:db8::1`) or a
//!   **host** name (`mx.example.com`): each one token, whatever its length.
//!
//! Everything else (white space, punctuation, control bytes) separates tokens. Inside a run of
//! letters, digits and joiners (`.`, `-`, `_`, `'`, `+`, `:`, `@`), what is not an address,
//! IP, host or number is split at the joiners: `double-checking` is two words, `rcpt_to`
//! two, `[TSS04]` one. `n't` becomes the word `not` (`doesn't` = `does not`, `can't` =
//! `can not`, `won't` = `will not`); `cannot` is `can not`; a trailing `'s` is dropped.
//!
//! Folding: ASCII letters are lower-cased; Latin letters with diacritics lose them (`é` is
//! `e`, `ß` is `ss`), Cyrillic and Greek capitals are lower-cased; so rules are written in lower
//! case without accents and match either spelling.

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    /// Letters and digits.
    Word = 0,
    /// Digits, with dots between groups.
    Number = 1,
    /// `local@domain`.
    Address = 2,
    /// An IPv4 or IPv6 address.
    Ip = 3,
    /// A dotted host name whose last label has letters.
    Host = 4,
}

impl Kind {
    /// Every kind, in order.
    pub const ALL: [Kind; 5] = [
        Kind::Word,
        Kind::Number,
        Kind::Address,
        Kind::Ip,
        Kind::Host,
    ];

    /// The name used in patterns (`<address>`).
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Word => "word",
            Kind::Number => "number",
            Kind::Address => "address",
            Kind::Ip => "ip",
            Kind::Host => "host",
        }
    }

    /// The kind of a name used in patterns.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The longest folded text of a token that is kept for its hash: words of the rules are at
/// most this long, and a longer token is no word of any rule. (A host keeps its last
/// `MAX_TEXT` bytes, for the suffix lookup.)
pub const MAX_TEXT: usize = 64;

/// Runs longer than this are one opaque token (no text, no hash): a run is split into at most
/// `MAX_RUN / 2` parts.
pub const MAX_RUN: usize = 256;

/// One token, as handed to the caller of [`tokenize`].
#[derive(Debug, Clone, Copy)]
pub struct Token<'t> {
    /// Where it starts in the input.
    pub start: usize,
    /// Where it ends in the input.
    pub end: usize,
    /// Its kind.
    pub kind: Kind,
    /// Its folded text (lower case, without diacritics); empty for a token longer than
    /// [`MAX_TEXT`] (a host or an address keeps its last `MAX_TEXT` bytes) and for IPs.
    pub text: &'t [u8],
    /// [`hash`] of `text`.
    pub hash: u64,
    /// The first eight bytes of `text`, little-endian, zero-padded ([`prefix8`]).
    pub prefix: u64,
}

/// The hash of a folded text: 64 bits, word at a time. The build script hashes the rules'
/// words with it; the library hashes the reply's tokens with it.
#[inline]
pub fn hash(text: &[u8]) -> u64 {
    let mut h: u64 = (text.len() as u64).wrapping_mul(HASH_K);
    let mut chunks = text.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(HASH_K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(b))
            .wrapping_mul(HASH_K)
            .rotate_left(29);
    }
    h ^= h >> 32;
    h.wrapping_mul(HASH_K)
}

const HASH_K: u64 = 0x9E37_79B9_7F4A_7C15;

/// [`hash`] of a text of one to eight bytes, given as its length and its bytes (its
/// [`prefix8`]).
#[inline]
fn hash_word(len: usize, w: u64) -> u64 {
    let h = ((len as u64).wrapping_mul(HASH_K) ^ w)
        .wrapping_mul(HASH_K)
        .rotate_left(29);
    (h ^ (h >> 32)).wrapping_mul(HASH_K)
}

/// The first eight bytes of a text, little-endian, zero-padded: a stem of up to eight bytes
/// is compared with a token's text in one operation.
#[inline]
pub fn prefix8(text: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = text.len().min(8);
    b[..n].copy_from_slice(&text[..n]);
    u64::from_le_bytes(b)
}

/// The first bytes of a folded text, packed: up to 3 bytes and how many. A stem's code is its
/// first 3 bytes, so a token's code equals the code of a stem it starts with and of a word it
/// is. (Rules anchor a sequence on a word and the code of the token after it.)
#[inline]
pub fn prefix_code(text: &[u8]) -> u32 {
    let n = text.len().min(3);
    let mut c = n as u32;
    for (i, &b) in text[..n].iter().enumerate() {
        c |= u32::from(b) << (8 * (i + 1));
    }
    c
}

/// Byte classes of the scanner: a letter or a digit is `DIGIT` or `LETTER` (both at least
/// `ALNUM`).
const SEP: u8 = 0;
const JOIN: u8 = 1;
const HIGH: u8 = 2;
const ALNUM: u8 = 4;
const DIGIT: u8 = 4;
const LETTER: u8 = 8;

const fn classes() -> [u8; 256] {
    let mut t = [SEP; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else if matches!(c, b'.' | b'-' | b'_' | b'\'' | b'+' | b':' | b'@') {
            JOIN
        } else if c >= 0x80 {
            HIGH
        } else {
            SEP
        };
        b += 1;
    }
    t
}

static CLASS: [u8; 256] = classes();

/// What a character of two or more bytes is to the scanner.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wide {
    /// A letter: part of a word.
    Letter,
    /// A CJK character: a word of its own.
    Cjk,
    /// Punctuation or space: a separator.
    Sep,
    /// The right single quotation mark (U+2019), used as an apostrophe.
    Apostrophe,
}

/// Decodes the UTF-8 character at `b[i]` (a byte >= 0x80): its code point and length. Bytes
/// that are not UTF-8 count as one-byte letters (they stay inside the word they are in).
fn decode(b: &[u8], i: usize) -> (u32, usize) {
    let c0 = b[i];
    let cont = |k: usize| {
        b.get(i + k)
            .filter(|&&c| c & 0xC0 == 0x80)
            .map(|&c| u32::from(c & 0x3F))
    };
    match c0 {
        0xC2..=0xDF => match cont(1) {
            Some(c1) => ((u32::from(c0 & 0x1F) << 6) | c1, 2),
            None => (0xFFFD, 1),
        },
        0xE0..=0xEF => match (cont(1), cont(2)) {
            (Some(c1), Some(c2)) => ((u32::from(c0 & 0x0F) << 12) | (c1 << 6) | c2, 3),
            _ => (0xFFFD, 1),
        },
        0xF0..=0xF4 => match (cont(1), cont(2), cont(3)) {
            (Some(c1), Some(c2), Some(c3)) => (
                (u32::from(c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3,
                4,
            ),
            _ => (0xFFFD, 1),
        },
        _ => (0xFFFD, 1),
    }
}

fn wide_class(cp: u32) -> Wide {
    match cp {
        0x2019 => Wide::Apostrophe,
        // Latin-1 punctuation and symbols (NBSP, «», ×, ÷...), general punctuation (dashes,
        // quotes, bullets), arrows, CJK punctuation, full-width punctuation, replacement
        // characters and specials.
        0x80..=0xBF | 0xD7 | 0xF7 | 0x2000..=0x2BFF | 0x3000..=0x303F | 0xFE30..=0xFE4F => {
            Wide::Sep
        }
        0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0xFFF0..=0xFFFF => {
            Wide::Sep
        }
        // Kana, CJK ideographs, compatibility ideographs, half-width katakana.
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F => {
            Wide::Cjk
        }
        _ => Wide::Letter,
    }
}

/// Is a character of two UTF-8 bytes (U+0080 to U+07FF) a separator ([`wide_class`])?
#[inline]
fn two_byte_sep(cp: u32) -> bool {
    cp <= 0xBF || cp == 0xD7 || cp == 0xF7
}

/// The folded form of a character of two UTF-8 bytes (U+0080 to U+07FF, the only ones folding
/// changes): its bytes and how many. A Latin letter loses its diacritic, a Cyrillic or Greek
/// capital becomes small; any other character stays as it is.
const fn fold2(cp: u32) -> ([u8; 2], u8) {
    let base: &[u8] = match cp {
        0xC0..=0xC5 | 0xE0..=0xE5 => b"a",
        0xC6 | 0xE6 => b"ae",
        0xC7 | 0xE7 => b"c",
        0xC8..=0xCB | 0xE8..=0xEB => b"e",
        0xCC..=0xCF | 0xEC..=0xEF => b"i",
        0xD0 | 0xF0 => b"d",
        0xD1 | 0xF1 => b"n",
        0xD2..=0xD6 | 0xD8 | 0xF2..=0xF6 | 0xF8 => b"o",
        0xD9..=0xDC | 0xF9..=0xFC => b"u",
        0xDD | 0xFD | 0xFF => b"y",
        0xDE | 0xFE => b"th",
        0xDF => b"ss",
        // Latin Extended-A: the letters of Polish, Czech, Turkish, Hungarian...
        0x100..=0x105 => b"a",
        0x106..=0x10D => b"c",
        0x10E..=0x111 => b"d",
        0x112..=0x11B => b"e",
        0x11C..=0x123 => b"g",
        0x124..=0x127 => b"h",
        0x128..=0x131 => b"i",
        0x134..=0x135 => b"j",
        0x136..=0x138 => b"k",
        0x139..=0x142 => b"l",
        0x143..=0x14B => b"n",
        0x14C..=0x151 => b"o",
        0x152..=0x153 => b"oe",
        0x154..=0x159 => b"r",
        0x15A..=0x161 => b"s",
        0x162..=0x167 => b"t",
        0x168..=0x173 => b"u",
        0x174..=0x175 => b"w",
        0x176..=0x178 => b"y",
        0x179..=0x17E => b"z",
        _ => b"",
    };
    match base {
        [a] => return ([*a, 0], 1),
        [a, b] => return ([*a, *b], 2),
        _ => {}
    }
    let cp = match cp {
        // Cyrillic capitals.
        0x410..=0x42F => cp + 0x20,
        0x400..=0x40F => cp + 0x50,
        // Greek capitals.
        0x391..=0x3A1 | 0x3A3..=0x3AB => cp + 0x20,
        _ => cp,
    };
    // Still below U+0800: two bytes.
    ([0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8], 2)
}

/// [`fold2`] of every character of two bytes, by code point from U+0080: a word of Cyrillic,
/// Greek or accented Latin letters is folded with one lookup per character (folding took
/// 14.7 M instructions with a match per character, 3.7 M with the table, on the 573 lines with
/// such words among the first 20k corpus lines).
static FOLD2: [([u8; 2], u8); 0x780] = {
    let mut t = [([0u8; 2], 0u8); 0x780];
    let mut i = 0;
    while i < t.len() {
        t[i] = fold2(i as u32 + 0x80);
        i += 1;
    }
    t
};

/// ASCII lower case for eight bytes at once (bytes below 0x80; others unchanged).
#[inline]
fn lower8(x: u64) -> u64 {
    const H: u64 = 0x8080_8080_8080_8080;
    let ascii = !x & H;
    let ge_a = x.wrapping_add(0x3F3F_3F3F_3F3F_3F3F);
    let gt_z = x.wrapping_add(0x2525_2525_2525_2525);
    let upper = ge_a & !gt_z & ascii;
    x | (upper >> 2)
}

/// The scanner's view of one run: where its parts start and end.
struct Run<'a> {
    b: &'a [u8],
    start: usize,
    end: usize,
    high: bool,
    /// No joiner and no character whose first byte is 0xE2 (the right single quotation mark
    /// is one): the run is one word as it is.
    plain: bool,
}

/// A buffer for the folded text of one token.
pub struct Scratch {
    /// Room for eight bytes past [`MAX_TEXT`]: text is written eight bytes at a time.
    buf: [u8; MAX_TEXT + 8],
    len: usize,
    over: bool,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            buf: [0; MAX_TEXT + 8],
            len: 0,
            over: false,
        }
    }
}

impl Scratch {
    fn clear(&mut self) {
        self.len = 0;
        self.over = false;
    }
    fn text(&self) -> &[u8] {
        if self.over {
            &[]
        } else {
            &self.buf[..self.len]
        }
    }
    /// The [`hash`] and the [`prefix8`] of the text held, read from the buffer eight bytes at
    /// a time (the bytes past the text masked off): with no copy of the text's last bytes into
    /// a zeroed word with a call each, as `hash` and `prefix8` do (-0.3 % instructions on the
    /// first 20k lines of lines-1m, callgrind).
    fn hashed(&self) -> (u64, u64) {
        let n = self.text().len();
        let mut h = (n as u64).wrapping_mul(HASH_K);
        let mut prefix = 0;
        let mut i = 0;
        while i < n {
            let mut w = [0u8; 8];
            w.copy_from_slice(&self.buf[i..i + 8]);
            let w = u64::from_le_bytes(w) & (u64::MAX >> (8 * (8 - (n - i).min(8))));
            if i == 0 {
                prefix = w;
            }
            h = (h ^ w).wrapping_mul(HASH_K).rotate_left(29);
            i += 8;
        }
        h ^= h >> 32;
        (h.wrapping_mul(HASH_K), prefix)
    }

    /// Holds the folded `text` (ASCII eight bytes at a time; a character at a time past ASCII).
    fn fold(&mut self, text: &[u8]) {
        self.clear();
        if text.len() > MAX_TEXT {
            self.over = true;
            return;
        }
        if text.is_ascii() {
            let mut i = 0;
            while i < text.len() {
                let w = lower8(load8(text, i));
                self.buf[i..i + 8].copy_from_slice(&w.to_le_bytes());
                i += 8;
            }
            self.len = text.len();
            return;
        }
        // Folding makes no character longer: the text fits in the buffer as it is folded.
        let (mut i, mut o) = (0, 0);
        while i < text.len() {
            let c = text[i];
            if c < 0x80 {
                self.buf[o] = c.to_ascii_lowercase();
                (i, o) = (i + 1, o + 1);
                continue;
            }
            if let (0xC2..=0xDF, Some(&c1)) = (c, text.get(i + 1)) {
                if c1 & 0xC0 == 0x80 {
                    // A character of two bytes, the only ones folding changes.
                    let cp = (u32::from(c & 0x1F) << 6) | u32::from(c1 & 0x3F);
                    let (f, k) = FOLD2[cp as usize - 0x80];
                    self.buf[o..o + 2].copy_from_slice(&f);
                    (i, o) = (i + 2, o + usize::from(k));
                    continue;
                }
            }
            // Past U+0800 nothing is folded and a byte that is not UTF-8 stays as it is: the
            // other bytes are copied one by one (none of a longer character's bytes is the
            // first of two). Without decoding each character and a call to copy its bytes,
            // -0.2 % instructions on the first 20k lines of lines-1m (callgrind).
            self.buf[o] = c;
            (i, o) = (i + 1, o + 1);
        }
        self.len = o;
    }
}

/// The tokenizer reads the input this many bytes at a time.
pub(crate) const WINDOW: usize = 64;
// A run inside a window keeps its whole text.
const _: () = assert!(WINDOW - 1 <= MAX_TEXT);

/// The classes of the bytes of one window, a bit per byte (bit `k` for byte `k`).
#[derive(Default, Clone, Copy)]
struct Masks {
    /// ASCII letters and digits.
    alnum: u64,
    /// ASCII digits.
    digit: u64,
    /// Joiners: `.`, `-`, `_`, `'`, `+`, `:`, `@`.
    join: u64,
    /// Bytes past ASCII.
    high: u64,
}

/// The joiners that tell an address, a host, a number or an IP apart (`.`, `@`, `:`, `-`),
/// found only for the windows that have a run with joiners inside.
#[derive(Default, Clone, Copy)]
struct Joiners {
    dot: u64,
    at: u64,
    colon: u64,
    hyphen: u64,
}

/// The 16-byte pieces of the window of `b` at `p`, for `f(piece, k, shift)`: piece `k` is
/// bytes `p + 16k..`; bytes past the end of `b` are zeros (separators). The bytes are read
/// straight from the input, never copied first (a 16-byte load of bytes just stored one by
/// one waits for the stores): the last piece of an input, shorter than 16 bytes, is read as
/// the input's last 16 bytes, and its masks are to be shifted right by `shift`.
#[inline(always)]
pub(crate) fn pieces(b: &[u8], p: usize, mut f: impl FnMut([u8; 16], usize, u32)) {
    if let Some(w) = b.get(p..p + WINDOW) {
        for k in 0..WINDOW / 16 {
            let mut c = [0u8; 16];
            c.copy_from_slice(&w[16 * k..16 * k + 16]);
            f(c, k, 0);
        }
        return;
    }
    for k in 0..WINDOW / 16 {
        let at = p + 16 * k;
        if at >= b.len() {
            break;
        }
        let rest = b.len() - at;
        let mut c = [0u8; 16];
        if rest >= 16 {
            c.copy_from_slice(&b[at..at + 16]);
            f(c, k, 0);
        } else if b.len() >= 16 {
            c.copy_from_slice(&b[b.len() - 16..]);
            f(c, k, (16 - rest) as u32);
        } else {
            c[..rest].copy_from_slice(&b[at..]);
            f(c, k, 0);
        }
    }
}

impl Masks {
    /// The masks of the window of `b` at `p`.
    #[inline(always)]
    fn of(b: &[u8], p: usize) -> Masks {
        let mut m = Masks::default();
        pieces(b, p, |c, k, shift| {
            let [alnum, digit, join, high] = classes16(c);
            let put = |x: u16| u64::from(x >> shift) << (16 * k);
            m.alnum |= put(alnum);
            m.digit |= put(digit);
            m.join |= put(join);
            m.high |= put(high);
        });
        m
    }
}

impl Joiners {
    /// The joiners of the window of `b` at `p`.
    fn of(b: &[u8], p: usize) -> Joiners {
        use ::wide::{CmpEq, i8x16};
        let mut j = Joiners::default();
        pieces(b, p, |c, k, shift| {
            let v = i8x16::new(c.map(|b| b as i8));
            let bits = |x: u8| {
                let m = v.cmp_eq(i8x16::splat(x as i8)).move_mask() as u16;
                u64::from(m >> shift) << (16 * k)
            };
            j.dot |= bits(b'.');
            j.at |= bits(b'@');
            j.colon |= bits(b':');
            j.hyphen |= bits(b'-');
        });
        j
    }
}

/// The classes of 16 bytes, as bit masks in the order of the fields of [`Masks`]. Sixteen
/// bytes at a time with SIMD compares (SSE2 on x86-64, NEON on AArch64, plain code
/// elsewhere), with no branch per byte.
#[inline(always)]
fn classes16(c: [u8; 16]) -> [u16; 4] {
    use ::wide::{CmpEq, CmpGt, CmpLt, i8x16};
    let v = i8x16::new(c.map(|b| b as i8));
    let splat = |b: u8| i8x16::splat(b as i8);
    let within = |x: i8x16, lo: u8, hi: u8| x.cmp_gt(splat(lo - 1)) & x.cmp_lt(splat(hi + 1));
    let digit = within(v, b'0', b'9');
    // Bytes past ASCII are negative as i8: neither digits nor letters.
    let letter = within(v | splat(0x20), b'a', b'z');
    let join = v.cmp_eq(splat(b'.'))
        | v.cmp_eq(splat(b'@'))
        | v.cmp_eq(splat(b':'))
        | v.cmp_eq(splat(b'-'))
        | v.cmp_eq(splat(b'_'))
        | v.cmp_eq(splat(b'\''))
        | v.cmp_eq(splat(b'+'));
    let bits = |x: i8x16| x.move_mask() as u16;
    // The sign bit is set for the bytes past ASCII.
    [bits(digit | letter), bits(digit), bits(join), bits(v)]
}

/// The bits `from..to` of a window's mask, `to` below 64 (a run ends at a separator inside
/// the window: a run that reaches the window's end goes to the next window). Without a test
/// of `to` against 64: -0.6 % instructions on the first 20k lines of lines-1m (callgrind).
#[inline]
fn bits(from: usize, to: usize) -> u64 {
    debug_assert!(from <= to && to < 64);
    (1u64 << to) - (1u64 << from)
}

/// Splits `input` into tokens and hands each to `f`, in order.
///
/// The input is read a window of 64 bytes at a time. The classes of a window's bytes become
/// bit masks ([`classes16`]); its runs (letters, digits, joiners and bytes past ASCII between
/// separators) are found from the masks with bit operations, with no branch per byte. A run of
/// ASCII letters and digits (joiners at its ends aside) is folded and hashed from the window
/// eight bytes at a time; any other run is read byte by byte ([`slow`]). A run that goes past
/// the window starts the next window; one longer than a window is read byte by byte.
// Inlined into the matcher's scan, with the matcher's `push` inlined into it: left to the
// compiler, it stopped being inlined when the tokenizer grew (+1.2 % instructions on the
// first 20k lines of lines-1m, callgrind).
#[inline(always)]
pub fn tokenize(input: &[u8], scratch: &mut Scratch, f: &mut impl FnMut(Token<'_>)) {
    let b = input;
    let mut p = 0;
    while p < b.len() {
        let m = Masks::of(b, p);
        let mut joiners = None;
        let word = m.alnum | m.join | m.high;
        let sep = !word;
        let mut starts = word & !(word << 1);
        let mut next = p + WINDOW;
        while starts != 0 {
            let s = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let after = sep >> s;
            if after == 0 {
                // The run goes on past the window: the next window starts with it.
                next = if s > 0 {
                    p + s
                } else {
                    long_run(b, p, scratch, f)
                };
                break;
            }
            let e = s + after.trailing_zeros() as usize;
            let run = bits(s, e);
            let alnum = m.alnum & run;
            if m.high & run != 0 {
                // Letters past ASCII, CJK characters, separators of several bytes.
                let mut i = p + s;
                while i < p + e {
                    i = slow(b, i, scratch, f);
                }
                continue;
            }
            if alnum == 0 {
                // Joiners alone are punctuation.
                continue;
            }
            // Joiners at the ends ("said:", "(end.)") are punctuation too.
            let (a0, a1) = (
                alnum.trailing_zeros() as usize,
                64 - alnum.leading_zeros() as usize,
            );
            if m.join & bits(a0, a1) == 0 {
                let letters = alnum & !m.digit != 0;
                simple::<true>(b, p + a0, a1 - a0, p + a0, letters, scratch, f);
                continue;
            }
            let text = &b[p + a0..p + a1];
            let j = *joiners.get_or_insert_with(|| Joiners::of(b, p));
            match Shape::of_masks(&m, &j, a0, a1).kind(text) {
                Some(kind) => emit_compound(b, p + a0, p + a1, p + a0, kind, scratch, f),
                // An apostrophe (`n't`, `'s`) is read byte by byte; `_` and `+` are the other
                // joiners that are no dot, `@`, `:` or `-`.
                None if m.join & !(j.dot | j.at | j.colon | j.hyphen) & bits(a0, a1) != 0
                    && text.contains(&b'\'') =>
                {
                    split(b, p + a0, p + a1, scratch, f)
                }
                None => split_masks(b, p, &m, &j, a0, a1, scratch, f),
            }
        }
        p = next;
    }
}

/// [`split`] of the ASCII run of the window at `p` from bit `from` to bit `to` (letters and
/// digits at both ends, no apostrophe), found from the window's masks: its pieces between
/// joiners other than dots, each a number or host as a whole or its parts between dots, with
/// no pass over its bytes to find them (`split` took 14.8 M instructions, 5.5 %, on the first
/// 20k lines of lines-1m, callgrind).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn split_masks(
    b: &[u8],
    p: usize,
    m: &Masks,
    j: &Joiners,
    from: usize,
    to: usize,
    scratch: &mut Scratch,
    f: &mut impl FnMut(Token<'_>),
) {
    segments(m.join & !j.dot, from, to, |s, e| {
        // What `piece` does: a number or a host as a whole, else the parts between dots.
        let kind = if j.dot & bits(s, e) == 0 {
            None
        } else {
            Shape::of_masks(m, j, s, e)
                .kind(&b[p + s..p + e])
                .filter(|k| matches!(k, Kind::Number | Kind::Host))
        };
        match kind {
            Some(kind) => emit_compound(b, p + s, p + e, p + s, kind, scratch, f),
            None => simple_parts(b, p, m.alnum & !m.digit, j.dot, s, e, scratch, f),
        }
    });
}

/// Calls `g(s, e)` for each non-empty stretch of the window's bits `from..to` between the
/// bits of `cuts`.
#[inline(always)]
fn segments(cuts: u64, from: usize, to: usize, mut g: impl FnMut(usize, usize)) {
    let mut cuts = cuts & bits(from, to);
    let mut s = from;
    loop {
        let e = if cuts == 0 {
            to
        } else {
            cuts.trailing_zeros() as usize
        };
        if e > s {
            g(s, e);
        }
        if cuts == 0 {
            return;
        }
        cuts &= cuts - 1;
        s = e + 1;
    }
}

/// A run from `start` that is longer than a window: read byte by byte; returns where it
/// ends.
fn long_run(b: &[u8], start: usize, scratch: &mut Scratch, f: &mut impl FnMut(Token<'_>)) -> usize {
    let mut i = start;
    while i < b.len() && CLASS[usize::from(b[i])] != SEP {
        i = slow(b, i, scratch, f);
    }
    i
}

/// Reads one run from `start` (letters, digits, joiners and other characters of words), a
/// CJK character after it, or a separator of several bytes; returns where reading goes on.
fn slow(b: &[u8], start: usize, scratch: &mut Scratch, f: &mut impl FnMut(Token<'_>)) -> usize {
    match plain_word(b, start, scratch) {
        Plain::Word(end) => {
            let (hash, prefix) = scratch.hashed();
            f(Token {
                start,
                end,
                kind: Kind::Word,
                text: scratch.text(),
                hash,
                prefix,
            });
            return end;
        }
        // What the loop below comes to for it, without decoding it again (with the letters
        // below U+2000 told without `wide_class`, -1.0 % instructions on the first 20k lines
        // of lines-1m, callgrind; slow 17.8 M -> 15.2 M).
        Plain::Cjk => {
            emit_cjk(&b[start..start + 3], start, f);
            return start + 3;
        }
        Plain::Other => {}
    }
    let mut i = start;
    let mut high = false;
    let mut plain = true;
    let mut cjk_at = None;
    while i < b.len() {
        match CLASS[usize::from(b[i])] {
            DIGIT | LETTER => i += 1,
            JOIN => {
                plain = false;
                i += 1;
            }
            // A character of two bytes (Latin, Greek, Cyrillic...): a letter unless it is
            // Latin-1 punctuation, what `wide_class` says of it, without its table of ranges.
            HIGH if matches!(b[i], 0xC2..=0xDF)
                && b.get(i + 1).is_some_and(|&c| c & 0xC0 == 0x80) =>
            {
                let cp = (u32::from(b[i] & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F);
                if two_byte_sep(cp) {
                    break;
                }
                high = true;
                i += 2;
            }
            HIGH => {
                // A character of three bytes (Devanagari, kana, CJK...) decoded here, as
                // `decode` does, without a call (-0.5 % instructions on the first 20k lines of
                // lines-1m, callgrind).
                let (cp, n) = match (b[i], b.get(i + 1), b.get(i + 2)) {
                    (c0 @ 0xE0..=0xEF, Some(&c1), Some(&c2))
                        if c1 & 0xC0 == 0x80 && c2 & 0xC0 == 0x80 =>
                    {
                        let cp = (u32::from(c0 & 0x0F) << 12)
                            | (u32::from(c1 & 0x3F) << 6)
                            | u32::from(c2 & 0x3F);
                        (cp, 3)
                    }
                    _ => decode(b, i),
                };
                match wide_class(cp) {
                    Wide::Letter | Wide::Apostrophe => {
                        high = true;
                        plain &= b[i] != 0xE2;
                        i += n;
                    }
                    Wide::Sep => break,
                    Wide::Cjk => {
                        cjk_at = Some((i, n));
                        break;
                    }
                }
            }
            _ => break,
        }
    }
    if i > start {
        run(
            &Run {
                b,
                start,
                end: i,
                high,
                plain,
            },
            scratch,
            f,
        );
    }
    match cjk_at {
        // A CJK character is a word of its own (folding leaves it as it is). Its three bytes
        // are its prefix, and hashed as one word (`hash` and `prefix8` copied them into a
        // buffer each with a call: -0.6 % instructions on the first 20k lines of lines-1m,
        // callgrind, with `tokenize` inlined).
        Some((at, n)) => {
            i += n;
            emit_cjk(&b[at..at + n], at, f);
        }
        // A separator of several bytes.
        None if i == start => i += decode(b, i).1,
        None => {}
    }
    i
}

/// The parts of the window's bits `from..to` between the bits of `cuts`, each letters and
/// digits only (bit set in `letters` for a letter): a word or a number each (what `part`
/// makes of an ASCII part).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn simple_parts(
    b: &[u8],
    p: usize,
    letters: u64,
    cuts: u64,
    from: usize,
    to: usize,
    scratch: &mut Scratch,
    f: &mut impl FnMut(Token<'_>),
) {
    segments(cuts, from, to, |s, e| {
        simple::<true>(
            b,
            p + s,
            e - s,
            p + s,
            letters & bits(s, e) != 0,
            scratch,
            f,
        );
    });
}

/// What [`plain_word`] found at the start of a run.
enum Plain {
    /// A word that ends there, folded into the scratch buffer.
    Word(usize),
    /// A CJK character of three bytes.
    Cjk,
    /// Another run, to be read the usual way.
    Other,
}

/// The common run past ASCII, read and folded in one pass: ASCII letters and digits and
/// letters of two or three bytes (no joiner, no character whose first byte is 0xE2, valid
/// UTF-8), up to a separator, a CJK character or the end of the input. Its folded text is left
/// in `scratch` (as [`Scratch::fold`] leaves it) and where it ends is returned; a CJK character
/// at `start` is told as such; any other run is left to the caller (what this pass wrote is
/// overwritten then).
/// Reading, then folding, then hashing a word past ASCII each in a pass of its own took 20 M
/// instructions (7.7 %) on the first 20k lines of lines-1m, callgrind; -0.75 % with this pass.
fn plain_word(b: &[u8], start: usize, scratch: &mut Scratch) -> Plain {
    let mut i = start;
    let mut o = 0;
    let mut high = false;
    while i < b.len() {
        let c = b[i];
        // Each character is folded into the buffer while the run is no longer than
        // `MAX_TEXT` (a longer one keeps no text; the folded text is never longer).
        if c < 0x80 {
            match CLASS[usize::from(c)] {
                DIGIT | LETTER => {
                    if i - start < MAX_TEXT {
                        scratch.buf[o] = c.to_ascii_lowercase();
                        o += 1;
                    }
                    i += 1;
                    continue;
                }
                JOIN => return Plain::Other,
                _ => break,
            }
        }
        match (c, b.get(i + 1), b.get(i + 2)) {
            (0xC2..=0xDF, Some(&c1), _) if c1 & 0xC0 == 0x80 => {
                let cp = (u32::from(c & 0x1F) << 6) | u32::from(c1 & 0x3F);
                if two_byte_sep(cp) {
                    break;
                }
                if i + 2 - start <= MAX_TEXT {
                    let (f, k) = FOLD2[cp as usize - 0x80];
                    scratch.buf[o..o + 2].copy_from_slice(&f);
                    o += usize::from(k);
                }
                i += 2;
            }
            (0xE0..=0xEF, Some(&c1), Some(&c2)) if c1 & 0xC0 == 0x80 && c2 & 0xC0 == 0x80 => {
                let cp = (u32::from(c & 0x0F) << 12)
                    | (u32::from(c1 & 0x3F) << 6)
                    | u32::from(c2 & 0x3F);
                // Below U+2000 a character of three bytes is a letter (`wide_class` says so
                // after comparing it with its ranges).
                let class = if (0x800..0x2000).contains(&cp) {
                    Wide::Letter
                } else {
                    wide_class(cp)
                };
                match class {
                    // Folding leaves these as they are.
                    Wide::Letter if c != 0xE2 => {
                        if i + 3 - start <= MAX_TEXT {
                            scratch.buf[o..o + 3].copy_from_slice(&b[i..i + 3]);
                            o += 3;
                        }
                        i += 3;
                    }
                    Wide::Cjk if i == start => return Plain::Cjk,
                    Wide::Sep | Wide::Cjk => break,
                    _ => return Plain::Other,
                }
            }
            _ => return Plain::Other,
        }
        high = true;
    }
    let len = i - start;
    if !high || len > MAX_RUN {
        return Plain::Other;
    }
    scratch.len = o;
    scratch.over = len > MAX_TEXT;
    Plain::Word(i)
}

/// A CJK character at `at`: one word.
#[inline(never)]
fn emit_cjk(text: &[u8], at: usize, f: &mut impl FnMut(Token<'_>)) {
    let w = text
        .iter()
        .rev()
        .fold(0u64, |w, &c| (w << 8) | u64::from(c));
    f(Token {
        start: at,
        end: at + text.len(),
        kind: Kind::Word,
        text,
        hash: hash_word(text.len(), w),
        prefix: w,
    });
}

/// Emits the tokens of one run.
fn run(r: &Run<'_>, scratch: &mut Scratch, f: &mut impl FnMut(Token<'_>)) {
    let b = r.b;
    if r.high && r.plain && r.end - r.start <= MAX_RUN {
        // A word past ASCII with nothing to trim or split at (what the steps below come to
        // for it, without their passes over its bytes: -3.2 % instructions on the first 20k
        // lines of lines-1m, callgrind).
        return emit_word(&b[r.start..r.end], r.start, r.end, scratch, f);
    }
    // The joiners at either end belong to the punctuation around the run ("Error:", "end.").
    let mut start = r.start;
    let mut end = r.end;
    while start < end && CLASS[usize::from(b[start])] == JOIN {
        start += 1;
    }
    while end > start
        && (CLASS[usize::from(b[end - 1])] == JOIN || ends_with_apostrophe(&b[start..end]))
    {
        end -= if CLASS[usize::from(b[end - 1])] == JOIN {
            1
        } else {
            3
        };
    }
    if start == end {
        return;
    }
    let text = &b[start..end];
    if end - start > MAX_RUN {
        return f(Token {
            start,
            end,
            kind: Kind::Word,
            text: &[],
            hash: hash(&[]),
            prefix: 0,
        });
    }
    if !r.high
        && b[start..end]
            .iter()
            .all(|&c| CLASS[usize::from(c)] >= ALNUM)
    {
        // A plain word or number between joiners that were trimmed.
        let letters = b[start..end].iter().any(u8::is_ascii_alphabetic);
        return simple::<false>(b, start, end - start, start, letters, scratch, f);
    }
    // With letters past ASCII, only an address is one token.
    if !r.high || text.contains(&b'@') {
        if let Some(kind) = compound(text) {
            return emit_compound(b, start, end, start, kind, scratch, f);
        }
    }
    // A word past ASCII with no joiner and no right single quotation mark (whose first byte
    // is 0xE2) is one piece: found without decoding its characters one by one.
    if r.high
        && !text
            .iter()
            .any(|&c| CLASS[usize::from(c)] == JOIN || c == 0xE2)
    {
        return piece(b, start, end, scratch, f);
    }
    split(b, start, end, scratch, f)
}

/// Emits the tokens of a run that is not one token as a whole: split at the joiners other
/// than dots; a piece with dots may still be a number or a host (`550-5.1.1`), else it is
/// split at its dots too.
fn split(b: &[u8], start: usize, end: usize, scratch: &mut Scratch, f: &mut impl FnMut(Token<'_>)) {
    let mut p = start;
    while p < end {
        let mut q = p;
        while q < end && !(is_joiner_at(b, q) && b[q] != b'.') {
            q += if b[q] < 0x80 { 1 } else { decode(b, q).1 };
        }
        if q > p {
            // `n't` after the piece: the piece without its `n`, then `not`.
            let negated = apostrophe_len(b, q).is_some_and(|n| {
                q - p >= 2 && b[q - 1].eq_ignore_ascii_case(&b'n') && piece_is(b, q + n, end, b't')
            });
            if negated {
                let base = &b[p..q - 1];
                if base.eq_ignore_ascii_case(b"ca") {
                    emit_text(b"can", p, q - 1, Kind::Word, f);
                } else if base.eq_ignore_ascii_case(b"wo") {
                    emit_text(b"will", p, q - 1, Kind::Word, f);
                } else {
                    emit_word(base, p, q - 1, scratch, f);
                }
                // `n't`: from the `n` to past the `t`.
                let past = q + apostrophe_len(b, q).unwrap_or(1) + 1;
                emit_text(b"not", q - 1, past, Kind::Word, f);
                p = past;
                continue;
            }
            piece(b, p, q, scratch, f);
            // A possessive `'s` is dropped with its apostrophe.
            if let Some(n) = apostrophe_len(b, q) {
                if piece_is(b, q + n, end, b's') {
                    q += n + 1;
                }
            }
        }
        // Past the joiner.
        p = if q < end {
            q + apostrophe_len(b, q).unwrap_or(1)
        } else {
            q
        };
    }
}

/// Is the piece of the run (up to `end`) that starts at `at` the one letter `letter` (the `t`
/// of `n't`, the `s` of `'s`)? A piece ends at a joiner other than a dot, or at the run's end.
fn piece_is(b: &[u8], at: usize, end: usize, letter: u8) -> bool {
    at < end
        && b[at].eq_ignore_ascii_case(&letter)
        && (at + 1 == end || (is_joiner_at(b, at + 1) && b[at + 1] != b'.'))
}

/// A piece of a run between joiners other than dots: a number or host as a whole, or its
/// parts between dots.
fn piece(b: &[u8], p: usize, q: usize, scratch: &mut Scratch, f: &mut impl FnMut(Token<'_>)) {
    let text = &b[p..q];
    if text.contains(&b'.') {
        if let Some(kind) = compound(text).filter(|k| matches!(k, Kind::Number | Kind::Host)) {
            return emit_compound(b, p, q, p, kind, scratch, f);
        }
        let mut s = p;
        for part_text in text.split(|&c| c == b'.') {
            let e = s + part_text.len();
            if e > s {
                part(b, s, e, scratch, f);
            }
            s = e + 1;
        }
        return;
    }
    part(b, p, q, scratch, f)
}

/// An address, IP, number or host, `src[at..to]`, that starts at `start` in the input: one
/// token. Numbers, hosts and addresses keep their folded text (a host or an address its last
/// [`MAX_TEXT`] bytes, for the lookup of the domain); IPs none.
#[allow(clippy::too_many_arguments)]
fn emit_compound(
    src: &[u8],
    at: usize,
    to: usize,
    start: usize,
    kind: Kind,
    scratch: &mut Scratch,
    f: &mut impl FnMut(Token<'_>),
) {
    let end = start + (to - at);
    // IPs keep no text; nor does a number longer than a token's text.
    if kind == Kind::Ip || (kind == Kind::Number && to - at > MAX_TEXT) {
        return f(Token {
            start,
            end,
            kind,
            text: &[],
            hash: hash(&[]),
            prefix: 0,
        });
    }
    let from = if kind != Kind::Number && to - at > MAX_TEXT {
        to - MAX_TEXT
    } else {
        at
    };
    let keep = &src[from..to];
    let (hash, prefix) = if keep.is_ascii() {
        hashed(src, from, to - from, scratch)
    } else {
        scratch.fold(keep);
        scratch.hashed()
    };
    let text = scratch.text();
    f(Token {
        start,
        end,
        kind,
        text,
        hash,
        prefix,
    })
}

/// Does `text` end with the right single quotation mark (U+2019, used as an apostrophe)?
fn ends_with_apostrophe(text: &[u8]) -> bool {
    text.ends_with("\u{2019}".as_bytes())
}

/// The length of an apostrophe at `b[i]`: `'` or U+2019.
fn apostrophe_len(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i) {
        Some(b'\'') => Some(1),
        Some(0xE2) if b[i..].starts_with("\u{2019}".as_bytes()) => Some(3),
        _ => None,
    }
}

fn is_joiner_at(b: &[u8], i: usize) -> bool {
    CLASS[usize::from(b[i])] == JOIN || apostrophe_len(b, i) == Some(3)
}

/// Eight bytes of `src` from `at`, little-endian, zero-padded past its end.
#[inline]
fn load8(src: &[u8], at: usize) -> u64 {
    match src.get(at..at + 8) {
        Some(c) => u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        None => {
            let mut c = [0u8; 8];
            for (k, x) in c.iter_mut().enumerate() {
                *x = src.get(at + k).copied().unwrap_or(0);
            }
            u64::from_le_bytes(c)
        }
    }
}

/// A plain run of `n` ASCII letters and digits, `src[at..at + n]`, that starts at `start` in
/// the input (`letters`: some are letters): one word or number, lower-cased and hashed eight
/// bytes at a time (the same hash as [`hash`] of its text). `FITS`: `n` is known to be at
/// most [`MAX_TEXT`] (a run inside a window is shorter than a window), and is not compared
/// with it (-0.1 % instructions on the first 20k lines of lines-1m, callgrind).
#[inline(always)]
fn simple<const FITS: bool>(
    src: &[u8],
    at: usize,
    n: usize,
    start: usize,
    letters: bool,
    scratch: &mut Scratch,
    f: &mut impl FnMut(Token<'_>),
) {
    let end = start + n;
    let kind = if letters { Kind::Word } else { Kind::Number };
    if n == 6 && src[at..at + n].eq_ignore_ascii_case(b"cannot") {
        emit_text(b"can", start, start + 3, Kind::Word, f);
        emit_text(b"not", start + 3, end, Kind::Word, f);
        return;
    }
    debug_assert!(!FITS || n <= MAX_TEXT);
    if !FITS && n > MAX_TEXT {
        return f(Token {
            start,
            end,
            kind,
            text: &[],
            hash: hash(&[]),
            prefix: 0,
        });
    }
    let (hash, prefix) = hashed(src, at, n, scratch);
    f(Token {
        start,
        end,
        kind,
        text: &scratch.buf[..n],
        hash,
        prefix,
    })
}

/// Lower-cases the `n` ASCII bytes `src[at..at + n]` (at most [`MAX_TEXT`]) into the
/// scratch buffer, eight bytes at a time: their [`hash`] and [`prefix8`].
#[inline(always)]
fn hashed(src: &[u8], at: usize, n: usize, scratch: &mut Scratch) -> (u64, u64) {
    let mut h = (n as u64).wrapping_mul(HASH_K);
    let mut prefix = 0;
    let mut i = 0;
    while i < n {
        let take = n - i;
        // The bytes of the text among the eight (at least one), without a branch (-0.5 %
        // instructions on the first 20k lines of lines-1m, callgrind).
        let w = lower8(load8(src, at + i)) & (u64::MAX >> (8 * (8 - take.min(8))));
        scratch.buf[i..i + 8].copy_from_slice(&w.to_le_bytes());
        if i == 0 {
            prefix = w;
        }
        h = (h ^ w).wrapping_mul(HASH_K).rotate_left(29);
        i += 8;
    }
    scratch.len = n;
    scratch.over = false;
    h ^= h >> 32;
    (h.wrapping_mul(HASH_K), prefix)
}

/// A token whose text is not its bytes (`not` of `n't`, `can` of `can't`).
fn emit_text(text: &[u8], start: usize, end: usize, kind: Kind, f: &mut impl FnMut(Token<'_>)) {
    f(Token {
        start,
        end,
        kind,
        text,
        hash: hash(text),
        prefix: prefix8(text),
    })
}

/// One part of a split run: a word, or a number when it is digits (and dots).
fn part(b: &[u8], p: usize, q: usize, scratch: &mut Scratch, f: &mut impl FnMut(Token<'_>)) {
    let text = &b[p..q];
    if text.iter().all(|c| c.is_ascii_alphanumeric()) {
        return simple::<false>(
            b,
            p,
            q - p,
            p,
            text.iter().any(u8::is_ascii_alphabetic),
            scratch,
            f,
        );
    }
    emit_word(text, p, q, scratch, f)
}

/// A word with characters beyond ASCII: folded into the scratch buffer, then hashed.
fn emit_word(
    text: &[u8],
    p: usize,
    q: usize,
    scratch: &mut Scratch,
    f: &mut impl FnMut(Token<'_>),
) {
    scratch.fold(text);
    let (hash, prefix) = scratch.hashed();
    f(Token {
        start: p,
        end: q,
        kind: Kind::Word,
        text: scratch.text(),
        hash,
        prefix,
    })
}

/// The kind of a run that is one token as a whole: an address, an IP, a number with dots, a
/// host name; `None` for a run to split into words.
fn compound(text: &[u8]) -> Option<Kind> {
    Shape::of_bytes(text).kind(text)
}

/// What tells whether a run is one token: its counts of `@`, `.`, `:`, `-`, other joiners,
/// letters and bytes past ASCII, where its `@` is, whether its labels between dots could be a
/// host's (none empty, none starting or ending with `-`) and where its last label starts.
/// Found from the bytes, or from a window's masks with bit counts.
struct Shape {
    ats: u32,
    dots: u32,
    colons: u32,
    hyphens: u32,
    others: u32,
    letters: u32,
    high: u32,
    at: usize,
    labels_ok: bool,
    last: usize,
}

impl Shape {
    fn of_bytes(text: &[u8]) -> Shape {
        // Counts, a byte of a table entry each: one lookup and one add per byte. (A run of at
        // most MAX_RUN bytes with its joiners trimmed has fewer than 256 of each.)
        const fn counts() -> [u64; 256] {
            let mut t = [0u64; 256];
            let mut b = 0;
            while b < 256 {
                let c = b as u8;
                t[b] = match c {
                    b'@' => 1,
                    b'.' => 1 << 8,
                    b':' => 1 << 16,
                    b'-' => 1 << 24,
                    b'_' | b'+' | b'\'' => 1 << 32,
                    b'a'..=b'z' | b'A'..=b'Z' => 1 << 40,
                    0x80.. => 1 << 48,
                    _ => 0,
                };
                b += 1;
            }
            t
        }
        static COUNTS: [u64; 256] = counts();
        let sum = text.iter().fold(0u64, |s, &c| s + COUNTS[usize::from(c)]);
        let field = |k: u32| ((sum >> (8 * k)) & 0xFF) as u32;
        let mut labels_ok = true;
        let mut last = 0;
        if field(1) > 0 {
            for (i, &c) in text.iter().enumerate() {
                if c == b'.' {
                    labels_ok &= i > last && text[last] != b'-' && text[i - 1] != b'-';
                    last = i + 1;
                }
            }
        }
        let tail = &text[last..];
        labels_ok &= !tail.is_empty() && tail[0] != b'-' && tail[tail.len() - 1] != b'-';
        Shape {
            ats: field(0),
            dots: field(1),
            colons: field(2),
            hyphens: field(3),
            others: field(4),
            letters: field(5),
            high: field(6),
            at: text.iter().position(|&c| c == b'@').unwrap_or(0),
            labels_ok,
            last,
        }
    }

    /// The shape of the window's bytes `from..to` (ASCII, no joiner at either end).
    fn of_masks(m: &Masks, j: &Joiners, from: usize, to: usize) -> Shape {
        let inner = bits(from, to);
        let count = |x: u64| (x & inner).count_ones();
        let dots = j.dot & inner;
        let hyphens = j.hyphen & inner;
        let ends = (1u64 << from) | (1u64 << (to - 1));
        // An empty label (two dots in a row), or a label that starts or ends with `-`.
        let bad = (dots & (dots << 1)) | (hyphens & ((dots << 1) | (dots >> 1) | ends));
        Shape {
            ats: count(j.at),
            dots: count(j.dot),
            colons: count(j.colon),
            hyphens: count(j.hyphen),
            others: count(m.join & !(j.dot | j.at | j.colon | j.hyphen)),
            letters: count(m.alnum & !m.digit),
            high: 0,
            at: ((j.at & inner).trailing_zeros() as usize).saturating_sub(from),
            labels_ok: bad == 0 && dots & ends == 0,
            last: if dots == 0 {
                0
            } else {
                64 - dots.leading_zeros() as usize - from
            },
        }
    }

    /// The kind of the run `text` of this shape, when it is one token.
    fn kind(&self, text: &[u8]) -> Option<Kind> {
        if self.ats == 1 {
            let domain = &text[self.at + 1..];
            return (self.at > 0 && domain.contains(&b'.') && domain.len() >= 3)
                .then_some(Kind::Address);
        }
        if self.ats > 1 {
            return None;
        }
        if (self.dots == 3
            && self.letters == 0
            && self.colons == 0
            && self.hyphens == 0
            && is_ipv4(text))
            || (self.colons >= 2 && is_ipv6(text))
        {
            return Some(Kind::Ip);
        }
        if self.colons > 0 || self.others > 0 || self.high > 0 || self.dots == 0 {
            return None;
        }
        if self.letters == 0 && self.hyphens == 0 {
            return self.labels_ok.then_some(Kind::Number);
        }
        // A host's last label is a top-level domain. With three labels or more, any 2 to 6
        // letters, or a name reserved for examples and local use; with two, a common generic
        // domain or a country code that is not also an English word, so that two words with
        // no space after a full stop ("unknown.Please") are not taken for a host.
        // (`STOREDRV.Deliver` and `Queue.Expired` are component names, not hosts: their words
        // are words.)
        let last = &text[self.last..];
        if !self.labels_ok || !last.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        // Names of another length are passed over at once (the search was a call per host,
        // -0.2 % instructions on the first 20k lines of lines-1m, callgrind).
        let is = |names: &[&str]| {
            for n in names {
                if n.len() == last.len() && last.eq_ignore_ascii_case(n.as_bytes()) {
                    return true;
                }
            }
            false
        };
        // The length of the last label first: with three labels or more, most hosts are told
        // without comparing it with names (-0.15 % instructions on the first 20k lines of
        // lines-1m, callgrind).
        let tld = (self.dots >= 2 && (2..=6).contains(&last.len()))
            || is(&["example", "invalid", "localhost", "localdomain", "local"])
            || (self.dots == 1 && (is(GENERIC) || (last.len() == 2 && !is(ENGLISH2))));
        tld.then_some(Kind::Host)
    }
}

/// Generic top-level domains that mail hosts use.
const GENERIC: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi", "asia",
    "xyz", "online", "site", "email", "cloud", "app", "dev", "io", "ai", "tech",
];

/// Country codes that are also English words: after a full stop with no space, these are
/// the next sentence's word.
const ENGLISH2: &[&str] = &[
    "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no",
    "of", "on", "or", "so", "to", "tv", "up", "us", "we",
];

fn is_ipv4(t: &[u8]) -> bool {
    let mut n = 0;
    for part in t.split(|&c| c == b'.') {
        n += 1;
        if part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
            return false;
        }
    }
    n == 4
}

fn is_ipv6(t: &[u8]) -> bool {
    let t = t
        .strip_prefix(b"IPv6:")
        .or_else(|| t.strip_prefix(b"ipv6:"))
        .unwrap_or(t);
    let colons = t.iter().filter(|&&c| c == b':').count();
    colons >= 2
        && t.iter()
            .all(|c| c.is_ascii_hexdigit() || *c == b':' || *c == b'.')
        && t.iter().any(u8::is_ascii_hexdigit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(String, Kind)> {
        let mut v = Vec::new();
        let mut scratch = Scratch::default();
        tokenize(s.as_bytes(), &mut scratch, &mut |t| {
            let text = if t.text.is_empty() {
                String::from_utf8_lossy(&s.as_bytes()[t.start..t.end]).into_owned()
            } else {
                String::from_utf8_lossy(t.text).into_owned()
            };
            assert_eq!(t.hash, hash(t.text));
            assert_eq!(t.prefix, prefix8(t.text));
            v.push((text, t.kind));
        });
        v
    }

    fn words(s: &str) -> Vec<String> {
        toks(s).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn splits_and_folds() {
        assert_eq!(
            words("550-5.1.1 The email account that you tried to reach doesn't exist."),
            [
                "550", "5.1.1", "the", "email", "account", "that", "you", "tried", "to", "reach",
                "does", "not", "exist"
            ]
        );
        assert_eq!(
            words("User <jdoe> NOT known"),
            ["user", "jdoe", "not", "known"]
        );
        assert_eq!(
            words("[TSS04] aup#cxbl RCPT_TO"),
            ["tss04", "aup", "cxbl", "rcpt", "to"]
        );
        assert_eq!(
            words("can't won't cannot Google’s"),
            ["can", "not", "will", "not", "can", "not", "google"]
        );
        assert_eq!(
            words("Adresse ungültig: BOÎTE pleine, Пользователь"),
            ["adresse", "ungultig", "boite", "pleine", "пользователь"]
        );
        assert_eq!(
            words("宛先不明です。"),
            ["宛", "先", "不", "明", "で", "す"]
        );
        assert_eq!(
            words("double-checking e-mail"),
            ["double", "checking", "e", "mail"]
        );
        assert_eq!(
            words("User unknown.Please retry; is_blocked.For"),
            ["user", "unknown", "please", "retry", "is", "blocked", "for"]
        );
    }

    #[test]
    fn kinds() {
        assert_eq!(
            toks(
                "jane@Example.com 192.0.2.1 mx.Example.COM. 5.7.1 STOREDRV.Deliver: IPv6:2001:db8::1 rfc.5321"
            ),
            vec![
                ("jane@example.com".to_string(), Kind::Address),
                ("192.0.2.1".to_string(), Kind::Ip),
                ("mx.example.com".to_string(), Kind::Host),
                ("5.7.1".to_string(), Kind::Number),
                ("storedrv".to_string(), Kind::Word),
                ("deliver".to_string(), Kind::Word),
                ("IPv6:2001:db8::1".to_string(), Kind::Ip),
                ("rfc".to_string(), Kind::Word),
                ("5321".to_string(), Kind::Number),
            ]
        );
    }

    #[test]
    fn two_byte_characters_agree_with_wide_class() {
        for cp in 0x80..0x800 {
            assert_eq!(two_byte_sep(cp), wide_class(cp) == Wide::Sep, "{cp:X}");
            assert!(wide_class(cp) != Wide::Cjk, "{cp:X}");
        }
    }

    #[test]
    fn byte_classes_agree_with_the_table() {
        for b in 0..=255u8 {
            let m = classes16([b; 16]);
            let class = CLASS[usize::from(b)];
            let want = [class >= ALNUM, class == DIGIT, class == JOIN, class == HIGH];
            for (got, want) in m.iter().zip(want) {
                assert_eq!(*got, if want { 0xFFFF } else { 0 }, "{b}");
            }
        }
    }

    #[test]
    fn runs_across_windows() {
        // Runs that end at, cross and outgrow the 64-byte window.
        for lead in 1..120 {
            let x = "x".repeat(lead);
            let s = format!("{x} unknown user@example.com 5.1.1 {x}-{x}:");
            assert_eq!(
                words(&s),
                [x.as_str(), "unknown", "user@example.com", "5.1.1", &x, &x],
                "{lead}"
            );
        }
    }

    #[test]
    fn lower8_matches_ascii_lowercase() {
        for b in 0u8..0x80 {
            let w = lower8(u64::from(b) * 0x0101_0101_0101_0101);
            assert_eq!(w.to_le_bytes(), [b.to_ascii_lowercase(); 8], "{b}");
        }
    }
}
