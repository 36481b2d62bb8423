//! Wire-compatible fake servers for YandexGPT, GigaChat and OpenAI-compatible endpoints, on
//! 127.0.0.1 port 0. Each one checks what the client sends against the provider's documented
//! format (path, method, auth header, body shape, where the untrusted text sits) and answers
//! as the real service does, following a per-test script: success, 401, 429 with
//! `Retry-After`, 5xx, a hang, malformed JSON, schema-violating JSON.
//!
//! A request that breaks the format is answered with 400 and recorded in `violations()`, so
//! a test fails both on the client side and on the explicit check.
//!
//! [`CannedModel`] is the in-process alternative for tests of the screener itself.

mod canned;
mod gigachat;
mod openai;
mod tls;
mod yandex;

pub use canned::CannedModel;
pub use gigachat::{FakeGigaChat, GigaChatExpect};
pub use openai::{FakeOpenAi, OpenAiExpect};
pub use tls::TlsIdentity;
pub use yandex::{FakeYandex, YandexExpect};

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, Method};
use serde_json::Value;

use crate::prompt::{data_close, data_open};

/// What the fake does for the next request to the model endpoint.
#[derive(Clone, Debug)]
pub enum Step {
    /// The model answers with this JSON (as text, or as function-call arguments).
    Answer(Value),
    /// The model answers with this text, verbatim: malformed JSON, prose.
    AnswerText(String),
    /// An HTTP error with the provider's error body.
    Status(u16),
    /// 429 with `Retry-After: <seconds>`.
    RateLimited { retry_after_secs: u64 },
    /// Say nothing for this long, then answer with the default.
    Hang(Duration),
    /// The provider's content filter stops the reply (Yandex `ALTERNATIVE_STATUS_CONTENT_FILTER`,
    /// GigaChat `finish_reason: "blacklist"`, OpenAI `finish_reason: "content_filter"`).
    Filtered,
}

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    /// The raw body (JSON or a form).
    pub body: String,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// The state every fake shares: the script, the log and the violations.
pub(crate) struct Core {
    script: Mutex<VecDeque<Step>>,
    default: Mutex<Step>,
    requests: Mutex<Vec<Recorded>>,
    violations: Mutex<Vec<String>>,
}

impl Core {
    fn new(default: Step) -> Arc<Self> {
        Arc::new(Self {
            script: Mutex::new(VecDeque::new()),
            default: Mutex::new(default),
            requests: Mutex::new(Vec::new()),
            violations: Mutex::new(Vec::new()),
        })
    }

    pub(crate) fn next_step(&self) -> Step {
        self.script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| self.default.lock().unwrap().clone())
    }

    pub(crate) fn default_step(&self) -> Step {
        self.default.lock().unwrap().clone()
    }

    pub(crate) fn record(&self, r: Recorded) {
        self.requests.lock().unwrap().push(r);
    }

    /// Record the problems; `Err` carries them for the 400 answer.
    pub(crate) fn check(&self, problems: Vec<String>) -> Result<(), String> {
        if problems.is_empty() {
            return Ok(());
        }
        let joined = problems.join("; ");
        self.violations.lock().unwrap().extend(problems);
        Err(joined)
    }
}

/// The handle every fake gives its test.
#[derive(Clone)]
pub struct Handle {
    pub addr: SocketAddr,
    core: Arc<Core>,
    tls: bool,
}

impl Handle {
    /// Queue the answers to the next requests to the model endpoint, in order; after the
    /// script runs out the default step applies.
    pub fn push(&self, steps: impl IntoIterator<Item = Step>) {
        self.core.script.lock().unwrap().extend(steps);
    }
    pub fn set_default(&self, step: Step) {
        *self.core.default.lock().unwrap() = step;
    }
    /// Every request received, in order (token requests included).
    pub fn requests(&self) -> Vec<Recorded> {
        self.core.requests.lock().unwrap().clone()
    }
    /// Requests to paths ending with `suffix`.
    pub fn requests_to(&self, suffix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with(suffix))
            .collect()
    }
    /// Everything the client sent that the real service would not accept.
    pub fn violations(&self) -> Vec<String> {
        self.core.violations.lock().unwrap().clone()
    }
    /// `http://127.0.0.1:<port>`, or `https://...` for a TLS fake.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

async fn serve(router: Router, core: Arc<Core>, tls: Option<TlsIdentity>) -> Handle {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let is_tls = tls.is_some();
    match tls {
        None => {
            tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            });
        }
        Some(identity) => {
            let listener = tls::TlsListener::new(listener, identity);
            tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            });
        }
    }
    Handle {
        addr,
        core,
        tls: is_tls,
    }
}

/// The checks on the conversation every provider shares: a system message then a user
/// message (then, on a corrective retry, an assistant and a user message), and the untrusted
/// `sentinel` only inside the data block of the first user message.
pub(crate) fn check_messages(
    roles_and_texts: &[(String, String)],
    sentinel: Option<&str>,
    problems: &mut Vec<String>,
) {
    let roles: Vec<&str> = roles_and_texts.iter().map(|(r, _)| r.as_str()).collect();
    let expected_initial = ["system", "user"];
    let expected_corrective = ["system", "user", "assistant", "user"];
    if roles != expected_initial && roles != expected_corrective {
        problems.push(format!("unexpected message roles {roles:?}"));
        return;
    }
    let Some(sentinel) = sentinel else { return };
    let (_, system) = &roles_and_texts[0];
    if system.contains(sentinel) {
        problems.push("the untrusted text is in the system message".into());
    }
    let (_, user) = &roles_and_texts[1];
    let Some(first_line) = user.lines().next() else {
        problems.push("empty user message".into());
        return;
    };
    let Some(boundary) = first_line.strip_prefix("<<<DATA ") else {
        problems.push("the user message does not open with a data block".into());
        return;
    };
    if !system.contains(&data_open(boundary)) || !system.contains(&data_close(boundary)) {
        problems.push("the system message does not name the data block's boundary".into());
    }
    let close = format!("\n{}\n", data_close(boundary));
    let Some(end) = user.find(&close) else {
        problems.push("the data block is not closed".into());
        return;
    };
    let inside = &user[first_line.len()..end];
    let outside = &user[end + close.len()..];
    if !inside.contains(sentinel) {
        problems.push("the untrusted text is not inside the data block".into());
    }
    if outside.contains(sentinel) || user.matches(sentinel).count() != 1 {
        problems.push("the untrusted text appears outside the data block".into());
    }
    if inside.contains(&data_close(boundary)) {
        problems.push("the data block is closed twice".into());
    }
}

/// Is this a UUID (RFC 4122 textual form)?
pub(crate) fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok() && s.len() == 36
}
