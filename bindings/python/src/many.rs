//! How `classify_many` shares its work between the calling thread and worker threads.
//!
//! Two kinds of work: the Python side (taking each item from the iterable, making each
//! `Classification` object and appending it to the list) needs the GIL, so it runs on the
//! calling thread, one item after the other; the classification needs no Python at all, so
//! any thread can do it with the GIL released.
//!
//! With one thread, each chunk is taken from the iterable, classified with the GIL released,
//! and converted. With more, the replies go through a pipeline of chunks ([`Batch`]) so that
//! the Python side overlaps with the classification. A cycle of the calling thread:
//!
//! 1. with the GIL, while the workers classify chunk k: take chunk k+1 from the iterable and
//!    hand it to the workers at once (so that they have work queued even if what follows
//!    takes long), convert the results of chunk k-1, and let Python handle signals (Ctrl-C;
//!    the garbage collector also runs there when it is due, rather than after the call,
//!    where nothing would overlap it);
//! 2. with the GIL released, until the workers are done with chunk k: classify blocks of
//!    chunk k+1 from its end, then of chunk k.
//!
//! The threads claim the blocks of a chunk ([`BLOCK`] replies) one at a time, the workers
//! from the front and the calling thread from the back, so the calling thread takes whatever
//! share the workers have not reached: the split balances itself, whatever the speed of
//! either side (no ratio to tune when the classification or the machine gets faster).
//!
//! Workers never call the Python API: they read the bytes of reply objects that the batch
//! keeps alive, and the calling thread waits until no worker holds a batch before it drops it
//! (the batch holds Python references, released with the GIL held). At most three chunks are
//! alive at once: the one being converted, the one being classified and the one being taken.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, mpsc};

use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyList};
use smtpcode::{Classification, Context};

use crate::input::Reply;
use crate::records::PyClassification;

/// Chunk size of the single-threaded path.
const CHUNK: usize = 1024;

/// The single-threaded path lets Python handle signals (Ctrl-C) every this many chunks
/// (some tens of milliseconds). Not after every chunk: the garbage collector, which runs
/// there when it is due, would then run more often than after the call, and cost more in all
/// (nothing overlaps it on this path, unlike in the pipeline).
const SIGNALS_EVERY: usize = 32;

/// The first chunk of the pipeline, taken before any other thread can help (so it is small),
/// and the smallest chunk it makes as the end of a list or tuple comes near (the results of
/// the last chunk are converted after everything else is done). An iterable that ends within
/// the first chunk is classified on the calling thread alone: a thread costs more than it
/// would save.
const SMALL_CHUNK: usize = 256;

/// The largest chunk of the pipeline (chunk sizes double from [`SMALL_CHUNK`] up to this).
/// Measured on two cores: 1024 and 4096 were both slower (more cycles; or more memory
/// touched by the Python side of each cycle, which evicts the classifier's tables from the
/// caches of the calling thread).
const LARGE_CHUNK: usize = 2048;

/// Replies per block: the unit of work the threads claim from a chunk (about ten
/// microseconds of classification: the calling thread waits at most that long for a
/// worker's last block of a chunk).
const BLOCK: usize = 16;

/// What each reply is classified with: a classifier (with a user's rules, or none) and the
/// context.
#[derive(Clone)]
pub struct With {
    pub classifier: smtpcode::Classifier,
    pub ctx: Context,
}

/// The classification of one reply.
fn classify_one(reply: &Reply, with: &With) -> Classification {
    with.classifier.classify_with(reply.as_bytes(), with.ctx)
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

/// Classifies the replies of `iter` on up to `threads` threads (the calling one included),
/// and returns their classifications as a list, in order. `length` is the number of items
/// when it is known (a list or a tuple): it only sizes the chunks.
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
        size: SMALL_CHUNK,
    };
    let first = source.take(if threads > 1 { SMALL_CHUNK } else { CHUNK })?;
    if threads > 1 && !source.ended {
        pipeline(&out, &mut objects, source, first, with, threads - 1)?;
        return Ok(out);
    }
    // One thread, or fewer replies than the pipeline's first chunk.
    let mut replies = first;
    let mut chunks = 0;
    loop {
        let results: Vec<Classification> = py.detach(|| {
            replies
                .iter()
                .map(|reply| classify_one(reply, with))
                .collect()
        });
        objects.append(&out, results)?;
        if source.ended {
            return Ok(out);
        }
        chunks += 1;
        if chunks % SIGNALS_EVERY == 0 {
            py.check_signals()?;
        }
        replies = source.take(CHUNK)?;
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
    /// The size of the last chunk of the pipeline, before the adjustment to the end.
    size: usize,
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

    /// The next chunk of the pipeline: twice the last one, up to [`LARGE_CHUNK`]; when the
    /// length is known, half of what is left (at least [`SMALL_CHUNK`]), so that the chunks
    /// get smaller toward the end.
    fn next_size(&mut self) -> usize {
        self.size = (self.size * 2).min(LARGE_CHUNK);
        match self.length {
            Some(n) => {
                let left = n.saturating_sub(self.taken);
                self.size.min(left.div_ceil(2).max(SMALL_CHUNK))
            }
            None => self.size,
        }
    }
}

/// One chunk of replies, shared by the calling thread and the workers.
struct Batch {
    replies: Vec<Reply>,
    with: With,
    /// The blocks nobody has claimed yet: the workers claim from the front, the calling
    /// thread from the back.
    unclaimed: Mutex<Range<usize>>,
    /// The classifications of each block, set by the thread that claimed it.
    blocks: Vec<OnceLock<Vec<Classification>>>,
}

