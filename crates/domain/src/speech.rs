//! The speech ports: recognition (a VAD segment of the candidate's speech in, text out) and
//! synthesis (a sentence of the interviewer's reply in, audio out), with the audio they carry
//! and one error type for every engine, local or paid. The cloud services (Yandex SpeechKit,
//! SaluteSpeech, OpenAI-compatible) implement them in `otbor-providers`; the local engines
//! (espeak-ng, Whisper, the fake) and the pipeline that calls them live in `otbor-voice`.

use std::time::Duration;

use async_trait::async_trait;

/// Mono PCM, signed 16-bit, with its sample rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audio {
    pub samples: Vec<i16>,
    pub sample_rate: u32,
}

impl Audio {
    pub fn new(samples: Vec<i16>, sample_rate: u32) -> Self {
        Self {
            samples,
            sample_rate,
        }
    }

    pub fn duration_ms(&self) -> u64 {
        if self.sample_rate == 0 {
            return 0;
        }
        self.samples.len() as u64 * 1000 / self.sample_rate as u64
    }
}

/// Turns one VAD segment of 16 kHz mono PCM into text.
#[async_trait]
pub trait Recognizer: Send + Sync {
    fn name(&self) -> &'static str;
    async fn transcribe(&self, segment: &Audio) -> Result<String, SpeechError>;
}

/// Turns a sentence into mono PCM (any sample rate; the pipeline converts it).
#[async_trait]
pub trait Synthesizer: Send + Sync {
    fn name(&self) -> &'static str;
    async fn synthesize(&self, text: &str) -> Result<Audio, SpeechError>;
}

/// Why a recogniser or synthesiser failed. Provider answers are summarised, never echoed with
/// what we sent (a candidate's words) or our credentials.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// Missing or malformed configuration (a key, a CA file, a model).
    #[error("configuration: {0}")]
    Config(String),
    /// Audio the engine cannot take, or audio it returned that we cannot read.
    #[error("bad audio: {0}")]
    Audio(String),
    /// DNS, TCP, TLS or a connection dropped. `source` is the HTTP client's error, kept whole.
    #[error("{provider}: cannot reach the service: {source}")]
    Network {
        provider: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A non-2xx answer, with the start of its body.
    #[error("{provider}: HTTP {status}: {message}")]
    Provider {
        provider: &'static str,
        status: u16,
        message: String,
    },
    /// A 2xx answer that is not what the service documents.
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
    /// A local engine (a model, a program) failed or stopped.
    #[error("{engine}: {message}")]
    Engine {
        engine: &'static str,
        message: String,
    },
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl SpeechError {
    /// Whether trying the same request again may succeed (network trouble, rate limits,
    /// server errors), as opposed to a request the provider will always refuse.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Network { .. } | Self::Timeout { .. } => true,
            Self::Provider { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duration_of_audio_follows_its_rate_and_a_zero_rate_is_no_time() {
        assert_eq!(Audio::new(vec![0; 16_000], 16_000).duration_ms(), 1_000);
        assert_eq!(Audio::new(vec![0; 480], 48_000).duration_ms(), 10);
        assert_eq!(Audio::new(vec![0; 10], 0).duration_ms(), 0);
    }

    #[test]
    fn rate_limits_server_errors_and_timeouts_are_retryable_refusals_are_not() {
        let provider = |status| SpeechError::Provider {
            provider: "p",
            status,
            message: String::new(),
        };
        assert!(provider(429).is_retryable());
        assert!(provider(503).is_retryable());
        assert!(!provider(401).is_retryable());
        assert!(!provider(400).is_retryable());
        assert!(
            SpeechError::Timeout {
                provider: "p",
                timeout: Duration::from_secs(1)
            }
            .is_retryable()
        );
        assert!(!SpeechError::Audio("odd".into()).is_retryable());
    }
}
