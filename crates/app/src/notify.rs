//! Notifications as use cases: an event becomes a job on the queue (`notify.send`), and the
//! job sends one message per recipient and channel, each claimed by an idempotency key first
//! so that a duplicate event or a retried job sends nothing twice. A failing channel fails
//! the job, which the queue retries with backoff and then parks; nothing here can fail the
//! hiring step that raised the event. Also: the outbox, the per-candidate log, preferences,
//! company templates with a preview, and the unsubscribe link.

use crate::error::{AppError, AppResult, What};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use otbor_domain::Lang;
use otbor_domain::ids::{CandidateId, UserId};
use otbor_domain::notify::{ChannelKind, DeliveryStatus, EventKind, NotificationRecord, Preferences, Recipient};
use otbor_domain::ports::JobMessage;
use otbor_notify::templates::{self, Template};
use otbor_notify::{Rendered, SendError};
use serde::{Deserialize, Serialize};


/// The job kind of one event to one recipient.
pub const NOTIFY_SEND: &str = "notify.send";

/// One event for one recipient, as it travels through the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub event: EventKind,
    pub recipient: Recipient,
    /// Names the occurrence: the same occurrence raised twice sends once.
    pub key: String,
    /// The candidate the message is about, for their log.
    pub candidate_id: Option<CandidateId>,
    /// The template's variables.
    pub vars: serde_json::Value,
    /// For candidates, the vacancy's language; staff get the language they chose.
    pub lang: Option<Lang>,
}

impl Notice {
    pub fn message(&self) -> JobMessage {
        JobMessage { kind: NOTIFY_SEND.into(), payload: serde_json::to_value(self).unwrap_or_default() }
    }
}

/// Queues a notice. A queue failure is logged, never returned: a message must not undo or
/// block the hiring step that raised it.
pub async fn raise(st: &AppState, notice: Notice) {
    if let Err(e) = st.jobs.enqueue(&notice.message()).await {
        tracing::error!(error = %e, event = ?notice.event, key = %notice.key, "could not queue a notification");
    }
}

// --- keys of the notify store's documents -------------------------------------------------

pub fn prefs_key(user: UserId) -> String {
    format!("prefs/{user}")
}

pub fn template_key(event: EventKind, lang: Lang) -> String {
    format!("template/{}/{}", event.as_str(), lang.code())
}

/// An address that must not get email (unsubscribed or bounced), lower-cased.
pub fn suppress_key(address: &str) -> String {
    format!("suppress/{}", address.to_lowercase())
}

pub fn unsubscribe_code_key(candidate: CandidateId) -> String {
    format!("unsub-code/{candidate}")
}

pub fn unsubscribe_key(code: &str) -> String {
    format!("unsub/{code}")
}

pub fn telegram_of_key(recipient: &Recipient) -> String {
    format!("tg/{}", recipient.key())
}

/// A staff member's choices: their language and channels per event kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffPreferences {
    pub lang: Lang,
    #[serde(flatten)]
    pub preferences: Preferences,
}

pub async fn preferences_of(st: &AppState, user: UserId) -> AppResult<StaffPreferences> {
    Ok(match st.records.get_entry(&prefs_key(user)).await? {
        Some(v) => serde_json::from_value(v).unwrap_or_default(),
        None => StaffPreferences::default(),
    })
}

pub async fn template_of(st: &AppState, event: EventKind, lang: Lang) -> AppResult<(Template, bool)> {
    Ok(match st.records.get_entry(&template_key(event, lang)).await? {
        Some(v) => match serde_json::from_value(v) {
            Ok(t) => (t, true),
            Err(_) => (templates::default_template(event, lang), false),
        },
        None => (templates::default_template(event, lang), false),
    })
}

/// A link into the web app: absolute when `OTBOR_PUBLIC_URL` is set (it should be wherever
/// messages leave the machine).
pub fn link(st: &AppState, path: &str) -> String {
    match &st.config.public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => format!("http://localhost:8080{path}"),
    }
}

const MONTHS_RU: [&str; 12] = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

