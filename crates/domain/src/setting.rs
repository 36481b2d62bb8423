//! One setting as the registry lists it: its key, its default and what it means. Each crate
//! that reads settings declares its keys in one `SETTINGS` list of these; `otbor settings`
//! prints them all (docs/settings.md), and a test keeps the lists and the source in step.

/// A setting: plain data, for the documentation and the test that checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The environment variable (or key of the provider secret), `OTBOR_...`.
    pub key: &'static str,
    /// The value when it is unset, as the reader would write it; empty when there is none.
    pub default: &'static str,
    /// What it does, and the values it takes.
    pub meaning: &'static str,
    /// A credential: it never prints, and belongs in the provider secret in the cloud.
    pub secret: bool,
}

impl Setting {
    /// A setting that may print.
    pub const fn plain(key: &'static str, default: &'static str, meaning: &'static str) -> Self {
        Self { key, default, meaning, secret: false }
    }

    /// A credential.
    pub const fn secret(key: &'static str, meaning: &'static str) -> Self {
        Self { key, default: "", meaning, secret: true }
    }
}
