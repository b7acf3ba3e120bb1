//! The readable card printed by `smtpcode explain`.

use std::io::{self, Write};

use smtpcode::{Classification, CodeInfo, DigitPosition};

const WIDTH: usize = 96;
const LABEL: usize = 13;

/// Writes `label` and `text`, wrapping the text at [`WIDTH`] columns under the label.
pub fn wrapped(out: &mut impl Write, label: &str, text: &str) -> io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let mut col = 0;
    write!(out, "  {label:<LABEL$}")?;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > WIDTH - LABEL - 2 {
            write!(out, "\n  {:<LABEL$}", "")?;
            col = 0;
        }
        if col > 0 {
            out.write_all(b" ")?;
            col += 1;
        }
        out.write_all(word.as_bytes())?;
        col += w;
    }
    writeln!(out)
}

/// The card for one classified reply.
pub fn write(out: &mut impl Write, reply: &str, c: &Classification) -> io::Result<()> {
    wrapped(out, "Reply", crate::term::clean(reply).trim())?;
    match (c.code(), c.code_info()) {
        (Some(code), Some(info)) => {
            wrapped(
                out,
                "Code",
                &format!(
                    "{} {} ({}; {})",
                    code.as_u16(),
                    info.name(),
                    info.status(),
                    info.source()
                ),
            )?;
            wrapped(out, "Meaning", info.meaning())?;
            let d = |p: DigitPosition, n: u8| {
                smtpcode::digit_info(p, n).map(|i| i.name()).unwrap_or("?")
            };
            let (a, b, e) = (
                code.class_digit(),
                (code.as_u16() / 10 % 10) as u8,
                code.detail(),
            );
            wrapped(
                out,
                "Digits",
                &format!(
                    "{a} = {}; {b} = {}; {e} = detail",
                    d(DigitPosition::First, a),
                    d(DigitPosition::Second, b)
                ),
            )?;
            wrapped(out, "Note", info.note())?;
        }
        (Some(code), None) => {
            wrapped(
                out,
                "Code",
                &format!(
                    "{} (not in the table; read by its first digit, RFC 5321 §4.2)",
                    code.as_u16()
                ),
            )?;
        }
        _ => wrapped(out, "Code", "none found")?,
    }
    if let Some(e) = c.enhanced() {
        let class = e.class().info().title();
        match e.info() {
            Some(i) => {
                wrapped(
                    out,
                    "Enhanced",
                    &format!("{e} {} ({}; {class})", i.title(), i.source()),
                )?;
                wrapped(out, "", i.meaning())?;
            }
            None => {
                let subject = e
                    .subject_info()
                    .map(|s| s.title())
                    .unwrap_or("unknown subject");
                wrapped(
                    out,
                    "Enhanced",
                    &format!("{e} not registered; {class}, {subject} (RFC 3463 §2)"),
                )?;
            }
        }
    }
    writeln!(out)?;
    let inferred = if c.outcome_inferred() {
        " (inferred: no code)"
    } else {
        ""
    };
    wrapped(out, "Outcome", &format!("{}{inferred}", c.outcome()))?;
    wrapped(out, "Bounce", c.bounce().as_str())?;
    wrapped(
        out,
        "Reason",
        &format!("{}: {}", c.reason(), c.reason().info().summary()),
    )?;
    wrapped(
        out,
        "Action",
        &format!("{}: {}", c.action(), c.action().info().summary()),
    )?;
    wrapped(
        out,
        "Retry",
        match c.retry() {
            Some(true) => "yes, the same message can succeed later",
            Some(false) => "no, not unchanged",
            None => "unknown: the input tells nothing",
        },
    )?;
    if let Some(p) = c.provider() {
        let code = c
            .provider_code()
            .map(|pc| format!(", code {pc}"))
            .unwrap_or_default();
        wrapped(
            out,
            "Provider",
            &format!("{} ({}){code}", p.name(), p.display_name()),
        )?;
    }
    if let Some(cmd) = c.command() {
        wrapped(out, "Command", cmd.as_str())?;
    }
    wrapped(out, "Decided by", &format!("{} ({})", c.basis(), c.rule()))?;
    writeln!(out)?;
    wrapped(out, "Explanation", c.explanation())?;
    wrapped(out, "Fix", c.fix())
}

/// A card for a table row (`smtpcode codes --long`).
pub fn code_card(out: &mut impl Write, info: &CodeInfo) -> io::Result<()> {
    writeln!(out, "{} {} [{}]", info.code(), info.name(), info.status())?;
    wrapped(out, "Meaning", info.meaning())?;
    wrapped(out, "Explanation", info.explanation())?;
    wrapped(out, "Fix", info.fix())?;
    wrapped(
        out,
        "Reason",
        info.reason().map(|r| r.as_str()).unwrap_or("-"),
    )?;
    wrapped(out, "Source", info.source())?;
    wrapped(out, "Note", info.note())?;
    writeln!(out)
}
