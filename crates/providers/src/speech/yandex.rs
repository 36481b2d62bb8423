//! Yandex SpeechKit, API v1 (yandex.cloud/docs/speechkit): synchronous recognition
//! `POST stt.api.cloud.yandex.net/speech/v1/stt:recognize?lang=ru-RU&topic=general&format=lpcm&sampleRateHertz=16000[&folderId=]`
//! with the raw LPCM as the body (answer `{"result": "..."}`; at most 30 s and 1 MB, which a
//! VAD segment stays under), and synthesis `POST tts.api.cloud.yandex.net/speech/v1/tts:synthesize`
//! with a form (`text, lang, voice, format=lpcm, sampleRateHertz=48000[, folderId]`; answer:
//! raw LPCM). Authorisation as for YandexGPT ([`YandexAuth`]): `Api-Key <key>` (service
//! account; no folderId) or `Bearer <IAM token>` (with folderId).

use async_trait::async_trait;
use otbor_domain::speech::{Audio, Recognizer, SpeechError, Synthesizer};
use serde::Deserialize;

use super::{HttpConfig, json, send, wav};
pub use crate::yandex::YandexAuth;

const PROVIDER: &str = "yandex-speechkit";
pub const DEFAULT_STT_URL: &str = "https://stt.api.cloud.yandex.net/speech/v1/stt:recognize";
pub const DEFAULT_TTS_URL: &str = "https://tts.api.cloud.yandex.net/speech/v1/tts:synthesize";
/// The synthesis rate asked for: what Opus sends, so no resampling is needed.
const TTS_RATE: u32 = 48_000;

#[derive(Clone, Debug)]
pub struct YandexSpeechConfig {
    pub auth: YandexAuth,
    pub folder_id: Option<String>,
    pub stt_url: String,
    pub tts_url: String,
    pub lang: String,
    pub topic: String,
    pub voice: String,
    pub http: HttpConfig,
}

impl YandexSpeechConfig {
    pub fn new(auth: YandexAuth) -> Self {
        Self {
            auth,
            folder_id: None,
            stt_url: DEFAULT_STT_URL.into(),
            tts_url: DEFAULT_TTS_URL.into(),
            lang: "ru-RU".into(),
            topic: "general".into(),
            voice: "alena".into(),
            http: HttpConfig::default(),
        }
    }
}

pub struct YandexSpeech {
    config: YandexSpeechConfig,
    client: reqwest::Client,
}

impl YandexSpeech {
    pub fn new(config: YandexSpeechConfig) -> Result<Self, SpeechError> {
        let client = super::client(&config.http)?;
        Ok(Self { config, client })
    }

    fn authorization(&self) -> String {
        self.config.auth.header()
    }
}

#[derive(Deserialize)]
struct SttAnswer {
    result: String,
}

#[async_trait]
impl Recognizer for YandexSpeech {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn transcribe(&self, segment: &Audio) -> Result<String, SpeechError> {
        if ![8_000, 16_000, 48_000].contains(&segment.sample_rate) {
            return Err(SpeechError::Audio(format!(
                "SpeechKit takes 8, 16 or 48 kHz, not {}",
                segment.sample_rate
            )));
        }
        let rate = segment.sample_rate.to_string();
        let mut query = vec![
            ("lang", self.config.lang.as_str()),
            ("topic", self.config.topic.as_str()),
            ("format", "lpcm"),
            ("sampleRateHertz", rate.as_str()),
        ];
        if let Some(folder) = &self.config.folder_id {
            query.push(("folderId", folder.as_str()));
        }
        let req = self
            .client
            .post(&self.config.stt_url)
            .header("Authorization", self.authorization())
            .query(&query)
            .body(wav::pcm_bytes(&segment.samples));
        let body = send(PROVIDER, self.config.http.timeout, req).await?;
        Ok(json::<SttAnswer>(PROVIDER, &body)?.result)
    }
}

#[async_trait]
impl Synthesizer for YandexSpeech {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn synthesize(&self, text: &str) -> Result<Audio, SpeechError> {
        let rate = TTS_RATE.to_string();
        let mut form = vec![
            ("text", text),
            ("lang", self.config.lang.as_str()),
            ("voice", self.config.voice.as_str()),
            ("format", "lpcm"),
            ("sampleRateHertz", rate.as_str()),
        ];
        if let Some(folder) = &self.config.folder_id {
            form.push(("folderId", folder.as_str()));
        }
        let req = self
            .client
            .post(&self.config.tts_url)
            .header("Authorization", self.authorization())
            .form(&form);
        let body = send(PROVIDER, self.config.http.timeout, req).await?;
        if !body.len().is_multiple_of(2) {
            return Err(SpeechError::Protocol {
                provider: PROVIDER,
                message: "odd-sized LPCM".into(),
            });
        }
        Ok(Audio::new(wav::pcm_from_bytes(&body), TTS_RATE))
    }
}
