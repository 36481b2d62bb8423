//! What the matching found: suitable open vacancies for a candidate, and recommended
//! candidates from the pool for a vacancy, each with its score and per-requirement reasons.

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, AppError};
use crate::extract::{Query, parse_id};
use otbor_app::AppState;
use axum::extract::{Path, State};
use otbor_domain::ids::{CandidateId, VacancyId};
use otbor_domain::permissions::Action;
use otbor_domain::ports::MatchRecord;
use otbor_app::documents::match_detail;
use otbor_screening::Match;
use otbor_domain::query::{ApplicationQuery, PageRequest};
use otbor_domain::vacancy::VacancyState;
use otbor_domain::{DomainError, Reason};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(candidate_matches)).routes(routes!(recommendations))
}

/// How well one candidate fits one vacancy, as computed by the screening engine.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub candidate_id: CandidateId,
    pub vacancy_id: VacancyId,
    /// 0..=100, computed by our code from the verdicts.
    pub score: u8,
    /// The per-requirement verdicts with their evidence, as the engine produced them (none
    /// when another engine's detail cannot be read).
    pub detail: Option<Match>,
    /// Which engine and rubric version produced it.
    pub engine: String,
    pub computed_at: chrono::DateTime<chrono::Utc>,
    pub candidate_name: String,
    pub vacancy_title: String,
    /// The candidate already has an application to the vacancy.
    pub applied: bool,
}

impl MatchView {
    fn new(m: MatchRecord, candidate_name: String, vacancy_title: String, applied: bool) -> Self {
        MatchView {
            detail: match_detail(&m),
            candidate_id: m.candidate_id,
            vacancy_id: m.vacancy_id,
            score: m.score,
            engine: m.engine,
            computed_at: m.computed_at,
            candidate_name,
            vacancy_title,
            applied,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MatchList {
    pub items: Vec<MatchView>,
}

/// The (candidate, vacancy) pairs that already have an application.
async fn applied_pairs(st: &AppState, candidate: Option<CandidateId>, vacancy: Option<VacancyId>) -> ApiResult<HashSet<(CandidateId, VacancyId)>> {
    let q = ApplicationQuery { candidate_id: candidate, vacancy_id: vacancy, page: PageRequest::all(), ..Default::default() };
    Ok(st.records.list_applications(&q).await?.items.iter().map(|a| (a.candidate_id, a.vacancy_id)).collect())
}

/// Open vacancies that suit the candidate, best first.
#[utoipa::path(get, path = "/api/candidates/{id}/matches", tag = "matching", params(("id" = String, Path)),
    responses((status = 200, body = MatchList), (status = 404, body = ErrorBody)))]
async fn candidate_matches(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<MatchList>> {
    staff.authorize(Action::ReadPipeline)?;
    let c = st.records.get_candidate(parse_id(&id)?).await?.ok_or(AppError::NotFound(What::Candidate))?;
    let records = st.records.matches_for_candidate(c.id).await?;
    let ids: Vec<VacancyId> = records.iter().map(|m| m.vacancy_id).collect();
    let open: HashMap<VacancyId, String> = st
        .records
        .get_vacancies(&ids)
        .await?
        .into_iter()
        .filter(|v| v.state == VacancyState::Open)
        .map(|v| (v.id, v.title))
        .collect();
    let applied = applied_pairs(&st, Some(c.id), None).await?;
    let items = records
        .into_iter()
        .filter_map(|m| {
            let title = open.get(&m.vacancy_id)?.clone();
            let was_applied = applied.contains(&(m.candidate_id, m.vacancy_id));
            Some(MatchView::new(m, c.full_name.clone(), title, was_applied))
        })
        .collect();
    Ok(axum::Json(MatchList { items }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecommendationParams {
    /// How many, best first (1..=100, default 20).
    pub limit: Option<u32>,
}

/// The best candidates in the pool for the vacancy, with their scores and reasons.
#[utoipa::path(get, path = "/api/vacancies/{id}/recommendations", tag = "matching", params(("id" = String, Path), RecommendationParams),
    responses((status = 200, body = MatchList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn recommendations(State(st): State<AppState>, staff: Staff, Path(id): Path<String>, Query(p): Query<RecommendationParams>) -> ApiResult<axum::Json<MatchList>> {
    staff.authorize(Action::ReadPipeline)?;
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(DomainError::invalid("limit", Reason::OutOfRange { min: 1, max: 100 }).into());
    }
    let v = crate::vacancies::load(&st, parse_id(&id)?).await?;
    // A candidate who meets nothing is not a recommendation.
    let records: Vec<MatchRecord> = st.records.matches_for_vacancy(v.id, limit as usize).await?.into_iter().filter(|m| m.score > 0).collect();
    let ids: Vec<CandidateId> = records.iter().map(|m| m.candidate_id).collect();
    let names: HashMap<CandidateId, String> = st.records.get_candidates(&ids).await?.into_iter().map(|c| (c.id, c.full_name)).collect();
    let applied = applied_pairs(&st, None, Some(v.id)).await?;
    let items = records
        .into_iter()
        .filter_map(|m| {
            let name = names.get(&m.candidate_id)?.clone();
            let was_applied = applied.contains(&(m.candidate_id, m.vacancy_id));
            Some(MatchView::new(m, name, v.title.clone(), was_applied))
        })
        .collect();
    Ok(axum::Json(MatchList { items }))
}
