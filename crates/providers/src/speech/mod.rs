//! The paid speech services behind the speech ports of `otbor-domain` ([`Recognizer`],
//! [`Synthesizer`]): Yandex SpeechKit, SaluteSpeech and any OpenAI-compatible endpoint. They
//! share the language models' HTTP client ([`TlsConfig`] for extra roots) and each vendor's
//! authentication (`YandexAuth`, Sber's OAuth, the OpenAI key), and only ever receive VAD
//! segments or reply text. A call is sent once within its timeout: the interview is live, and
//! the pipeline decides what a failure means.

use std::time::Duration;

pub use crate::http::TlsConfig;
/// The ports, declared in `otbor-domain`.
pub use otbor_domain::speech::{Audio, Recognizer, SpeechError, Synthesizer};

pub mod openai;
pub mod salute;
pub mod wav;
pub mod yandex;

/// How a speech provider reaches its service.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// One request, connection to last byte (`OTBOR_SPEECH_TIMEOUT_SECS`).
    pub timeout: Duration,
    /// Extra roots (Sber's hosts need the Russian Trusted Root CA).
    pub tls: TlsConfig,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15),
            tls: TlsConfig::default(),
        }
    }
}

/// The shared HTTP client, with configuration errors in the speech port's terms.
fn client(config: &HttpConfig) -> Result<reqwest::Client, SpeechError> {
    crate::http::build_client(&config.tls).map_err(|e| SpeechError::Config(e.to_string()))
}

/// Sends a request once within `timeout` and returns the body of a 2xx answer; other answers
/// become `SpeechError::Provider` with the start of their body (never what we sent).
async fn send(
    provider: &'static str,
    timeout: Duration,
    request: reqwest::RequestBuilder,
) -> Result<bytes::Bytes, SpeechError> {
    let network = |source: reqwest::Error| {
        if source.is_timeout() {
            SpeechError::Timeout { provider, timeout }
        } else {
            SpeechError::Network {
                provider,
                source: Box::new(source),
            }
        }
    };
    let response = request.timeout(timeout).send().await.map_err(network)?;
    let status = response.status();
    let body = response.bytes().await.map_err(network)?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        let message: String = text.chars().take(300).collect();
        return Err(SpeechError::Provider {
            provider,
            status: status.as_u16(),
            message,
        });
    }
    Ok(body)
}

fn json<T: serde::de::DeserializeOwned>(
    provider: &'static str,
    body: &[u8],
) -> Result<T, SpeechError> {
    serde_json::from_slice(body).map_err(|e| SpeechError::Protocol {
        provider,
        message: format!("not the expected JSON: {e}"),
    })
}
