//! An in-process [`LanguageModel`] for the screener's own tests: answers come from a closure,
//! no HTTP. The answer is still checked against the request's schema, so a test cannot pass
//! with JSON that a real provider's answer would be rejected for.

use std::sync::Mutex;

use async_trait::async_trait;
use otbor_domain::llm::{JsonAnswer, JsonRequest, LanguageModel, LlmError, Redacted, Usage};

use crate::schema::CompiledSchema;

type Responder = dyn Fn(&JsonRequest) -> Result<serde_json::Value, LlmError> + Send + Sync;

pub struct CannedModel {
    respond: Box<Responder>,
    requests: Mutex<Vec<JsonRequest>>,
}

impl std::fmt::Debug for CannedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CannedModel").finish_non_exhaustive()
    }
}

impl CannedModel {
    pub fn new(
        respond: impl Fn(&JsonRequest) -> Result<serde_json::Value, LlmError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            respond: Box::new(respond),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<JsonRequest> {
        self.requests.lock().unwrap().clone()
    }
}

#[async_trait]
impl LanguageModel for CannedModel {
    async fn complete_json(&self, req: &JsonRequest) -> Result<JsonAnswer, LlmError> {
        self.requests.lock().unwrap().push(req.clone());
        let schema = CompiledSchema::compile(&req.schema_name, &req.schema)?;
        let value = (self.respond)(req)?;
        let raw = value.to_string();
        match schema.check(&raw) {
            Ok(value) => Ok(JsonAnswer {
                value,
                model: "canned".into(),
                usage: Some(Usage::default()),
                raw,
            }),
            Err(errors) => Err(LlmError::InvalidOutput {
                provider: "canned",
                schema_name: req.schema_name.clone(),
                errors: Redacted(errors),
                raw: Redacted(raw),
            }),
        }
    }

    fn provider(&self) -> &'static str {
        "canned"
    }

    fn model(&self) -> &str {
        "canned"
    }
}
