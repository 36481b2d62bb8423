//! YandexGPT through the Foundation Models text generation API, synchronous mode:
//! `POST {base}/foundationModels/v1/completion` (yandex-cloud/cloudapi,
//! `yandex/cloud/ai/foundation_models/v1/text_generation/text_generation_service.proto`,
//! `TextGenerationService.Completion`).

use async_trait::async_trait;
use otbor_domain::llm::{JsonAnswer, JsonRequest, LanguageModel, LlmError, Usage};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use crate::engine::{self, Backend, Reply, lenient_u64, parse_envelope};
use crate::http::{Budget, RetryPolicy, TlsConfig, Transport};
use crate::prompt::Message;

pub const DEFAULT_BASE_URL: &str = "https://llm.api.cloud.yandex.net";
pub const DEFAULT_MODEL: &str = "yandexgpt/latest";
const PROVIDER: &str = "yandexgpt";

/// The two documented ways to authenticate ("Authentication with the Yandex Foundation
/// Models API"): a service account's API key (`Authorization: Api-Key ...`) or an IAM token
/// (`Authorization: Bearer ...`). IAM tokens live at most 12 hours, so a long-running server
/// should use an API key.
///
/// The same credentials serve YandexGPT and SpeechKit (`crate::speech::yandex`).
#[derive(Clone, Debug)]
pub enum YandexAuth {
    ApiKey(SecretString),
    IamToken(SecretString),
}

impl YandexAuth {
    /// The `Authorization` header's value.
    pub(crate) fn header(&self) -> String {
        match self {
            Self::ApiKey(key) => format!("Api-Key {}", key.expose_secret()),
            Self::IamToken(token) => format!("Bearer {}", token.expose_secret()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct YandexGptConfig {
    pub auth: YandexAuth,
    /// The folder that owns the model; part of the model URI.
    pub folder_id: String,
    /// `yandexgpt/latest`, `yandexgpt-lite/latest`, ... (completed to
    /// `gpt://<folder>/<model>`), or a full `gpt://` / `ds://` URI for a fine-tuned model.
    pub model: String,
    /// Scheme and host only; the path is appended.
    pub base_url: String,
    /// Yandex logs request data unless the request says `x-data-logging-enabled: false`
    /// ("Disabling request logging"); resumes are personal data (152-FZ), so off by default.
    pub data_logging: bool,
    pub retry: RetryPolicy,
    pub tls: TlsConfig,
}

impl YandexGptConfig {
    pub fn new(auth: YandexAuth, folder_id: impl Into<String>) -> Self {
        Self {
            auth,
            folder_id: folder_id.into(),
            model: DEFAULT_MODEL.to_owned(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            data_logging: false,
            retry: RetryPolicy::default(),
            tls: TlsConfig::default(),
        }
    }

    /// `gpt://<folder>/<model>` as in the API reference's `modelUri`.
    pub fn model_uri(&self) -> String {
        if self.model.contains("://") {
            self.model.clone()
        } else {
            format!("gpt://{}/{}", self.folder_id, self.model)
        }
    }
}

pub struct YandexGpt {
    config: YandexGptConfig,
    model_uri: String,
    transport: Transport,
}

impl std::fmt::Debug for YandexGpt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YandexGpt")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl YandexGpt {
    pub fn new(config: YandexGptConfig) -> Result<Self, LlmError> {
        let transport = Transport::new(PROVIDER, &config.tls, config.retry.clone())?;
        Ok(Self {
            model_uri: config.model_uri(),
            config,
            transport,
        })
    }

    fn url(&self) -> String {
        format!(
            "{}/foundationModels/v1/completion",
            self.config.base_url.trim_end_matches('/')
        )
    }

    fn body(&self, messages: &[Message], req: &JsonRequest) -> serde_json::Value {
        let messages: Vec<_> = messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "text": m.text}))
            .collect();
        json!({
            "modelUri": self.model_uri,
            "completionOptions": {
                "stream": false,
                // Documented range 0..=1.
                "temperature": req.temperature.clamp(0.0, 1.0),
                // int64 in the proto, hence a string in proto3 JSON (the docs' examples too).
                "maxTokens": req.max_tokens.to_string(),
            },
            "messages": messages,
            // `oneof ResponseFormat { bool json_object = 5; JsonSchema json_schema = 6; }`,
            // `message JsonSchema { google.protobuf.Struct schema = 1; }` (text_common.proto).
            "jsonSchema": { "schema": req.schema },
        })
    }
}

#[derive(Deserialize)]
struct Envelope {
    result: CompletionResponse,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompletionResponse {
    alternatives: Vec<Alternative>,
    usage: Option<ContentUsage>,
    model_version: Option<String>,
}

#[derive(Deserialize)]
struct Alternative {
    message: AltMessage,
    status: Option<String>,
}

#[derive(Deserialize)]
struct AltMessage {
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContentUsage {
    #[serde(with = "lenient_u64", default)]
    input_text_tokens: u64,
    #[serde(with = "lenient_u64", default)]
    completion_tokens: u64,
    #[serde(with = "lenient_u64", default)]
    total_tokens: u64,
}

#[async_trait]
impl Backend for YandexGpt {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn model_name(&self) -> &str {
        &self.model_uri
    }

    async fn chat(
        &self,
        budget: &Budget,
        messages: &[Message],
        req: &JsonRequest,
    ) -> Result<Reply, LlmError> {
        let body = self.body(messages, req);
        let url = self.url();
        let bytes = self
            .transport
            .send(budget, || {
                let mut rb = self
                    .transport
                    .client
                    .post(&url)
                    .json(&body)
                    .header("Authorization", self.config.auth.header());
                // The folder header goes with user IAM tokens (quickstart: "Specify the folder
                // ID in the x-folder-id header"); with a service account's API key the docs
                // say to leave it out: the key's own folder is used.
                if let YandexAuth::IamToken(_) = self.config.auth {
                    rb = rb.header("x-folder-id", &self.config.folder_id);
                }
                if !self.config.data_logging {
                    rb = rb.header("x-data-logging-enabled", "false");
                }
                rb
            })
            .await?;
        let envelope: Envelope = parse_envelope(PROVIDER, &bytes)?;
        let response = envelope.result;
        let Some(alt) = response.alternatives.into_iter().next() else {
            return Err(LlmError::Protocol {
                provider: PROVIDER,
                detail: "no alternatives".into(),
            });
        };
        if alt.status.as_deref() == Some("ALTERNATIVE_STATUS_CONTENT_FILTER") {
            return Err(LlmError::ContentFiltered { provider: PROVIDER });
        }
        let model = match response.model_version {
            Some(v) if !v.is_empty() => format!("{}@{v}", self.model_uri),
            _ => self.model_uri.clone(),
        };
        Ok(Reply {
            text: alt.message.text,
            model,
            usage: response.usage.map(|u| Usage {
                input_tokens: u.input_text_tokens,
                output_tokens: u.completion_tokens,
                total_tokens: u.total_tokens,
            }),
        })
    }
}

#[async_trait]
impl LanguageModel for YandexGpt {
    async fn complete_json(&self, req: &JsonRequest) -> Result<JsonAnswer, LlmError> {
        engine::complete_json(self, req).await
    }

    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn model(&self) -> &str {
        &self.model_uri
    }
}
