//! Writing the generated Rust: static text with a NUL after it, names, byte strings, arrays.

use std::fmt::{Debug, Write};

/// A Rust expression for a static NUL-terminated string.
pub fn text(s: &str) -> String {
    format!("crate::text::static_text!({s:?})")
}

/// `None`, or `Some` of [`text`].
pub fn opt_text(s: &str) -> String {
    if s.is_empty() {
        "None".into()
    } else {
        format!("Some({})", text(s))
    }
}

/// `snake_case` as `CamelCase` (the enum variant of a name).
pub fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A byte string literal.
pub fn bytes(b: &[u8]) -> String {
    let mut s = String::from("b\"");
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(c as char),
            _ => write!(s, "\\x{c:02x}").unwrap(),
        }
    }
    s.push('"');
    s
}

/// `pub(crate) static NAME: [TYPE; N] = [...];` with the items' `Debug` form.
pub fn array<T: Debug>(g: &mut String, name: &str, ty: &str, items: &[T]) {
    writeln!(
        g,
        "pub(crate) static {name}: [{ty}; {}] = {items:?};",
        items.len()
    )
    .unwrap();
}

/// The same with each item written by `f`.
pub fn array_with<T>(
    g: &mut String,
    name: &str,
    ty: &str,
    items: &[T],
    mut f: impl FnMut(&T) -> String,
) {
    writeln!(g, "pub(crate) static {name}: [{ty}; {}] = [", items.len()).unwrap();
    for i in items {
        writeln!(g, "    {},", f(i)).unwrap();
    }
    g.push_str("];\n");
}
