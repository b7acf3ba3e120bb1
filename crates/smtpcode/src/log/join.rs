//! What a reader keeps of earlier lines, by queue id: the sender of each open message and
//! the recipients last deferred (to which an expiry applies). Bounded: at most `cap`
//! messages, the oldest forgotten first; at most [`MAX_PENDING`] deferred recipients per
//! message.

use std::collections::{HashMap, VecDeque};

use super::{Event, Mta};

/// The most deferred recipients kept for one message.
pub const MAX_PENDING: usize = 1000;

/// The last deferral of one recipient.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub recipient: String,
    pub original_recipient: Option<String>,
    pub relay: Option<String>,
    pub dsn: Option<String>,
    pub text: String,
}

impl Pending {
    pub(crate) fn of(e: &Event) -> Pending {
        Pending {
            recipient: e.recipient.clone().unwrap_or_default(),
            original_recipient: e.original_recipient.clone(),
            relay: e.relay.clone(),
            dsn: e.dsn.clone(),
            text: e.text.clone(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Message {
    pub sender: Option<String>,
    pub pending: Vec<Pending>,
    generation: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Joins {
    cap: usize,
    map: HashMap<Box<[u8]>, Message>,
    /// Keys in the order they were opened, with the generation they were opened in (a key
    /// closed and opened again is a new message).
    order: VecDeque<(Box<[u8]>, u64)>,
    next: u64,
    key: Vec<u8>,
}

impl Joins {
    pub(crate) fn new(cap: usize) -> Joins {
        Joins {
            cap,
            map: HashMap::new(),
            order: VecDeque::new(),
            next: 0,
            key: Vec::new(),
        }
    }

    fn key(&mut self, mta: Mta, id: &[u8]) -> &[u8] {
        self.key.clear();
        self.key.push(mta as u8);
        self.key.extend_from_slice(id);
        &self.key
    }

    /// The message `id`, if open.
    pub(crate) fn get(&mut self, mta: Mta, id: &[u8]) -> Option<&mut Message> {
        self.key(mta, id);
        self.map.get_mut(&self.key[..])
    }

    /// The message `id`, opened if need be.
    pub(crate) fn open(&mut self, mta: Mta, id: &[u8]) -> &mut Message {
        self.key(mta, id);
        if !self.map.contains_key(&self.key[..]) {
            self.next += 1;
            let key: Box<[u8]> = self.key.as_slice().into();
            self.order.push_back((key.clone(), self.next));
            self.map.insert(
                key,
                Message {
                    generation: self.next,
                    ..Message::default()
                },
            );
            self.evict();
        }
        self.map.get_mut(&self.key[..]).expect("opened above")
    }

    /// Forgets the message `id` (it left the queue).
    pub(crate) fn close(&mut self, mta: Mta, id: &[u8]) -> Option<Message> {
        self.key(mta, id);
        let m = self.map.remove(&self.key[..]);
        // Closed keys stay in `order` until it is compacted.
        if self.order.len() > 2 * self.map.len() + 1024 {
            let map = &self.map;
            self.order
                .retain(|(k, g)| map.get(k).is_some_and(|m| m.generation == *g));
        }
        m
    }

    fn evict(&mut self) {
        while self.map.len() > self.cap {
            let Some((k, g)) = self.order.pop_front() else {
                break;
            };
            if self.map.get(&k).is_some_and(|m| m.generation == g) {
                self.map.remove(&k);
            }
        }
    }

    /// The number of open messages.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

impl Message {
    /// Records a deferral of `e`'s recipient (replacing an earlier one).
    pub(crate) fn defer(&mut self, e: &Event) {
        let r = e.recipient.as_deref().unwrap_or("");
        if let Some(p) = self.pending.iter_mut().find(|p| p.recipient == r) {
            *p = Pending::of(e);
        } else if self.pending.len() < MAX_PENDING {
            self.pending.push(Pending::of(e));
        }
    }

    /// The recipient is done (sent or bounced).
    pub(crate) fn done(&mut self, recipient: Option<&str>) {
        let r = recipient.unwrap_or("");
        self.pending.retain(|p| p.recipient != r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_forgets_the_oldest() {
        let mut j = Joins::new(3);
        for i in 0..10u8 {
            j.open(Mta::Postfix, &[b'A' + i]).sender = Some(i.to_string());
        }
        assert_eq!(j.len(), 3);
        assert!(j.get(Mta::Postfix, b"A").is_none());
        assert_eq!(
            j.get(Mta::Postfix, b"J").unwrap().sender.as_deref(),
            Some("9")
        );
        // A closed and reopened id is a new message, not evicted by its old place.
        j.close(Mta::Postfix, b"H");
        j.open(Mta::Postfix, b"H");
        j.open(Mta::Postfix, b"K");
        assert!(j.get(Mta::Postfix, b"H").is_some());
        // Ids of different MTAs do not meet.
        assert!(j.get(Mta::Exim, b"J").is_none());
        for i in 0..5000u32 {
            let id = i.to_string();
            j.open(Mta::Postfix, id.as_bytes());
            j.close(Mta::Postfix, id.as_bytes());
        }
        assert!(j.order.len() <= 2 * j.len() + 1024 + 1);
    }
}
