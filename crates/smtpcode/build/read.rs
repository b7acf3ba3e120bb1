//! Reading the data files: tab-separated, one header line naming the columns, no quoting.
//! Rows are read with `csv` into serde row structs, by column name; every field is checked
//! for white space around it and control characters, and an error names the file and line.

use std::path::Path;

use serde::de::DeserializeOwned;

/// The rows of one data file, each with its line number.
pub struct Table<T> {
    pub file: &'static str,
    pub rows: Vec<(usize, T)>,
}

impl<T> Table<T> {
    /// Stops the build with the file and line of a bad row.
    pub fn fail(&self, line: usize, msg: &str) -> ! {
        panic!("data/{}:{}: {}", self.file, line, msg)
    }
}

/// Reads `data/FILE` into rows of `T` (one field per column, by name; unknown columns are an
/// error through `#[serde(deny_unknown_fields)]`).
pub fn read<T: DeserializeOwned>(file: &'static str) -> Table<T> {
    let path = Path::new("data").join(file);
    println!("cargo:rerun-if-changed={}", path.display());
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("data/{file}: cannot read: {e}"));
    Table {
        file,
        rows: parse(&text).unwrap_or_else(|e| panic!("data/{file}:{e}")),
    }
}

/// Parses the text of a data file; the error starts with the line number.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<Vec<(usize, T)>, String> {
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            return Err(format!("{}: empty line", n + 1));
        }
    }
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| format!("1: {e}"))?.clone();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("{line}: {e}")
        })?;
        let line = rec.position().map_or(0, |p| p.line()) as usize;
        if rec.len() != headers.len() {
            return Err(format!(
                "{line}: {} fields, expected {} ({:?})",
                rec.len(),
                headers.len(),
                headers.iter().collect::<Vec<_>>()
            ));
        }
        for (f, name) in rec.iter().zip(headers.iter()) {
            crate::check::field(f).map_err(|e| format!("{line}: field {name}: {e}"))?;
        }
        let row: T = rec
            .deserialize(Some(&headers))
            .map_err(|e| format!("{line}: {e}"))?;
        rows.push((line, row));
    }
    Ok(rows)
}
