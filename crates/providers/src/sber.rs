//! Sber's OAuth, shared by GigaChat and SaluteSpeech (developers.sber.ru, "Авторизация"):
//! `POST {oauth}` with `Authorization: Basic <authorization key>`, a fresh `RqUID` (uuid4) and
//! the form `scope=...`; the answer is `{access_token, expires_at}` with `expires_at` in Unix
//! milliseconds, valid 30 minutes. The token is cached until shortly before it expires and
//! fetched again when the service refuses it (once per call; the callers decide).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use otbor_domain::ports::Clock;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

pub const DEFAULT_OAUTH_URL: &str = "https://ngw.devices.sberbank.ru:9443/api/v2/oauth";

/// What the OAuth endpoint answers.
#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    access_token: String,
    expires_at: i64,
}

struct CachedToken {
    value: SecretString,
    expires_at_ms: i64,
}

/// One service's access token: its credentials and the cached token.
pub(crate) struct SberOAuth {
    /// The "authorization key" from the project: base64 of `client_id:client_secret`.
    auth_key: SecretString,
    /// `GIGACHAT_API_PERS`, `SALUTE_SPEECH_PERS`, ...
    scope: String,
    url: String,
    /// A token is renewed this long before its `expires_at`, so that it does not expire
    /// between our check and the service's.
    refresh_margin: Duration,
    clock: Arc<dyn Clock>,
    /// An async mutex, held while a token is fetched, so that concurrent calls wait for one
    /// fetch instead of each asking for its own token.
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

impl SberOAuth {
    pub(crate) fn new(
        auth_key: SecretString,
        scope: String,
        url: String,
        refresh_margin: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            auth_key,
            scope,
            url,
            refresh_margin,
            clock,
            token: tokio::sync::Mutex::new(None),
        }
    }

    /// The token request. Build it once per attempt: "RqUID — обязательный заголовок ...
    /// уникальный идентификатор запроса в формате uuid4".
    pub(crate) fn request(&self, client: &reqwest::Client) -> reqwest::RequestBuilder {
        client
            .post(&self.url)
            .header(
                "Authorization",
                format!("Basic {}", self.auth_key.expose_secret()),
            )
            .header("RqUID", uuid::Uuid::new_v4().to_string())
            .header("Accept", "application/json")
            .form(&[("scope", self.scope.as_str())])
    }

    /// A valid access token: the cached one, or a new one from `fetch` (which sends what
    /// [`Self::request`] builds, through the caller's transport) when there is none, it is
    /// about to expire, or it is `rejected` (the one a 401 came back for).
    pub(crate) async fn token<E, Fut>(
        &self,
        rejected: Option<&SecretString>,
        fetch: impl FnOnce() -> Fut,
    ) -> Result<SecretString, E>
    where
        Fut: Future<Output = Result<TokenAnswer, E>>,
    {
        let mut cached = self.token.lock().await;
        let now_ms = self.clock.now().timestamp_millis();
        let margin_ms = self.refresh_margin.as_millis() as i64;
        if let Some(token) = cached.as_ref() {
            let is_rejected =
                rejected.is_some_and(|r| r.expose_secret() == token.value.expose_secret());
            if !is_rejected && now_ms + margin_ms < token.expires_at_ms {
                return Ok(token.value.clone());
            }
        }
        tracing::debug!(scope = %self.scope, "fetching a Sber access token");
        let answer = fetch().await?;
        let value = SecretString::from(answer.access_token);
        *cached = Some(CachedToken {
            value: value.clone(),
            expires_at_ms: answer.expires_at,
        });
        Ok(value)
    }
}
