//! One error type for the voice pipeline's boundary: codec, model and provider failures keep
//! their cause; provider answers are summarised, never echoed with secrets.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("audio codec: {0}")]
    Codec(String),
    #[error("bad audio: {0}")]
    Audio(String),
    #[error("model {model}: {source}")]
    Model {
        model: &'static str,
        #[source]
        source: ort::Error,
    },
    #[error("model {model}: {message}")]
    ModelOutput {
        model: &'static str,
        message: String,
    },
    #[error("{provider}: cannot reach the service: {source}")]
    Network {
        provider: &'static str,
        #[source]
        source: reqwest::Error,
    },
    #[error("{provider}: HTTP {status}: {message}")]
    Provider {
        provider: &'static str,
        status: u16,
        message: String,
    },
    #[error("{provider}: unexpected answer: {message}")]
    Protocol {
        provider: &'static str,
        message: String,
    },
    #[error("{provider}: no answer within {timeout:?}")]
    Timeout {
        provider: &'static str,
        timeout: Duration,
    },
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the {0} worker stopped")]
    Worker(&'static str),
}

impl VoiceError {
    /// Whether trying the same request again may succeed (network trouble, rate limits,
    /// server errors), as opposed to a request the provider will always refuse.
    pub fn is_retryable(&self) -> bool {
        match self {
            VoiceError::Network { .. } | VoiceError::Timeout { .. } => true,
            VoiceError::Provider { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
