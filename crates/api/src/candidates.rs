//! Candidates: the talent pool, searchable and filterable, created and edited by staff.

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, AppError, AppResult};
use crate::extract::{Json, Query, parse_id};
use otbor_app::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use otbor_domain::application::Status;
use otbor_domain::candidate::{Candidate, CandidateFields, ResumeFile};
use otbor_domain::ids::CandidateId;
use otbor_domain::permissions::Action;
use otbor_domain::query::{PageRequest, CandidateQuery, CandidateSort, Page};
use otbor_domain::values::{Email, Phone, search_key};
use otbor_app::profile::{StoredProfile, stored_profile};
use otbor_domain::{DomainError, Reason};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_candidates, create_candidate))
        .routes(routes!(get_candidate, update_candidate))
        .routes(routes!(resume_file))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateParams {
    /// A part of the name, any case.
    pub q: Option<String>,
    pub source: Option<String>,
    /// Only candidates with an application to this vacancy.
    pub vacancy_id: Option<String>,
    /// Only candidates with an application in this status (to `vacancy_id` if given).
    pub status: Option<String>,
    /// `name`, `created_at` (default) or `updated_at`.
    pub sort: Option<String>,
    /// `asc` or `desc` (default for dates) .
    pub order: Option<String>,
    pub page: Option<u32>,
    /// At most 100; 20 by default.
    pub per_page: Option<u32>,
}

impl CandidateParams {
    fn query(&self) -> ApiResult<CandidateQuery> {
        let sort = match self.sort.as_deref().unwrap_or("created_at") {
            "name" => CandidateSort::Name,
            "created_at" => CandidateSort::CreatedAt,
            "updated_at" => CandidateSort::UpdatedAt,
            _ => return Err(DomainError::invalid("sort", Reason::Unknown { allowed: &["name", "created_at", "updated_at"] }).into()),
        };
        let descending = match self.order.as_deref() {
            None => sort != CandidateSort::Name,
            Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(DomainError::invalid("order", Reason::Unknown { allowed: &["asc", "desc"] }).into()),
        };
        Ok(CandidateQuery {
            search: self.q.as_deref().map(search_key).filter(|s| !s.is_empty()),
            source: self.source.as_deref().map(search_key).filter(|s| !s.is_empty()),
            vacancy_id: self.vacancy_id.as_deref().filter(|s| !s.is_empty()).map(parse_id).transpose()?,
            status: self.status.as_deref().filter(|s| !s.is_empty()).map(|s| Status::parse("status", s)).transpose()?,
            sort,
            descending,
            page: PageRequest::new(self.page, self.per_page)?,
        })
    }
}

/// A candidate as staff see them: the record, with the profile intake read from their resume.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CandidateView {
    pub id: CandidateId,
    pub full_name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub location: Option<String>,
    /// Where the candidate came from: "hh.ru", "linkedin", "referral", "manual", ...
    pub source: Option<String>,
    pub resume_files: Vec<ResumeFile>,
    /// The parsed profile with provenance (filled by resume intake).
    pub profile: Option<StoredProfile>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: u64,
}

impl From<Candidate> for CandidateView {
    fn from(c: Candidate) -> Self {
        CandidateView {
            profile: stored_profile(&c),
            id: c.id,
            full_name: c.full_name,
            email: c.email,
            phone: c.phone,
            location: c.location,
            source: c.source,
            resume_files: c.resume_files,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

pub async fn load(st: &AppState, id: &str) -> AppResult<Candidate> {
    st.records.get_candidate(parse_id(id)?).await?.ok_or(AppError::NotFound(What::Candidate))
}

/// Lists candidates: search by name, filter by source, vacancy and status, sort, paginate.
#[utoipa::path(get, path = "/api/candidates", tag = "candidates", params(CandidateParams),
    responses((status = 200, body = Page<CandidateView>), (status = 422, body = ErrorBody)))]
async fn list_candidates(State(st): State<AppState>, staff: Staff, Query(p): Query<CandidateParams>) -> ApiResult<axum::Json<Page<CandidateView>>> {
    staff.authorize(Action::ReadPipeline)?;
    Ok(axum::Json(st.records.list_candidates(&p.query()?).await?.map(CandidateView::from)))
}

/// Adds a candidate to the pool.
#[utoipa::path(post, path = "/api/candidates", tag = "candidates", request_body = CandidateFields,
    responses((status = 201, body = CandidateView), (status = 422, body = ErrorBody)))]
