//! Any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, Ollama, an on-prem gateway):
//! `POST {base}/chat/completions` with `response_format: {type: "json_schema", json_schema:
//! {name, schema, strict}}` (OpenAI API reference, "Structured Outputs").

use async_trait::async_trait;
use otbor_domain::llm::{JsonAnswer, JsonRequest, LanguageModel, LlmError, Usage};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use crate::engine::{self, Backend, Reply, parse_envelope};
use crate::http::{Budget, RetryPolicy, TlsConfig, Transport};
use crate::prompt::Message;
use crate::schema::{is_openai_strict_compatible, wire_name};

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const PROVIDER: &str = "openai";

#[derive(Clone, Debug)]
pub struct OpenAiConfig {
    /// Up to and including `/v1`: `https://api.openai.com/v1`, `http://localhost:11434/v1`
    /// (Ollama), `http://vllm:8000/v1`.
    pub base_url: String,
    /// Sent as `Authorization: Bearer ...` when set; local servers usually need none.
    pub api_key: Option<SecretString>,
    pub model: String,
    pub retry: RetryPolicy,
    pub tls: TlsConfig,
}

impl OpenAiConfig {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            retry: RetryPolicy::default(),
            tls: TlsConfig::default(),
        }
    }
}

pub struct OpenAiCompatible {
    config: OpenAiConfig,
    transport: Transport,
}

impl std::fmt::Debug for OpenAiCompatible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiCompatible")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OpenAiCompatible {
    pub fn new(config: OpenAiConfig) -> Result<Self, LlmError> {
        let transport = Transport::new(PROVIDER, &config.tls, config.retry.clone())?;
        Ok(Self { config, transport })
    }

    fn body(&self, messages: &[Message], req: &JsonRequest) -> serde_json::Value {
        let messages: Vec<_> = messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "content": m.text}))
            .collect();
        json!({
            "model": self.config.model,
            "messages": messages,
            "temperature": req.temperature,
            // `max_tokens` rather than `max_completion_tokens`: vLLM and Ollama read the
            // former, and OpenAI still accepts it for chat models.
            "max_tokens": req.max_tokens,
            "stream": false,
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": wire_name(&req.schema_name),
                    "schema": req.schema,
                    "strict": is_openai_strict_compatible(&req.schema),
                },
            },
        })
    }
}

/// `Authorization: Bearer <key>` when a key is set (local servers usually need none); the
/// same for chat and for speech (`crate::speech::openai`).
pub(crate) fn authorize(
    rb: reqwest::RequestBuilder,
    api_key: Option<&SecretString>,
) -> reqwest::RequestBuilder {
    match api_key {
        Some(key) => rb.bearer_auth(key.expose_secret()),
        None => rb,
    }
}

#[derive(Deserialize)]
pub(crate) struct ChatCompletion {
    #[serde(default)]
    pub model: Option<String>,
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub usage: Option<ChatUsage>,
}

#[derive(Deserialize)]
pub(crate) struct Choice {
    pub message: ChoiceMessage,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ChoiceMessage {
    #[serde(default)]
    pub content: Option<String>,
    /// Structured Outputs: a model that declines says so here instead of in `content`.
    #[serde(default)]
    pub refusal: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ChatUsage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
    #[serde(default)]
    pub total_tokens: u64,
}

impl From<ChatUsage> for Usage {
    fn from(u: ChatUsage) -> Self {
        Usage {
            input_tokens: u.prompt_tokens,
            output_tokens: u.completion_tokens,
            total_tokens: u.total_tokens,
        }
    }
}

#[async_trait]
impl Backend for OpenAiCompatible {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn model_name(&self) -> &str {
        &self.config.model
    }

    async fn chat(
        &self,
        budget: &Budget,
        messages: &[Message],
        req: &JsonRequest,
    ) -> Result<Reply, LlmError> {
        let body = self.body(messages, req);
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        let bytes = self
            .transport
            .send(budget, || {
                authorize(
                    self.transport.client.post(&url).json(&body),
                    self.config.api_key.as_ref(),
                )
            })
            .await?;
        let completion: ChatCompletion = parse_envelope(PROVIDER, &bytes)?;
        let Some(choice) = completion.choices.into_iter().next() else {
            return Err(LlmError::Protocol {
                provider: PROVIDER,
                detail: "no choices".into(),
            });
        };
        if choice.finish_reason.as_deref() == Some("content_filter")
            || choice.message.refusal.is_some()
        {
            return Err(LlmError::ContentFiltered { provider: PROVIDER });
        }
        Ok(Reply {
            text: choice.message.content.unwrap_or_default(),
            model: completion
                .model
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| self.config.model.clone()),
            usage: completion.usage.map(Usage::from),
        })
    }
}

#[async_trait]
impl LanguageModel for OpenAiCompatible {
    async fn complete_json(&self, req: &JsonRequest) -> Result<JsonAnswer, LlmError> {
        engine::complete_json(self, req).await
    }

    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn model(&self) -> &str {
        &self.config.model
    }
}
