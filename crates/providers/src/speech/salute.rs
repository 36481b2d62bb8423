//! SaluteSpeech (Sber), REST: an access token from Sber's OAuth as for GigaChat
//! ([`crate::sber`], scope `SALUTE_SPEECH_PERS`), fetched again once on a 401.
//! Recognition: `POST smartspeech.sber.ru/rest/v1/speech:recognize?language=ru-RU` with
//! `Content-Type: audio/x-pcm;bit=16;rate=16000` and the raw PCM (answer
//! `{"result": ["..."], "status": 200}`). Synthesis:
//! `POST .../rest/v1/text:synthesize?format=pcm16&voice=Nec_24000` with
//! `Content-Type: application/text` (answer: raw PCM at the voice's rate, 24 kHz).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use otbor_domain::ports::{Clock, SystemClock};
use otbor_domain::speech::{Audio, Recognizer, SpeechError, Synthesizer};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{HttpConfig, json, send, wav};
use crate::sber::SberOAuth;

pub use crate::sber::DEFAULT_OAUTH_URL;

const PROVIDER: &str = "salutespeech";
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

pub struct SaluteSpeech {
    config: SaluteSpeechConfig,
    client: reqwest::Client,
    oauth: SberOAuth,
}

#[derive(Deserialize)]
struct SttAnswer {
    result: Vec<String>,
}

impl SaluteSpeech {
    pub fn new(config: SaluteSpeechConfig) -> Result<Self, SpeechError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// With an injected clock, so that tests of token expiry are exact.
    pub fn with_clock(
        config: SaluteSpeechConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, SpeechError> {
        let client = super::client(&config.http)?;
        let oauth = SberOAuth::new(
            config.auth_key.clone(),
            config.scope.clone(),
            config.oauth_url.clone(),
            config.token_refresh_margin,
            clock,
        );
        Ok(Self {
            config,
            client,
            oauth,
        })
    }

    /// A valid token (see [`SberOAuth::token`]).
    async fn token(&self, rejected: Option<&SecretString>) -> Result<SecretString, SpeechError> {
        self.oauth
            .token(rejected, || async {
                let request = self.oauth.request(&self.client);
                let body = send(PROVIDER, self.config.http.timeout, request).await?;
                json(PROVIDER, &body)
            })
            .await
    }

    /// Sends a request with a bearer token, fetching a new token once if it is refused.
    async fn authorised(
        &self,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<bytes::Bytes, SpeechError> {
        let token = self.token(None).await?;
        let timeout = self.config.http.timeout;
        match send(PROVIDER, timeout, build(token.expose_secret())).await {
            Err(SpeechError::Provider { status: 401, .. }) => {
                let fresh = self.token(Some(&token)).await?;
                send(PROVIDER, timeout, build(fresh.expose_secret())).await
            }
            other => other,
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

    async fn transcribe(&self, segment: &Audio) -> Result<String, SpeechError> {
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
        Ok(json::<SttAnswer>(PROVIDER, &body)?.result.join(" "))
    }
}

#[async_trait]
impl Synthesizer for SaluteSpeech {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn synthesize(&self, text: &str) -> Result<Audio, SpeechError> {
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
