//! The language-model port: one request shape (system rules, untrusted data, an instruction
//! and a JSON Schema), one answer shape (schema-valid JSON plus what produced it), and one
//! error type split into retryable failures (the network, the provider's load) and permanent
//! ones (our request, our credentials, the model's output), whatever the vendor. The vendors
//! (YandexGPT, GigaChat, OpenAI-compatible) implement it in `otbor-providers`.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// What the screener asks a model for. `user_data` is untrusted (a resume, a candidate's
/// answer): the provider puts it in a delimited data block, never next to the instructions.
#[derive(Clone, Serialize, Deserialize)]
pub struct JsonRequest {
    /// Our own rules for the model (trusted).
    pub system: String,
    /// Untrusted text, sent only inside the data block.
    pub user_data: String,
    /// What to do with the data (trusted).
    pub instruction: String,
    /// The JSON Schema the answer must match; the top level should be an object (GigaChat's
    /// function calling and OpenAI's strict mode both require one).
    pub schema: serde_json::Value,
    /// A short name for the schema (`a-z A-Z 0-9 _ -`, at most 64 characters on OpenAI; other
    /// characters are replaced).
    pub schema_name: String,
    pub temperature: f32,
    pub max_tokens: u32,
}

/// `Debug` leaves out the untrusted text, so that a request logged with `?` by a caller does
/// not copy a candidate's resume into the logs.
impl std::fmt::Debug for JsonRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonRequest")
            .field("schema_name", &self.schema_name)
            .field(
                "user_data",
                &format_args!("[{} bytes]", self.user_data.len()),
            )
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .finish_non_exhaustive()
    }
}

/// A validated answer. `model` and `usage` are what the provider reported, for the audit
/// record every AI output keeps (DESIGN.md: model, prompt version, rubric version, input hash).
#[derive(Clone, Serialize, Deserialize)]
pub struct JsonAnswer {
    /// The model's JSON, already validated against the request's schema.
    pub value: serde_json::Value,
    /// The model (and version, where the provider reports one) that produced it.
    pub model: String,
    pub usage: Option<Usage>,
    /// The model's reply text exactly as received (function-call arguments for GigaChat).
    pub raw: String,
}

impl std::fmt::Debug for JsonAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The answer may quote the candidate: keep it out of `Debug`.
        f.debug_struct("JsonAnswer")
            .field("model", &self.model)
            .field("usage", &self.usage)
            .field("raw", &format_args!("[{} bytes]", self.raw.len()))
            .finish_non_exhaustive()
    }
}

/// Token counts as reported by the provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
}

/// A language model that answers with schema-valid JSON. `Debug` is required so that a
/// configured model can be printed at start-up; implementations must keep secrets out of it.
#[async_trait]
pub trait LanguageModel: Send + Sync + std::fmt::Debug {
    /// Ask for one JSON object matching `req.schema`. Retries transport failures within the
    /// provider's deadline and corrects one invalid reply; any error means "use the offline
    /// engine for this step".
    async fn complete_json(&self, req: &JsonRequest) -> Result<JsonAnswer, LlmError>;

    /// `yandexgpt`, `gigachat` or `openai`: for logs and the audit record.
    fn provider(&self) -> &'static str;

    /// The configured model name (the answer's `model` may be more precise).
    fn model(&self) -> &str;
}

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

    /// DNS, TCP, TLS or a connection dropped mid-response. `source` is the HTTP client's
    /// error, kept whole for the logs.
    #[error("{provider}: could not reach the service: {source}")]
    Connection {
        provider: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
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
