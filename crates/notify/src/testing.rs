//! A wire-compatible fake of the Telegram Bot API for tests: it answers `sendMessage`,
//! `answerCallbackQuery` and `getUpdates` as Telegram does, and refuses what Telegram would
//! refuse — a wrong token, a missing chat, an empty or oversize text, HTML that Telegram's
//! parser rejects (an unknown tag, a bare `<` or `&`), a malformed keyboard, a chat that
//! blocked the bot — so a test that passes here sends what the real API accepts.

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, PartialEq)]
pub struct SentMessage {
    pub chat_id: i64,
    pub text: String,
    pub parse_mode: Option<String>,
    pub reply_markup: Option<Value>,
}

#[derive(Default)]
struct Inner {
    sent: Vec<SentMessage>,
    answered: Vec<String>,
    blocked: HashSet<i64>,
    updates: VecDeque<Value>,
    next_update: i64,
    calls: u64,
}

#[derive(Clone)]
pub struct FakeTelegram {
    pub url: String,
    pub token: String,
    inner: Arc<Mutex<Inner>>,
}

type Shared = (String, Arc<Mutex<Inner>>);

fn refuse(code: u16, description: &str) -> (http::StatusCode, Json<Value>) {
    (http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::BAD_REQUEST), Json(json!({"ok": false, "error_code": code, "description": description})))
}

fn ok(result: Value) -> (http::StatusCode, Json<Value>) {
    (http::StatusCode::OK, Json(json!({"ok": true, "result": result})))
}

/// Checks text the way Telegram's HTML parse mode reads it.
pub fn check_telegram_html(text: &str) -> Result<(), String> {
    const TAGS: &[&str] = &["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "blockquote", "span"];
    let mut open: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['<', '&', '>']) {
        let tail = &rest[i..];
        if tail.starts_with('>') {
            return Err("Bad Request: can't parse entities: unexpected end tag".into());
        }
        if tail.starts_with('&') {
            let end = tail.find(';').ok_or("Bad Request: can't parse entities: unsupported entity")?;
            if !matches!(&tail[..=end], "&lt;" | "&gt;" | "&amp;" | "&quot;") {
                return Err(format!("Bad Request: can't parse entities: unsupported entity {}", &tail[..=end]));
            }
            rest = &tail[end + 1..];
            continue;
        }
        let end = tail.find('>').ok_or("Bad Request: can't parse entities: unclosed start tag")?;
        let tag = &tail[1..end];
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop().as_deref() != Some(name) {
                return Err(format!("Bad Request: can't parse entities: unmatched end tag {name}"));
            }
        } else {
            let name = tag.split_whitespace().next().unwrap_or("");
            if !TAGS.contains(&name) {
                return Err(format!("Bad Request: can't parse entities: unsupported start tag \"{name}\""));
            }
            open.push(name.to_string());
        }
        rest = &tail[end + 1..];
    }
    match open.pop() {
        Some(t) => Err(format!("Bad Request: can't parse entities: can't find end tag corresponding to start tag \"{t}\"")),
        None => Ok(()),
    }
}

async fn method(State((token, inner)): State<Shared>, Path((bot, name)): Path<(String, String)>, Json(body): Json<Value>) -> (http::StatusCode, Json<Value>) {
    if bot.strip_prefix("bot") != Some(token.as_str()) {
        return refuse(401, "Unauthorized");
    }
    let mut s = inner.lock().unwrap();
    s.calls += 1;
    match name.as_str() {
        "sendMessage" => {
            let Some(chat_id) = body.get("chat_id").and_then(Value::as_i64) else { return refuse(400, "Bad Request: chat_id is empty") };
            let text = body.get("text").and_then(Value::as_str).unwrap_or("");
            if text.trim().is_empty() {
                return refuse(400, "Bad Request: message text is empty");
            }
            if text.chars().count() > crate::telegram::MAX_TEXT {
                return refuse(400, "Bad Request: message is too long");
            }
            let parse_mode = body.get("parse_mode").and_then(Value::as_str).map(str::to_string);
            if parse_mode.as_deref() == Some("HTML")
                && let Err(e) = check_telegram_html(text)
            {
                return refuse(400, &e);
            }
            let reply_markup = body.get("reply_markup").cloned();
            if let Some(m) = &reply_markup {
                let rows = m.get("inline_keyboard").and_then(Value::as_array);
                let valid = rows.is_some_and(|rows| {
                    rows.iter().all(|row| {
                        row.as_array().is_some_and(|bs| {
                            bs.iter().all(|b| {
                                b.get("text").and_then(Value::as_str).is_some_and(|t| !t.is_empty())
                                    && (b.get("url").is_some() ^ b.get("callback_data").is_some())
                                    && b.get("callback_data").and_then(Value::as_str).is_none_or(|d| d.len() <= 64)
                            })
                        })
                    })
                });
                if !valid {
                    return refuse(400, "Bad Request: can't parse reply keyboard markup JSON object");
                }
            }
            if s.blocked.contains(&chat_id) {
                return refuse(403, "Forbidden: bot was blocked by the user");
            }
            s.sent.push(SentMessage { chat_id, text: text.to_string(), parse_mode, reply_markup });
            let id = s.sent.len() as i64;
            ok(json!({"message_id": id, "chat": {"id": chat_id}, "date": 0, "text": text}))
        }
        "answerCallbackQuery" => match body.get("callback_query_id").and_then(Value::as_str) {
            Some(id) => {
                s.answered.push(id.to_string());
                ok(json!(true))
            }
            None => refuse(400, "Bad Request: query is too old and response timeout expired or query ID is invalid"),
        },
        "getUpdates" => {
            let offset = body.get("offset").and_then(Value::as_i64).unwrap_or(0);
            s.updates.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            ok(Value::Array(s.updates.iter().cloned().collect()))
        }
        "setWebhook" | "deleteWebhook" => ok(json!(true)),
        _ => refuse(404, "Not Found"),
    }
}

