//! Notifications as use cases: an event becomes a job on the queue (`notify.send`), and the
//! job sends one message per recipient and channel, each claimed by an idempotency key first
//! so that a duplicate event or a retried job sends nothing twice. A failing channel fails
//! the job, which the queue retries with backoff and then parks; nothing here can fail the
//! hiring step that raised the event. Also: the outbox, the per-candidate log, preferences,
//! company templates with a preview, and the unsubscribe link.

use crate::auth::Staff;
use crate::error::{ApiError, ApiResult, ErrorBody, What};
use crate::extract::{Json, Query, parse_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use otbor_domain::Lang;
use otbor_domain::ids::{CandidateId, UserId};
use otbor_domain::notify::{ChannelKind, DeliveryStatus, EventKind, NotificationRecord, Preferences, Recipient};
use otbor_domain::permissions::Action;
use otbor_domain::ports::JobMessage;
use otbor_domain::query::{Page, PageRequest};
use otbor_notify::templates::{self, Template};
use otbor_notify::{Rendered, SendError};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The job kind of one event to one recipient.
pub const NOTIFY_SEND: &str = "notify.send";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(candidate_log))
        .routes(routes!(get_preferences, put_preferences))
        .routes(routes!(list_templates))
        .routes(routes!(put_template, reset_template))
        .routes(routes!(preview_template))
        .routes(routes!(get_unsubscribe, post_unsubscribe))
}

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

fn prefs_key(user: UserId) -> String {
    format!("prefs/{user}")
}
fn template_key(event: EventKind, lang: Lang) -> String {
    format!("template/{}/{}", event.as_str(), lang.code())
}
/// An address that must not get email (unsubscribed or bounced), lower-cased.
fn suppress_key(address: &str) -> String {
    format!("suppress/{}", address.to_lowercase())
}
fn unsubscribe_code_key(candidate: CandidateId) -> String {
    format!("unsub-code/{candidate}")
}
fn unsubscribe_key(code: &str) -> String {
    format!("unsub/{code}")
}
pub(crate) fn telegram_of_key(recipient: &Recipient) -> String {
    format!("tg/{}", recipient.key())
}

/// A staff member's choices: their language and channels per event kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffPreferences {
    pub lang: Lang,
    #[serde(flatten)]
    pub preferences: Preferences,
}

pub(crate) async fn preferences_of(st: &AppState, user: UserId) -> ApiResult<StaffPreferences> {
    Ok(match st.records.get_entry(&prefs_key(user)).await? {
        Some(v) => serde_json::from_value(v).unwrap_or_default(),
        None => StaffPreferences::default(),
    })
}

