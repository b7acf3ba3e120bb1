//! Mailbox providers and filtering services that write their own replies.

use core::fmt;
use core::str::FromStr;

use crate::error::UnknownName;

/// A mailbox provider or filtering service recognized in a reply (Gmail, Microsoft, Yahoo,
/// Mimecast, Spamhaus...). The list lives in `data/providers.tsv`; [`Provider::name`] is the
/// stable snake_case id used in JSON, C and Python.
///
/// ```
/// let p: smtpcode::Provider = "gmail".parse().unwrap();
/// assert_eq!(p.name(), "gmail");
/// assert!(p.display_name().contains("Gmail"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Provider(pub(crate) u16);

/// A row of `data/providers.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    pub(crate) name: &'static str,
    pub(crate) display_name: &'static str,
    pub(crate) source: &'static str,
}

impl Provider {
    /// The provider's row.
    pub fn info(self) -> &'static ProviderInfo {
        &crate::tables::PROVIDERS[usize::from(self.0)]
    }
    /// The stable snake_case id, such as `gmail` or `microsoft`.
    pub fn name(self) -> &'static str {
        self.info().name
    }
    /// A name for people, such as "Gmail / Google Workspace".
    pub fn display_name(self) -> &'static str {
        self.info().display_name
    }
    /// The position in [`providers`] (the integer the C library uses).
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
    /// The provider at position `n` of [`providers`].
    pub fn from_index(n: usize) -> Option<Self> {
        (n < crate::tables::PROVIDERS.len()).then_some(Provider(n as u16))
    }
}

impl ProviderInfo {
    /// The stable snake_case id.
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// A name for people.
    pub const fn display_name(&self) -> &'static str {
        self.display_name
    }
    /// Where the provider's replies are documented.
    pub const fn source(&self) -> &'static str {
        self.source
    }
}

/// Every known provider, in table order.
pub fn providers() -> impl ExactSizeIterator<Item = Provider> {
    (0..crate::tables::PROVIDERS.len() as u16).map(Provider)
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Provider {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::tables::PROVIDER_BY_NAME
            .get(s)
            .map(|&i| Provider(i))
            .ok_or_else(|| UnknownName::new("provider", s))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(feature = "schema")]
crate::macros::json_schema!(Provider, "Provider", {
    "description": "The stable id of a known mail provider (data/providers.tsv).",
    "type": "string",
    "enum": providers().map(|p| p.name()).collect::<Vec<_>>()
});

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Provider {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
