//! How `classify_many` shares its work between the calling thread and a rayon pool.
//!
//! Two kinds of work: the Python side (taking each item from the iterable, making each
//! `Classification` object and appending it to the list) needs the GIL, so it runs on the
//! calling thread; the classification needs no Python at all, so the pool's threads do it
//! with the GIL released (`par_iter` over a chunk of replies).
//!
//! With one thread, each chunk is taken from the iterable, classified with the GIL released,
//! and converted: a plain loop. With more, the calling thread hands chunk k to the pool and,
//! while the pool classifies it, takes chunk k+1 from the iterable and converts the results of
//! chunk k-1 (and lets Python handle signals); then it waits, with the GIL released, for
//! chunk k. Two chunks are alive at once besides the results being converted.
//!
//! The pool's threads never call the Python API and never release a Python reference: a
//! chunk's replies (which hold references to the `str`/`bytes` objects) are shared with the
//! pool, and the calling thread keeps its own handle on them until the pool has sent the
//! results, so the last reference is always dropped with the GIL held.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};

use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyList};
use rayon::prelude::*;
use smtpcode::{Classification, Context};

use crate::input::Reply;
use crate::records::PyClassification;

/// Replies per chunk. Measured on two cores over the one-million-line file: 2048 and 8192
/// were slower (more waiting at each end, or more memory touched by the Python side, which
/// evicts the classifier's tables from the caches of the calling thread).
const CHUNK: usize = 4096;

/// The single-threaded loop lets Python handle signals (Ctrl-C) every this many chunks.
const SIGNALS_EVERY: usize = 8;

/// What each reply is classified with: a classifier (with a user's rules, or none) and the
/// context.
#[derive(Clone)]
pub struct With {
    pub classifier: smtpcode::Classifier,
    pub ctx: Context,
}

impl With {
    /// The classification of one reply.
    pub fn classify(&self, reply: &[u8]) -> Classification {
        self.classifier.classify_with(reply, self.ctx)
    }

    /// [`classify`](Self::classify), after checking that the bytes are UTF-8 when `check`
    /// (`Err` holds how many bytes are valid).
    pub fn classify_checked(&self, reply: &[u8], check: bool) -> Result<Classification, usize> {
        if check {
            std::str::from_utf8(reply).map_err(|e| e.valid_up_to())?;
        }
        Ok(self.classify(reply))
    }
}

/// Makes the `Classification` objects of one call. Equal classifications share one object
/// (the objects are frozen, so nothing can tell them apart but `is`): a bounce log has a few
/// hundred distinct answers, and handing out an existing object costs a fraction of making
/// one. At most [`MAX_SHARED`] objects are kept, so memory stays bounded however many
/// distinct answers come.
#[derive(Default)]
struct Objects {
    shared: HashMap<Key, Py<PyClassification>>,
}

/// The most objects [`Objects`] keeps for sharing.
const MAX_SHARED: usize = 4096;

/// A classification as a map key. Equal as classifications are; hashed on the fields that
/// are not strings (cheap, and equal classifications have equal hashes), so that the long
/// explanation strings are only compared when the hashes meet.
#[derive(PartialEq, Eq)]
pub(crate) struct Key(pub(crate) Classification);

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let c = &self.0;
        (
            c.code(),
            c.enhanced(),
            c.reason(),
            c.basis(),
            c.command(),
            c.provider(),
        )
            .hash(h);
    }
}

impl Objects {
    /// Appends classifications to `out` as `Classification` objects (with the GIL).
    fn append(
        &mut self,
        out: &Bound<'_, PyList>,
        results: impl IntoIterator<Item = Classification>,
    ) -> PyResult<()> {
        let py = out.py();
        for c in results {
            let key = Key(c);
            if let Some(object) = self.shared.get(&key) {
                out.append(object.bind(py))?;
                continue;
            }
            let object = Py::new(py, PyClassification::from(c))?;
            out.append(object.bind(py))?;
            if self.shared.len() < MAX_SHARED {
                self.shared.insert(key, object);
            }
        }
        Ok(())
    }
}

/// The rayon pool of `threads` threads (one per count asked for, made once and kept), shared
/// by `classify_many` and the Arrow functions; `None` when the system refuses threads.
pub(crate) fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(Default::default);
    let mut pools = pools.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(p) = pools.get(&threads) {
        return Some(Arc::clone(p));
    }
    // When the system refuses threads, the calling thread does the work alone.
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("smtpcode-{i}"))
            .build()
            .ok()?,
    );
    pools.insert(threads, Arc::clone(&p));
    Some(p)
}

