//! The HTTP layer shared by the providers: the one rustls client with optional extra root
//! certificates (language and speech providers alike), and the language models' send loop with a per-request timeout, an overall deadline, and
//! exponential backoff with jitter for the failures that may pass (429, 5xx, timeouts,
//! connection errors). What is sent and received is never logged: bodies carry candidates'
//! text and headers carry keys.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use otbor_domain::llm::LlmError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{RequestBuilder, StatusCode};
use tokio::time::Instant;

use crate::schema::truncate;

/// How hard to try. The defaults suit an interactive step (a question in a live interview
/// must not wait minutes); batch evaluation may allow a longer deadline.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts per HTTP call, the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles on each retry up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// One attempt, connection to last byte.
    pub request_timeout: Duration,
    /// Everything one `complete_json` does: retries, the token refresh and the corrective
    /// retry included.
    pub deadline: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails and the offline
    /// engine takes over.
    pub max_retry_after: Duration,
    /// Seed for the jitter, so that tests can pin the delays; `None` seeds from the OS.
    pub jitter_seed: Option<u64>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            request_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(90),
            max_retry_after: Duration::from_secs(30),
            jitter_seed: None,
        }
    }
}

/// Extra trust anchors. Sber's production endpoints (GigaChat, SaluteSpeech) present
/// certificates issued by the Russian Trusted Root CA (НУЦ Минцифры), which is not in the
/// webpki (Mozilla) root set, so its PEM must be supplied (`OTBOR_GIGACHAT_CA_PEM`,
/// `OTBOR_SALUTE_CA_PEM`); Sber's documentation tells clients to install that certificate
/// rather than to turn verification off, and so do we. Verification is never disabled here.
#[derive(Clone, Debug, Default)]
pub struct TlsConfig {
    /// PEM files, each with one or more certificates, added to the built-in roots.
    pub extra_root_pems: Vec<PathBuf>,
}

/// Why the HTTP client could not be built: a CA file that cannot be read or holds no
/// certificate. A start-up failure, like any other configuration error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    #[error("cannot read CA file {}: {source}", path.display())]
    ReadCa {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("CA file {} is not PEM: {source}", path.display())]
    NotPem {
        path: PathBuf,
        #[source]
        source: reqwest::Error,
    },
    #[error("CA file {} has no certificates", path.display())]
    NoCertificates { path: PathBuf },
    #[error("cannot build the HTTP client: {0}")]
    Build(#[source] reqwest::Error),
}

impl From<ClientError> for LlmError {
    fn from(e: ClientError) -> Self {
        LlmError::Config(e.to_string())
    }
}

/// The one HTTP client of every provider, language and speech alike: rustls with the webpki
/// roots plus the configured extra roots. Timeouts are set per request by the callers.
pub(crate) fn build_client(tls: &TlsConfig) -> Result<reqwest::Client, ClientError> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .user_agent(concat!("otbor/", env!("CARGO_PKG_VERSION")));
    for path in &tls.extra_root_pems {
        let pem = std::fs::read(path).map_err(|source| ClientError::ReadCa {
            path: path.clone(),
            source,
        })?;
        let certs =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|source| ClientError::NotPem {
                path: path.clone(),
                source,
            })?;
        if certs.is_empty() {
            return Err(ClientError::NoCertificates { path: path.clone() });
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(ClientError::Build)
}

/// The time left for one `complete_json`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    pub deadline: Instant,
    pub total: Duration,
}

impl Budget {
    pub(crate) fn start(total: Duration) -> Self {
        Self {
            deadline: Instant::now() + total,
            total,
        }
    }
    pub(crate) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

/// A client plus the policy for one provider.
pub(crate) struct Transport {
    pub client: reqwest::Client,
    pub policy: RetryPolicy,
    pub provider: &'static str,
    rng: Mutex<StdRng>,
}

impl Transport {
    pub(crate) fn new(
        provider: &'static str,
        tls: &TlsConfig,
        policy: RetryPolicy,
    ) -> Result<Self, LlmError> {
        let rng = match policy.jitter_seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        Ok(Self {
            client: build_client(tls)?,
            policy,
            provider,
            rng: Mutex::new(rng),
        })
    }

