//! One error type for every provider, split into retryable failures (the network, the
//! provider's load) and permanent ones (our request, our credentials, the model's output), so
//! that the retry loop and the caller's fallback to the offline engine can tell them apart.

use std::time::Duration;

/// Text that may contain a candidate's words (a model's reply, validation messages quoting
/// it): available to code, but `Debug` prints only its size, so an error logged with `?`
/// does not leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted<T>(pub T);

impl std::fmt::Debug for Redacted<String> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[redacted, {} bytes]", self.0.len())
    }
}

impl std::fmt::Debug for Redacted<Vec<String>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[redacted, {} item(s)]", self.0.len())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// One attempt took longer than the per-request timeout.
    #[error("{provider}: no response within {timeout:?}")]
    Timeout {
        provider: &'static str,
        timeout: Duration,
    },

    /// DNS, TCP, TLS or a connection dropped mid-response.
    #[error("{provider}: could not reach the service: {source}")]
    Connection {
        provider: &'static str,
        #[source]
        source: reqwest::Error,
    },

    /// The TLS handshake failed, most often because the server's certificate chains to a root
    /// we do not trust (GigaChat without the Russian Trusted Root CA configured). Permanent:
    /// the configuration must change.
    #[error(
        "{provider}: TLS handshake failed ({detail}); if the endpoint uses a private or national root CA, configure its PEM"
    )]
    Tls {
        provider: &'static str,
        detail: String,
    },

    /// 429. `retry_after` is the provider's `Retry-After` in seconds, when it sent one.
    #[error("{provider}: rate limited (429)")]
    RateLimited {
        provider: &'static str,
        retry_after: Option<Duration>,
    },

    /// 5xx.
    #[error("{provider}: server error {status}")]
    Server { provider: &'static str, status: u16 },

    /// 401 or 403: the key, token or folder is wrong. Not retried (GigaChat refreshes its
    /// access token once before giving up).
    #[error("{provider}: credentials rejected ({status})")]
    Unauthorized { provider: &'static str, status: u16 },

    /// Any other 4xx: our request is wrong; sending it again would not help.
    #[error("{provider}: request rejected ({status}): {message}")]
    Rejected {
        provider: &'static str,
        status: u16,
        message: String,
    },

    /// A 2xx whose body is not the provider's documented envelope.
    #[error("{provider}: unexpected response: {detail}")]
    Protocol {
        provider: &'static str,
        detail: String,
    },

    /// The provider stopped the generation for its content policy.
    #[error("{provider}: the reply was stopped by the provider's content filter")]
    ContentFiltered { provider: &'static str },

    /// The model's reply was not JSON matching the schema, twice (once more after a corrective
    /// message). `errors` and `raw` may quote the candidate, hence [`Redacted`].
    #[error(
        "{provider}: the model's output did not match schema `{schema_name}` after a corrective retry"
    )]
    InvalidOutput {
        provider: &'static str,
        schema_name: String,
        errors: Redacted<Vec<String>>,
        raw: Redacted<String>,
    },

    /// The overall deadline ran out before a successful attempt; `last` is the failure of the
    /// last attempt, if one was made.
    #[error("{provider}: gave up after {attempts} attempt(s) at the {deadline:?} deadline")]
    DeadlineExceeded {
        provider: &'static str,
        attempts: u32,
        deadline: Duration,
        #[source]
        last: Option<Box<LlmError>>,
    },

    /// The request's schema is not a valid JSON Schema: a bug on our side, not the model's.
    #[error("schema `{schema_name}` is not a valid JSON Schema: {detail}")]
    InvalidSchema { schema_name: String, detail: String },

    /// Missing or malformed configuration (environment variables, a CA file).
    #[error("configuration: {0}")]
    Config(String),
}

impl LlmError {
    /// Whether the same request may succeed if sent again later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. }
                | Self::Connection { .. }
                | Self::RateLimited { .. }
                | Self::Server { .. }
        )
    }

    /// A short, stable name for metrics and the "the AI step fell back" note in the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Timeout { .. } => "timeout",
            Self::Connection { .. } => "connection",
            Self::Tls { .. } => "tls",
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Rejected { .. } => "rejected",
            Self::Protocol { .. } => "protocol",
            Self::ContentFiltered { .. } => "content_filtered",
            Self::InvalidOutput { .. } => "invalid_output",
            Self::DeadlineExceeded { .. } => "deadline_exceeded",
            Self::InvalidSchema { .. } => "invalid_schema",
            Self::Config(_) => "config",
        }
    }
}
