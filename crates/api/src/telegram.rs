//! Telegram over HTTP: staff ask for their one-time link to the bot or unlink it, and the
//! bot's webhook (the secret header checked) hands updates to the bot in `otbor_app::telegram`.

use crate::session::Staff;
use crate::error::{ApiResult, AppError, ErrorBody, What};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use otbor_app::{AppState, telegram};
use otbor_notify::telegram::Update;
use secrecy::ExposeSecret;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(link_me, unlink_me)).routes(routes!(webhook))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TelegramLink {
    /// Open it on a device with Telegram and press Start.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

fn not_configured() -> AppError {
    AppError::BadRequest {
        code: "telegram_not_configured",
        message_ru: "Telegram-бот не настроен в этой установке".into(),
        message_en: "the Telegram bot is not configured here".into(),
        field: None,
        detail: "OTBOR_TELEGRAM_BOT_TOKEN or OTBOR_TELEGRAM_BOT_NAME is not set".into(),
    }
}

/// A one-time deep link that ties the logged-in user's Telegram to the bot.
#[utoipa::path(post, path = "/api/me/telegram", tag = "notifications",
    responses((status = 200, body = TelegramLink), (status = 400, body = ErrorBody)))]
async fn link_me(State(st): State<AppState>, staff: Staff) -> ApiResult<axum::Json<TelegramLink>> {
    let bot = st.channels.telegram_bot.clone().filter(|_| st.channels.telegram.is_some()).ok_or_else(not_configured)?;
    let (code, expires_at) = otbor_app::telegram_codes::staff_code(&st, staff.user.id).await?;
    Ok(axum::Json(TelegramLink { url: format!("https://t.me/{bot}?start={code}"), expires_at }))
}

/// Unlinks the logged-in user's Telegram.
#[utoipa::path(delete, path = "/api/me/telegram", tag = "notifications", responses((status = 204)))]
async fn unlink_me(State(st): State<AppState>, staff: Staff) -> ApiResult<StatusCode> {
    telegram::unlink(&st, staff.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Telegram's webhook: the update is handled only if the secret header matches.
#[utoipa::path(post, path = "/api/telegram/webhook", tag = "notifications", request_body(content = Object, description = "a Telegram Update"),
    responses((status = 200), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn webhook(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<StatusCode> {
    use subtle::ConstantTimeEq;
    let (Some(tg), Some(secret)) = (&st.channels.telegram, &st.channels.telegram_webhook_secret) else {
        return Err(AppError::NotFound(What::Route).into());
    };
    let given = headers.get("x-telegram-bot-api-secret-token").map(|v| v.as_bytes()).unwrap_or_default();
    if !bool::from(given.ct_eq(secret.expose_secret().as_bytes())) {
        tracing::warn!("a webhook call without the right secret was refused");
        return Err(AppError::WebhookSecret.into());
    }
    let update: Update = serde_json::from_slice(&body).map_err(|e| AppError::BadRequest {
        code: "bad_update",
        message_ru: "тело запроса — не обновление Telegram".into(),
        message_en: "the body is not a Telegram update".into(),
        field: None,
        detail: e.to_string(),
    })?;
    // Handled here and answered 200 even if it failed: Telegram would otherwise resend it
    // for a day. Failures are logged, and the person gets a message saying what went wrong.
    telegram::handle_update(&st, tg, &update).await;
    Ok(StatusCode::OK)
}