async fn template_of(st: &AppState, event: EventKind, lang: Lang) -> ApiResult<(Template, bool)> {
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
async fn addresses(st: &AppState, notice: &Notice) -> ApiResult<(Vec<(ChannelKind, String)>, Lang, Option<String>)> {
    let mut wanted: Vec<(ChannelKind, String)> = Vec::new();
    let telegram = st.records.get_entry(&telegram_of_key(&notice.recipient)).await?.and_then(|v| v.get("chat").and_then(|c| c.as_i64()));
    let (lang, unsubscribe) = match notice.recipient {
        Recipient::Candidate(id) => {
            let c = st.records.get_candidate(id).await?.ok_or(ApiError::NotFound(What::Candidate))?;
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
            let u = st.records.get_user(id).await?.ok_or(ApiError::NotFound(What::User))?;
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
async fn unsubscribe_code(st: &AppState, candidate: CandidateId, email: &str) -> ApiResult<String> {
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

// --- HTTP --------------------------------------------------------------------------------

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationParams {
    /// Only this channel's messages (`outbox` for what a demo would have sent).
    pub channel: Option<ChannelKind>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Every message sent or refused, newest first; with `channel=outbox`, what was kept for
/// reading because no real channel is configured (admin).
#[utoipa::path(get, path = "/api/notifications", tag = "notifications", params(NotificationParams),
    responses((status = 200, body = Page<NotificationRecord>), (status = 403, body = ErrorBody)))]
async fn list_notifications(State(st): State<AppState>, staff: Staff, Query(p): Query<NotificationParams>) -> ApiResult<axum::Json<Page<NotificationRecord>>> {
    staff.authorize(Action::ManageUsers)?;
    let page = PageRequest::new(p.page, p.per_page)?;
    Ok(axum::Json(st.records.list_notifications(p.channel, page).await?))
}

/// What was sent to or about a candidate, when, on which channel, and whether it arrived.
#[utoipa::path(get, path = "/api/candidates/{id}/notifications", tag = "notifications", params(("id" = String, Path)),
    responses((status = 200, body = Vec<NotificationRecord>), (status = 404, body = ErrorBody)))]
async fn candidate_log(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<Vec<NotificationRecord>>> {
    staff.authorize(Action::ReadPipeline)?;
    let id: CandidateId = parse_id(&id)?;
    st.records.get_candidate(id).await?.ok_or(ApiError::NotFound(What::Candidate))?;
    Ok(axum::Json(st.records.notifications_for_candidate(id).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PreferencesView {
    pub lang: Lang,
    /// The channels of every event kind that goes to staff.
    pub channels: std::collections::BTreeMap<EventKind, Vec<ChannelKind>>,
    /// Whether this user's Telegram is linked to the bot.
    pub telegram_linked: bool,
    /// Whether this deployment has the bot configured at all.
    pub telegram_available: bool,
    pub email_available: bool,
}

async fn preferences_view(st: &AppState, user: UserId) -> ApiResult<PreferencesView> {
    let prefs = preferences_of(st, user).await?;
    let channels = EventKind::ALL
        .into_iter()
        .filter(|e| e.audience() == otbor_domain::notify::Audience::Staff)
        .map(|e| (e, prefs.preferences.channels_for(e)))
        .collect();
    Ok(PreferencesView {
        lang: prefs.lang,
        channels,
        telegram_linked: st.records.get_entry(&telegram_of_key(&Recipient::User(user))).await?.is_some(),
        telegram_available: st.channels.telegram.is_some() && st.channels.telegram_bot.is_some(),
        email_available: st.channels.email.is_some(),
    })
}

/// The logged-in user's notification settings.
#[utoipa::path(get, path = "/api/me/notifications", tag = "notifications", responses((status = 200, body = PreferencesView)))]
async fn get_preferences(State(st): State<AppState>, staff: Staff) -> ApiResult<axum::Json<PreferencesView>> {
    Ok(axum::Json(preferences_view(&st, staff.user.id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesUpdate {
    pub lang: Lang,
    /// Channels per event kind; an empty list turns the event off. Candidate events and the
    /// outbox cannot be chosen here.
    pub channels: std::collections::BTreeMap<EventKind, Vec<ChannelKind>>,
}

/// Changes the logged-in user's language for messages and channels per event kind.
#[utoipa::path(put, path = "/api/me/notifications", tag = "notifications", request_body = PreferencesUpdate,
    responses((status = 200, body = PreferencesView), (status = 422, body = ErrorBody)))]
async fn put_preferences(State(st): State<AppState>, staff: Staff, Json(req): Json<PreferencesUpdate>) -> ApiResult<axum::Json<PreferencesView>> {
    for (event, channels) in &req.channels {
        if event.audience() != otbor_domain::notify::Audience::Staff {
            return Err(bad("channels", "candidate_event", format!("«{}» отправляется кандидату, а не сотрудникам", event.as_str()), format!("`{}` goes to candidates, not staff", event.as_str())));
        }
        if channels.contains(&ChannelKind::Outbox) {
            return Err(bad("channels", "outbox_not_a_choice", "«outbox» нельзя выбрать: туда сообщения попадают сами, когда канал не настроен".into(), "`outbox` is not a choice: messages land there by themselves when a channel is not configured".into()));
        }
    }
    let mut channels = req.channels;
    for list in channels.values_mut() {
        list.sort();
        list.dedup();
    }
    let prefs = StaffPreferences { lang: req.lang, preferences: Preferences { channels } };
    st.records.put_entry(&prefs_key(staff.user.id), &serde_json::to_value(&prefs).map_err(|e| ApiError::Internal(e.into()))?).await?;
    Ok(axum::Json(preferences_view(&st, staff.user.id).await?))
}

fn bad(field: &str, code: &'static str, message_ru: String, message_en: String) -> ApiError {
    ApiError::BadRequest { code, detail: message_en.clone(), message_ru, message_en, field: Some(field.to_string()) }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TemplateView {
    pub event: EventKind,
    pub lang: Lang,
    pub audience: otbor_domain::notify::Audience,
    pub template: Template,
    /// The company changed it (else it is the built-in one).
    pub custom: bool,
    /// The variables the template may use.
    pub variables: Vec<String>,
}

/// Every message template in both languages, the company's own where it has one.
#[utoipa::path(get, path = "/api/notification-templates", tag = "notifications", responses((status = 200, body = Vec<TemplateView>)))]
async fn list_templates(State(st): State<AppState>, staff: Staff) -> ApiResult<axum::Json<Vec<TemplateView>>> {
    staff.authorize(Action::ReadPipeline)?;
    let mut out = Vec::new();
    for event in EventKind::ALL {
        for lang in [Lang::Ru, Lang::En] {
            let (template, custom) = template_of(&st, event, lang).await?;
            out.push(TemplateView { event, lang, audience: event.audience(), template, custom, variables: templates::variables(event) });
        }
    }
    Ok(axum::Json(out))
}

fn template_path(event: &str, lang: &str) -> ApiResult<(EventKind, Lang)> {
    let event = EventKind::parse(event).ok_or(ApiError::NotFound(What::Route))?;
    let lang = Lang::parse(lang).ok_or(ApiError::NotFound(What::Route))?;
    Ok((event, lang))
}

/// Fills the template in with example values; a template that cannot be filled in (a
/// syntax error, a variable the event does not have) is a 422 naming the part and line.
fn checked(t: &Template, event: EventKind, lang: Lang) -> ApiResult<Rendered> {
    for (part, text, max) in [("subject", &t.subject, 300), ("text", &t.text, 20_000), ("html", &t.html, 50_000)] {
        if text.trim().is_empty() || text.chars().count() > max {
            return Err(bad(part, "template_size", format!("«{part}»: пусто или длиннее {max} символов"), format!("`{part}` is empty or longer than {max} characters")));
        }
    }
    templates::render(t, &templates::sample_variables(event, lang), lang).map_err(|e| {
        let templates::TemplateError::Invalid { part, message } = &e;
        bad(part, "template_invalid", format!("шаблон не заполняется ({part}): {message}"), format!("the template cannot be filled in ({part}): {message}"))
    })
}

/// Replaces a template with the company's own (admin); it is checked first.
#[utoipa::path(put, path = "/api/notification-templates/{event}/{lang}", tag = "notifications",
    params(("event" = String, Path), ("lang" = String, Path)), request_body = Template,
    responses((status = 200, body = TemplateView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_template(State(st): State<AppState>, staff: Staff, Path((event, lang)): Path<(String, String)>, Json(t): Json<Template>) -> ApiResult<axum::Json<TemplateView>> {
    staff.authorize(Action::ManageUsers)?;
    let (event, lang) = template_path(&event, &lang)?;
    checked(&t, event, lang)?;
    st.records.put_entry(&template_key(event, lang), &serde_json::to_value(&t).map_err(|e| ApiError::Internal(e.into()))?).await?;
    tracing::info!(event = ?event, lang = ?lang, by = %staff.user.id, "template changed");
    Ok(axum::Json(TemplateView { event, lang, audience: event.audience(), template: t, custom: true, variables: templates::variables(event) }))
}

/// Goes back to the built-in template (admin).
#[utoipa::path(delete, path = "/api/notification-templates/{event}/{lang}", tag = "notifications",
    params(("event" = String, Path), ("lang" = String, Path)), responses((status = 200, body = TemplateView), (status = 403, body = ErrorBody)))]
async fn reset_template(State(st): State<AppState>, staff: Staff, Path((event, lang)): Path<(String, String)>) -> ApiResult<axum::Json<TemplateView>> {
    staff.authorize(Action::ManageUsers)?;
    let (event, lang) = template_path(&event, &lang)?;
    st.records.take_entry(&template_key(event, lang)).await?;
    let template = templates::default_template(event, lang);
    Ok(axum::Json(TemplateView { event, lang, audience: event.audience(), template, custom: false, variables: templates::variables(event) }))
}

/// The message a template gives with example values, as it would be sent.
#[utoipa::path(post, path = "/api/notification-templates/{event}/{lang}/preview", tag = "notifications",
    params(("event" = String, Path), ("lang" = String, Path)), request_body = Template,
    responses((status = 200, body = Rendered), (status = 422, body = ErrorBody)))]
async fn preview_template(staff: Staff, Path((event, lang)): Path<(String, String)>, Json(t): Json<Template>) -> ApiResult<axum::Json<Rendered>> {
    staff.authorize(Action::ReadPipeline)?;
    let (event, lang) = template_path(&event, &lang)?;
    Ok(axum::Json(checked(&t, event, lang)?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnsubscribeView {
    /// The address, partly hidden.
    pub email: String,
    pub unsubscribed: bool,
}

fn mask(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().map(String::from).unwrap_or_default()),
        None => "***".into(),
    }
}

async fn unsubscribe_entry(st: &AppState, code: &str) -> ApiResult<String> {
    if code.len() != 64 || !code.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound(What::Route));
    }
    let entry = st.records.get_entry(&unsubscribe_key(code)).await?.ok_or(ApiError::NotFound(What::Route))?;
    entry.get("email").and_then(|e| e.as_str()).map(str::to_string).ok_or(ApiError::NotFound(What::Route))
}

/// The unsubscribe link's page: whose address, and whether it already left (no login).
#[utoipa::path(get, path = "/api/unsubscribe/{code}", tag = "notifications", params(("code" = String, Path)),
    responses((status = 200, body = UnsubscribeView), (status = 404, body = ErrorBody)))]
async fn get_unsubscribe(State(st): State<AppState>, Path(code): Path<String>) -> ApiResult<axum::Json<UnsubscribeView>> {
    let email = unsubscribe_entry(&st, &code).await?;
    let unsubscribed = st.records.get_entry(&suppress_key(&email)).await?.is_some();
    Ok(axum::Json(UnsubscribeView { email: mask(&email), unsubscribed }))
}

/// Stops all email to the address of the link (no login; idempotent).
#[utoipa::path(post, path = "/api/unsubscribe/{code}", tag = "notifications", params(("code" = String, Path)),
    responses((status = 200, body = UnsubscribeView), (status = 404, body = ErrorBody)))]
async fn post_unsubscribe(State(st): State<AppState>, Path(code): Path<String>) -> ApiResult<(StatusCode, axum::Json<UnsubscribeView>)> {
    let email = unsubscribe_entry(&st, &code).await?;
    if st.records.get_entry(&suppress_key(&email)).await?.is_none() {
        st.records.put_entry(&suppress_key(&email), &serde_json::json!({"reason": "unsubscribed", "at": st.clock.now()})).await?;
        tracing::info!("a candidate unsubscribed from email");
    }
    Ok((StatusCode::OK, axum::Json(UnsubscribeView { email: mask(&email), unsubscribed: true })))
}
