//! GigaChat against its wire-compatible fake: the OAuth token (fetched once, cached until it
//! is about to expire, refreshed once on a 401), the forced function call that carries the
//! schema, and the shared rules for retries, deadlines, corrective retries, data delimiting
//! and secrets.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use otbor_domain::ports::ManualClock;
use otbor_providers::testing::{FakeGigaChat, GigaChatExpect, Handle, Step};
use otbor_providers::{
    GigaChat, GigaChatConfig, GigaChatOutputMode, LanguageModel, LlmError, RetryPolicy,
};
use secrecy::SecretString;

const AUTH_KEY: &str = "Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQtdGVzdA==";
const MODEL: &str = "GigaChat-2-Max";
const OAUTH: &str = "/api/v2/oauth";

struct Giga {
    output: GigaChatOutputMode,
    auth_key: &'static str,
}

impl Giga {
    /// The client, its fake and the clock they share.
    async fn start_with_clock(
        &self,
        policy: RetryPolicy,
    ) -> (Arc<GigaChat>, Handle, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let handle = FakeGigaChat::start(GigaChatExpect {
            auth_key: AUTH_KEY.into(),
            scope: "GIGACHAT_API_PERS".into(),
            model: MODEL.into(),
            output: self.output,
            token_ttl: Duration::from_secs(30 * 60),
            clock: clock.clone(),
            sentinel: Some(INJECTION.into()),
        })
        .await;
        handle.set_default(Step::Answer(valid()));
        let mut config = GigaChatConfig::new(SecretString::from(self.auth_key));
        config.model = MODEL.into();
        config.oauth_url = format!("{}{OAUTH}", handle.url());
        config.base_url = format!("{}/api/v1", handle.url());
        config.output = self.output;
        config.retry = policy;
        let model = GigaChat::with_clock(config, clock.clone()).unwrap();
        (Arc::new(model), handle, clock)
    }
}

impl Harness for Giga {
    async fn start(&self, policy: RetryPolicy) -> (Arc<dyn LanguageModel>, Handle) {
        let (model, handle, _) = self.start_with_clock(policy).await;
        (model, handle)
    }

    fn model_endpoint(&self) -> &'static str {
        "/api/v1/chat/completions"
    }

    fn secrets(&self) -> Vec<String> {
        // The authorization key and the access tokens the fake hands out.
        vec![AUTH_KEY.into(), "giga-access-".into()]
    }
}

const FUNCTIONS: Giga = Giga {
    output: GigaChatOutputMode::FunctionCall,
    auth_key: AUTH_KEY,
};

fn token_requests(handle: &Handle) -> usize {
    handle.requests_to(OAUTH).len()
}

#[tokio::test]
async fn a_completion_round_trips_through_the_token_and_a_forced_function_call() {
    let (answer, handle) = success_round_trip(&FUNCTIONS).await;
    assert_eq!(answer.model, "GigaChat-2-Max:2.0.28.2");
    let requests = handle.requests();
    assert_eq!(requests[0].path, OAUTH, "the token comes first");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Basic {AUTH_KEY}"))
    );
    assert_eq!(requests[0].body, "scope=GIGACHAT_API_PERS");
    let chat = &requests[1];
    assert_eq!(
        chat.header("authorization").as_deref(),
        Some("Bearer giga-access-1")
    );
    let body = chat.json();
    assert_eq!(body["functions"][0]["parameters"], schema());
    assert_eq!(body["function_call"]["name"], "resume_facts");
}

#[tokio::test]
async fn the_response_format_mode_sends_the_schema_there_instead() {
    let (_, handle) = success_round_trip(&Giga {
        output: GigaChatOutputMode::ResponseFormat,
        auth_key: AUTH_KEY,
    })
    .await;
    let body = handle.requests_to("/chat/completions")[0].json();
    assert_eq!(body["response_format"]["schema"], schema());
    assert!(body.get("functions").is_none());
}

#[tokio::test]
async fn the_token_is_fetched_once_and_cached_across_calls() {
    let (model, handle, _) = FUNCTIONS.start_with_clock(fast_policy()).await;
    for _ in 0..3 {
        model.complete_json(&request()).await.expect("answer");
    }
    assert_eq!(token_requests(&handle), 1);
    assert_eq!(handle.requests_to("/chat/completions").len(), 3);
    assert_clean(&handle);
}