async fn create_candidate(State(st): State<AppState>, staff: Staff, Json(f): Json<CandidateFields>) -> ApiResult<(StatusCode, axum::Json<CandidateView>)> {
    staff.authorize(Action::WorkWithCandidates)?;
    let c = Candidate::new(&f, st.clock.now())?;
    st.records.insert_candidate(&c).await?;
    tracing::info!(candidate_id = %c.id, by = %staff.user.id, "candidate created");
    Ok((StatusCode::CREATED, axum::Json(c.into())))
}

#[utoipa::path(get, path = "/api/candidates/{id}", tag = "candidates", params(("id" = String, Path)),
    responses((status = 200, body = CandidateView), (status = 404, body = ErrorBody)))]
async fn get_candidate(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<CandidateView>> {
    staff.authorize(Action::ReadPipeline)?;
    Ok(axum::Json(load(&st, &id).await?.into()))
}

/// Edits a candidate; absent fields stay, an empty string clears an optional one.
#[utoipa::path(patch, path = "/api/candidates/{id}", tag = "candidates", params(("id" = String, Path)), request_body = CandidateFields,
    responses((status = 200, body = CandidateView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_candidate(State(st): State<AppState>, staff: Staff, Path(id): Path<String>, Json(f): Json<CandidateFields>) -> ApiResult<axum::Json<CandidateView>> {
    staff.authorize(Action::WorkWithCandidates)?;
    let mut c = load(&st, &id).await?;
    let expected = c.version;
    c.apply(&f, st.clock.now())?;
    st.records.update_candidate(&c, expected).await?;
    Ok(axum::Json(c.into()))
}

/// The original of one of the candidate's resume files (0 is the first uploaded).
#[utoipa::path(get, path = "/api/candidates/{id}/files/{index}", tag = "candidates", params(("id" = String, Path), ("index" = usize, Path)),
    responses((status = 200, description = "the file as uploaded", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
async fn resume_file(State(st): State<AppState>, staff: Staff, Path((id, index)): Path<(String, String)>) -> ApiResult<axum::response::Response> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
    use axum::response::IntoResponse;
    staff.authorize(Action::ReadPipeline)?;
    let c = load(&st, &id).await?;
    let file = index
        .parse::<usize>()
        .ok()
        .and_then(|i| c.resume_files.get(i))
        .ok_or(AppError::NotFound(What::ResumeFile))?;
    let key = otbor_domain::ports::FileKey::parse(&file.key).map_err(|_| AppError::NotFound(What::ResumeFile))?;
    let stored = match st.files.get(&key).await {
        Ok(f) => f,
        Err(otbor_domain::ports::StoreError::NotFound) => return Err(AppError::NotFound(What::ResumeFile).into()),
        Err(e) => return Err(e.into()),
    };
    // Served as an attachment so that a hostile file never runs in our origin.
    let ascii_name: String = file.file_name.chars().map(|ch| if ch.is_ascii_alphanumeric() || ".-_".contains(ch) { ch } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}", percent(&file.file_name));
    Ok((
        [(CONTENT_TYPE, stored.content_type), (CONTENT_DISPOSITION, disposition), (X_CONTENT_TYPE_OPTIONS, "nosniff".into())],
        stored.body,
    )
        .into_response())
}

/// RFC 5987 percent-encoding of a file name.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b".-_~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
