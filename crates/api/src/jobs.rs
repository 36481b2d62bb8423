//! What the job queue parked: jobs delivered too often without success, kept for an admin
//! to look at (the dead-letter queue in the cloud, parked rows of the embedded queue).

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Query;
use otbor_app::AppState;
use axum::extract::State;
use otbor_domain::permissions::Action;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dead_letters))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ParkedJob {
    pub kind: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ParkedJobs {
    pub items: Vec<ParkedJob>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParkedParams {
    /// At most this many (1..=100, default 50), oldest first.
    pub limit: Option<usize>,
}

/// Jobs that failed too often and were parked instead of dropped (admin).
#[utoipa::path(get, path = "/api/jobs/dead-letters", tag = "jobs", params(ParkedParams),
    responses((status = 200, body = ParkedJobs), (status = 403, body = ErrorBody)))]
async fn dead_letters(State(st): State<AppState>, staff: Staff, Query(p): Query<ParkedParams>) -> ApiResult<axum::Json<ParkedJobs>> {
    staff.authorize(Action::ManageUsers)?;
    let limit = p.limit.unwrap_or(50).clamp(1, 100);
    let items = st.jobs.dead_letters(limit).await?.into_iter().map(|m| ParkedJob { kind: m.kind, payload: m.payload }).collect();
    Ok(axum::Json(ParkedJobs { items }))
}