impl FakeTelegram {
    pub async fn start() -> Self {
        let token = "123456:TEST-token_abc".to_string();
        let inner: Arc<Mutex<Inner>> = Arc::new(Mutex::new(Inner { next_update: 1, ..Default::default() }));
        let app = axum::Router::new().route("/{bot}/{method}", post(method)).with_state((token.clone(), inner.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Telegram");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Self { url, token, inner }
    }

    pub fn sent(&self) -> Vec<SentMessage> {
        self.inner.lock().unwrap().sent.clone()
    }

    pub fn sent_to(&self, chat: i64) -> Vec<SentMessage> {
        self.sent().into_iter().filter(|m| m.chat_id == chat).collect()
    }

    pub fn answered_callbacks(&self) -> Vec<String> {
        self.inner.lock().unwrap().answered.clone()
    }

    pub fn block(&self, chat: i64) {
        self.inner.lock().unwrap().blocked.insert(chat);
    }

    /// Queues an update for `getUpdates` and returns it, as the webhook would receive it.
    pub fn push_update(&self, mut update: Value) -> Value {
        let mut s = self.inner.lock().unwrap();
        update["update_id"] = json!(s.next_update);
        s.next_update += 1;
        s.updates.push_back(update.clone());
        update
    }

    /// A text message from a user, as an update.
    pub fn text_update(chat: i64, text: &str) -> Value {
        json!({"message": {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": false, "first_name": "Тест", "language_code": "ru"}, "text": text}})
    }

    /// A button press, as an update.
    pub fn callback_update(chat: i64, id: &str, data: &str) -> Value {
        json!({"callback_query": {"id": id, "from": {"id": chat, "is_bot": false, "first_name": "Тест"}, "chat_instance": "1", "data": data,
            "message": {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}}}})
    }
}

/// A real SMTP server (aiosmtpd, `scripts/smtp_sink.py`) on loopback, one per test, that
/// keeps every message it accepts as raw `.eml` text. Refuses `bounce…@` recipients with a
/// permanent 550 and `busy…@` ones with a temporary 451.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile_dir::Dir,
    child: std::process::Child,
}

mod tempfile_dir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            std::fs::remove_dir_all(&self.0).ok();
        }
    }
}

impl SmtpSink {
    pub fn start() -> Self {
        use std::io::BufRead;
        let python = std::env::var("OTBOR_TEST_PYTHON").unwrap_or_else(|_| {
            panic!("OTBOR_TEST_PYTHON is not set: run `eval \"$(scripts/moto.sh start)\"` from the repository root (it installs aiosmtpd) and run the tests again")
        });
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp_sink.py");
        let dir = std::env::temp_dir().join(format!("otbor-smtp-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).expect("create the mail directory");
        let mut child = std::process::Command::new(python)
            .arg(&script)
            .arg(&dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start scripts/smtp_sink.py");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the SMTP port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("smtp_sink.py printed `{line}` instead of its port"));
        Self { port, dir: tempfile_dir::Dir(dir), child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The raw messages received so far, oldest first.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.dir.0)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect())
            .unwrap_or_default();
        files.sort();
        files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
    }

    /// Waits up to `timeout` for at least `n` messages.
    pub async fn wait_for(&self, n: usize, timeout: std::time::Duration) -> Vec<String> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let m = self.messages();
            if m.len() >= n || std::time::Instant::now() > deadline {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0));
    h.finish()
}
