//! The human-readable text of a bounce: the notice that MTAs and providers put around the
//! remote server's reply (bounce-taxonomies.md §3), what it says about each recipient, and the
//! section that gives the reason for all of them (Gmail's "The error that the other server
//! returned was:", Sendmail's "Transcript of session follows", "Technical details",
//! "because:"...).
//!
//! The text ends where the copy of the original message begins ("This is a copy of the
//! message", "Below this line is a copy of the message", "Original message follows"...).
//!
//! Everything is read in a bounded number of passes over the text, whatever the number of
//! recipients: the recipient lines and the transcript once ([`Notice::index`]), the shared
//! reason and summary once; a recipient that the reason serves shares its text
//! ([`Said`]) instead of copying it.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use aho_corasick::AhoCorasick;

use super::Original;
use super::recipients::{self, Block};
use super::transcript::{Transcript, command_in, remote_host};
use super::util::{
    any_of, automaton, charge, contains_ci, first_address, icontains, is_separator, istarts,
    looks_like_header, squash,
};
use crate::enhanced::EnhancedCode;
use crate::model::Command;
use crate::tables::bounce_phrases as phrases;

/// A diagnostic text, with what is read from it once: the command it names and the remote
/// host. Cloning shares the text.
#[derive(Debug, Clone)]
pub(crate) struct Said {
    pub(crate) text: Arc<str>,
    /// The enhanced status code in the text.
    pub(crate) enhanced: Option<EnhancedCode>,
    pub(crate) command: Option<Command>,
    pub(crate) remote_mta: Option<String>,
}

impl Said {
    pub(crate) fn new(text: String) -> Said {
        charge(text.len());
        Said {
            enhanced: crate::parse::scan(text.as_bytes()).enhanced,
            command: command_in(&text),
            remote_mta: remote_host(&text),
            text: text.into(),
        }
    }
}

/// A recipient found in the text, with what goes with it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Found {
    pub(crate) address: String,
    pub(crate) said: Option<Said>,
    pub(crate) command: Option<Command>,
    pub(crate) remote_mta: Option<String>,
    /// Found in a shape that only bounces use (`<a@b>:` alone on its line, a labelled
    /// recipient, `X-Failed-Recipients`).
    pub(crate) strong: bool,
}

/// What [`Notice::recipients`] could not keep within the limits.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cuts {
    /// Recipients past [`MAX_RECIPIENTS`](super::MAX_RECIPIENTS), not listed.
    pub(crate) recipients: usize,
    /// Recipients given the shared reason alone because the joined text reached
    /// [`MAX_JOINED`](super::MAX_JOINED).
    pub(crate) joined: usize,
}

/// The lines of the notice read once: its recipient blocks and its transcript.
struct Index {
    blocks: Vec<Block>,
    /// The first block of each address (lower case).
    first: HashMap<String, usize>,
    transcript: Transcript,
}

/// The human-readable text of a message.
pub(crate) struct Notice {
    /// All text parts, joined, with one level of `>` quoting removed from forwarded bounces.
    full: String,
    /// Where the copy of the original message starts in `full`.
    cut: usize,
    index: OnceCell<Index>,
    reason: OnceCell<Option<Said>>,
    summary: OnceCell<Option<Said>>,
}

impl Notice {
    pub(crate) fn new(texts: &[String]) -> Self {
        let mut full = String::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
        for t in texts {
            if !full.is_empty() {
                full.push('\n');
            }
            full.push_str(t);
        }
        if is_quoted(&full) {
            full = unquote(&full);
        }
        let cut = original_marker(&full).unwrap_or(full.len());
        Notice {
            full,
            cut,
            index: OnceCell::new(),
            reason: OnceCell::new(),
            summary: OnceCell::new(),
        }
    }

    /// Every text part.
    pub(crate) fn full(&self) -> &str {
        &self.full
    }

    /// The notice: the text before the copy of the original message.
    pub(crate) fn head(&self) -> &str {
        &self.full[..self.cut]
    }

