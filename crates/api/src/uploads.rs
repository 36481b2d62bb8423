//! Uploads: the browser asks for an upload URL bound to one key, content type and size, then
//! `PUT`s the file there. Locally the URL is this server's, checked like an S3 presigned URL
//! (secret token, expiry, declared type and size); a stored file raises "resume uploaded".

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, lang, AppError, AppResult};
use crate::extract::{Json, Query, parse_id, RawBody};
use otbor_app::AppState;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header::CONTENT_TYPE};
use otbor_domain::ids::{CandidateId, UploadId, VacancyId};
use otbor_domain::jobs::IngestResume;
use otbor_domain::permissions::Action;
use otbor_domain::ports::FileKey;
use otbor_domain::query::{Page, PageRequest};
use otbor_domain::upload::{MAX_UPLOAD_BYTES, Upload, UploadStatus};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How long an upload URL stays valid.
const UPLOAD_TTL_MINUTES: i64 = 15;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_uploads, create_upload))
        .routes(routes!(get_upload))
        .merge(OpenApiRouter::new().routes(routes!(put_content)).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES as usize + 1024)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UploadView {
    pub id: UploadId,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub vacancy_id: Option<VacancyId>,
    /// Who uploaded the file.
    pub created_by: otbor_domain::ids::UserId,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub status: UploadStatus,
    /// The candidate the file produced or updated, once done.
    pub candidate_id: Option<CandidateId>,
    /// Why intake refused the file, in the caller's language.
    pub error: Option<String>,
}

impl From<&Upload> for UploadView {
    fn from(u: &Upload) -> Self {
        UploadView {
            id: u.id,
            file_name: u.file_name.clone(),
            content_type: u.content_type.clone(),
            size: u.size,
            vacancy_id: u.vacancy_id,
            created_by: u.created_by,
            created_at: u.created_at,
            updated_at: u.updated_at,
            status: u.status.clone(),
            candidate_id: match &u.status {
                UploadStatus::Done { candidate_id, .. } => Some(*candidate_id),
                _ => None,
            },
            error: u.failure(lang()),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUpload {
    pub file_name: String,
    pub content_type: String,
    /// In bytes; at most 10 MB.
    pub size: u64,
    /// Assign the candidate to this vacancy once the resume is read.
    pub vacancy_id: Option<VacancyId>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UploadTicket {
    pub upload: UploadView,
    /// `PUT` the file here with exactly `headers`; it stops working at `expires_at`.
    pub url: String,
    pub method: &'static str,
    #[schema(value_type = Object)]
    pub headers: serde_json::Value,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// Asks for an upload URL for one resume file (PDF, DOCX, TXT, MD; up to 10 MB).
#[utoipa::path(post, path = "/api/uploads", tag = "uploads", request_body = NewUpload,
    responses((status = 201, body = UploadTicket), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_upload(State(st): State<AppState>, staff: Staff, Json(req): Json<NewUpload>) -> ApiResult<(StatusCode, axum::Json<UploadTicket>)> {
    staff.authorize(Action::WorkWithCandidates)?;
    if let Some(v) = req.vacancy_id {
        crate::vacancies::load(&st, v).await?.ensure_open()?;
    }
    let ttl = chrono::Duration::minutes(UPLOAD_TTL_MINUTES);
    let (upload, token) = Upload::new(&req.file_name, &req.content_type, req.size, req.vacancy_id, staff.user.id, st.clock.now(), ttl)?;
    st.records.insert_upload(&upload).await?;
    let direct = if st.config.direct_uploads {
        let key = key_of(&upload)?;
        st.files.presign_put(&key, &upload.content_type, upload.size, ttl.to_std().unwrap_or_default()).await?
    } else {
        None
    };
    let ticket = UploadTicket {
        url: direct.unwrap_or_else(|| format!("/api/uploads/{}/content?token={token}", upload.id)),
        method: "PUT",
        headers: serde_json::json!({ "Content-Type": upload.content_type }),
        expires_at: upload.expires_at,
        upload: UploadView::from(&upload),
    };
    Ok((StatusCode::CREATED, axum::Json(ticket)))
}

/// The file-store key of an upload; every upload is made with a valid one.
fn key_of(upload: &Upload) -> AppResult<FileKey> {
    FileKey::parse(&upload.key).map_err(|_| AppError::Internal(anyhow::anyhow!("upload {} has a bad key", upload.id)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PutParams {
    pub token: String,
}

/// Receives the file for an upload URL. Authorised by the URL's token, not by a session.
#[utoipa::path(put, path = "/api/uploads/{id}/content", tag = "uploads", params(("id" = String, Path), PutParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = UploadView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_content(State(st): State<AppState>, Path(id): Path<String>, Query(p): Query<PutParams>, headers: HeaderMap, RawBody(body): RawBody) -> ApiResult<axum::Json<UploadView>> {
    let mut upload = st.records.get_upload(parse_id(&id)?).await?.ok_or(AppError::NotFound(What::Upload))?;
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    upload
        .check_put(&p.token, content_type, body.len() as u64, st.clock.now())
        .map_err(AppError::Upload)?;
    let key = key_of(&upload)?;
    st.files.put(&key, body, &upload.content_type).await?;
    let expected = upload.version;
    upload.set_status(UploadStatus::Uploaded, st.clock.now());
    st.records.update_upload(&upload, expected).await?;
    st.jobs.enqueue(&IngestResume { upload_id: upload.id }.message()).await?;
    tracing::info!(upload_id = %upload.id, size = upload.size, "resume uploaded");
    Ok(axum::Json(UploadView::from(&upload)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadListParams {
    /// Only the caller's uploads.
    pub mine: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Uploads, newest first, with their intake status and, for failed ones, why.
#[utoipa::path(get, path = "/api/uploads", tag = "uploads", params(UploadListParams), responses((status = 200, body = Page<UploadView>)))]
async fn list_uploads(State(st): State<AppState>, staff: Staff, Query(p): Query<UploadListParams>) -> ApiResult<axum::Json<Page<UploadView>>> {
    staff.authorize(Action::ReadPipeline)?;
    let who = p.mine.unwrap_or(false).then_some(staff.user.id);
    let page = st.records.list_uploads(who, PageRequest::new(p.page, p.per_page)?).await?;
    Ok(axum::Json(page.map(|u| UploadView::from(&u))))
}

#[utoipa::path(get, path = "/api/uploads/{id}", tag = "uploads", params(("id" = String, Path)),
    responses((status = 200, body = UploadView), (status = 404, body = ErrorBody)))]
async fn get_upload(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<UploadView>> {
    staff.authorize(Action::ReadPipeline)?;
    let u = st.records.get_upload(parse_id(&id)?).await?.ok_or(AppError::NotFound(What::Upload))?;
    Ok(axum::Json(UploadView::from(&u)))
}
