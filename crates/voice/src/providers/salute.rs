//! SaluteSpeech (Sber), REST: an OAuth access token as for GigaChat (`POST
//! ngw.devices.sberbank.ru:9443/api/v2/oauth`, `Authorization: Basic <authorisation key>`,
//! `RqUID: <uuid4>`, form `scope=SALUTE_SPEECH_PERS`; answer `{access_token, expires_at}` in
//! Unix milliseconds, 30 minutes), cached until shortly before it expires and fetched again
//! once on a 401. Recognition: `POST smartspeech.sber.ru/rest/v1/speech:recognize?language=ru-RU`
//! with `Content-Type: audio/x-pcm;bit=16;rate=16000` and the raw PCM (answer
//! `{"result": ["..."], "status": 200}`). Synthesis: `POST .../rest/v1/text:synthesize?format=pcm16&voice=Nec_24000`
//! with `Content-Type: application/text` (answer: raw PCM at the voice's rate, 24 kHz).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::error::VoiceError;
use crate::frame::Audio;
use crate::providers::http::{self, HttpConfig};
use crate::stt::Recognizer;
use crate::tts::Synthesizer;
use crate::wav;

const PROVIDER: &str = "salutespeech";
pub const DEFAULT_OAUTH_URL: &str = "https://ngw.devices.sberbank.ru:9443/api/v2/oauth";
pub const DEFAULT_BASE_URL: &str = "https://smartspeech.sber.ru/rest/v1";

#[derive(Clone, Debug)]
pub struct SaluteSpeechConfig {
    /// The base64 "authorisation key" (client id and secret) from the developer studio.
    pub auth_key: SecretString,
    pub scope: String,
    pub oauth_url: String,
    pub base_url: String,
    pub language: String,
    /// Voice names end with their sample rate: `Nec_24000`, `May_24000`, ...
    pub voice: String,
    pub token_refresh_margin: Duration,
    pub http: HttpConfig,
}

impl SaluteSpeechConfig {
    pub fn new(auth_key: SecretString) -> Self {
        Self {
            auth_key,
            scope: "SALUTE_SPEECH_PERS".into(),
            oauth_url: DEFAULT_OAUTH_URL.into(),
            base_url: DEFAULT_BASE_URL.into(),
            language: "ru-RU".into(),
            voice: "Nec_24000".into(),
            token_refresh_margin: Duration::from_secs(60),
            http: HttpConfig::default(),
        }
    }
}

struct Token {
    value: SecretString,
    expires_at_ms: i64,
}

pub struct SaluteSpeech {
    config: SaluteSpeechConfig,
    client: reqwest::Client,
    token: Mutex<Option<Token>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_at: i64,
}

#[derive(Deserialize)]
struct SttAnswer {
    result: Vec<String>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl SaluteSpeech {
    pub fn new(config: SaluteSpeechConfig) -> Result<Self, VoiceError> {
        let client = http::client(&config.http)?;
        Ok(Self {
            config,
            client,
            token: Mutex::new(None),
        })
    }

    /// A valid token: the cached one unless it is about to expire or was `rejected`.
    async fn token(&self, rejected: Option<&SecretString>) -> Result<SecretString, VoiceError> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref() {
            let is_rejected =
                rejected.is_some_and(|r| r.expose_secret() == t.value.expose_secret());
            let margin = self.config.token_refresh_margin.as_millis() as i64;
            if !is_rejected && now_ms() + margin < t.expires_at_ms {
                return Ok(t.value.clone());
            }
        }
        tracing::debug!("fetching a SaluteSpeech access token");
        let req = self
            .client
            .post(&self.config.oauth_url)
            .header(
                "Authorization",
                format!("Basic {}", self.config.auth_key.expose_secret()),
            )
            .header("RqUID", uuid::Uuid::new_v4().to_string())
            .header("Accept", "application/json")
            .form(&[("scope", self.config.scope.as_str())]);
        let (_, body) = http::send(PROVIDER, self.config.http.timeout, req).await?;
        let answer: TokenAnswer = http::json(PROVIDER, &body)?;
        let value = SecretString::from(answer.access_token);
        *cached = Some(Token {
            value: value.clone(),
            expires_at_ms: answer.expires_at,
        });
        Ok(value)
    }

    /// Sends a request with a bearer token, fetching a new token once if it is refused.
    async fn authorised(
        &self,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<bytes::Bytes, VoiceError> {
        let token = self.token(None).await?;
        match http::send(
            PROVIDER,
            self.config.http.timeout,
            build(token.expose_secret()),
        )
        .await
        {
            Err(VoiceError::Provider { status: 401, .. }) => {
                let fresh = self.token(Some(&token)).await?;
                Ok(http::send(
                    PROVIDER,
                    self.config.http.timeout,
                    build(fresh.expose_secret()),
                )
                .await?
                .1)
            }
            other => Ok(other?.1),
        }
    }

    fn voice_rate(&self) -> u32 {
        self.config
            .voice
            .rsplit('_')
            .next()
            .and_then(|r| r.parse().ok())
            .unwrap_or(24_000)
    }
}

#[async_trait]
impl Recognizer for SaluteSpeech {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn transcribe(&self, segment: &Audio) -> Result<String, VoiceError> {
        let url = format!(
            "{}/speech:recognize",
            self.config.base_url.trim_end_matches('/')
        );
        let content_type = format!("audio/x-pcm;bit=16;rate={}", segment.sample_rate);
        let pcm = bytes::Bytes::from(wav::pcm_bytes(&segment.samples));
        let body = self
            .authorised(|token| {
                self.client
                    .post(&url)
                    .bearer_auth(token)
                    .header("Content-Type", &content_type)
                    .query(&[("language", self.config.language.as_str())])
                    .body(pcm.clone())
            })
            .await?;
        Ok(http::json::<SttAnswer>(PROVIDER, &body)?.result.join(" "))
    }
}

#[async_trait]
impl Synthesizer for SaluteSpeech {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn synthesize(&self, text: &str) -> Result<Audio, VoiceError> {
        let url = format!(
            "{}/text:synthesize",
            self.config.base_url.trim_end_matches('/')
        );
        let body = self
            .authorised(|token| {
                self.client
                    .post(&url)
                    .bearer_auth(token)
                    .header("Content-Type", "application/text")
                    .query(&[("format", "pcm16"), ("voice", self.config.voice.as_str())])
                    .body(text.to_owned())
            })
            .await?;
        Ok(Audio::new(wav::pcm_from_bytes(&body), self.voice_rate()))
    }
}
