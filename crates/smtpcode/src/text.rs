//! Static text with a NUL byte after it.
//!
//! Every `&'static str` that this crate hands out from its tables (names, meanings,
//! explanations, fixes, rule ids) is built with [`static_text!`], so the byte that follows
//! the string in memory is a NUL. Foreign-function layers can pass `s.as_ptr()` to C as a
//! NUL-terminated string without copying or allocating.

/// Drops the trailing NUL of a literal built by [`static_text!`]; checked at compile time.
pub(crate) const fn strip_nul(s: &'static str) -> &'static str {
    match s.as_bytes().split_last() {
        Some((0, rest)) => match core::str::from_utf8(rest) {
            Ok(t) => t,
            Err(_) => panic!("static text is not UTF-8"),
        },
        _ => panic!("static text must end with a NUL byte"),
    }
}

/// A `&'static str` literal that is followed in memory by a NUL byte.
macro_rules! static_text {
    ($s:expr) => {
        $crate::text::strip_nul(concat!($s, "\0"))
    };
}
pub(crate) use static_text;
