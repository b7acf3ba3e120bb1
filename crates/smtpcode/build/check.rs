//! The checks of the data files, one function each; the build stops at the first failure
//! with the file and line. Unit-tested by `tests/generator.rs`.

/// A field has no white space around it and no control character.
pub fn field(f: &str) -> Result<(), String> {
    if f.trim() != f {
        return Err("white space around the value".into());
    }
    if f.chars().any(char::is_control) {
        return Err("a control character".into());
    }
    Ok(())
}

/// A name of a reason, action, command or provider: lower-case snake_case.
pub fn snake_case(s: &str) -> Result<(), String> {
    if s.is_empty()
        || s.starts_with('_')
        || !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(format!("{s:?} is not a snake_case name"));
    }
    Ok(())
}

/// `true` or `false`.
pub fn boolean(s: &str) -> Result<bool, String> {
    match s {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("expected true or false, got {s:?}")),
    }
}

/// One of `allowed`.
pub fn one_of<'a>(s: &'a str, allowed: &[&str]) -> Result<&'a str, String> {
    if allowed.contains(&s) {
        Ok(s)
    } else {
        Err(format!("{s:?} is not one of {allowed:?}"))
    }
}

/// A basic reply code: three digits from 100 to 599.
pub fn basic_code(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(c) if s.len() == 3 && (100..=599).contains(&c) => Ok(c),
        _ => Err(format!("code {s:?} is not three digits from 100 to 599")),
    }
}

/// `X.1.1` (any class: class 0) or `5.1.1`: (class, subject, detail), as the rule language
/// reads it.
pub fn enhanced(s: &str) -> Result<(u8, u16, u16), String> {
    crate::lang::enhanced(s)
}

/// A field that must not be empty.
pub fn required(name: &str, s: &str) -> Result<(), String> {
    if s.is_empty() {
        Err(format!("{name} is empty"))
    } else {
        Ok(())
    }
}

/// A bounce phrase: not empty, in lower case (the reader compares without case).
pub fn phrase(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("empty phrase".into());
    }
    if s.to_lowercase() != s {
        return Err(format!("{s:?} is not in lower case"));
    }
    Ok(())
}

/// A language: a two-letter ISO 639-1 code in lower case.
pub fn language(s: &str) -> Result<(), String> {
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(format!("{s:?} is not a two-letter language code"));
    }
    Ok(())
}

/// How the bounce reader matches the phrases of a role.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Match {
    /// The text starts with the phrase.
    Prefix,
    /// The text contains the phrase.
    Substring,
    /// The first phrase found wins: every row counts.
    Ordered,
}

/// A phrase that another phrase of its role always matches as well (`undelivered` under
/// `undeliver`) is a row that changes nothing.
pub fn covered(phrase: &str, role: &[&str], how: Match) -> Result<(), String> {
    let by = role.iter().find(|q| {
        **q != phrase
            && match how {
                Match::Prefix => phrase.starts_with(**q),
                Match::Substring => phrase.contains(**q),
                Match::Ordered => false,
            }
    });
    match by {
        Some(q) => Err(format!(
            "{phrase:?} is never needed: {q:?} matches it already"
        )),
        None => Ok(()),
    }
}
