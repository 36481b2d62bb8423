//! A fake GigaChat: the OAuth endpoint (`/api/v2/oauth`: Basic key, `RqUID` uuid4, form
//! `scope=...`, answer `{access_token, expires_at}` in Unix milliseconds) and the chat
//! endpoint (`/api/v1/chat/completions`: a bearer token it issued and that has not expired
//! on the shared clock, an OpenAI-like body with the schema as a forced function call or as
//! `response_format`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use otbor_domain::ports::Clock;
use serde_json::{Value, json};

use super::{Core, Handle, Recorded, Step, TlsIdentity, check_messages, is_uuid, serve};
use crate::gigachat::GigaChatOutputMode;

#[derive(Clone)]
pub struct GigaChatExpect {
    pub auth_key: String,
    pub scope: String,
    pub model: String,
    pub output: GigaChatOutputMode,
    /// Issued tokens expire this long after `clock.now()`.
    pub token_ttl: Duration,
    /// The same clock the client uses, so that expiry is exact.
    pub clock: Arc<dyn Clock>,
    pub sentinel: Option<String>,
}

pub struct FakeGigaChat;

struct Tokens {
    issued: Vec<(String, i64)>,
}

type AppState = (Arc<Core>, Arc<GigaChatExpect>, Arc<Mutex<Tokens>>);

impl FakeGigaChat {
    /// The client's `oauth_url` is `{url}/api/v2/oauth`, its `base_url` `{url}/api/v1`.
    pub async fn start(expect: GigaChatExpect) -> Handle {
        Self::start_inner(expect, None).await
    }

    /// The same over HTTPS with the given certificate, as Sber's hosts serve it (a chain to the
    /// Russian Trusted Root CA): the client must be configured to trust the root.
    pub async fn start_tls(expect: GigaChatExpect, identity: TlsIdentity) -> Handle {
        Self::start_inner(expect, Some(identity)).await
    }

    async fn start_inner(expect: GigaChatExpect, tls: Option<TlsIdentity>) -> Handle {
        let core = Core::new(Step::Answer(json!({"ok": true})));
        let state: AppState = (
            core.clone(),
            Arc::new(expect),
            Arc::new(Mutex::new(Tokens { issued: Vec::new() })),
        );
        let router = Router::new().fallback(handle).with_state(state);
        serve(router, core, tls).await
    }
}

async fn handle(
    State((core, expect, tokens)): State<AppState>,
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
    match recorded.path.as_str() {
        "/api/v2/oauth" => oauth(&core, &expect, &tokens, &recorded),
        "/api/v1/chat/completions" => chat(&core, &expect, &tokens, &recorded).await,
        other => {
            let _ = core.check(vec![format!("unknown path {other}")]);
            error(StatusCode::NOT_FOUND, "Not found")
        }
    }
}

fn oauth(core: &Core, expect: &GigaChatExpect, tokens: &Mutex<Tokens>, r: &Recorded) -> Response {
    let mut p = Vec::new();
    if r.method != Method::POST {
        p.push(format!("oauth: method {} instead of POST", r.method));
    }
    match r.header("rquid") {
        Some(id) if is_uuid(&id) => {}
        other => p.push(format!("oauth: RqUID {other:?} is not a uuid4")),
    }
    if !r
        .header("content-type")
        .unwrap_or_default()
        .starts_with("application/x-www-form-urlencoded")
    {
        p.push("oauth: Content-Type is not application/x-www-form-urlencoded".into());
    }
    if r.body != format!("scope={}", expect.scope) {
        p.push(format!(
            "oauth: form body {:?} is not scope={}",
            r.body, expect.scope
        ));
    }
    if let Err(problems) = core.check(p) {
        return error(StatusCode::BAD_REQUEST, &problems);
    }
    if r.header("authorization") != Some(format!("Basic {}", expect.auth_key)) {
        return error(
            StatusCode::UNAUTHORIZED,
            "Can't decode 'Authorization' header",
        );
    }
    let mut tokens = tokens.lock().unwrap();
    let token = format!("giga-access-{}", tokens.issued.len() + 1);
    let expires_at = expect.clock.now().timestamp_millis() + expect.token_ttl.as_millis() as i64;
    tokens.issued.push((token.clone(), expires_at));
    (
        StatusCode::OK,
        axum::Json(json!({"access_token": token, "expires_at": expires_at})),
    )
        .into_response()
}

