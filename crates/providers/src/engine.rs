//! The provider-independent part of a call: build the delimited prompt, ask, validate the
//! reply against the schema, and correct it once. Each adapter supplies only its wire format
//! (one chat round trip) through [`Backend`].

use async_trait::async_trait;
use otbor_domain::llm::{JsonAnswer, JsonRequest, LlmError, Redacted, Usage};
use tracing::Instrument;

use crate::http::{Budget, Transport};
use crate::prompt::{Message, corrective_messages, initial_messages, new_boundary};
use crate::schema::CompiledSchema;

/// What one chat round trip returned.
pub(crate) struct Reply {
    /// The text to parse as JSON (function-call arguments for GigaChat's function mode).
    pub text: String,
    pub model: String,
    pub usage: Option<Usage>,
}

#[async_trait]
pub(crate) trait Backend: Send + Sync {
    fn transport(&self) -> &Transport;
    fn model_name(&self) -> &str;
    /// One chat completion, with the transport's retries, within `budget`.
    async fn chat(
        &self,
        budget: &Budget,
        messages: &[Message],
        req: &JsonRequest,
    ) -> Result<Reply, LlmError>;
}

pub(crate) async fn complete_json<B: Backend + ?Sized>(
    backend: &B,
    req: &JsonRequest,
) -> Result<JsonAnswer, LlmError> {
    let transport = backend.transport();
    // The span carries who and what, never the key or the candidate's text.
    let span = tracing::info_span!(
        "llm.complete_json",
        provider = transport.provider,
        model = backend.model_name(),
        schema = %req.schema_name,
    );
    async move {
        let schema = CompiledSchema::compile(&req.schema_name, &req.schema)?;
        let budget = Budget::start(transport.policy.deadline);
        let boundary = new_boundary(&req.user_data, &mut *transport.rng());
        let mut messages = initial_messages(req, &boundary);

        let first = backend.chat(&budget, &messages, req).await?;
        let errors = match schema.check(&first.text) {
            Ok(value) => return Ok(answer(value, first, None)),
            Err(errors) => errors,
        };
        tracing::warn!(
            problems = errors.len(),
            "model output invalid, sending one corrective retry"
        );
        messages.extend(corrective_messages(&first.text, &errors, &req.schema_name));

        let second = backend.chat(&budget, &messages, req).await?;
        match schema.check(&second.text) {
            Ok(value) => Ok(answer(value, second, first.usage)),
            Err(errors) => {
                tracing::warn!(
                    problems = errors.len(),
                    "model output invalid after the corrective retry"
                );
                Err(LlmError::InvalidOutput {
                    provider: transport.provider,
                    schema_name: req.schema_name.clone(),
                    errors: Redacted(errors),
                    raw: Redacted(second.text),
                })
            }
        }
    }
    .instrument(span)
    .await
}

/// The answer, with the usage of an earlier (rejected) reply added: both were paid for.
fn answer(value: serde_json::Value, reply: Reply, earlier: Option<Usage>) -> JsonAnswer {
    let usage = match (reply.usage, earlier) {
        (Some(a), Some(b)) => Some(Usage {
            input_tokens: a.input_tokens + b.input_tokens,
            output_tokens: a.output_tokens + b.output_tokens,
            total_tokens: a.total_tokens + b.total_tokens,
        }),
        (a, b) => a.or(b),
    };
    JsonAnswer {
        value,
        model: reply.model,
        usage,
        raw: reply.text,
    }
}

/// Parse a 2xx body into the provider's envelope; a body that is not the documented shape
/// is a protocol error (the model's own JSON is checked separately, against the schema).
pub(crate) fn parse_envelope<T: serde::de::DeserializeOwned>(
    provider: &'static str,
    body: &[u8],
) -> Result<T, LlmError> {
    serde_json::from_slice(body).map_err(|e| LlmError::Protocol {
        provider,
        detail: format!("response body: {e}"),
    })
}

/// Token counts arrive as JSON numbers from OpenAI and GigaChat and as strings from Yandex
/// (proto3 JSON maps int64 to a string); accept both.
pub(crate) mod lenient_u64 {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            N(u64),
            S(String),
        }
        match Either::deserialize(d)? {
            Either::N(n) => Ok(n),
            Either::S(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}