    pub(crate) fn rng(&self) -> std::sync::MutexGuard<'_, StdRng> {
        self.rng.lock().expect("rng lock")
    }

    /// Send the request `make` builds (once per attempt) until a 2xx, a permanent failure,
    /// the last attempt or the deadline. Returns the 2xx body.
    pub(crate) async fn send(
        &self,
        budget: &Budget,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Bytes, LlmError> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let remaining = budget.remaining();
            if remaining.is_zero() {
                return Err(self.deadline_exceeded(budget, attempt - 1, None));
            }
            let timeout = self.policy.request_timeout.min(remaining);
            let err = match self.attempt(make(), timeout).await {
                Ok(body) => {
                    tracing::debug!(attempt, "provider answered");
                    return Ok(body);
                }
                Err(err) => err,
            };
            if !err.is_retryable() {
                tracing::warn!(attempt, error = %err, kind = err.kind(), "provider call failed, not retrying");
                return Err(err);
            }
            if attempt >= self.policy.max_attempts {
                tracing::warn!(attempt, error = %err, kind = err.kind(), "provider call failed, attempts exhausted");
                return Err(err);
            }
            let delay = match &err {
                LlmError::RateLimited {
                    retry_after: Some(after),
                    ..
                } => {
                    if *after > self.policy.max_retry_after {
                        tracing::warn!(
                            retry_after_s = after.as_secs(),
                            "Retry-After is longer than we wait"
                        );
                        return Err(err);
                    }
                    *after
                }
                _ => self.backoff(attempt),
            };
            let remaining = budget.remaining();
            if delay >= remaining {
                tracing::warn!(attempt, error = %err, delay_ms = delay.as_millis() as u64, "no time left to retry");
                return Err(self.deadline_exceeded(budget, attempt, Some(err)));
            }
            tracing::info!(attempt, error = %err, kind = err.kind(), delay_ms = delay.as_millis() as u64, "retrying provider call");
            tokio::time::sleep(delay).await;
        }
    }

    fn deadline_exceeded(
        &self,
        budget: &Budget,
        attempts: u32,
        last: Option<LlmError>,
    ) -> LlmError {
        LlmError::DeadlineExceeded {
            provider: self.provider,
            attempts,
            deadline: budget.total,
            last: last.map(Box::new),
        }
    }

    /// Exponential backoff with "equal jitter": half the delay is fixed, half random, so that
    /// retries spread out without ever collapsing to zero.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .policy
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.policy.max_delay);
        let half = exp / 2;
        let jitter_ms = half.as_millis() as u64;
        let extra = if jitter_ms == 0 {
            0
        } else {
            self.rng().random_range(0..=jitter_ms)
        };
        half + Duration::from_millis(extra)
    }

    async fn attempt(&self, request: RequestBuilder, timeout: Duration) -> Result<Bytes, LlmError> {
        let provider = self.provider;
        let call = async {
            let response = request
                .send()
                .await
                .map_err(|e| self.transport_error(e, timeout))?;
            let status = response.status();
            let retry_after = parse_retry_after(response.headers());
            let body = response
                .bytes()
                .await
                .map_err(|e| self.transport_error(e, timeout))?;
            classify(provider, status, retry_after, body)
        };
        match tokio::time::timeout(timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(LlmError::Timeout { provider, timeout }),
        }
    }

    fn transport_error(&self, e: reqwest::Error, timeout: Duration) -> LlmError {
        if e.is_timeout() {
            LlmError::Timeout {
                provider: self.provider,
                timeout,
            }
        } else if e.is_builder() {
            LlmError::Config(format!("{}: cannot build the request: {e}", self.provider))
        } else if let Some(tls) = rustls_error(&e) {
            LlmError::Tls {
                provider: self.provider,
                detail: tls.to_string(),
            }
        } else {
            LlmError::Connection {
                provider: self.provider,
                source: Box::new(e),
            }
        }
    }
}

