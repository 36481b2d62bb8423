//! An OpenAI-compatible endpoint against its wire-compatible fake: `response_format`
//! json_schema, bearer keys (or none, for a local server), and the shared rules for
//! retries, deadlines, corrective retries, data delimiting and secrets.

mod common;

use std::sync::Arc;

use common::*;
use otbor_providers::testing::{FakeOpenAi, Handle, OpenAiExpect, Step};
use otbor_providers::{LanguageModel, OpenAiCompatible, OpenAiConfig, RetryPolicy};
use secrecy::SecretString;

const API_KEY: &str = "sk-test-openai-key-0123456789";
const MODEL: &str = "gpt-4o-mini";

struct OpenAi {
    key: bool,
}

impl Harness for OpenAi {
    async fn start(&self, policy: RetryPolicy) -> (Arc<dyn LanguageModel>, Handle) {
        let handle = FakeOpenAi::start(OpenAiExpect {
            api_key: self.key.then(|| API_KEY.to_owned()),
            model: MODEL.into(),
            sentinel: Some(INJECTION.into()),
        })
        .await;
        handle.set_default(Step::Answer(valid()));
        let mut config = OpenAiConfig::new(format!("{}/v1", handle.url()), MODEL);
        config.api_key = self.key.then(|| SecretString::from(API_KEY));
        config.retry = policy;
        (Arc::new(OpenAiCompatible::new(config).unwrap()), handle)
    }

    fn model_endpoint(&self) -> &'static str {
        "/v1/chat/completions"
    }

    fn secrets(&self) -> Vec<String> {
        vec![API_KEY.into()]
    }
}

const KEYED: OpenAi = OpenAi { key: true };

#[tokio::test]
async fn a_completion_round_trips_with_a_json_schema_response_format() {
    let (answer, handle) = success_round_trip(&KEYED).await;
    assert_eq!(
        answer.model, "gpt-4o-mini-2024-08-06",
        "the answer names the exact model"
    );
    let body = handle.requests()[0].json();
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        "resume_facts"
    );
    assert_eq!(body["response_format"]["json_schema"]["schema"], schema());
    assert_eq!(
        body["response_format"]["json_schema"]["strict"], true,
        "the schema qualifies for strict mode"
    );
}

#[tokio::test]
async fn strict_mode_is_off_for_a_schema_that_does_not_qualify() {
    let (model, handle) = KEYED.start(fast_policy()).await;
    let mut req = request();
    req.schema = serde_json::json!({"type": "object", "properties": {"skills": {"type": "array"}, "years": {"type": "integer"}}});
    model.complete_json(&req).await.expect("answer");
    assert_eq!(
        handle.requests()[0].json()["response_format"]["json_schema"]["strict"],
        false
    );
    assert_clean(&handle);
}

#[tokio::test]
async fn a_local_server_without_a_key_gets_no_authorization_header() {
    let (_, handle) = success_round_trip(&OpenAi { key: false }).await;
    assert_eq!(handle.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn a_429_honours_retry_after_then_succeeds() {
    rate_limit_honours_retry_after(&KEYED).await;
}

#[tokio::test]
async fn a_retry_after_longer_than_we_wait_fails_at_once() {
    retry_after_beyond_the_limit_is_not_waited_for(&KEYED).await;
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    server_errors_are_retried(&KEYED).await;
}

#[tokio::test]
async fn persistent_server_errors_stop_after_the_last_attempt() {
    server_errors_give_up_after_the_last_attempt(&KEYED).await;
}

#[tokio::test]
async fn a_rejected_key_is_not_retried() {
    let handle = unauthorized_is_not_retried(&KEYED).await;
    assert_eq!(handle.requests().len(), 1);
}

#[tokio::test]
async fn a_bad_request_is_not_retried() {
    bad_request_is_not_retried(&KEYED).await;
}

#[tokio::test]
async fn a_hanging_server_ends_in_an_error_within_the_deadline() {
    a_hang_ends_within_the_deadline(&KEYED).await;
}

#[tokio::test]
async fn malformed_json_gets_one_corrective_retry() {
    malformed_output_is_corrected_once(&KEYED).await;
}

#[tokio::test]
async fn malformed_json_twice_is_invalid_output() {
    malformed_output_twice_is_invalid_output(&KEYED).await;
}

#[tokio::test]
async fn schema_violating_json_twice_is_invalid_output() {
    schema_violations_are_corrected_once_then_invalid_output(&KEYED).await;
}

#[tokio::test]
async fn a_content_filter_stop_is_reported_and_not_retried() {
    a_content_filter_stop_is_permanent(&KEYED).await;
}

#[tokio::test]
async fn the_untrusted_text_appears_only_inside_the_data_delimiters() {
    untrusted_text_only_inside_the_data_block(&KEYED).await;
}

#[tokio::test]
async fn the_key_never_appears_in_logs_or_debug_output() {
    secrets_never_reach_logs_or_debug(&KEYED).await;
}

#[tokio::test]
async fn the_canned_model_checks_its_answers_against_the_schema_too() {
    use otbor_providers::testing::CannedModel;
    let good = CannedModel::new(|_| Ok(valid()));
    assert_eq!(good.complete_json(&request()).await.unwrap().value, valid());
    assert_eq!(good.requests().len(), 1);
    let bad = CannedModel::new(|_| Ok(violating()));
    assert_eq!(
        bad.complete_json(&request()).await.unwrap_err().kind(),
        "invalid_output"
    );
}
