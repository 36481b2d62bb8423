//! Signalling over HTTP: the browser fetches the ICE servers and posts its SDP offer; the
//! answer comes back with the worker's candidates (no trickle). The invite token in the path
//! is the only authorisation, checked through the interview functions of the API.

use crate::error::RtcError;
use crate::worker::Worker;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::middleware::{self};
use axum::response::IntoResponse;
use otbor_http::error::{ApiError, AppError, ErrorBody};
use otbor_http::extract::Json;
use otbor_app::interview::current;
use serde::{Deserialize, Serialize};
use tower_http::catch_panic::CatchPanicLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Offers are a few kilobytes; the SDP itself is checked against a smaller limit.
pub const MAX_OFFER_BODY: usize = 64 * 1024;

/// The signalling routes, for merging into the API's OpenAPI document.
pub fn api() -> OpenApiRouter<Worker> {
    OpenApiRouter::new()
        .routes(routes!(rtc_config))
        .routes(routes!(offer))
}

/// The signalling routes with their state and layers (language, body limit, panics as 500),
/// ready to be merged with the API's router: `otbor_api::router(state).merge(router(worker))`.
pub fn router(worker: Worker) -> Router {
    let (routes, _) = api().split_for_parts();
    let routes = routes
        .with_state(worker)
        .layer(DefaultBodyLimit::max(MAX_OFFER_BODY))
        .layer(middleware::from_fn(otbor_http::language))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError(AppError::Internal(anyhow::anyhow!("a signalling handler panicked"))).into_response()
        }));
    otbor_http::headers::api(routes)
}

/// The OpenAPI document of the signalling routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct IceServerView {
    pub urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// What the browser passes to `new RTCPeerConnection(...)`.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct RtcConfigView {
    pub ice_servers: Vec<IceServerView>,
}

/// The STUN/TURN servers for the candidate's browser.
#[utoipa::path(get, path = "/api/interview/{token}/rtc/config", tag = "interview", params(("token" = String, Path)),
    responses((status = 200, body = RtcConfigView), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn rtc_config(
    State(worker): State<Worker>,
    Path(token): Path<String>,
) -> Result<axum::Json<RtcConfigView>, RtcError> {
    // TURN credentials go only to holders of a valid link.
    current(worker.api(), &token).await?;
    // Time-limited credentials name the interview by its link's hash, never by the link.
    let who = otbor_domain::secret::TokenHash::of(&token).as_str()[..16].to_string();
    let now = worker.api().clock.now();
    let ice_servers = worker
        .config()
        .ice_servers
        .iter()
        .map(|s| {
            let (username, credential) = s.credentials_for(&who, now, worker.config().turn_ttl);
            IceServerView {
                urls: s.urls.clone(),
                username,
                credential,
            }
        })
        .collect();
    Ok(axum::Json(RtcConfigView { ice_servers }))
}

/// An SDP offer or answer, as `RTCSessionDescription.toJSON()` gives it.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionDescriptionView {
    /// `offer` in the request, `answer` in the response.
    #[serde(rename = "type")]
    pub kind: String,
    pub sdp: String,
}

/// Opens the voice and video session of the interview: the offer must carry the candidate's
/// audio; the interview starts or resumes at the same question; a session already open for it
/// (another tab or device) is closed with `taken_over`. 503 with `Retry-After` when the worker
/// is full (the page then offers the chat).
#[utoipa::path(post, path = "/api/interview/{token}/rtc/offer", tag = "interview", params(("token" = String, Path)), request_body = SessionDescriptionView,
    responses((status = 200, body = SessionDescriptionView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 410, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn offer(
    State(worker): State<Worker>,
    Path(token): Path<String>,
    Json(req): Json<SessionDescriptionView>,
) -> Result<axum::Json<SessionDescriptionView>, RtcError> {
    if req.kind != "offer" {
        return Err(crate::sdp::OfferError::malformed(
            format!(
                "ожидается type \"offer\", получено \"{}\"",
                req.kind.chars().take(20).collect::<String>()
            ),
            format!(
                "expected type \"offer\", got \"{}\"",
                req.kind.chars().take(20).collect::<String>()
            ),
        )
        .into());
    }
    let answer = worker.offer(&token, &req.sdp).await?;
    Ok(axum::Json(SessionDescriptionView {
        kind: "answer".into(),
        sdp: answer.sdp,
    }))
}
