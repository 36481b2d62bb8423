//! YandexGPT against its wire-compatible fake: the documented request shape, the retry and
//! deadline rules, the corrective retry, and what must never leave the data block or reach
//! the logs.

mod common;

use std::sync::Arc;

use common::*;
use otbor_providers::testing::{FakeYandex, Handle, YandexExpect};
use otbor_providers::{LanguageModel, RetryPolicy, YandexAuth, YandexGpt, YandexGptConfig};
use secrecy::SecretString;

const API_KEY: &str = "AQVNtest-yandex-api-key-0123456789";
const IAM_TOKEN: &str = "t1.test-iam-token-abcdef";
const FOLDER: &str = "b1gtestfolder";

struct Yandex {
    iam: bool,
}

impl Harness for Yandex {
    async fn start(&self, policy: RetryPolicy) -> (Arc<dyn LanguageModel>, Handle) {
        let (auth, header) = if self.iam {
            (
                YandexAuth::IamToken(SecretString::from(IAM_TOKEN)),
                format!("Bearer {IAM_TOKEN}"),
            )
        } else {
            (
                YandexAuth::ApiKey(SecretString::from(API_KEY)),
                format!("Api-Key {API_KEY}"),
            )
        };
        let handle = FakeYandex::start(YandexExpect {
            authorization: header,
            folder_id: FOLDER.into(),
            sentinel: Some(INJECTION.into()),
        })
        .await;
        handle.set_default(otbor_providers::testing::Step::Answer(valid()));
        let mut config = YandexGptConfig::new(auth, FOLDER);
        config.base_url = handle.url();
        config.retry = policy;
        (Arc::new(YandexGpt::new(config).unwrap()), handle)
    }

    fn model_endpoint(&self) -> &'static str {
        "/foundationModels/v1/completion"
    }

    fn secrets(&self) -> Vec<String> {
        vec![API_KEY.into(), IAM_TOKEN.into()]
    }
}

const KEY: Yandex = Yandex { iam: false };

#[tokio::test]
async fn a_completion_round_trips_in_the_documented_wire_format() {
    let (answer, handle) = success_round_trip(&KEY).await;
    assert_eq!(
        answer.model,
        format!("gpt://{FOLDER}/yandexgpt/latest@23.10.2024")
    );
    let usage = answer.usage.unwrap();
    assert_eq!(
        (usage.input_tokens, usage.output_tokens, usage.total_tokens),
        (120, 30, 150)
    );
    let call = &handle.requests()[0];
    let body = call.json();
    assert_eq!(body["modelUri"], format!("gpt://{FOLDER}/yandexgpt/latest"));
    assert_eq!(body["completionOptions"]["maxTokens"], "500");
    assert_eq!(body["jsonSchema"]["schema"], schema());
    assert_eq!(
        call.header("x-data-logging-enabled").as_deref(),
        Some("false"),
        "candidates' data is not kept by Yandex"
    );
    assert_eq!(
        call.header("x-folder-id"),
        None,
        "an API key carries its own folder"
    );
}

#[tokio::test]
async fn an_iam_token_goes_as_bearer_with_the_folder_header() {
    let (_, handle) = success_round_trip(&Yandex { iam: true }).await;
    assert_eq!(
        handle.requests()[0].header("x-folder-id").as_deref(),
        Some(FOLDER)
    );
}

#[tokio::test]
async fn a_429_honours_retry_after_then_succeeds() {
    rate_limit_honours_retry_after(&KEY).await;
}

#[tokio::test]
async fn a_retry_after_longer_than_we_wait_fails_at_once() {
    retry_after_beyond_the_limit_is_not_waited_for(&KEY).await;
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    server_errors_are_retried(&KEY).await;
}

#[tokio::test]
async fn persistent_server_errors_stop_after_the_last_attempt() {
    server_errors_give_up_after_the_last_attempt(&KEY).await;
}

#[tokio::test]
async fn a_rejected_key_is_not_retried() {
    let handle = unauthorized_is_not_retried(&KEY).await;
    assert_eq!(handle.requests().len(), 1);
}

#[tokio::test]
async fn a_bad_request_is_not_retried() {
    bad_request_is_not_retried(&KEY).await;
}

#[tokio::test]
async fn a_hanging_server_ends_in_an_error_within_the_deadline() {
    a_hang_ends_within_the_deadline(&KEY).await;
}

#[tokio::test]
async fn malformed_json_gets_one_corrective_retry() {
    malformed_output_is_corrected_once(&KEY).await;
}

#[tokio::test]
async fn malformed_json_twice_is_invalid_output() {
    malformed_output_twice_is_invalid_output(&KEY).await;
}

#[tokio::test]
async fn schema_violating_json_twice_is_invalid_output() {
    schema_violations_are_corrected_once_then_invalid_output(&KEY).await;
}

#[tokio::test]
async fn a_content_filter_stop_is_reported_and_not_retried() {
    a_content_filter_stop_is_permanent(&KEY).await;
}

#[tokio::test]
async fn the_untrusted_text_appears_only_inside_the_data_delimiters() {
    untrusted_text_only_inside_the_data_block(&KEY).await;
}

#[tokio::test]
async fn the_key_never_appears_in_logs_or_debug_output() {
    secrets_never_reach_logs_or_debug(&KEY).await;
    secrets_never_reach_logs_or_debug(&Yandex { iam: true }).await;
}
