//! Notifications as use cases: an event becomes a job on the queue (`notify.send`), and the
//! job sends one message per recipient and channel, each claimed by an idempotency key first
//! so that a duplicate event or a retried job sends nothing twice. A failing channel fails
//! the job, which the queue retries with backoff and then parks; nothing here can fail the
//! hiring step that raised the event. Also: the outbox, the per-candidate log, preferences,
//! company templates with a preview, and the unsubscribe link.

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, AppError, AppResult};
use crate::extract::{Json, Query, parse_id};
use otbor_app::AppState;
use otbor_app::notify::{StaffPreferences, preferences_of, prefs_key, suppress_key, telegram_of_key, template_key, template_of, unsubscribe_key};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use otbor_domain::Lang;
use otbor_domain::ids::{CandidateId, UserId};
use otbor_domain::notify::{ChannelKind, EventKind, NotificationRecord, Preferences, Recipient};
use otbor_domain::permissions::Action;
use otbor_domain::query::{Page, PageRequest};
use otbor_notify::templates::{self, Template};
use otbor_notify::Rendered;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;


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
    st.records.get_candidate(id).await?.ok_or(AppError::NotFound(What::Candidate))?;
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
            return Err(bad("channels", "candidate_event", format!("«{}» отправляется кандидату, а не сотрудникам", event.as_str()), format!("`{}` goes to candidates, not staff", event.as_str())).into());
        }
        if channels.contains(&ChannelKind::Outbox) {
            return Err(bad("channels", "outbox_not_a_choice", "«outbox» нельзя выбрать: туда сообщения попадают сами, когда канал не настроен".into(), "`outbox` is not a choice: messages land there by themselves when a channel is not configured".into()).into());
        }
    }
    let mut channels = req.channels;
    for list in channels.values_mut() {
        list.sort();
        list.dedup();
    }
    let prefs = StaffPreferences { lang: req.lang, preferences: Preferences { channels } };
    st.records.put_entry(&prefs_key(staff.user.id), &serde_json::to_value(&prefs).map_err(|e| AppError::Internal(e.into()))?).await?;
    Ok(axum::Json(preferences_view(&st, staff.user.id).await?))
}

fn bad(field: &str, code: &'static str, message_ru: String, message_en: String) -> AppError {
    AppError::BadRequest { code, detail: message_en.clone(), message_ru, message_en, field: Some(field.to_string()) }
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

fn template_path(event: &str, lang: &str) -> AppResult<(EventKind, Lang)> {
    let event = EventKind::parse(event).ok_or(AppError::NotFound(What::Route))?;
    let lang = Lang::parse(lang).ok_or(AppError::NotFound(What::Route))?;
    Ok((event, lang))
}

/// Fills the template in with example values; a template that cannot be filled in (a
/// syntax error, a variable the event does not have) is a 422 naming the part and line.
fn checked(t: &Template, event: EventKind, lang: Lang) -> AppResult<Rendered> {
    for (part, text, max) in [("subject", &t.subject, 300), ("text", &t.text, 20_000), ("html", &t.html, 50_000)] {
        if text.trim().is_empty() || text.chars().count() > max {
            return Err(bad(part, "template_size", format!("«{part}»: пусто или длиннее {max} символов"), format!("`{part}` is empty or longer than {max} characters")).into());
        }
    }
    templates::render(t, &templates::sample_variables(event, lang), lang).map_err(|e| bad(e.part(), e.code(), e.message_ru(), e.message_en()))
}

/// Replaces a template with the company's own (admin); it is checked first.
#[utoipa::path(put, path = "/api/notification-templates/{event}/{lang}", tag = "notifications",
    params(("event" = String, Path), ("lang" = String, Path)), request_body = Template,
    responses((status = 200, body = TemplateView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_template(State(st): State<AppState>, staff: Staff, Path((event, lang)): Path<(String, String)>, Json(t): Json<Template>) -> ApiResult<axum::Json<TemplateView>> {
    staff.authorize(Action::ManageUsers)?;
    let (event, lang) = template_path(&event, &lang)?;
    checked(&t, event, lang)?;
    st.records.put_entry(&template_key(event, lang), &serde_json::to_value(&t).map_err(|e| AppError::Internal(e.into()))?).await?;
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

async fn unsubscribe_entry(st: &AppState, code: &str) -> AppResult<String> {
    if code.len() != 64 || !code.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound(What::Route).into());
    }
    let entry = st.records.get_entry(&unsubscribe_key(code)).await?.ok_or(AppError::NotFound(What::Route))?;
    entry.get("email").and_then(|e| e.as_str()).map(str::to_string).ok_or(AppError::NotFound(What::Route))
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
