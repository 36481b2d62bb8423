//! Vacancies: list with per-stage counts and the funnel, create, edit, close; invites.

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, AppError, AppResult};
use crate::extract::{Json, Query, parse_id};
use otbor_app::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use otbor_domain::application::Application;
use otbor_domain::ids::{ApplicationId, CandidateId, InviteId, VacancyId};
use otbor_domain::invite::{Invite, InviteKind};
use otbor_domain::permissions::Action;
use otbor_domain::ports::StoreError;
use otbor_domain::query::{ApplicationQuery, Page, PageRequest, VacancyQuery};
use otbor_domain::vacancy::{StageCount, Vacancy, VacancyFields, VacancyState, VacancyStats};
use otbor_domain::values::search_key;
use otbor_domain::{DomainError, Reason};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_vacancies, create_vacancy))
        .routes(routes!(get_vacancy, update_vacancy))
        .routes(routes!(close_vacancy))
        .routes(routes!(create_invite))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VacancyView {
    #[serde(flatten)]
    pub vacancy: Vacancy,
    pub stats: VacancyStats,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VacancyParams {
    /// `open` (default), `closed` or `all`.
    pub state: Option<String>,
    /// A part of the title, any case.
    pub q: Option<String>,
    pub page: Option<u32>,
    /// At most 100; 20 by default.
    pub per_page: Option<u32>,
}

async fn with_stats(st: &AppState, vacancies: Vec<Vacancy>) -> ApiResult<Vec<VacancyView>> {
    let ids: Vec<VacancyId> = vacancies.iter().map(|v| v.id).collect();
    let rows = st.records.stage_counts(&ids).await?;
    Ok(vacancies
        .into_iter()
        .map(|v| {
            let mine: Vec<&StageCount> = rows.iter().filter(|r| r.vacancy_id == v.id).collect();
            VacancyView { stats: VacancyStats::from_rows(mine), vacancy: v }
        })
        .collect())
}

/// Queues matching the pool against the vacancy (or clearing its matches once closed).
async fn rematch(st: &AppState, vacancy_id: VacancyId) -> ApiResult<()> {
    st.jobs.enqueue(&otbor_domain::jobs::MatchVacancy { vacancy_id }.message()).await?;
    Ok(())
}

pub async fn load(st: &AppState, id: VacancyId) -> AppResult<Vacancy> {
    st.records.get_vacancy(id).await?.ok_or(AppError::NotFound(What::Vacancy))
}

/// Lists vacancies with the number of applications in each status and the funnel.
#[utoipa::path(get, path = "/api/vacancies", tag = "vacancies", params(VacancyParams),
    responses((status = 200, body = Page<VacancyView>)))]
async fn list_vacancies(State(st): State<AppState>, staff: Staff, Query(p): Query<VacancyParams>) -> ApiResult<axum::Json<Page<VacancyView>>> {
    staff.authorize(Action::ReadPipeline)?;
    let state = match p.state.as_deref().unwrap_or("open") {
        "open" => Some(VacancyState::Open),
        "closed" => Some(VacancyState::Closed),
        "all" => None,
        _ => return Err(DomainError::invalid("state", Reason::Unknown { allowed: &["open", "closed", "all"] }).into()),
    };
    let q = VacancyQuery { state, search: p.q.as_deref().map(search_key).filter(|s| !s.is_empty()), page: PageRequest::new(p.page, p.per_page)? };
    let page = st.records.list_vacancies(&q).await?;
    let items = with_stats(&st, page.items).await?;
    Ok(axum::Json(Page { items, total: page.total, page: page.page, per_page: page.per_page }))
}

/// Creates a vacancy owned by the calling manager.
#[utoipa::path(post, path = "/api/vacancies", tag = "vacancies", request_body = VacancyFields,
    responses((status = 201, body = VacancyView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_vacancy(State(st): State<AppState>, staff: Staff, Json(f): Json<VacancyFields>) -> ApiResult<(StatusCode, axum::Json<VacancyView>)> {
    staff.authorize(Action::CreateVacancy)?;
    let v = Vacancy::new(&f, staff.user.id, st.clock.now())?;
    st.records.insert_vacancy(&v).await?;
    rematch(&st, v.id).await?;
    tracing::info!(vacancy_id = %v.id, by = %staff.user.id, "vacancy created");
    Ok((StatusCode::CREATED, axum::Json(VacancyView { vacancy: v, stats: VacancyStats::from_rows([]) })))
}

#[utoipa::path(get, path = "/api/vacancies/{id}", tag = "vacancies", params(("id" = String, Path)),
    responses((status = 200, body = VacancyView), (status = 404, body = ErrorBody)))]
