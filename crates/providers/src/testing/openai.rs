//! A fake OpenAI-compatible `/v1/chat/completions`: checks the bearer key, the model, the
//! messages and `response_format: {type: "json_schema", json_schema: {name, schema, strict}}`,
//! and answers with a `chat.completion` object.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Core, Handle, Recorded, Step, check_messages, serve};

#[derive(Clone, Debug)]
pub struct OpenAiExpect {
    /// `None`: no `Authorization` header may be sent (a local Ollama).
    pub api_key: Option<String>,
    pub model: String,
    pub sentinel: Option<String>,
}

pub struct FakeOpenAi;

impl FakeOpenAi {
    /// Serves under `/v1`: give the client `format!("{}/v1", handle.url())`.
    pub async fn start(expect: OpenAiExpect) -> Handle {
        let core = Core::new(Step::Answer(json!({"ok": true})));
        let state = (core.clone(), Arc::new(expect));
        let router = Router::new().fallback(handle).with_state(state);
        serve(router, core, None).await
    }
}

type AppState = (Arc<Core>, Arc<OpenAiExpect>);

async fn handle(
    State((core, expect)): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let recorded = Recorded {
        method: method.clone(),
        path: uri.path().to_owned(),
        headers: headers.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    core.record(recorded.clone());
    if let Err(problems) = core.check(check_request(&expect, &recorded)) {
        return error(StatusCode::BAD_REQUEST, "invalid_request_error", &problems);
    }
    let mut step = core.next_step();
    if let Step::Hang(d) = step {
        tokio::time::sleep(d).await;
        step = core.default_step();
    }
    match step {
        Step::Answer(v) => success(&expect.model, &v.to_string(), "stop"),
        Step::AnswerText(t) => success(&expect.model, &t, "stop"),
        Step::Filtered => success(&expect.model, "", "content_filter"),
        Step::Status(401) => error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Incorrect API key provided",
        ),
        Step::Status(code) => error(
            StatusCode::from_u16(code).unwrap(),
            "server_error",
            "The server had an error",
        ),
        Step::RateLimited { retry_after_secs } => {
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
                "Rate limit reached",
            );
            r.headers_mut()
                .insert("retry-after", retry_after_secs.to_string().parse().unwrap());
            r
        }
        Step::Hang(_) => unreachable!("hang replaced by the default"),
    }
}

fn check_request(expect: &OpenAiExpect, r: &Recorded) -> Vec<String> {
    let mut p = Vec::new();
    if r.method != Method::POST {
        p.push(format!("method {} instead of POST", r.method));
    }
    if r.path != "/v1/chat/completions" {
        p.push(format!("path {} instead of /v1/chat/completions", r.path));
    }
    match (&expect.api_key, r.header("authorization")) {
        (Some(key), Some(auth)) if auth == format!("Bearer {key}") => {}
        (None, None) => {}
        _ => p.push("Authorization is not `Bearer <key>` as configured".into()),
    }
    let body = r.json();
    if body["model"] != json!(expect.model) {
        p.push(format!(
            "model {} instead of {}",
            body["model"], expect.model
        ));
    }
    let rf = &body["response_format"];
    if rf["type"] != json!("json_schema") {
        p.push("response_format.type must be json_schema".into());
    }
    let name = rf["json_schema"]["name"].as_str().unwrap_or_default();
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        p.push(format!(
            "response_format.json_schema.name {name:?} is not a-z A-Z 0-9 _ - (<= 64)"
        ));
    }
    if !rf["json_schema"]["schema"].is_object() {
        p.push("response_format.json_schema.schema is missing".into());
    }
    if !rf["json_schema"]["strict"].is_boolean() {
        p.push("response_format.json_schema.strict must be a boolean".into());
    }
    if !body["max_tokens"].is_u64() {
        p.push("max_tokens must be a whole number".into());
    }
    let messages: Vec<(String, String)> = body["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    (
                        m["role"].as_str().unwrap_or("?").to_owned(),
                        m["content"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    check_messages(&messages, expect.sentinel.as_deref(), &mut p);
    p
}

fn success(model: &str, content: &str, finish_reason: &str) -> Response {
    let body = json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": format!("{model}-2024-08-06"),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": null},
            "logprobs": null,
            "finish_reason": finish_reason
        }],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": null}});
    (status, axum::Json(body)).into_response()
}
