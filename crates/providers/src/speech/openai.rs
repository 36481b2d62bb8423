//! Any OpenAI-compatible speech endpoint (OpenAI itself, faster-whisper servers, vLLM):
//! `POST {base}/audio/transcriptions` with a multipart WAV upload (`file`, `model`,
//! `language`, `response_format=json`; answer `{"text": ...}`), and `POST {base}/audio/speech`
//! with JSON `{model, input, voice, response_format: "wav"}` (answer: the WAV file).

use async_trait::async_trait;
use secrecy::SecretString;
use serde::Deserialize;

use otbor_domain::speech::{Audio, Recognizer, SpeechError, Synthesizer};

use super::{HttpConfig, json, send, wav};
use crate::openai::authorize;

const PROVIDER: &str = "openai-compatible";

#[derive(Clone, Debug)]
pub struct OpenAiSpeechConfig {
    /// Up to and including `/v1`, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: Option<SecretString>,
    pub stt_model: String,
    pub tts_model: String,
    pub voice: String,
    pub language: String,
    pub http: HttpConfig,
}

impl OpenAiSpeechConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            stt_model: "whisper-1".into(),
            tts_model: "tts-1".into(),
            voice: "alloy".into(),
            language: "ru".into(),
            http: HttpConfig::default(),
        }
    }
}

pub struct OpenAiSpeech {
    config: OpenAiSpeechConfig,
    client: reqwest::Client,
}

impl OpenAiSpeech {
    pub fn new(config: OpenAiSpeechConfig) -> Result<Self, SpeechError> {
        let client = super::client(&config.http)?;
        Ok(Self { config, client })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.config.base_url.trim_end_matches('/'))
    }

    fn auth(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        authorize(req, self.config.api_key.as_ref())
    }
}

#[derive(Deserialize)]
struct Transcription {
    text: String,
}

#[async_trait]
impl Recognizer for OpenAiSpeech {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn transcribe(&self, segment: &Audio) -> Result<String, SpeechError> {
        let file = reqwest::multipart::Part::bytes(wav::write(segment))
            .file_name("segment.wav")
            .mime_str("audio/wav")
            .expect("a valid MIME type");
        let form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("model", self.config.stt_model.clone())
            .text("language", self.config.language.clone())
            .text("response_format", "json");
        let req = self
            .auth(self.client.post(self.url("audio/transcriptions")))
            .multipart(form);
        let body = send(PROVIDER, self.config.http.timeout, req).await?;
        Ok(json::<Transcription>(PROVIDER, &body)?.text)
    }
}

#[async_trait]
impl Synthesizer for OpenAiSpeech {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    async fn synthesize(&self, text: &str) -> Result<Audio, SpeechError> {
        let body = serde_json::json!({
            "model": self.config.tts_model,
            "input": text,
            "voice": self.config.voice,
            "response_format": "wav",
        });
        let req = self
            .auth(self.client.post(self.url("audio/speech")))
            .json(&body);
        let bytes = send(PROVIDER, self.config.http.timeout, req).await?;
        wav::parse(&bytes)
    }
}
