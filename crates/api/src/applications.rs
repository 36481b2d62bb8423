//! Applications: assign a candidate to a vacancy, move the application through the pipeline
//! (validated by the domain, written conditionally), read its history.

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, AppError};
use crate::extract::{Json, Query, parse_id};
use otbor_app::AppState;
use crate::vacancies;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use otbor_domain::application::{Application, HistoryEntry, Status};
use otbor_domain::ids::{CandidateId, VacancyId};
use otbor_domain::permissions::Action;
use otbor_domain::query::{PageRequest, ApplicationQuery, Page};
use otbor_domain::values::search_key;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications, create_application))
        .routes(routes!(transition))
        .routes(routes!(history))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub application: Application,
    pub candidate_name: String,
    pub vacancy_title: String,
}

/// Adds the candidate's name and the vacancy's title, two lookups per page.
async fn views(st: &AppState, apps: Vec<Application>) -> ApiResult<Vec<ApplicationView>> {
    let mut cids: Vec<CandidateId> = apps.iter().map(|a| a.candidate_id).collect();
    let mut vids: Vec<VacancyId> = apps.iter().map(|a| a.vacancy_id).collect();
    cids.sort();
    cids.dedup();
    vids.sort();
    vids.dedup();
    let names: HashMap<_, _> = st.records.get_candidates(&cids).await?.into_iter().map(|c| (c.id, c.full_name)).collect();
    let titles: HashMap<_, _> = st.records.get_vacancies(&vids).await?.into_iter().map(|v| (v.id, v.title)).collect();
    Ok(apps
        .into_iter()
        .map(|a| ApplicationView {
            candidate_name: names.get(&a.candidate_id).cloned().unwrap_or_default(),
            vacancy_title: titles.get(&a.vacancy_id).cloned().unwrap_or_default(),
            application: a,
        })
        .collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationParams {
    pub vacancy_id: Option<String>,
    pub candidate_id: Option<String>,
    pub status: Option<String>,
    /// A part of the candidate's name, any case.
    pub q: Option<String>,
    pub page: Option<u32>,
    /// At most 100; 20 by default.
    pub per_page: Option<u32>,
}

/// Lists applications, newest first, filtered by vacancy, candidate, status and name.
#[utoipa::path(get, path = "/api/applications", tag = "applications", params(ApplicationParams),
    responses((status = 200, body = Page<ApplicationView>), (status = 422, body = ErrorBody)))]
async fn list_applications(State(st): State<AppState>, staff: Staff, Query(p): Query<ApplicationParams>) -> ApiResult<axum::Json<Page<ApplicationView>>> {
    staff.authorize(Action::ReadPipeline)?;
    let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
    let q = ApplicationQuery {
        vacancy_id: nonempty(&p.vacancy_id).as_deref().map(parse_id).transpose()?,
        candidate_id: nonempty(&p.candidate_id).as_deref().map(parse_id).transpose()?,
        status: nonempty(&p.status).as_deref().map(|s| Status::parse("status", s)).transpose()?,
        search: nonempty(&p.q).as_deref().map(search_key),
        page: PageRequest::new(p.page, p.per_page)?,
    };
    let page = st.records.list_applications(&q).await?;
    let items = views(&st, page.items).await?;
    Ok(axum::Json(Page { items, total: page.total, page: page.page, per_page: page.per_page }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub candidate_id: CandidateId,
    pub vacancy_id: VacancyId,
}

/// Assigns a candidate to an open vacancy.
#[utoipa::path(post, path = "/api/applications", tag = "applications", request_body = NewApplication,
    responses((status = 201, body = ApplicationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_application(State(st): State<AppState>, staff: Staff, Json(req): Json<NewApplication>) -> ApiResult<(StatusCode, axum::Json<ApplicationView>)> {
    staff.authorize(Action::WorkWithCandidates)?;
    let candidate = st.records.get_candidate(req.candidate_id).await?.ok_or(AppError::NotFound(What::Candidate))?;
    let vacancy = vacancies::load(&st, req.vacancy_id).await?;
    vacancy.ensure_open()?;
    let (app, first) = Application::new(candidate.id, vacancy.id, &staff.actor(), st.clock.now());
    st.records.insert_application(&app, &first).await?;
    tracing::info!(application_id = %app.id, by = %staff.user.id, "application created");
    let view = ApplicationView { application: app, candidate_name: candidate.full_name, vacancy_title: vacancy.title };
    Ok((StatusCode::CREATED, axum::Json(view)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: Status,
    /// Required to reject.
    pub reason: Option<String>,
    /// The version the caller saw; if the application changed since, the answer is 409.
    pub expected_version: Option<u64>,
}

/// Moves an application to another status. Illegal moves get 409 `invalid_transition`; a
/// concurrent change gets 409 `conflict`; the final decision is the vacancy manager's.
#[utoipa::path(post, path = "/api/applications/{id}/transitions", tag = "applications", params(("id" = String, Path)), request_body = TransitionRequest,
    responses((status = 200, body = ApplicationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn transition(State(st): State<AppState>, staff: Staff, Path(id): Path<String>, Json(req): Json<TransitionRequest>) -> ApiResult<axum::Json<ApplicationView>> {
    staff.authorize(Action::WorkWithCandidates)?;
    let app = st.records.get_application(parse_id(&id)?).await?.ok_or(AppError::NotFound(What::Application))?;
    if req.expected_version.is_some_and(|v| v != app.version) {
        return Err(AppError::Conflict.into());
    }
    otbor_app::evaluation::check_against_recommendation(&st, &app, req.to, req.reason.as_deref()).await?;
    let vacancy = vacancies::load(&st, app.vacancy_id).await?;
    let (next, entry) = app.transition(req.to, &staff.actor(), vacancy.manager_id, req.reason.as_deref(), st.clock.now())?;
    st.records.transition_application(&next, app.version, &entry).await?;
    tracing::info!(application_id = %app.id, from = %app.status, to = %next.status, by = %staff.user.id, "application moved");
    Ok(axum::Json(view_one(&st, next).await?))
}

/// One application with its candidate's name and vacancy's title.
pub async fn view_one(st: &AppState, a: Application) -> ApiResult<ApplicationView> {
    Ok(views(st, vec![a]).await?.remove(0))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryView {
    pub items: Vec<HistoryEntry>,
}

/// The application's status history, oldest first: from, to, who, when, why.
#[utoipa::path(get, path = "/api/applications/{id}/history", tag = "applications", params(("id" = String, Path)),
    responses((status = 200, body = HistoryView), (status = 404, body = ErrorBody)))]
async fn history(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<HistoryView>> {
    staff.authorize(Action::ReadPipeline)?;
    let id = parse_id(&id)?;
    st.records.get_application(id).await?.ok_or(AppError::NotFound(What::Application))?;
    Ok(axum::Json(HistoryView { items: st.records.history(id).await? }))
}