#[tokio::test]
async fn concurrent_calls_share_one_token_request() {
    let (model, handle, _) = FUNCTIONS.start_with_clock(fast_policy()).await;
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let model = model.clone();
            tokio::spawn(async move { model.complete_json(&request()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("answer");
    }
    assert_eq!(token_requests(&handle), 1);
    assert_eq!(handle.requests_to("/chat/completions").len(), 5);
    assert_clean(&handle);
}

#[tokio::test]
async fn each_token_request_carries_its_own_rquid() {
    let (model, handle, clock) = FUNCTIONS.start_with_clock(fast_policy()).await;
    model.complete_json(&request()).await.expect("answer");
    clock.advance(chrono::Duration::minutes(31));
    model.complete_json(&request()).await.expect("answer");
    let ids: Vec<_> = handle
        .requests_to(OAUTH)
        .iter()
        .map(|r| r.header("rquid").unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    assert_clean(&handle);
}

#[tokio::test]
async fn the_token_is_refreshed_after_it_expires() {
    let (model, handle, clock) = FUNCTIONS.start_with_clock(fast_policy()).await;
    model.complete_json(&request()).await.expect("answer");
    clock.advance(chrono::Duration::minutes(20));
    model.complete_json(&request()).await.expect("answer");
    assert_eq!(
        token_requests(&handle),
        1,
        "still valid after 20 of its 30 minutes"
    );
    clock.advance(chrono::Duration::minutes(9) + chrono::Duration::seconds(30));
    model.complete_json(&request()).await.expect("answer");
    assert_eq!(
        token_requests(&handle),
        2,
        "renewed within the refresh margin before expiry"
    );
    let last = handle.requests_to("/chat/completions").pop().unwrap();
    assert_eq!(
        last.header("authorization").as_deref(),
        Some("Bearer giga-access-2")
    );
    assert_clean(&handle);
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_then_succeeds() {
    let (model, handle, _) = FUNCTIONS.start_with_clock(fast_policy()).await;
    model.complete_json(&request()).await.expect("answer");
    handle.push([Step::Status(401)]);
    model
        .complete_json(&request())
        .await
        .expect("answer after a new token");
    assert_eq!(token_requests(&handle), 2);
    assert_eq!(handle.requests_to("/chat/completions").len(), 3);
    assert_clean(&handle);
}

#[tokio::test]
async fn a_permanent_401_is_not_retried_beyond_one_refresh() {
    let handle = unauthorized_is_not_retried(&FUNCTIONS).await;
    assert_eq!(token_requests(&handle), 2, "one token, then one refresh");
    assert_eq!(handle.requests_to("/chat/completions").len(), 2);
}

#[tokio::test]
async fn a_wrong_authorization_key_fails_at_the_token_without_retrying() {
    let (model, handle) = Giga {
        output: GigaChatOutputMode::FunctionCall,
        auth_key: "d3Jvbmc6a2V5",
    }
    .start(fast_policy())
    .await;
    let err = model.complete_json(&request()).await.unwrap_err();
    assert!(
        matches!(err, LlmError::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
    assert_eq!(token_requests(&handle), 1);
    assert!(handle.requests_to("/chat/completions").is_empty());
}

#[tokio::test]
async fn a_429_honours_retry_after_then_succeeds() {
    rate_limit_honours_retry_after(&FUNCTIONS).await;
}

#[tokio::test]
async fn a_retry_after_longer_than_we_wait_fails_at_once() {
    retry_after_beyond_the_limit_is_not_waited_for(&FUNCTIONS).await;
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    server_errors_are_retried(&FUNCTIONS).await;
}

#[tokio::test]
async fn persistent_server_errors_stop_after_the_last_attempt() {
    server_errors_give_up_after_the_last_attempt(&FUNCTIONS).await;
}

#[tokio::test]
async fn a_bad_request_is_not_retried() {
    bad_request_is_not_retried(&FUNCTIONS).await;
}

#[tokio::test]
async fn a_hanging_server_ends_in_an_error_within_the_deadline() {
    a_hang_ends_within_the_deadline(&FUNCTIONS).await;
}

#[tokio::test]
async fn malformed_json_gets_one_corrective_retry() {
    malformed_output_is_corrected_once(&FUNCTIONS).await;
}

#[tokio::test]
async fn malformed_json_twice_is_invalid_output() {
    malformed_output_twice_is_invalid_output(&FUNCTIONS).await;
}

#[tokio::test]
async fn schema_violating_json_twice_is_invalid_output() {
    schema_violations_are_corrected_once_then_invalid_output(&FUNCTIONS).await;
}

#[tokio::test]
async fn a_content_filter_stop_is_reported_and_not_retried() {
    a_content_filter_stop_is_permanent(&FUNCTIONS).await;
}

#[tokio::test]
async fn the_untrusted_text_appears_only_inside_the_data_delimiters() {
    untrusted_text_only_inside_the_data_block(&FUNCTIONS).await;
}

#[tokio::test]
async fn the_key_and_the_token_never_appear_in_logs_or_debug_output() {
    secrets_never_reach_logs_or_debug(&FUNCTIONS).await;
}
