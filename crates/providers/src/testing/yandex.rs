//! A fake Foundation Models `completion` endpoint: checks the headers and the proto3-JSON
//! body the way the API reference describes them and answers with `{"result": {...}}`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Core, Handle, Recorded, Step, check_messages, serve};

#[derive(Clone, Debug)]
pub struct YandexExpect {
    /// The whole expected `Authorization` value: `Api-Key <key>` or `Bearer <token>`.
    pub authorization: String,
    pub folder_id: String,
    /// The untrusted text the test sends, to check where it travels.
    pub sentinel: Option<String>,
}

pub struct FakeYandex;

impl FakeYandex {
    pub async fn start(expect: YandexExpect) -> Handle {
        let core = Core::new(Step::Answer(json!({"ok": true})));
        let state = (core.clone(), Arc::new(expect));
        let router = Router::new().fallback(handle).with_state(state);
        serve(router, core, None).await
    }
}

type AppState = (Arc<Core>, Arc<YandexExpect>);

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
        return error(StatusCode::BAD_REQUEST, 3, &problems);
    }
    let mut step = core.next_step();
    if let Step::Hang(d) = step {
        tokio::time::sleep(d).await;
        step = core.default_step();
    }
    match step {
        Step::Answer(v) => success(&v.to_string(), "ALTERNATIVE_STATUS_FINAL"),
        Step::AnswerText(t) => success(&t, "ALTERNATIVE_STATUS_FINAL"),
        Step::Filtered => success("", "ALTERNATIVE_STATUS_CONTENT_FILTER"),
        Step::Status(401) => error(StatusCode::UNAUTHORIZED, 16, "Unknown api key"),
        Step::Status(code) => error(StatusCode::from_u16(code).unwrap(), 13, "Internal error"),
        Step::RateLimited { retry_after_secs } => {
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                8,
                "ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed",
            );
            r.headers_mut()
                .insert("retry-after", retry_after_secs.to_string().parse().unwrap());
            r
        }
        Step::Hang(_) => unreachable!("hang replaced by the default"),
    }
}

fn check_request(expect: &YandexExpect, r: &Recorded) -> Vec<String> {
    let mut p = Vec::new();
    if r.method != Method::POST {
        p.push(format!("method {} instead of POST", r.method));
    }
    if r.path != "/foundationModels/v1/completion" {
        p.push(format!(
            "path {} instead of /foundationModels/v1/completion",
            r.path
        ));
    }
    let auth = r.header("authorization").unwrap_or_default();
    if auth != expect.authorization {
        p.push("Authorization is not the expected `Api-Key <key>` / `Bearer <token>`".into());
    }
    if auth.starts_with("Bearer ")
        && r.header("x-folder-id").as_deref() != Some(expect.folder_id.as_str())
    {
        p.push("an IAM token needs x-folder-id with the folder".into());
    }
    if !r
        .header("content-type")
        .unwrap_or_default()
        .starts_with("application/json")
    {
        p.push("Content-Type is not application/json".into());
    }
    let body = r.json();
    let model_uri = body["modelUri"].as_str().unwrap_or_default();
    if !model_uri.starts_with(&format!("gpt://{}/", expect.folder_id))
        || model_uri.split('/').count() < 4
    {
        p.push(format!(
            "modelUri {model_uri:?} is not gpt://<folder>/<model>"
        ));
    }
    let options = &body["completionOptions"];
    if options["stream"] != json!(false) {
        p.push("completionOptions.stream must be false".into());
    }
    if !options["temperature"]
        .as_f64()
        .is_some_and(|t| (0.0..=1.0).contains(&t))
    {
        p.push("completionOptions.temperature must be a number in 0..=1".into());
    }
    let max_tokens_ok = match &options["maxTokens"] {
        Value::String(s) => s.parse::<u64>().is_ok_and(|n| n > 0),
        Value::Number(n) => n.as_u64().is_some_and(|n| n > 0),
        _ => false,
    };
    if !max_tokens_ok {
        p.push("completionOptions.maxTokens must be a positive int64".into());
    }
    if !body["jsonSchema"]["schema"].is_object() {
        p.push("jsonSchema.schema (the JSON Schema) is missing".into());
    }
    if body.get("jsonObject").is_some() && body.get("jsonSchema").is_some() {
        p.push("jsonObject and jsonSchema are one oneof".into());
    }
    let messages: Vec<(String, String)> = body["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    (
                        m["role"].as_str().unwrap_or("?").to_owned(),
                        m["text"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if body["messages"]
        .as_array()
        .is_some_and(|a| a.iter().any(|m| !m["text"].is_string()))
    {
        p.push("every message needs a `text`".into());
    }
    check_messages(&messages, expect.sentinel.as_deref(), &mut p);
    p
}

fn success(text: &str, status: &str) -> Response {
    let body = json!({
        "result": {
            "alternatives": [{
                "message": {"role": "assistant", "text": text},
                "status": status
            }],
            "usage": {"inputTextTokens": "120", "completionTokens": "30", "totalTokens": "150"},
            "modelVersion": "23.10.2024"
        }
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// The gRPC-gateway error shape the REST API answers with.
fn error(status: StatusCode, grpc_code: u32, message: &str) -> Response {
    let body = json!({"error": {"grpcCode": grpc_code, "httpCode": status.as_u16(), "message": message, "httpStatus": status.canonical_reason().unwrap_or(""), "details": []}});
    (status, axum::Json(body)).into_response()
}
