//! Crate-internal macros.

/// Defines a fieldless enum with stable snake_case names: `ALL`, `as_str`, `from_index`,
/// `Display`, `FromStr` (which also takes the aliases written `| "alias"` after a name) and
/// (with the `serde` feature) serde in snake_case.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $str:literal $(| $alias:literal)*, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[repr(u8)]
        $vis enum $name {
            $( $(#[$vmeta])* #[cfg_attr(feature = "serde", serde(rename = $str))] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order (the order of the integer values).
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The stable snake_case name, as used in JSON, C and Python.
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $crate::text::static_text!($str), )+ }
            }

            /// The value whose integer representation is `n` (its index in [`Self::ALL`]).
            pub const fn from_index(n: usize) -> Option<Self> {
                if n < Self::ALL.len() { Some(Self::ALL[n]) } else { None }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// The name or an alias, in any case, with `-` or a space for `_` (`"RCPT-TO"` is
        /// `rcpt_to`).
        impl core::str::FromStr for $name {
            type Err = $crate::error::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let mut buf = [0u8; 32];
                let norm = $crate::macros::normalize_name(s, &mut buf);
                match norm { $( $str $(| $alias)* => Ok($name::$variant), )+ _ => Err($crate::error::UnknownName::new($what, s)) }
            }
        }
    };
}
pub(crate) use named_enum;

/// `s` in ASCII lower case with `-` and spaces as `_`, in `buf` (an empty string when it does
/// not fit: no name is that long).
pub(crate) fn normalize_name<'b>(s: &str, buf: &'b mut [u8; 32]) -> &'b str {
    let b = s.trim().as_bytes();
    if b.len() > buf.len() {
        return "";
    }
    for (o, &c) in buf.iter_mut().zip(b) {
        *o = match c {
            b'-' | b' ' => b'_',
            _ => c.to_ascii_lowercase(),
        };
    }
    // Only ASCII bytes were changed, so the bytes are still UTF-8.
    std::str::from_utf8(&buf[..b.len()]).unwrap_or("")
}

/// The JSON Schema (`schemars::JsonSchema`) of a type whose serde form is written by hand:
/// its name and its schema, as `schemars::json_schema!` takes it.
#[cfg(feature = "schema")]
macro_rules! json_schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}
#[cfg(feature = "schema")]
pub(crate) use json_schema;