impl Batch {
    fn new(replies: Vec<Reply>, with: With) -> Self {
        let n = replies.len().div_ceil(BLOCK);
        Batch {
            replies,
            with,
            unclaimed: Mutex::new(0..n),
            blocks: (0..n).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The classifications of block `i`.
    fn classify_block(&self, i: usize) -> Vec<Classification> {
        let end = self.replies.len().min((i + 1) * BLOCK);
        self.replies[i * BLOCK..end]
            .iter()
            .map(|reply| classify_one(reply, &self.with))
            .collect()
    }

    /// Claims the first unclaimed block (or the last), classifies it and returns true; false
    /// when every block is claimed.
    fn step(&self, from_back: bool) -> bool {
        let claimed = {
            let mut unclaimed = self.unclaimed();
            if from_back {
                unclaimed.next_back()
            } else {
                unclaimed.next()
            }
        };
        let Some(i) = claimed else {
            return false;
        };
        // Each block is claimed once, so the slot is empty.
        let _ = self.blocks[i].set(self.classify_block(i));
        true
    }

    /// Leaves the blocks nobody has claimed yet unclassified (the workers skip the batch).
    fn cancel(&self) {
        let mut unclaimed = self.unclaimed();
        unclaimed.start = unclaimed.end;
    }

    /// The unclaimed blocks, locked (nothing can panic while the lock is held, so it is
    /// never poisoned).
    fn unclaimed(&self) -> MutexGuard<'_, Range<usize>> {
        self.unclaimed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends the classifications to `out`, in order (with the GIL), and releases the
    /// replies.
    fn append_to(mut self, out: &Bound<'_, PyList>, objects: &mut Objects) -> PyResult<()> {
        for (i, slot) in std::mem::take(&mut self.blocks).into_iter().enumerate() {
            // A block is missing only when the worker that claimed it panicked: it is
            // classified here (the panic itself is raised when the workers are joined).
            objects.append(
                out,
                slot.into_inner().unwrap_or_else(|| self.classify_block(i)),
            )?;
        }
        Ok(())
    }
}

/// The calling thread's share of the classification (with the GIL released): blocks from the
/// end of `next`, then from the end of `current`, until no worker holds `current` any more,
/// which it returns. (Workers let go of a batch when they find no block left to claim, so
/// `current` is then fully classified.)
fn help(mut current: Arc<Batch>, next: Option<&Batch>) -> Batch {
    loop {
        current = match Arc::try_unwrap(current) {
            Ok(batch) => return batch,
            Err(shared) => shared,
        };
        if !next.is_some_and(|n| n.step(true)) && !current.step(true) {
            // Every block is claimed: a worker is finishing its last one.
            std::thread::yield_now();
        }
    }
}

/// The pipeline (see the module's documentation), with `workers` worker threads; `first` is
/// the first chunk, already taken.
fn pipeline(
    out: &Bound<'_, PyList>,
    objects: &mut Objects,
    mut source: Source<'_>,
    first: Vec<Reply>,
    with: &With,
    workers: usize,
) -> PyResult<()> {
    let py = out.py();
    std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(workers);
        let mut handles = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (tx, rx) = mpsc::channel::<Arc<Batch>>();
            let worker = std::thread::Builder::new().spawn_scoped(scope, move || {
                for batch in rx {
                    while batch.step(false) {}
                }
            });
            // When the system refuses a thread, the others (or the calling thread alone) do
            // the work.
            let Ok(handle) = worker else { break };
            handles.push(handle);
            senders.push(tx);
        }
        let submit = |replies: Vec<Reply>| -> Arc<Batch> {
            let batch = Arc::new(Batch::new(replies, with.clone()));
            for tx in &senders {
                // A worker that has stopped (it panicked) leaves its share to the others.
                let _ = tx.send(Arc::clone(&batch));
            }
            batch
        };
        let result = run(out, objects, &mut source, submit(first), &submit);
        drop(senders);
        let ended = py.detach(|| handles.into_iter().map(|h| h.join()).collect::<Vec<_>>());
        for e in ended {
            if let Err(panic) = e {
                std::panic::resume_unwind(panic);
            }
        }
        result
    })
}

/// The pipeline's loop, from the first chunk (`current`, handed to the workers) to the last.
fn run(
    out: &Bound<'_, PyList>,
    objects: &mut Objects,
    source: &mut Source<'_>,
    mut current: Arc<Batch>,
    submit: &impl Fn(Vec<Reply>) -> Arc<Batch>,
) -> PyResult<()> {
    let py = out.py();
    let mut done: Option<Batch> = None;
    loop {
        // With the GIL, while the workers classify `current`: take the chunk after it and hand
        // that to the workers, convert the chunk before it, let Python handle signals (and
        // run the garbage collector when it is due).
        let mut next: Option<Arc<Batch>> = None;
        let step = (|| -> PyResult<()> {
            if !source.ended {
                let size = source.next_size();
                let replies = source.take(size)?;
                next = (!replies.is_empty()).then(|| submit(replies));
            }
            if let Some(batch) = done.take() {
                batch.append_to(out, objects)?;
            }
            py.check_signals()
        })();
        if let Err(e) = step {
            // No partial list: stop the workers and drop the chunks once they let go.
            current.cancel();
            if let Some(next) = &next {
                next.cancel();
            }
            drop(py.detach(|| (help(current, None), next.map(|n| help(n, None)))));
            return Err(e);
        }
        // Without the GIL: classify blocks until the workers are done with `current`.
        done = Some(py.detach(|| help(current, next.as_deref())));
        match next {
            Some(batch) => current = batch,
            None => break,
        }
    }
    match done {
        Some(batch) => batch.append_to(out, objects),
        None => Ok(()),
    }
}
