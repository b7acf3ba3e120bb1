//! The suppression list: the addresses to stop sending to, from the hard bounces of a log
//! (or of bounce messages).

use std::collections::HashMap;

use super::{Event, LogTime, Status};
use crate::classify::Classification;
use crate::model::{Bounce, Reason};

/// One address to stop sending to.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Suppression {
    /// The address, in lower case.
    pub address: String,
    /// How many hard bounces it had.
    pub count: u64,
    /// The time of the last one, as written.
    pub last_time: Option<String>,
    /// The time of the last one, read.
    pub last_timestamp: Option<LogTime>,
    /// The reason of the last one.
    pub reason: Reason,
    /// Its reply code.
    pub code: Option<u16>,
    /// Its enhanced status code.
    pub enhanced: Option<String>,
    /// Its reply text.
    pub text: String,
}

/// One delivery, by its fields, for [`SuppressionList::add_fields`].
#[derive(Debug, Clone, Copy)]
pub struct Bounced<'a> {
    /// The recipient.
    pub recipient: &'a str,
    /// The log's status, when the delivery comes from a log.
    pub status: Option<Status>,
    /// The bounce of its classification.
    pub bounce: Bounce,
    /// The reason of its classification.
    pub reason: Reason,
    /// The reply code.
    pub code: Option<u16>,
    /// The enhanced status code.
    pub enhanced: Option<&'a str>,
    /// The time as written.
    pub time: Option<&'a str>,
    /// The time read.
    pub timestamp: Option<LogTime>,
    /// The reply text.
    pub text: &'a str,
}

/// Collects the addresses to stop sending to: each recipient of a hard bounce (a
/// permanent failure where the address is at fault: unknown, disabled, moved, invalid),
/// once, with the count, the time and the reason of its last hard bounce. Refusals this
/// server gave to inbound mail ([`Status::Rejected`]) are not counted: they say nothing of
/// the addresses this server sends to.
///
/// ```
/// use smtpcode::log::{LogReader, SuppressionList};
/// let mut reader = LogReader::new();
/// let events: Vec<_> = reader.events([
///     "2026-12-04 21:30:21 1tJCgN-0004xL-2b ** jo@example.net R=dnslookup T=remote_smtp H=mx.example.net [203.0.113.25]: SMTP error from remote mail server after RCPT TO:<jo@example.net>: 550 5.1.1 User unknown",
///     "2026-12-04 21:31:02 1tJChO-0004xQ-3c ** Jo@Example.net R=dnslookup T=remote_smtp H=mx.example.net [203.0.113.25]: SMTP error from remote mail server after RCPT TO:<Jo@Example.net>: 550 5.1.1 User unknown",
/// ]).collect();
/// let list = SuppressionList::from_events(&events);
/// assert_eq!(list.entries().len(), 1);
/// assert_eq!(list.entries()[0].address, "jo@example.net");
/// assert_eq!(list.entries()[0].count, 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct SuppressionList {
    index: HashMap<String, usize>,
    list: Vec<Suppression>,
}

impl SuppressionList {
    /// An empty list.
    pub fn new() -> SuppressionList {
        SuppressionList::default()
    }

    /// The list of `events`.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> SuppressionList {
        let mut l = SuppressionList::new();
        for e in events {
            l.add_event(e);
        }
        l
    }

    /// Counts `e` if it is a hard bounce of an outgoing message; says whether it was.
    pub fn add_event(&mut self, e: &Event) -> bool {
        if e.status == Status::Rejected {
            return false;
        }
        let Some(r) = e.recipient.as_deref() else {
            return false;
        };
        self.add(
            r,
            &e.classification,
            e.time.as_deref(),
            e.timestamp,
            &e.text,
        )
    }

    /// Counts a recipient with the classification of its diagnostic, if it is a hard
    /// bounce; says whether it was.
    pub fn add(
        &mut self,
        recipient: &str,
        c: &Classification,
        time: Option<&str>,
        timestamp: Option<LogTime>,
        text: &str,
    ) -> bool {
        // Only a hard bounce is kept: nothing to convert for the others.
        if c.bounce() != Bounce::Hard {
            return false;
        }
        self.add_fields(Bounced {
            recipient,
            status: None,
            bounce: c.bounce(),
            reason: c.reason(),
            code: c.code().map(|c| c.as_u16()),
            enhanced: c.enhanced().map(|e| e.to_string()).as_deref(),
            time,
            timestamp,
            text,
        })
    }

    /// Counts a delivery given by its fields (for bindings that hold the fields, not the
    /// event); says whether it was a hard bounce of an outgoing message.
    pub fn add_fields(&mut self, b: Bounced<'_>) -> bool {
        if b.bounce != Bounce::Hard || b.status == Some(Status::Rejected) {
            return false;
        }
        let (recipient, time, timestamp, text) = (b.recipient, b.time, b.timestamp, b.text);
        let address = recipient
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_lowercase();
        if address.is_empty() {
            return false;
        }
        let entry = |address: String| Suppression {
            address,
            count: 1,
            last_time: time.map(str::to_string),
            last_timestamp: timestamp,
            reason: b.reason,
            code: b.code,
            enhanced: b.enhanced.map(str::to_string),
            text: text.to_string(),
        };
        match self.index.get(&address) {
            Some(&i) => {
                let s = &mut self.list[i];
                let count = s.count + 1;
                // The last: the latest time where both are read, else the later line.
                let later = match (s.last_timestamp, timestamp) {
                    (Some(a), Some(b)) => b.compare(&a).is_ge(),
                    _ => true,
                };
                if later {
                    *s = entry(address);
                }
                s.count = count;
            }
            None => {
                self.index.insert(address.clone(), self.list.len());
                self.list.push(entry(address));
            }
        }
        true
    }

    /// The addresses, in the order they first bounced.
    pub fn entries(&self) -> &[Suppression] {
        &self.list
    }

    /// The addresses, sorted.
    pub fn into_sorted(mut self) -> Vec<Suppression> {
        self.list.sort_by(|a, b| a.address.cmp(&b.address));
        self.list
    }

    /// The number of addresses.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// No address yet.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
