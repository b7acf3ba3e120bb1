//! Reading the shared golden files in `tests/data/` (also read by the C and Python suites).
#![allow(dead_code)]

use std::path::PathBuf;

/// The repository's `tests/data` directory.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data")
}

/// The core crate's `data` directory.
pub fn table_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Undoes the escapes of the golden files: `\t`, `\n`, `\r`, `\\`, `\0` and `\xHH`.
pub fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b't' => out.push(b'\t'),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b'0' => out.push(0),
                b'\\' => out.push(b'\\'),
                b'x' if i + 3 < b.len() => {
                    let h = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
                    out.push(
                        u8::from_str_radix(h, 16)
                            .unwrap_or_else(|_| panic!("bad \\x escape in {s:?}")),
                    );
                    i += 4;
                    continue;
                }
                other => panic!("unknown escape \\{} in {s:?}", other as char),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// A TSV file as (line number, field map) rows; `#` lines and blank lines are skipped.
pub fn read_tsv(
    path: &std::path::Path,
) -> Vec<(usize, std::collections::BTreeMap<String, String>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let (_, header) = lines.next().expect("header");
    let header: Vec<&str> = header.split('\t').collect();
    lines
        .map(|(n, l)| {
            let fields: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                fields.len(),
                header.len(),
                "{}:{}: field count",
                path.display(),
                n + 1
            );
            (
                n + 1,
                header
                    .iter()
                    .zip(fields)
                    .map(|(h, f)| (h.to_string(), f.to_string()))
                    .collect(),
            )
        })
        .collect()
}
pub mod hostile;
pub mod reference;
