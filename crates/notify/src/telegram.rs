//! The Telegram Bot API: sending messages (HTML parse mode, inline keyboards), answering
//! button presses and reading updates by long polling, within Telegram's limits (about one
//! message a second per chat and thirty a second in all). A blocked bot or an unknown chat is
//! a permanent failure; a 429 or a network error is retried.

use crate::SendError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Telegram's documented ceilings, kept with a little room.
const PER_CHAT_GAP: Duration = Duration::from_millis(1000);
const GLOBAL_PER_SECOND: usize = 30;
/// The longest text a message may carry.
pub const MAX_TEXT: usize = 4096;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InlineButton {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_data: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Chat {
    pub id: i64,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct From {
    pub id: i64,
    #[serde(default)]
    pub language_code: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct IncomingMessage {
    pub message_id: i64,
    pub chat: Chat,
    #[serde(default)]
    pub from: Option<From>,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CallbackQuery {
    pub id: String,
    pub from: From,
    #[serde(default)]
    pub message: Option<IncomingMessage>,
    #[serde(default)]
    pub data: Option<String>,
}

/// One update; kinds we do not handle (edited messages, polls...) have neither field.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Update {
    pub update_id: i64,
    #[serde(default)]
    pub message: Option<IncomingMessage>,
    #[serde(default)]
    pub callback_query: Option<CallbackQuery>,
}

#[derive(Deserialize)]
struct Reply<T> {
    ok: bool,
    result: Option<T>,
    error_code: Option<u16>,
    description: Option<String>,
    parameters: Option<ReplyParameters>,
}

#[derive(Deserialize)]
struct ReplyParameters {
    retry_after: Option<u64>,
}

#[derive(Default)]
struct Limits {
    recent: VecDeque<Instant>,
    per_chat: HashMap<i64, Instant>,
}

#[derive(Clone)]
pub struct Telegram {
    http: reqwest::Client,
    base: String,
    limits: std::sync::Arc<Mutex<Limits>>,
}

impl Telegram {
    /// `api_url` is `https://api.telegram.org` unless a test points it elsewhere.
    pub fn new(api_url: &str, token: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(65)).build()?;
        Ok(Self { http, base: format!("{}/bot{token}", api_url.trim_end_matches('/')), limits: Default::default() })
    }

    /// Waits until one more message to `chat` stays within Telegram's limits, and books it.
    async fn pace(&self, chat: i64) {
        loop {
            let wait = {
                let mut l = self.limits.lock().await;
                let now = Instant::now();
                while l.recent.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1)) {
                    l.recent.pop_front();
                }
                let chat_wait = l.per_chat.get(&chat).map(|t| (*t + PER_CHAT_GAP).saturating_duration_since(now)).unwrap_or_default();
                let global_wait = if l.recent.len() >= GLOBAL_PER_SECOND {
                    (l.recent[0] + Duration::from_secs(1)).saturating_duration_since(now)
                } else {
                    Duration::ZERO
                };
                let wait = chat_wait.max(global_wait);
                if wait.is_zero() {
                    l.recent.push_back(now);
                    l.per_chat.insert(chat, now);
                    return;
                }
                wait
            };
            tokio::time::sleep(wait).await;
        }
    }

    async fn call<T: serde::de::DeserializeOwned>(&self, method: &str, body: &serde_json::Value) -> Result<T, SendError> {
        let resp = self
            .http
            .post(format!("{}/{method}", self.base))
            .json(body)
            .send()
            .await
            .map_err(|e| SendError::Transient(format!("Telegram could not be reached: {}", without_url(e))))?;
        let status = resp.status();
        let reply: Reply<T> = resp
            .json()
            .await
            .map_err(|e| SendError::Transient(format!("Telegram answered {status} with an unreadable body: {}", without_url(e))))?;
        if reply.ok {
            return reply.result.ok_or_else(|| SendError::Transient("Telegram answered ok without a result".into()));
        }
        let code = reply.error_code.unwrap_or(status.as_u16());
        let what = reply.description.unwrap_or_else(|| status.to_string());
        match code {
            429 => Err(SendError::RateLimited { retry_after: Duration::from_secs(reply.parameters.and_then(|p| p.retry_after).unwrap_or(1)) }),
            400 | 401 | 403 | 404 => Err(SendError::Permanent(format!("Telegram refused ({code}): {what}"))),
            _ => Err(SendError::Transient(format!("Telegram failed ({code}): {what}"))),
        }
    }

    /// Sends `html` (already escaped for `parse_mode: HTML`) to `chat`; returns its id.
    pub async fn send_message(&self, chat: i64, html: &str, buttons: &[Vec<InlineButton>]) -> Result<i64, SendError> {
        let text: String = if html.chars().count() > MAX_TEXT { html.chars().take(MAX_TEXT - 1).collect::<String>() + "…" } else { html.to_string() };
        let mut body = serde_json::json!({"chat_id": chat, "text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": true}});
        if !buttons.is_empty() {
            body["reply_markup"] = serde_json::json!({ "inline_keyboard": buttons });
        }
        loop {
            self.pace(chat).await;
            match self.call::<serde_json::Value>("sendMessage", &body).await {
                Ok(m) => return Ok(m.get("message_id").and_then(|v| v.as_i64()).unwrap_or_default()),
                // Telegram said how long to wait: short waits are taken here, long ones by the queue.
                Err(SendError::RateLimited { retry_after }) if retry_after <= Duration::from_secs(5) => tokio::time::sleep(retry_after).await,
                Err(e) => return Err(e),
            }
        }
    }

    pub async fn answer_callback_query(&self, id: &str, text: Option<&str>) -> Result<(), SendError> {
        let mut body = serde_json::json!({"callback_query_id": id});
        if let Some(t) = text {
            body["text"] = t.into();
        }
        self.call::<bool>("answerCallbackQuery", &body).await.map(|_| ())
    }

    /// Long polling: the updates after `offset`, waiting up to `timeout` seconds for one.
    pub async fn get_updates(&self, offset: i64, timeout: u32) -> Result<Vec<Update>, SendError> {
        let body = serde_json::json!({"offset": offset, "timeout": timeout, "allowed_updates": ["message", "callback_query"]});
        let raw: Vec<serde_json::Value> = self.call("getUpdates", &body).await?;
        // One update we cannot read must not stop the others (or the offset moving past it).
        Ok(raw
            .into_iter()
            .filter_map(|u| match serde_json::from_value::<Update>(u.clone()) {
                Ok(u) => Some(u),
                Err(e) => {
                    tracing::warn!(error = %e, "skipping an unreadable Telegram update");
                    u.get("update_id").and_then(|v| v.as_i64()).map(|id| Update { update_id: id, message: None, callback_query: None })
                }
            })
            .collect())
    }
}

/// reqwest's errors carry the URL, which holds the bot token: never log it.
fn without_url(e: reqwest::Error) -> String {
    e.without_url().to_string()
}
