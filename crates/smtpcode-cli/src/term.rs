//! Text for a terminal. Whatever a record prints comes from mail that anyone can write: a
//! recipient, a diagnostic, even a file name can carry escape sequences (a window title, a
//! cleared screen) or characters that reorder what is shown. Formats meant for a terminal
//! (the table and the card) and tab-separated values pass every such text through [`clean`];
//! JSON escapes them instead.

use std::borrow::Cow;

/// Characters that must not reach a terminal: control characters (C0, DEL, C1) and the
/// bidirectional formatting characters.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control or bidirectional formatting character replaced by a space.
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(unsafe_char) {
        Cow::Owned(
            s.chars()
                .map(|c| if unsafe_char(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// [`clean`], then at most `n` characters (the last one `…` when cut).
pub fn clip(s: &str, n: usize) -> String {
    let s = clean(s);
    if s.chars().count() <= n {
        s.into_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// [`clean`], then at most `n` characters, the last ones (the first one `…` when cut): the
/// end of a path says the most.
pub fn clip_start(s: &str, n: usize) -> String {
    let s = clean(s);
    let len = s.chars().count();
    if len <= n {
        s.into_owned()
    } else {
        std::iter::once('…')
            .chain(s.chars().skip(len + 1 - n.max(1)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_do_not_reach_the_terminal() {
        assert_eq!(
            clean("a\u{1b}]0;owned\u{7}b\u{1b}[2Jc\u{9b}d\u{202e}e"),
            "a ]0;owned b [2Jc d e"
        );
        assert!(matches!(clean("plain text"), Cow::Borrowed(_)));
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("a\tb", 4), "a b");
        assert_eq!(clip_start("/tmp/a/b.txt", 6), "…b.txt");
        assert_eq!(clip_start("b.txt", 6), "b.txt");
    }
}
