//! Notifications: the templates of every message in Russian and English, and the channels
//! that carry them (email over SMTP, the Telegram Bot API). What to send to whom, and the
//! record of it, lives with the use cases (`otbor-api`); this crate knows no store.

pub mod email;
pub mod telegram;
pub mod templates;
#[cfg(feature = "testing")]
pub mod testing;

pub use templates::{Rendered, Template};

use otbor_domain::setting::Setting;
use std::time::Duration;

/// Every key [`Channels::from_vars`] reads (docs/settings.md is printed from this list).
pub const SETTINGS: &[Setting] = &[
    Setting::secret(
        "OTBOR_SMTP_URL",
        "email: `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://…:465` (TLS) or `smtp://host:25`; unset, no email (messages go to the outbox)",
    ),
    Setting::plain("OTBOR_SMTP_FROM", "", "the sender of email, `Name <address>` (required with `OTBOR_SMTP_URL`)"),
    Setting::secret("OTBOR_TELEGRAM_BOT_TOKEN", "the Telegram bot's token from @BotFather; unset, no Telegram"),
    Setting::plain("OTBOR_TELEGRAM_API_URL", "https://api.telegram.org", "the Telegram Bot API's address"),
    Setting::plain("OTBOR_TELEGRAM_BOT_NAME", "", "the bot's username, for `https://t.me/<bot>?start=<code>` links"),
    Setting::secret(
        "OTBOR_TELEGRAM_WEBHOOK_SECRET",
        "the secret Telegram sends with webhook calls (`POST /api/telegram/webhook`, the cloud shape); without it `otbor serve` reads updates by long polling",
    ),
    Setting::plain(
        "OTBOR_NOTIFY_SHARE_REASONING",
        "off",
        "`1`: a refusal tells the candidate the manager's reason",
    ),
    Setting::plain("OTBOR_NOTIFY_STRONG_MATCH", "80", "a new match at or above this score (0 to 100) tells the recruiter"),
    Setting::plain("OTBOR_NOTIFY_UTC_OFFSET", "3", "the company's offset from UTC in whole hours (-12 to 14), for times in messages"),
];

/// Why a message did not go out.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// It never will: the address bounced, the bot is blocked, the chat does not exist.
    #[error("{0}")]
    Permanent(String),
    /// It may next time: the server was down or busy.
    #[error("{0}")]
    Transient(String),
    #[error("the channel asked us to wait {retry_after:?}")]
    RateLimited { retry_after: Duration },
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }
}

/// The channels configured for this deployment. Without any, messages go to the outbox.
#[derive(Clone)]
pub struct Channels {
    pub email: Option<email::Email>,
    pub telegram: Option<telegram::Telegram>,
    /// The bot's username, for `https://t.me/<bot>?start=<code>` links.
    pub telegram_bot: Option<String>,
    /// The secret Telegram sends back in `X-Telegram-Bot-Api-Secret-Token` on webhook calls.
    pub telegram_webhook_secret: Option<secrecy::SecretString>,
    /// Tell candidates the AI's reasoning with a decision (off unless the company turns it on).
    pub share_reasoning: bool,
    /// A new match at or above this score tells the recruiter.
    pub strong_match_score: u8,
    /// The company's offset from UTC, for times in messages (Moscow, +3, by default).
    pub utc_offset_hours: i32,
}

impl Channels {
    /// Reads the keys of [`SETTINGS`] through `get`; unset or empty ones keep the default.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let email = match var("OTBOR_SMTP_URL") {
            Some(url) => {
                let from = var("OTBOR_SMTP_FROM").ok_or_else(|| anyhow::anyhow!("OTBOR_SMTP_FROM is required with OTBOR_SMTP_URL"))?;
                Some(email::Email::new(&url, &from)?)
            }
            None => None,
        };
        let telegram = match var("OTBOR_TELEGRAM_BOT_TOKEN") {
            Some(token) => Some(telegram::Telegram::new(&var("OTBOR_TELEGRAM_API_URL").unwrap_or_else(|| "https://api.telegram.org".into()), &token)?),
            None => None,
        };
        let strong_match_score = match var("OTBOR_NOTIFY_STRONG_MATCH") {
            Some(v) => v.parse::<u8>().ok().filter(|s| *s <= 100).ok_or_else(|| anyhow::anyhow!("OTBOR_NOTIFY_STRONG_MATCH must be a score from 0 to 100, not `{v}`"))?,
            None => 80,
        };
        Ok(Self {
            email,
            telegram,
            telegram_bot: var("OTBOR_TELEGRAM_BOT_NAME"),
            telegram_webhook_secret: var("OTBOR_TELEGRAM_WEBHOOK_SECRET").map(Into::into),
            share_reasoning: matches!(var("OTBOR_NOTIFY_SHARE_REASONING").as_deref(), Some("1" | "true" | "yes")),
            strong_match_score,
            utc_offset_hours: match var("OTBOR_NOTIFY_UTC_OFFSET") {
                Some(v) => v.parse::<i32>().ok().filter(|h| (-12..=14).contains(h)).ok_or_else(|| anyhow::anyhow!("OTBOR_NOTIFY_UTC_OFFSET must be whole hours from -12 to 14, not `{v}`"))?,
                None => 3,
            },
        })
    }
}

impl Default for Channels {
    /// No channel: everything goes to the outbox.
    fn default() -> Self {
        Self {
            email: None,
            telegram: None,
            telegram_bot: None,
            telegram_webhook_secret: None,
            share_reasoning: false,
            strong_match_score: 80,
            utc_offset_hours: 3,
        }
    }
}
