//! Reading input lines as bytes in bounded memory.

use std::cell::Cell;
use std::io::{self, BufRead};
use std::rc::Rc;

/// The longest line kept whole; the rest of a longer line is read and dropped, and the
/// record says the line was truncated. Memory stays bounded whatever the input.
pub const MAX_LINE: usize = 1 << 20;

/// Reads the next line into `buf` (without the line ending `\n` or `\r\n`). Returns
/// `Ok(None)` at the end of the input, `Ok(Some(truncated))` otherwise. A last line without a
/// newline still counts; an empty line is a line.
pub fn next_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    if buf.capacity() > 2 * MAX_LINE {
        buf.shrink_to(MAX_LINE);
    }
    let mut truncated = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, used, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (&chunk[..i], i + 1, true),
            None => (chunk, chunk.len(), false),
        };
        let room = MAX_LINE.saturating_sub(buf.len());
        if part.len() > room {
            truncated = true;
        }
        buf.extend_from_slice(&part[..part.len().min(room)]);
        r.consume(used);
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(truncated))
}

/// A reader that knows how many bytes its buffer still holds: when none, the next read may
/// wait for the input (a pipe, a terminal), so a command writes out what it has first. The
/// count can be watched after the reader is handed on (to a decompressor): [`Pending::watch`].
pub struct Pending<R> {
    inner: R,
    left: Rc<Cell<usize>>,
}

impl<R: BufRead> Pending<R> {
    /// Wraps `inner`; nothing is known to be buffered yet.
    pub fn new(inner: R) -> Pending<R> {
        Pending {
            inner,
            left: Rc::default(),
        }
    }

    /// The bytes read from the input and not consumed yet.
    pub fn pending(&self) -> usize {
        self.left.get()
    }

    /// The count of [`pending`](Self::pending), to read where the reader itself is out of
    /// reach.
    pub fn watch(&self) -> Rc<Cell<usize>> {
        self.left.clone()
    }
}

impl<R: BufRead> io::Read for Pending<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buf)
    }
}

/// `Read::read` for a reader whose reading is its `BufRead` methods (a wrapper that watches
/// what is consumed).
pub fn read_buffered(r: &mut impl BufRead, buf: &mut [u8]) -> io::Result<usize> {
    let avail = r.fill_buf()?;
    let n = avail.len().min(buf.len());
    buf[..n].copy_from_slice(&avail[..n]);
    r.consume(n);
    Ok(n)
}

impl<R: BufRead> BufRead for Pending<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let b = self.inner.fill_buf()?;
        self.left.set(b.len());
        Ok(b)
    }
    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.left.set(self.left.get().saturating_sub(n));
    }
}

/// A byte stream as text: decompressed when it starts with the gzip or zstd magic bytes,
/// as it is otherwise. Errors of the decompression are errors of the input
/// ([`inputs::Checked`](crate::inputs::Checked)). `Send` when the stream is.
pub enum Decoded<R: BufRead> {
    /// Not compressed.
    Plain(R),
    /// gzip (several members are read one after another, as `zcat` does).
    Gzip(io::BufReader<crate::inputs::Checked<flate2::bufread::MultiGzDecoder<R>>>),
    /// zstd.
    Zstd(io::BufReader<crate::inputs::Checked<zstd::stream::read::Decoder<'static, R>>>),
}

impl<R: BufRead> Decoded<R> {
    /// Looks at the first bytes of `r` and decompresses what follows when they say so.
    pub fn new(mut r: R) -> io::Result<Decoded<R>> {
        use crate::inputs::Checked;
        const BUF: usize = 256 * 1024;
        let head = r.fill_buf()?;
        Ok(if head.starts_with(&[0x1f, 0x8b]) {
            let gz = flate2::bufread::MultiGzDecoder::new(r);
            Decoded::Gzip(io::BufReader::with_capacity(BUF, Checked(gz)))
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            let zst = zstd::stream::read::Decoder::with_buffer(r)?;
            Decoded::Zstd(io::BufReader::with_capacity(BUF, Checked(zst)))
        } else {
            Decoded::Plain(r)
        })
    }

    fn inner(&mut self) -> &mut dyn BufRead {
        match self {
            Decoded::Plain(r) => r,
            Decoded::Gzip(r) => r,
            Decoded::Zstd(r) => r,
        }
    }
}

impl<R: BufRead> io::Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner().read(buf)
    }
}

impl<R: BufRead> BufRead for Decoded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Decoded::Plain(r) => r.fill_buf(),
            Decoded::Gzip(r) => r.fill_buf(),
            Decoded::Zstd(r) => r.fill_buf(),
        }
    }
    fn consume(&mut self, n: usize) {
        self.inner().consume(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<(Vec<u8>, bool)> {
        let mut r = io::BufReader::with_capacity(7, input);
        let mut buf = Vec::new();
        let mut v = Vec::new();
        while let Some(t) = next_line(&mut r, &mut buf).unwrap() {
            v.push((buf.clone(), t));
        }
        v
    }

    #[test]
    fn keeps_every_line() {
        let v = all(b"550 a\r\n\n\xff\xfe bad\nlast");
        let lines: Vec<&[u8]> = v.iter().map(|(l, _)| &l[..]).collect();
        assert_eq!(lines, vec![&b"550 a"[..], b"", b"\xff\xfe bad", b"last"]);
        assert!(all(b"").is_empty());
        assert_eq!(all(b"\n").len(), 1);
    }
}