const MONTHS_EN: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// A moment as people read it, in the company's time zone (`OTBOR_NOTIFY_UTC_OFFSET`).
pub fn human_time(st: &AppState, at: DateTime<Utc>, lang: Lang) -> String {
    use chrono::{Datelike, Timelike};
    let hours = st.channels.utc_offset_hours;
    let local = at + chrono::Duration::hours(hours as i64);
    let zone = match (hours, lang) {
        (3, Lang::Ru) => "МСК".to_string(),
        (3, Lang::En) => "Moscow time".to_string(),
        (h, _) => format!("UTC{h:+}"),
    };
    let (months, m) = (if lang == Lang::Ru { MONTHS_RU } else { MONTHS_EN }, local.month0() as usize);
    format!("{} {} {}, {:02}:{:02} ({zone})", local.day(), months[m], local.year(), local.hour(), local.minute())
}

/// Where a recipient gets messages: (channel, address), already mapped to the outbox for
/// channels this deployment has not configured.
pub async fn addresses(st: &AppState, notice: &Notice) -> AppResult<(Vec<(ChannelKind, String)>, Lang, Option<String>)> {
    let mut wanted: Vec<(ChannelKind, String)> = Vec::new();
    let telegram = st.records.get_entry(&telegram_of_key(&notice.recipient)).await?.and_then(|v| v.get("chat").and_then(|c| c.as_i64()));
    let (lang, unsubscribe) = match notice.recipient {
        Recipient::Candidate(id) => {
            let c = st.records.get_candidate(id).await?.ok_or(AppError::NotFound(What::Candidate))?;
            let mut unsubscribe = None;
            if let Some(email) = &c.email {
                wanted.push((ChannelKind::Email, email.as_str().to_string()));
                unsubscribe = Some(link(st, &format!("/unsubscribe/{}", unsubscribe_code(st, id, email.as_str()).await?)));
            }
            if let Some(chat) = telegram {
                wanted.push((ChannelKind::Telegram, chat.to_string()));
            }
            (notice.lang.unwrap_or_default(), unsubscribe)
        }
        Recipient::User(id) => {
            let u = st.records.get_user(id).await?.ok_or(AppError::NotFound(What::User))?;
            let prefs = preferences_of(st, id).await?;
            for ch in prefs.preferences.channels_for(notice.event) {
                match ch {
                    ChannelKind::Email => wanted.push((ChannelKind::Email, u.email.as_str().to_string())),
                    ChannelKind::Telegram => {
                        if let Some(chat) = telegram {
                            wanted.push((ChannelKind::Telegram, chat.to_string()))
                        }
                    }
                    ChannelKind::Outbox => wanted.push((ChannelKind::Outbox, u.email.as_str().to_string())),
                }
            }
            (prefs.lang, None)
        }
    };
    let mut out: Vec<(ChannelKind, String)> = Vec::new();
    for (ch, address) in wanted {
        let configured = match ch {
            ChannelKind::Email => st.channels.email.is_some(),
            ChannelKind::Telegram => st.channels.telegram.is_some(),
            ChannelKind::Outbox => true,
        };
        let target = if configured { (ch, address) } else { (ChannelKind::Outbox, format!("{}: {address}", ch.as_str())) };
        if !out.iter().any(|(c, _)| *c == ChannelKind::Outbox && target.0 == ChannelKind::Outbox) {
            out.push(target);
        }
    }
    Ok((out, lang, unsubscribe))
}

/// The candidate's unsubscribe code, made on first use.
pub async fn unsubscribe_code(st: &AppState, candidate: CandidateId, email: &str) -> AppResult<String> {
    if let Some(code) = st.records.get_entry(&unsubscribe_code_key(candidate)).await?.and_then(|v| v.as_str().map(str::to_string)) {
        return Ok(code);
    }
    let code = otbor_domain::secret::new_token();
    st.records.put_entry(&unsubscribe_key(&code), &serde_json::json!({"email": email, "candidate_id": candidate})).await?;
    st.records.put_entry(&unsubscribe_code_key(candidate), &serde_json::json!(code)).await?;
    Ok(code)
}

/// The text a Telegram message carries: the subject in bold, then the plain text, escaped.
fn telegram_text(r: &Rendered) -> String {
    format!("<b>{}</b>\n\n{}", templates::telegram_escape(&r.subject), templates::telegram_escape(r.text.trim()))
}

