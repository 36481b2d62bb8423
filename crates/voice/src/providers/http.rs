//! The HTTP client the paid providers share: rustls with the webpki roots, as in
//! otbor-providers (one TLS stack in the build), optional extra root certificates (Sber's
//! endpoints are signed by the Russian Trusted Root CA), a timeout per request, and error
//! answers summarised without echoing what we sent.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::VoiceError;

#[derive(Clone, Debug)]
pub struct HttpConfig {
    pub timeout: Duration,
    pub extra_root_pems: Vec<PathBuf>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15),
            extra_root_pems: Vec::new(),
        }
    }
}

pub fn client(config: &HttpConfig) -> Result<reqwest::Client, VoiceError> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(config.timeout)
        .user_agent(concat!("otbor-voice/", env!("CARGO_PKG_VERSION")));
    for path in &config.extra_root_pems {
        let pem = std::fs::read(path).map_err(|source| VoiceError::Io {
            what: format!("CA file {}", path.display()),
            source,
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            VoiceError::Config(format!("CA file {} is not PEM: {e}", path.display()))
        })?;
        if certs.is_empty() {
            return Err(VoiceError::Config(format!(
                "CA file {} has no certificates",
                path.display()
            )));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|e| VoiceError::Config(format!("cannot build the HTTP client: {e}")))
}

/// Sends a request and returns the body of a 2xx answer; other answers become
/// `VoiceError::Provider` with the start of their body.
pub async fn send(
    provider: &'static str,
    timeout: Duration,
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, bytes::Bytes), VoiceError> {
    let response = request.send().await.map_err(|source| {
        if source.is_timeout() {
            VoiceError::Timeout { provider, timeout }
        } else {
            VoiceError::Network { provider, source }
        }
    })?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|source| VoiceError::Network { provider, source })?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        let message: String = text.chars().take(300).collect();
        return Err(VoiceError::Provider {
            provider,
            status: status.as_u16(),
            message,
        });
    }
    Ok((status, body))
}

pub fn json<T: serde::de::DeserializeOwned>(
    provider: &'static str,
    body: &[u8],
) -> Result<T, VoiceError> {
    serde_json::from_slice(body).map_err(|e| VoiceError::Protocol {
        provider,
        message: format!("not the expected JSON: {e}"),
    })
}