/// The rustls error behind a failed connection, if that is what it was. rustls reports through
/// an `io::Error`, whose `source()` skips the wrapped error, so each `io::Error` in the chain
/// is opened with `get_ref()`.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        let inner = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        if let Some(tls) = inner.and_then(|inner| rustls_error(inner)) {
            return Some(tls);
        }
        current = err.source();
    }
    None
}

fn classify(
    provider: &'static str,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: Bytes,
) -> Result<Bytes, LlmError> {
    let code = status.as_u16();
    match code {
        200..=299 => Ok(body),
        429 => Err(LlmError::RateLimited {
            provider,
            retry_after,
        }),
        401 | 403 => Err(LlmError::Unauthorized {
            provider,
            status: code,
        }),
        500..=599 => Err(LlmError::Server {
            provider,
            status: code,
        }),
        _ => Err(LlmError::Rejected {
            provider,
            status: code,
            message: error_message(&body),
        }),
    }
}

/// The provider's own words about a rejected request, from the usual places (`error.message`
/// on OpenAI, `message` on GigaChat, `error.message` / `message` on Yandex), cut short.
fn error_message(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => v
            .pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("error"))
            .map(|m| {
                m.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| m.to_string())
            })
            .unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    truncate(text.trim(), 300)
}

/// `Retry-After` in delay-seconds form (RFC 9110 §10.2.3), which is what YandexGPT, GigaChat
/// and OpenAI send; the HTTP-date form is ignored and ordinary backoff applies.
fn parse_retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    value
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
        .or_else(|| {
            value
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport(seed: u64) -> Transport {
        let policy = RetryPolicy {
            jitter_seed: Some(seed),
            ..RetryPolicy::default()
        };
        Transport::new("test", &TlsConfig::default(), policy).unwrap()
    }

    #[test]
    fn backoff_doubles_and_stays_within_half_to_full_of_the_step() {
        let t = transport(3);
        for attempt in 1..=6 {
            let step =
                (Duration::from_millis(500) * (1 << (attempt - 1))).min(Duration::from_secs(8));
            let d = t.backoff(attempt);
            assert!(
                d >= step / 2 && d <= step,
                "attempt {attempt}: {d:?} vs {step:?}"
            );
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_delays() {
        let a: Vec<_> = (1..5).map(|n| transport(9).backoff(n)).collect();
        let b: Vec<_> = (1..5).map(|n| transport(9).backoff(n)).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(parse_retry_after(&h), None);
    }

    #[test]
    fn statuses_split_into_retryable_and_permanent() {
        let b = Bytes::new();
        assert!(
            classify("t", StatusCode::TOO_MANY_REQUESTS, None, b.clone())
                .unwrap_err()
                .is_retryable()
        );
        assert!(
            classify("t", StatusCode::BAD_GATEWAY, None, b.clone())
                .unwrap_err()
                .is_retryable()
        );
        assert!(
            !classify("t", StatusCode::UNAUTHORIZED, None, b.clone())
                .unwrap_err()
                .is_retryable()
        );
        assert!(
            !classify("t", StatusCode::FORBIDDEN, None, b.clone())
                .unwrap_err()
                .is_retryable()
        );
        assert!(
            !classify("t", StatusCode::BAD_REQUEST, None, b)
                .unwrap_err()
                .is_retryable()
        );
    }

    #[test]
    fn a_missing_ca_file_is_a_configuration_error() {
        let tls = TlsConfig {
            extra_root_pems: vec!["/nonexistent/ca.pem".into()],
        };
        let err = LlmError::from(build_client(&tls).err().unwrap());
        assert_eq!(err.kind(), "config");
    }
}