    fn lines(&self) -> Vec<&str> {
        charge(self.cut);
        self.head().lines().collect()
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let lines = self.lines();
            let blocks = recipients::blocks(&lines);
            let mut first = HashMap::new();
            for (i, b) in blocks.iter().enumerate() {
                first.entry(b.address.to_ascii_lowercase()).or_insert(i);
            }
            Index {
                blocks,
                first,
                transcript: Transcript::read(&lines),
            }
        })
    }

    /// Does the text carry RFC 3464 recipient fields?
    pub(crate) fn has_dsn_fields(&self) -> bool {
        charge(2 * self.full.len());
        self.full.lines().any(|l| {
            istarts(l, "final-recipient:")
                || istarts(l, "original-recipient:")
                || istarts(l, "x-actual-recipient:")
        }) && self
            .full
            .lines()
            .any(|l| istarts(l, "action:") || istarts(l, "status:"))
    }

    /// The headers of the original message that follows the notice in the text.
    pub(crate) fn original(&self) -> Option<Original> {
        let rest = &self.full[self.cut..];
        let mut offset = 0;
        for (n, line) in rest.split_inclusive('\n').enumerate() {
            if n > 0 && super::util::starts_with_header(line.as_bytes()) {
                return super::mime::original_of(&rest.as_bytes()[offset..]);
            }
            if n > 6 {
                break;
            }
            offset += line.len();
        }
        None
    }

    /// Does the wording say the message was not delivered?
    pub(crate) fn has_bounce_wording(&self) -> bool {
        static AC: OnceLock<AhoCorasick> = OnceLock::new();
        any_of(
            automaton(&AC, || phrases::BOUNCE_WORDING.iter().copied()),
            self.head(),
        )
    }

    /// Is it a delay notice rather than a failure?
    pub(crate) fn is_delay(&self, subject: Option<&str>) -> bool {
        let s = subject.unwrap_or("");
        let h = self.head();
        static FINAL_AC: OnceLock<AhoCorasick> = OnceLock::new();
        static DELAY_AC: OnceLock<AhoCorasick> = OnceLock::new();
        if any_of(
            automaton(&FINAL_AC, || phrases::FINAL_WORDING.iter().copied()),
            h,
        ) {
            return false;
        }
        phrases::DELAY_SUBJECT.iter().any(|p| icontains(s, p))
            || any_of(
                automaton(&DELAY_AC, || phrases::DELAY_WORDING.iter().copied()),
                h,
            )
    }

    /// The recipients that the text names, with their diagnostics, at most
    /// [`MAX_RECIPIENTS`](super::MAX_RECIPIENTS) of them; [`Cuts`] counts what the limits
    /// left out.
    pub(crate) fn recipients(&self, head: &super::mime::Head) -> (Vec<Found>, Cuts) {
        let index = self.index();
        let lower_set = |v: &mut dyn Iterator<Item = &str>| -> HashSet<String> {
            v.map(str::to_ascii_lowercase).collect()
        };
        let own = lower_set(
            &mut [head.to.as_deref(), head.from.as_deref()]
                .into_iter()
                .flatten()
                .filter_map(first_address),
        );
        let failed = lower_set(&mut head.failed_recipients.iter().map(String::as_str));
        let mut cuts = Cuts::default();
        let mut found: Vec<Found> = Vec::new();
        // Lower-case address -> its place in `found`, or `usize::MAX` past the limit.
        let mut place: HashMap<String, usize> = HashMap::new();
        let mut add = |found: &mut Vec<Found>, lower: String, f: Found| -> Option<usize> {
            if let Some(&k) = place.get(&lower) {
                return (k != usize::MAX).then_some(k);
            }
            if found.len() >= super::MAX_RECIPIENTS {
                place.insert(lower, usize::MAX);
                cuts.recipients += 1;
                return None;
            }
            place.insert(lower, found.len());
            found.push(f);
            None
        };
        for b in &index.blocks {
            let lower = b.address.to_ascii_lowercase();
            if !b.strong && own.contains(&lower) && !failed.contains(&lower) {
                continue;
            }
            let strong = b.strong || failed.contains(&lower);
            let f = Found {
                address: b.address.clone(),
                said: b.said.clone(),
                strong,
                ..Found::default()
            };
            if let Some(k) = add(&mut found, lower, f) {
                let f = &mut found[k];
                if f.said.is_none() {
                    f.said = b.said.clone();
                }
                f.strong |= b.strong;
            }
        }
        // No recipient line: an address that the wording names as the recipient ("rejected
        // recipient <a@b>", "undeliverable to a@b").
        if found.is_empty() {
            for (address, said) in recipients::named(&self.lines(), &own) {
                let lower = address.to_ascii_lowercase();
                let f = Found {
                    address,
                    said: Some(said),
                    ..Found::default()
                };
                add(&mut found, lower, f);
            }
        }
        // X-Failed-Recipients that the text does not show.
        for a in &head.failed_recipients {
            let f = Found {
                address: a.clone(),
                strong: true,
                ..Found::default()
            };
            add(&mut found, a.to_ascii_lowercase(), f);
        }

        let reason = self.reason();
        let only_one = found.len() == 1;
        let mut joined_left = super::MAX_JOINED;
        for f in &mut found {
            let weak = f.said.as_ref().is_none_or(|s| !has_code(&s.text));
            if let (true, Some(r)) = (weak, reason) {
                f.said = Some(match f.said.take() {
                    Some(own) => {
                        let need = own.text.len() + 1 + r.text.len();
                        if need > joined_left {
                            cuts.joined += 1;
                            r.clone()
                        } else {
                            joined_left -= need;
                            if contains_ci(&r.text, &own.text) {
                                r.clone()
                            } else {
                                Said::new(format!("{} {}", own.text, r.text))
                            }
                        }
                    }
                    None => r.clone(),
                });
            }
            if f.said.is_none() {
                f.said = self.summary().clone();
            }
            let said = f.said.as_ref();
            f.command = said
                .and_then(|s| s.command)
                .or_else(|| index.transcript.command_for(&f.address))
                .or(if only_one {
                    index.transcript.command
                } else {
                    None
                })
                .or_else(|| {
                    if only_one {
                        command_in(self.head())
                    } else {
                        None
                    }
                });
            f.remote_mta = said.and_then(|s| s.remote_mta.clone());
        }
        (found, cuts)
    }

    /// What the text says about `address` (for a DSN whose fields lack a diagnostic or a
    /// command): its own lines, else the reason given for all recipients, and the command
    /// of the transcript.
    pub(crate) fn for_recipient(&self, address: &str) -> Option<Found> {
        if address.is_empty() {
            return None;
        }
        let index = self.index();
        let own = index
            .first
            .get(&address.to_ascii_lowercase())
            .and_then(|&k| index.blocks[k].said.clone());
        let mut out = Found {
            address: address.to_string(),
            command: own.as_ref().and_then(|s| s.command),
            remote_mta: own.as_ref().and_then(|s| s.remote_mta.clone()),
            said: own,
            strong: false,
        };
        if out.said.is_none() {
            out.said = self.reason().clone();
        }
        if out.command.is_none() {
            out.command = index
                .transcript
                .command_for(address)
                .or(index.transcript.command);
        }
        Some(out)
    }

    /// The section that gives the reason for all recipients (read once).
    pub(crate) fn reason(&self) -> &Option<Said> {
        self.reason
            .get_or_init(|| reason_of(&self.lines()).map(Said::new))
    }

    /// The notice itself, in one line (at most [`SUMMARY_LEN`] bytes), for a recipient that
    /// the text gives no other reason for (Google Groups, mailing list managers, local
    /// delivery failures). Read once; the recipients it serves share it.
    pub(crate) fn summary(&self) -> &Option<Said> {
        self.summary.get_or_init(|| {
            let mut s = String::new();
            'lines: for l in self.head().lines() {
                for w in l.split_whitespace() {
                    if s.len() >= SUMMARY_LEN {
                        break 'lines;
                    }
                    if !s.is_empty() {
                        s.push(' ');
                    }
                    s.push_str(w);
                }
            }
            charge(s.len());
            if s.len() > SUMMARY_LEN {
                s.truncate(floor_char_boundary(&s, SUMMARY_LEN));
            }
            (!s.is_empty()).then(|| Said::new(s))
        })
    }

    /// The SMTP command named anywhere in the notice.
    pub(crate) fn command_anywhere(&self) -> Option<Command> {
        self.index()
            .transcript
            .command
            .or_else(|| command_in(self.head()))
    }
}

