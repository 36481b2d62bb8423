//! The HTTP API: one axum `Router` over the ports, served by `otbor serve` and by the Lambda
//! function alike. Each feature module has its own router; they are merged here.

pub use otbor_http::{error, extract};

pub mod applications;
pub mod auth;
pub mod candidates;
pub mod evaluation;
pub mod jobs;
pub mod interview;
pub mod matches;
pub mod notify;
pub mod recordings;
pub mod session;
pub mod telegram;
pub mod uploads;
pub mod users;
pub mod vacancies;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::middleware::{self};
use axum::response::IntoResponse;
use error::{ApiError, AppError, What};
pub use otbor_app::{AppConfig, AppState};
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Request bodies above this are refused with 413 (uploads do not go through JSON routes).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Otbor API", description = "AI-assisted candidate selection. Errors are `{\"error\": {\"code\", \"message\", \"field\"}}`; messages follow `Accept-Language` (ru, en)."),
    tags((name = "auth"), (name = "users"), (name = "vacancies"), (name = "candidates"), (name = "applications"), (name = "invites"), (name = "interview"), (name = "uploads"), (name = "matching"), (name = "jobs"), (name = "notifications"), (name = "health"))
)]
struct ApiDoc;

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .merge(auth::router())
        .merge(users::router())
        .merge(vacancies::router())
        .merge(vacancies::import_router())
        .merge(candidates::router())
        .merge(applications::router())
        .merge(interview::router())
        .merge(uploads::router())
        .merge(matches::router())
        .merge(evaluation::router())
        .merge(jobs::router())
        .merge(notify::router())
        .merge(telegram::router())
        .merge(recordings::router())
}

/// The OpenAPI document, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

/// The whole API under `/api`, with its OpenAPI document at `/api/openapi.json`.
pub fn router(state: AppState) -> Router {
    let (routes, doc) = api().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    let routes = routes
        .route("/api/openapi.json", axum::routing::get(move || async move { axum::Json((*doc).clone()) }))
        .route("/api", axum::routing::any(not_found))
        .route("/api/{*rest}", axum::routing::any(not_found))
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(otbor_http::language))
        .layer(CatchPanicLayer::custom(|_| ApiError(AppError::Internal(anyhow::anyhow!("a handler panicked"))).into_response()))
        .layer(TraceLayer::new_for_http());
    otbor_http::headers::api(routes)
}

async fn not_found() -> ApiError {
    AppError::NotFound(What::Route).into()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub backend: &'static str,
}

/// Liveness and a round trip to the records store.
#[utoipa::path(get, path = "/api/health", tag = "health", responses((status = 200, body = Health), (status = 500, body = error::ErrorBody)))]
async fn health(State(st): State<AppState>) -> Result<axum::Json<Health>, ApiError> {
    st.records.get_user(otbor_domain::ids::UserId::new()).await?;
    Ok(axum::Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), backend: st.config.backend }))
}