async fn chat(
    core: &Core,
    expect: &GigaChatExpect,
    tokens: &Mutex<Tokens>,
    r: &Recorded,
) -> Response {
    if let Err(problems) = core.check(check_chat(expect, r)) {
        return error(StatusCode::BAD_REQUEST, &problems);
    }
    let bearer = r
        .header("authorization")
        .and_then(|a| a.strip_prefix("Bearer ").map(str::to_owned));
    let now = expect.clock.now().timestamp_millis();
    let valid = bearer.is_some_and(|t| {
        tokens
            .lock()
            .unwrap()
            .issued
            .iter()
            .any(|(v, exp)| *v == t && now < *exp)
    });
    if !valid {
        return error(StatusCode::UNAUTHORIZED, "Token has expired");
    }
    let mut step = core.next_step();
    if let Step::Hang(d) = step {
        tokio::time::sleep(d).await;
        step = core.default_step();
    }
    let function_name = r.json()["function_call"]["name"]
        .as_str()
        .map(str::to_owned);
    match step {
        Step::Answer(v) => success(expect, function_name.as_deref(), Some(v), None),
        Step::AnswerText(t) => success(expect, None, None, Some(t)),
        Step::Filtered => filtered(expect),
        Step::Status(401) => error(StatusCode::UNAUTHORIZED, "Token has expired"),
        Step::Status(code) => error(StatusCode::from_u16(code).unwrap(), "Internal Server Error"),
        Step::RateLimited { retry_after_secs } => {
            let mut resp = error(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
            resp.headers_mut()
                .insert("retry-after", retry_after_secs.to_string().parse().unwrap());
            resp
        }
        Step::Hang(_) => unreachable!("hang replaced by the default"),
    }
}

fn check_chat(expect: &GigaChatExpect, r: &Recorded) -> Vec<String> {
    let mut p = Vec::new();
    if r.method != Method::POST {
        p.push(format!("chat: method {} instead of POST", r.method));
    }
    if !r
        .header("authorization")
        .unwrap_or_default()
        .starts_with("Bearer ")
    {
        p.push("chat: Authorization is not `Bearer <access token>`".into());
    }
    let body = r.json();
    if body["model"] != json!(expect.model) {
        p.push(format!(
            "chat: model {} instead of {}",
            body["model"], expect.model
        ));
    }
    match expect.output {
        GigaChatOutputMode::FunctionCall => {
            let functions = body["functions"].as_array().cloned().unwrap_or_default();
            let forced = body["function_call"]["name"].as_str().unwrap_or_default();
            if functions.len() != 1
                || functions[0]["name"].as_str() != Some(forced)
                || forced.is_empty()
            {
                p.push("chat: function_call must force the one function in `functions`".into());
            }
            if functions
                .first()
                .is_none_or(|f| !f["parameters"].is_object())
            {
                p.push("chat: the function's `parameters` (the JSON Schema) is missing".into());
            }
        }
        GigaChatOutputMode::ResponseFormat => {
            if body["response_format"]["type"] != json!("json_schema")
                || !body["response_format"]["schema"].is_object()
            {
                p.push("chat: response_format must be {type: json_schema, schema}".into());
            }
        }
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

fn success(
    expect: &GigaChatExpect,
    function: Option<&str>,
    value: Option<Value>,
    text: Option<String>,
) -> Response {
    let (message, finish) = match (function, value, text) {
        (Some(name), Some(args), _) => (
            json!({"role": "assistant", "content": "", "function_call": {"name": name, "arguments": args}, "functions_state_id": "77d3fb14-457d-46a5-a6c8-4ea5d4a5b0a4"}),
            "function_call",
        ),
        (None, Some(v), _) => (
            json!({"role": "assistant", "content": v.to_string()}),
            "stop",
        ),
        (_, _, Some(t)) => (json!({"role": "assistant", "content": t}), "stop"),
        _ => (json!({"role": "assistant", "content": ""}), "stop"),
    };
    let body = json!({
        "choices": [{"message": message, "index": 0, "finish_reason": finish}],
        "created": 1_700_000_000,
        "model": format!("{}:2.0.28.2", expect.model),
        "object": "chat.completion",
        "usage": {"prompt_tokens": 90, "completion_tokens": 25, "total_tokens": 115, "precached_prompt_tokens": 0}
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// GigaChat replaces a reply on a restricted topic with a canned text and says `blacklist`.
fn filtered(expect: &GigaChatExpect) -> Response {
    let body = json!({
        "choices": [{"message": {"role": "assistant", "content": "Не люблю менять тему разговора, но вот сейчас тот самый случай."}, "index": 0, "finish_reason": "blacklist"}],
        "created": 1_700_000_000,
        "model": format!("{}:2.0.28.2", expect.model),
        "object": "chat.completion",
        "usage": {"prompt_tokens": 90, "completion_tokens": 10, "total_tokens": 100}
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"status": status.as_u16(), "message": message})),
    )
        .into_response()
}
