//! The port: one request shape (system rules, untrusted data, an instruction and a JSON
//! Schema) and one answer shape (schema-valid JSON plus what produced it), whatever the vendor.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::LlmError;

/// What the screener asks a model for. `user_data` is untrusted (a resume, a candidate's
/// answer): the provider puts it in a delimited data block, never next to the instructions.
#[derive(Clone, Serialize, Deserialize)]
pub struct JsonRequest {
    /// Our own rules for the model (trusted).
    pub system: String,
    /// Untrusted text, sent only inside the data block.
    pub user_data: String,
    /// What to do with the data (trusted).
    pub instruction: String,
    /// The JSON Schema the answer must match; the top level should be an object (GigaChat's
    /// function calling and OpenAI's strict mode both require one).
    pub schema: serde_json::Value,
    /// A short name for the schema (`a-z A-Z 0-9 _ -`, at most 64 characters on OpenAI; other
    /// characters are replaced).
    pub schema_name: String,
    pub temperature: f32,
    pub max_tokens: u32,
}

/// `Debug` leaves out the untrusted text, so that a request logged with `?` by a caller does
/// not copy a candidate's resume into the logs.
impl std::fmt::Debug for JsonRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonRequest")
            .field("schema_name", &self.schema_name)
            .field(
                "user_data",
                &format_args!("[{} bytes]", self.user_data.len()),
            )
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .finish_non_exhaustive()
    }
}

/// A validated answer. `model` and `usage` are what the provider reported, for the audit
/// record every AI output keeps (DESIGN.md: model, prompt version, rubric version, input hash).
#[derive(Clone, Serialize, Deserialize)]
pub struct JsonAnswer {
    /// The model's JSON, already validated against the request's schema.
    pub value: serde_json::Value,
    /// The model (and version, where the provider reports one) that produced it.
    pub model: String,
    pub usage: Option<Usage>,
    /// The model's reply text exactly as received (function-call arguments for GigaChat).
    pub raw: String,
}

impl std::fmt::Debug for JsonAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The answer may quote the candidate: keep it out of `Debug`.
        f.debug_struct("JsonAnswer")
            .field("model", &self.model)
            .field("usage", &self.usage)
            .field("raw", &format_args!("[{} bytes]", self.raw.len()))
            .finish_non_exhaustive()
    }
}

/// Token counts as reported by the provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
}

/// A language model that answers with schema-valid JSON. `Debug` is required so that a
/// configured model can be printed at start-up; implementations must keep secrets out of it.
#[async_trait]
pub trait LanguageModel: Send + Sync + std::fmt::Debug {
    /// Ask for one JSON object matching `req.schema`. Retries transport failures within the
    /// provider's deadline and corrects one invalid reply; any error means "use the offline
    /// engine for this step".
    async fn complete_json(&self, req: &JsonRequest) -> Result<JsonAnswer, LlmError>;

    /// `yandexgpt`, `gigachat` or `openai`: for logs and the audit record.
    fn provider(&self) -> &'static str;

    /// The configured model name (the answer's `model` may be more precise).
    fn model(&self) -> &str;
}
