//! One error type for the voice pipeline's boundary: codec, model and speech-engine failures
//! keep their cause; provider answers are summarised (by the speech port's [`SpeechError`]),
//! never echoed with secrets.

use otbor_domain::speech::SpeechError;

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
    /// A recogniser or synthesiser failed, local or paid.
    #[error(transparent)]
    Speech(#[from] SpeechError),
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
            VoiceError::Speech(e) => e.is_retryable(),
            _ => false,
        }
    }
}