/// The most bytes of the notice's [`summary`](Notice::summary).
const SUMMARY_LEN: usize = 4000;

/// The largest char boundary of `s` at or below `at`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The section that gives the reason for all recipients.
fn reason_of(lines: &[&str]) -> Option<String> {
    static INTRO_AC: OnceLock<AhoCorasick> = OnceLock::new();
    let intros = automaton(&INTRO_AC, || phrases::REASON_INTRO.iter().copied());
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i]
            .trim()
            .trim_matches(|c: char| c == '-' || c == '=' || c == ' ');
        charge(t.len());
        let hit = intros
            .find(t)
            .is_some_and(|m| m.start() == 0 || t.len() < 80);
        if !hit {
            i += 1;
            continue;
        }
        // The rest of the intro line after the colon, then the next paragraph(s).
        let mut parts = Vec::new();
        if let Some((_, after)) = t.split_once(':') {
            if !after.trim().is_empty() {
                parts.push(after.trim());
            }
        }
        let mut j = i + 1;
        let mut paragraphs = 0;
        while j < lines.len() {
            let l = lines[j].trim();
            if l.is_empty() {
                if !parts.is_empty() {
                    paragraphs += 1;
                    if parts.iter().any(|p| has_code(p)) || paragraphs >= 2 {
                        break;
                    }
                }
                j += 1;
                continue;
            }
            if is_separator(l) && !parts.is_empty() {
                break;
            }
            if !is_separator(l) && !is_transcript_noise(l) {
                parts.push(l);
            }
            j += 1;
        }
        let text = squash(&parts.join(" "));
        if !text.is_empty() {
            return Some(text);
        }
        // Nothing but blank lines, separators and transcript noise up to `j`: no intro
        // there either.
        i = j.max(i + 1);
    }
    // The first line with a reply code, and what continues it.
    for (i, l) in lines.iter().enumerate() {
        let f = crate::parse::scan(l.as_bytes());
        if f.code.is_some_and(|c| c.class_digit() >= 4) && !looks_like_header(l) {
            let mut parts = vec![l.trim()];
            for l in &lines[i + 1..] {
                if l.trim().is_empty() || is_separator(l) {
                    break;
                }
                parts.push(l.trim());
            }
            return Some(squash(&parts.join(" ")));
        }
    }
    None
}