/// The `notify.send` job: sends the notice on each of the recipient's channels, once each.
#[tracing::instrument(skip_all, fields(event = ?notice.event, key = %notice.key))]
pub async fn deliver(st: &AppState, notice: Notice) -> anyhow::Result<()> {
    let (targets, lang, unsubscribe) = addresses(st, &notice).await.map_err(|e| anyhow::anyhow!("finding the recipient's addresses: {e}"))?;
    if targets.is_empty() {
        tracing::info!(recipient = %notice.recipient.key(), "no channel reaches this recipient; nothing sent");
    }
    let (template, _) = template_of(st, notice.event, lang).await.map_err(|e| anyhow::anyhow!("reading the template: {e}"))?;
    // One rendering serves every channel.
    let rendered = templates::render(&template, &notice.vars, lang);
    let mut retry: Vec<String> = Vec::new();
    for (channel, address) in targets {
        let now = st.clock.now();
        let mut record = NotificationRecord {
            key: format!("{}/{}/{}", notice.key, notice.recipient.key(), channel.as_str()),
            event: notice.event,
            recipient: notice.recipient,
            candidate_id: notice.candidate_id,
            channel,
            address: address.clone(),
            subject: rendered.as_ref().map(|r| r.subject.clone()).unwrap_or_default(),
            text: rendered.as_ref().map(|r| r.text.clone()).unwrap_or_default(),
            html: rendered.as_ref().ok().map(|r| r.html.clone()),
            status: DeliveryStatus::Sending,
            error: None,
            attempts: 0,
            created_at: now,
            updated_at: now,
        };
        if !st.records.claim_notification(&record).await? {
            match st.records.get_notification(&record.key).await? {
                // A retry of a message that failed for a while: try again, counting on.
                Some(earlier) if earlier.status == DeliveryStatus::Sending => {
                    record.attempts = earlier.attempts;
                    record.created_at = earlier.created_at;
                }
                _ => {
                    tracing::info!(key = %record.key, "already handled; not sent again");
                    continue;
                }
            }
        }
        record.attempts += 1;
        let outcome: Result<(), SendError> = match (&rendered, channel) {
            (Err(e), _) => Err(SendError::Permanent(format!("the template could not be filled in: {e}"))),
            (Ok(_), ChannelKind::Email) if st.records.get_entry(&suppress_key(&address)).await?.is_some() => {
                record.status = DeliveryStatus::Suppressed;
                record.error = Some("the address unsubscribed or bounced earlier".into());
                Ok(())
            }
            (Ok(r), ChannelKind::Email) => match &st.channels.email {
                Some(email) => email.send(&address, r, unsubscribe.as_deref()).await.map(|_| ()),
                None => Err(SendError::Permanent("email is not configured".into())),
            },
            (Ok(r), ChannelKind::Telegram) => match (&st.channels.telegram, address.parse::<i64>()) {
                (Some(tg), Ok(chat)) => tg.send_message(chat, &telegram_text(r), &[]).await.map(|_| ()),
                _ => Err(SendError::Permanent("Telegram is not configured".into())),
            },
            (Ok(_), ChannelKind::Outbox) => Ok(()),
        };
        record.updated_at = st.clock.now();
        match outcome {
            Ok(()) => {
                if record.status == DeliveryStatus::Sending {
                    record.status = DeliveryStatus::Sent;
                    record.error = None;
                }
            }
            Err(SendError::Permanent(reason)) => {
                record.status = DeliveryStatus::Failed;
                record.error = Some(reason.clone());
                match channel {
                    ChannelKind::Email if rendered.is_ok() => {
                        st.records.put_entry(&suppress_key(&address), &serde_json::json!({"reason": "bounced", "detail": reason, "at": record.updated_at})).await?;
                    }
                    // A blocked bot: stop writing to that chat until they link it again.
                    ChannelKind::Telegram if reason.contains("blocked") => {
                        st.records.take_entry(&telegram_of_key(&notice.recipient)).await?;
                    }
                    _ => {}
                }
                tracing::warn!(key = %record.key, reason = %reason, "message refused for good");
            }
            Err(e) => {
                record.error = Some(e.to_string());
                retry.push(format!("{}: {e}", channel.as_str()));
            }
        }
        st.records.update_notification(&record).await?;
    }
    if !retry.is_empty() {
        anyhow::bail!("sending failed for now, will retry: {}", retry.join("; "));
    }
    Ok(())
}