/// Classifies the replies of `iter` on up to `threads` threads, and returns their
/// classifications as a list, in order. `length` is the number of items when it is known (a
/// list or a tuple): it only sizes the first chunk.
pub fn classify_many<'py>(
    py: Python<'py>,
    iter: Bound<'py, PyIterator>,
    with: &With,
    threads: usize,
    length: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let mut objects = Objects::default();
    let mut source = Source {
        iter,
        taken: 0,
        ended: false,
        length,
    };
    let first = source.take(CHUNK)?;
    match pool(threads).filter(|_| threads > 1 && !source.ended) {
        Some(pool) => pipeline(&out, &mut objects, &mut source, first, with, &pool)?,
        None => {
            // One thread, or one chunk: a plain loop with the GIL released while classifying.
            let mut replies = first;
            let mut chunks = 0;
            loop {
                let results: Vec<Classification> = py.detach(|| {
                    replies
                        .iter()
                        .map(|reply| with.classify(reply.as_bytes()))
                        .collect()
                });
                objects.append(&out, results)?;
                if source.ended {
                    break;
                }
                chunks += 1;
                if chunks % SIGNALS_EVERY == 0 {
                    py.check_signals()?;
                }
                replies = source.take(CHUNK)?;
            }
        }
    }
    Ok(out)
}

/// A chunk handed to the pool: its replies (shared with the pool) and where its results
/// arrive.
struct InFlight {
    replies: Arc<Vec<Reply>>,
    results: mpsc::Receiver<Vec<Classification>>,
}

/// Hands `replies` to the pool, to classify in parallel.
fn submit(pool: &rayon::ThreadPool, replies: Vec<Reply>, with: &With) -> InFlight {
    let replies = Arc::new(replies);
    let shared = Arc::clone(&replies);
    let with = with.clone();
    let (tx, rx) = mpsc::sync_channel(1);
    pool.spawn(move || {
        let results: Vec<Classification> = shared
            .par_iter()
            .with_min_len(64)
            .map(|reply| with.classify(reply.as_bytes()))
            .collect();
        // The pool's handle goes first: the calling thread's is then the last one.
        drop(shared);
        let _ = tx.send(results);
    });
    InFlight {
        replies,
        results: rx,
    }
}

impl InFlight {
    /// Waits for the results (with the GIL released); the replies are dropped here, with the
    /// GIL held. A panic in the pool (a bug) is raised as an error rather than lost.
    fn wait(self, py: Python<'_>) -> PyResult<Vec<Classification>> {
        let InFlight { replies, results } = self;
        let got = py.detach(move || results.recv());
        drop(replies);
        got.map_err(|_| {
            pyo3::exceptions::PyRuntimeError::new_err(
                "classify_many(): a classification failed (a bug in smtpcode; please report it)",
            )
        })
    }
}

/// The overlapping loop (see the module's documentation).
fn pipeline(
    out: &Bound<'_, PyList>,
    objects: &mut Objects,
    source: &mut Source<'_>,
    first: Vec<Reply>,
    with: &With,
    pool: &rayon::ThreadPool,
) -> PyResult<()> {
    let py = out.py();
    let mut current = submit(pool, first, with);
    let mut done: Option<Vec<Classification>> = None;
    loop {
        // With the GIL, while the pool classifies `current`: take the next chunk, convert the
        // results before it, let Python handle signals.
        let step = (|| -> PyResult<Vec<Reply>> {
            let next = if source.ended {
                Vec::new()
            } else {
                source.take(CHUNK)?
            };
            if let Some(results) = done.take() {
                objects.append(out, results)?;
            }
            py.check_signals()?;
            Ok(next)
        })();
        let next = match step {
            Ok(next) => next,
            Err(e) => {
                // No partial list: wait for the chunk in flight to let go of its replies.
                let _ = current.wait(py);
                return Err(e);
            }
        };
        let following = (!next.is_empty()).then(|| submit(pool, next, with));
        done = Some(current.wait(py)?);
        match following {
            Some(f) => current = f,
            None => break,
        }
    }
    match done {
        Some(results) => objects.append(out, results),
        None => Ok(()),
    }
}

/// The items of the iterable, taken a chunk at a time (with the GIL).
struct Source<'py> {
    iter: Bound<'py, PyIterator>,
    /// How many items were taken so far (the index of the next one, for error messages).
    taken: usize,
    /// The iterator has ended (it is not called again).
    ended: bool,
    /// The number of items, when known.
    length: Option<usize>,
}

impl Source<'_> {
    /// Up to `n` replies; fewer only when the iterator ends.
    fn take(&mut self, n: usize) -> PyResult<Vec<Reply>> {
        let expected = self.length.map_or(n, |len| len.saturating_sub(self.taken));
        let mut replies = Vec::with_capacity(n.min(expected));
        while replies.len() < n {
            let Some(item) = self.iter.next() else {
                self.ended = true;
                break;
            };
            let index = self.taken;
            replies.push(Reply::extract_or(&item?, || {
                format!("classify_many() item {index}")
            })?);
            self.taken += 1;
        }
        Ok(replies)
    }
}