async fn get_vacancy(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<VacancyView>> {
    staff.authorize(Action::ReadPipeline)?;
    let v = load(&st, parse_id(&id)?).await?;
    Ok(axum::Json(with_stats(&st, vec![v]).await?.remove(0)))
}

/// Edits a vacancy (its manager or an admin); absent fields stay as they are.
#[utoipa::path(patch, path = "/api/vacancies/{id}", tag = "vacancies", params(("id" = String, Path)), request_body = VacancyFields,
    responses((status = 200, body = VacancyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn update_vacancy(State(st): State<AppState>, staff: Staff, Path(id): Path<String>, Json(f): Json<VacancyFields>) -> ApiResult<axum::Json<VacancyView>> {
    let mut v = load(&st, parse_id(&id)?).await?;
    staff.authorize(Action::EditVacancy { owner: v.manager_id })?;
    let expected = v.version;
    v.apply(&f, st.clock.now())?;
    st.records.update_vacancy(&v, expected).await?;
    rematch(&st, v.id).await?;
    Ok(axum::Json(with_stats(&st, vec![v]).await?.remove(0)))
}

/// Closes a vacancy: no new applications or invites; the pipeline stays readable.
#[utoipa::path(post, path = "/api/vacancies/{id}/close", tag = "vacancies", params(("id" = String, Path)),
    responses((status = 200, body = VacancyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn close_vacancy(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<VacancyView>> {
    let mut v = load(&st, parse_id(&id)?).await?;
    staff.authorize(Action::EditVacancy { owner: v.manager_id })?;
    if v.state == VacancyState::Open {
        let expected = v.version;
        v.close(st.clock.now());
        st.records.update_vacancy(&v, expected).await?;
        rematch(&st, v.id).await?;
        tracing::info!(vacancy_id = %v.id, by = %staff.user.id, "vacancy closed");
    }
    Ok(axum::Json(with_stats(&st, vec![v]).await?.remove(0)))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvite {
    /// An existing candidate (a personal link); absent for an open link where the candidate
    /// enters their own details.
    pub candidate_id: Option<CandidateId>,
    /// Send the personal link to the candidate (email, Telegram; the outbox when neither is
    /// configured). On by default; off to hand the link over yourself.
    pub send: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InviteView {
    pub id: InviteId,
    pub vacancy_id: VacancyId,
    pub application_id: Option<ApplicationId>,
    pub kind: InviteKind,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedInvite {
    pub invite: InviteView,
    /// Shown once: only its hash is stored.
    pub token: String,
    /// The candidate's page: a path, or an absolute URL when `OTBOR_PUBLIC_URL` is set.
    pub url: String,
}

/// Creates an interview link for an existing candidate (assigning them to the vacancy if
/// needed) or an open link.
#[utoipa::path(post, path = "/api/vacancies/{id}/invites", tag = "invites", params(("id" = String, Path)), request_body = NewInvite,
    responses((status = 201, body = CreatedInvite), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_invite(State(st): State<AppState>, staff: Staff, Path(id): Path<String>, Json(req): Json<NewInvite>) -> ApiResult<(StatusCode, axum::Json<CreatedInvite>)> {
    staff.authorize(Action::WorkWithCandidates)?;
    let vacancy = load(&st, parse_id(&id)?).await?;
    vacancy.ensure_open()?;
    let now = st.clock.now();
    let (kind, bound, candidate) = match req.candidate_id {
        None => (InviteKind::Open, None, None),
        Some(cid) => {
            let c = st.records.get_candidate(cid).await?.ok_or(AppError::NotFound(What::Candidate))?;
            let app = application_for(&st, &staff, c.id, vacancy.id).await?;
            (InviteKind::Personal, Some((c.id, app.id)), Some(c))
        }
    };
    let (invite, token) = Invite::new(kind, vacancy.id, bound, staff.user.id, now, st.config.invite_ttl);
    st.records.insert_invite(&invite).await?;
    tracing::info!(invite_id = %invite.id, vacancy_id = %vacancy.id, kind = ?kind, "invite created");
    if let Some(c) = &candidate
        && req.send.unwrap_or(true)
    {
        otbor_app::notices::invitation(&st, &invite, &token, c, &vacancy).await;
    }
    let path = format!("/i/{token}");
    let url = match &st.config.public_url {
        Some(base) => format!("{base}{path}"),
        None => path,
    };
    let view = InviteView { id: invite.id, vacancy_id: invite.vacancy_id, application_id: invite.application_id, kind, expires_at: invite.expires_at };
    Ok((StatusCode::CREATED, axum::Json(CreatedInvite { invite: view, token, url })))
}

/// The candidate's application to the vacancy, created if there is none yet.
async fn application_for(st: &AppState, staff: &Staff, candidate: CandidateId, vacancy: VacancyId) -> AppResult<Application> {
    let q = ApplicationQuery { candidate_id: Some(candidate), vacancy_id: Some(vacancy), page: PageRequest::default(), ..Default::default() };
    if let Some(a) = st.records.list_applications(&q).await?.items.into_iter().next() {
        return Ok(a);
    }
    let (app, first) = Application::new(candidate, vacancy, &staff.actor(), st.clock.now());
    match st.records.insert_application(&app, &first).await {
        Ok(()) => Ok(app),
        // Someone assigned them a moment ago: use theirs.
        Err(StoreError::Duplicate(_)) => st.records.list_applications(&q).await?.items.into_iter().next().ok_or(AppError::Conflict),
        Err(e) => Err(e.into()),
    }
}

pub fn import_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_vacancy))
        .layer(axum::extract::DefaultBodyLimit::max(otbor_domain::upload::MAX_UPLOAD_BYTES as usize + 64 * 1024))
}

/// A vacancy read from a file, for the manager to check, edit and save.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VacancyDraftView {
    pub title: String,
    pub description: String,
    pub requirements: Vec<otbor_domain::vacancy::Requirement>,
    pub min_experience_years: Option<u8>,
    pub location: Option<String>,
    pub remote: bool,
    pub language: otbor_domain::Lang,
    /// What the reader noticed (hidden text, instructions aimed at the screener).
    pub flags: Vec<String>,
}

/// Turns a vacancy file (PDF, DOCX, TXT, MD; multipart field `file`) into a draft. Nothing is
/// saved: the manager edits the draft and creates the vacancy with `POST /api/vacancies`.
#[utoipa::path(post, path = "/api/vacancies/import", tag = "vacancies",
    request_body(content_type = "multipart/form-data", description = "field `file`: the vacancy document"),
    responses((status = 200, body = VacancyDraftView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_vacancy(State(_st): State<AppState>, staff: Staff, crate::extract::Form(mut form): crate::extract::Form) -> ApiResult<axum::Json<VacancyDraftView>> {
    staff.authorize(Action::CreateVacancy)?;
    let bad_form = |e: String| AppError::BadRequest {
        code: "bad_multipart",
        message_ru: "ожидается форма multipart/form-data с полем file".into(),
        message_en: "expected a multipart/form-data form with a `file` field".into(),
        field: Some("file".into()),
        detail: e,
    };
    let mut file = None;
    let multipart_error = |e: axum::extract::multipart::MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
        _ => bad_form(e.body_text()),
    };
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("vacancy.txt").to_string();
            let ct = field.content_type().unwrap_or("application/octet-stream").to_string();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            file = Some((name, ct, bytes));
        }
    }
    let (name, ct, bytes) = file.ok_or_else(|| bad_form("no `file` field".into()))?;
    let extracted = tokio::task::spawn_blocking(move || {
        otbor_screening::extract_isolated(&bytes, &name, &ct, &otbor_screening::IsolateConfig::default())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Unreadable {
        code: e.code(),
        message_ru: e.message(otbor_domain::Lang::Ru),
        message_en: e.message(otbor_domain::Lang::En),
    })?;
    let d = otbor_screening::parse_vacancy(&extracted);
    Ok(axum::Json(VacancyDraftView {
        title: d.title,
        description: d.description,
        requirements: d.requirements,
        min_experience_years: d.min_experience_years,
        location: d.location,
        remote: d.remote,
        language: d.language,
        flags: extracted.flags.iter().map(|f| f.detail.clone()).collect(),
    }))
}
