//! GigaChat (Sber): an access token from Sber's OAuth ([`crate::sber`], shared with
//! SaluteSpeech), refreshed once on a 401; then `POST {base}/chat/completions`, an OpenAI-like
//! body and answer.
//!
//! Structured output: by default a forced function call, `functions: [{name, description,
//! parameters: <schema>}]` with `function_call: {"name": ...}` ("Режимы работы с функциями":
//! an object with the function's name forces the model to generate that function's
//! arguments); the answer is `choices[0].message.function_call.arguments`. GigaChat's
//! `response_format: {type: "json_schema", schema, strict}` is available as an option; Sber's
//! own SDK (`gigachat/models/response_format.py`) marks it beta.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use otbor_domain::llm::{JsonAnswer, JsonRequest, LanguageModel, LlmError, Usage};
use otbor_domain::ports::{Clock, SystemClock};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use crate::engine::{self, Backend, Reply, parse_envelope};
use crate::http::{Budget, RetryPolicy, TlsConfig, Transport};
use crate::openai::ChatUsage;
use crate::prompt::Message;
use crate::sber::SberOAuth;
use crate::schema::wire_name;

pub use crate::sber::DEFAULT_OAUTH_URL;
pub const DEFAULT_BASE_URL: &str = "https://gigachat.devices.sberbank.ru/api/v1";
pub const DEFAULT_SCOPE: &str = "GIGACHAT_API_PERS";
pub const DEFAULT_MODEL: &str = "GigaChat";
const PROVIDER: &str = "gigachat";

/// How the schema is put to the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GigaChatOutputMode {
    /// A forced call of one function whose parameters are the schema (documented, stable).
    #[default]
    FunctionCall,
    /// `response_format` with the JSON Schema (beta in Sber's SDK).
    ResponseFormat,
}

#[derive(Clone, Debug)]
pub struct GigaChatConfig {
    /// The "authorization key" from the GigaChat API project: base64 of
    /// `client_id:client_secret`, sent as `Authorization: Basic <key>` to the OAuth endpoint.
    pub auth_key: SecretString,
    /// `GIGACHAT_API_PERS` (individuals), `GIGACHAT_API_B2B` or `GIGACHAT_API_CORP`.
    pub scope: String,
    pub model: String,
    pub oauth_url: String,
    /// Up to and including `/api/v1`.
    pub base_url: String,
    pub output: GigaChatOutputMode,
    /// A token is renewed this long before its `expires_at`, so that it does not expire
    /// between our check and the provider's.
    pub token_refresh_margin: Duration,
    pub retry: RetryPolicy,
    /// Sber's endpoints are signed by the Russian Trusted Root CA: put its PEM here
    /// (`OTBOR_GIGACHAT_CA_PEM`), see [`TlsConfig`].
    pub tls: TlsConfig,
}

impl GigaChatConfig {
    pub fn new(auth_key: SecretString) -> Self {
        Self {
            auth_key,
            scope: DEFAULT_SCOPE.to_owned(),
            model: DEFAULT_MODEL.to_owned(),
            oauth_url: DEFAULT_OAUTH_URL.to_owned(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            output: GigaChatOutputMode::default(),
            token_refresh_margin: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            tls: TlsConfig::default(),
        }
    }
}

pub struct GigaChat {
    config: GigaChatConfig,
    transport: Transport,
    oauth: SberOAuth,
}

impl std::fmt::Debug for GigaChat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GigaChat")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct ChatCompletion {
    #[serde(default)]
    model: Option<String>,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<ChatUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    function_call: Option<FunctionCall>,
}

#[derive(Deserialize)]
struct FunctionCall {
    /// An object in GigaChat's answers (unlike OpenAI's string); a string is accepted too.
    #[serde(default)]
    arguments: Option<serde_json::Value>,
}