/// A forwarded bounce whose lines are quoted with `>`.
fn is_quoted(text: &str) -> bool {
    let (mut quoted, mut all) = (0, 0);
    for l in text.lines().take(200) {
        if l.trim().is_empty() {
            continue;
        }
        all += 1;
        if l.starts_with('>') && !l.starts_with(">>>") {
            quoted += 1;
        }
    }
    all > 4 && quoted * 2 > all
}

fn unquote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for l in text.lines() {
        let l = l
            .strip_prefix('>')
            .map_or(l, |r| r.strip_prefix(' ').unwrap_or(r));
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Where the copy of the original message starts.
fn original_marker(text: &str) -> Option<usize> {
    charge(text.len());
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line
            .trim()
            .trim_matches(|c: char| matches!(c, '-' | '=' | '*' | ' ' | '_' | '[' | ']'));
        if t.len() < 90
            && phrases::ORIGINAL_MARKER.iter().any(|m| istarts(t, m))
            && !istarts(t, "original message was")
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// Lines of a Sendmail transcript that are not the reply (`... while talking to x:`, `>>> DATA`).
fn is_transcript_noise(l: &str) -> bool {
    l.starts_with(">>>") || l.starts_with("...") || istarts(l, "sent <<<")
}

/// True when `s` holds a failure reply code (4xx, 5xx) or a failure enhanced status code.
fn has_code(s: &str) -> bool {
    charge(s.len());
    let f = crate::parse::scan(s.as_bytes());
    f.code.is_some_and(|c| c.class_digit() >= 4)
        || f.enhanced.is_some_and(|e| e.class().digit() >= 4)
}