impl GigaChat {
    pub fn new(config: GigaChatConfig) -> Result<Self, LlmError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// With an injected clock, so that tests of token expiry are exact.
    pub fn with_clock(config: GigaChatConfig, clock: Arc<dyn Clock>) -> Result<Self, LlmError> {
        let transport = Transport::new(PROVIDER, &config.tls, config.retry.clone())?;
        let oauth = SberOAuth::new(
            config.auth_key.clone(),
            config.scope.clone(),
            config.oauth_url.clone(),
            config.token_refresh_margin,
            clock,
        );
        Ok(Self {
            config,
            transport,
            oauth,
        })
    }

    /// A valid access token: the cached one, or a new one (see [`SberOAuth::token`]).
    async fn access_token(
        &self,
        budget: &Budget,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString, LlmError> {
        self.oauth
            .token(rejected, || async {
                let bytes = self
                    .transport
                    .send(budget, || self.oauth.request(&self.transport.client))
                    .await?;
                parse_envelope(PROVIDER, &bytes)
            })
            .await
    }

    fn body(&self, messages: &[Message], req: &JsonRequest) -> serde_json::Value {
        let name = wire_name(&req.schema_name);
        let messages: Vec<_> = messages
            .iter()
            .map(|m| json!({"role": m.role.as_str(), "content": m.text}))
            .collect();
        let mut body = json!({
            "model": self.config.model,
            "messages": messages,
            "max_tokens": req.max_tokens,
            "stream": false,
        });
        // The chat reference lists `temperature` without a documented lower bound that we
        // could verify; a non-positive value is left out so the model's default applies.
        if req.temperature > 0.0 {
            body["temperature"] = json!(req.temperature);
        }
        match self.config.output {
            GigaChatOutputMode::FunctionCall => {
                body["functions"] = json!([{
                    "name": name,
                    "description": format!("Return the answer as the arguments of this function (JSON Schema `{}`).", req.schema_name),
                    "parameters": req.schema,
                }]);
                body["function_call"] = json!({"name": name});
            }
            GigaChatOutputMode::ResponseFormat => {
                body["response_format"] =
                    json!({"type": "json_schema", "schema": req.schema, "strict": true});
            }
        }
        body
    }

    async fn chat_with_token(
        &self,
        budget: &Budget,
        token: &SecretString,
        body: &serde_json::Value,
    ) -> Result<bytes::Bytes, LlmError> {
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        self.transport
            .send(budget, || {
                self.transport
                    .client
                    .post(&url)
                    .bearer_auth(token.expose_secret())
                    .header("Accept", "application/json")
                    .json(body)
            })
            .await
    }
}

#[async_trait]
impl Backend for GigaChat {
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
        let token = self.access_token(budget, None).await?;
        let bytes = match self.chat_with_token(budget, &token, &body).await {
            // The token may have been revoked or expired early: one new token, one more try.
            Err(LlmError::Unauthorized { .. }) => {
                tracing::info!("GigaChat rejected the access token, refreshing it once");
                let token = self.access_token(budget, Some(&token)).await?;
                self.chat_with_token(budget, &token, &body).await?
            }
            other => other?,
        };
        let completion: ChatCompletion = parse_envelope(PROVIDER, &bytes)?;
        let Some(choice) = completion.choices.into_iter().next() else {
            return Err(LlmError::Protocol {
                provider: PROVIDER,
                detail: "no choices".into(),
            });
        };
        // "blacklist": the reply was replaced because of GigaChat's topic restrictions.
        if choice.finish_reason.as_deref() == Some("blacklist") {
            return Err(LlmError::ContentFiltered { provider: PROVIDER });
        }
        let text = match choice.message.function_call.and_then(|f| f.arguments) {
            Some(serde_json::Value::String(s)) => s,
            Some(args) => args.to_string(),
            None => choice.message.content.unwrap_or_default(),
        };
        Ok(Reply {
            text,
            model: completion
                .model
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| self.config.model.clone()),
            usage: completion.usage.map(Usage::from),
        })
    }
}

#[async_trait]
impl LanguageModel for GigaChat {
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
