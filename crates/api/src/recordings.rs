//! Recordings of voice and video interviews for staff: the sessions of an application with
//! their chapters (one per question), a short-lived link to the playable file that a
//! `<video src>` can use without headers (redirected to a presigned S3 URL in the cloud,
//! streamed from disk with Range support on one machine), and the scheduled deletion of
//! recordings older than the retention period.
//!
//! The media worker writes one index entry per session (`recordings/{application}/{session}`
//! in the records store), because the file store cannot list; the files themselves are under
//! the same prefix in the recordings store (`AppState::recordings`: the recordings bucket in
//! the cloud, the main file store on one machine).

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody, What, AppError};
use crate::extract::{Query, parse_id};
use otbor_app::AppState;
use otbor_app::recordings::{ChapterMark, LINK_TTL, Link, MarkKind, RecordingEntry, index_key, link_key};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use otbor_domain::ids::ApplicationId;
use otbor_domain::permissions::Action;
use otbor_domain::ports::FileKey;
use otbor_domain::secret::{TokenHash, new_token};
use serde::{Deserialize, Serialize};
use tower_http::services::ServeFile;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;


pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_recordings)).routes(routes!(recording_file))
}

/// One question of a recording: where it starts and what was said.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChapterView {
    /// The question's turn number in the transcript.
    pub number: u32,
    pub question: String,
    /// Since the start of the file.
    pub start_ms: u64,
    /// The candidate's answer to it, if one was given in this session.
    pub answer: Option<String>,
    /// The answer's turn number (interview quotes in the evaluation name it).
    pub answer_number: Option<u32>,
    pub answer_ms: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordingView {
    pub session_id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration_ms: u64,
    pub chapters: Vec<ChapterView>,
    /// A link to the playable file (WebM), valid until `url_expires_at`; `None` while the
    /// session is going on or when its segments could not be joined.
    pub url: Option<String>,
    pub url_expires_at: Option<DateTime<Utc>>,
    pub content_type: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordingList {
    /// Oldest first.
    pub recordings: Vec<RecordingView>,
    /// How long recordings are kept.
    pub retention_days: u32,
}

/// The recorded voice and video sessions of an application.
#[utoipa::path(get, path = "/api/applications/{id}/recordings", tag = "applications", params(("id" = String, Path)),
    responses((status = 200, body = RecordingList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_recordings(State(st): State<AppState>, staff: Staff, Path(id): Path<String>) -> ApiResult<axum::Json<RecordingList>> {
    staff.authorize(Action::ReadPipeline)?;
    let app_id: ApplicationId = parse_id(&id)?;
    st.records.get_application(app_id).await?.ok_or(AppError::NotFound(What::Application))?;
    let turns = transcript(&st, app_id).await?;
    let now = st.clock.now();
    let mut entries: Vec<RecordingEntry> = st
        .records
        .list_entries(&format!("recordings/{app_id}/"))
        .await?
        .into_iter()
        .filter_map(|(key, v)| serde_json::from_value(v).map_err(|e| tracing::warn!(key, error = %e, "unreadable recording entry")).ok())
        // A session that ended with nothing recorded (the browser never connected) has nothing
        // to watch; its entry stays until retention removes its manifest.
        .filter(|e: &RecordingEntry| !(e.ended_at.is_some() && e.duration_ms == 0 && e.assembled.is_none()))
        .collect();
    entries.sort_by_key(|e| e.started_at);
    let mut recordings = Vec::with_capacity(entries.len());
    for e in entries {
        let (url, url_expires_at) = match &e.assembled {
            Some(_) => {
                let token = new_token();
                let expires_at = now + LINK_TTL;
                let link = Link { application_id: e.application_id.clone(), session_id: e.session_id.clone(), expires_at };
                st.records.put_entry(&link_key(&TokenHash::of(&token)), &serde_json::to_value(&link).map_err(|e| AppError::Internal(e.into()))?).await?;
                (Some(format!("/api/recordings/{}/{}/file?token={token}", e.application_id, e.session_id)), Some(expires_at))
            }
            None => (None, None),
        };
        recordings.push(RecordingView {
            chapters: chapters(&e.marks, &turns),
            session_id: e.session_id,
            started_at: e.started_at,
            ended_at: e.ended_at,
            duration_ms: e.assembled.as_ref().map_or(e.duration_ms, |a| a.duration_ms),
            content_type: e.assembled.as_ref().map(|a| a.content_type.clone()),
            url,
            url_expires_at,
        });
    }
    Ok(axum::Json(RecordingList { recordings, retention_days: st.config.recording_retention_days }))
}

/// The interview's turns by number, for the chapters' words.
async fn transcript(st: &AppState, app: ApplicationId) -> ApiResult<std::collections::HashMap<u32, String>> {
    let Some(record) = st.records.get_interview(app).await? else {
        return Ok(Default::default());
    };
    let engine = otbor_app::documents::interview_of(&record)?;
    Ok(engine.turns.into_iter().map(|t| (t.number, t.text)).collect())
}

/// One chapter per question (the first time it was asked in the session); an answer belongs
/// to the question before it.
fn chapters(marks: &[ChapterMark], turns: &std::collections::HashMap<u32, String>) -> Vec<ChapterView> {
    let mut marks: Vec<&ChapterMark> = marks.iter().collect();
    marks.sort_by_key(|m| m.at_ms);
    let text = |m: &ChapterMark| turns.get(&m.number).cloned().unwrap_or_else(|| m.text.clone());
    let mut out: Vec<ChapterView> = Vec::new();
    for m in marks {
        match m.kind {
            MarkKind::Question if !out.iter().any(|c| c.number == m.number) => {
                out.push(ChapterView { number: m.number, question: text(m), start_ms: m.at_ms, answer: None, answer_number: None, answer_ms: None });
            }
            MarkKind::Question => {}
            MarkKind::Answer => {
                if let Some(c) = out.last_mut().filter(|c| c.answer.is_none()) {
                    c.answer = Some(text(m));
                    c.answer_number = Some(m.number);
                    c.answer_ms = Some(m.at_ms);
                }
            }
        }
    }
    out
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileParams {
    /// The token of the link from the list of recordings.
    pub token: Option<String>,
}

/// The playable file of a recording, through the short-lived link from the list (no cookie
/// needed, so that `<video src>` works). A store that presigns (S3 in the cloud) is sent to
/// with a redirect to a presigned GET, so that the file never passes through this function
/// (Lambda answers at most 6 MB); a store on this machine's disk is streamed from the file,
/// honouring `Range` for seeking.
#[utoipa::path(get, path = "/api/recordings/{application_id}/{session_id}/file", tag = "applications",
    params(("application_id" = String, Path), ("session_id" = String, Path), FileParams),
    responses((status = 200, description = "the whole file", content_type = "video/webm"), (status = 206, description = "the range asked for", content_type = "video/webm"),
        (status = 307, description = "to a short-lived presigned URL of the file store (S3), which answers Range requests itself"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 416, description = "the range is outside the file")))]
async fn recording_file(
    State(st): State<AppState>,
    Path((application_id, session_id)): Path<(String, String)>,
    Query(p): Query<FileParams>,
    request: Request,
) -> ApiResult<Response> {
    let token = p.token.filter(|t| !t.is_empty()).ok_or(AppError::Unauthenticated)?;
    let link = st
        .records
        .get_entry(&link_key(&TokenHash::of(&token)))
        .await?
        .and_then(|v| serde_json::from_value::<Link>(v).ok())
        .ok_or(AppError::RecordingLink)?;
    if link.expires_at <= st.clock.now() || link.application_id != application_id || link.session_id != session_id {
        return Err(AppError::RecordingLink.into());
    }
    let entry = st
        .records
        .get_entry(&index_key(&application_id, &session_id))
        .await?
        .and_then(|v| serde_json::from_value::<RecordingEntry>(v).ok())
        .ok_or(AppError::NotFound(What::Recording))?;
    let assembled = entry.assembled.ok_or(AppError::NotFound(What::Recording))?;
    let key = FileKey::parse(&assembled.key).map_err(|_| AppError::NotFound(What::Recording))?;
    if st.recordings.size(&key).await?.is_none() {
        return Err(AppError::NotFound(What::Recording).into());
    }
    if let Some(url) = st.recordings.presign_get(&key, LINK_TTL.to_std().unwrap_or_default()).await? {
        // Valid as long as a link; each request to the link gets a fresh one.
        return Ok((
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, url), (header::CACHE_CONTROL, "private, no-store".to_string())],
        )
            .into_response());
    }
    let Some(path) = st.recordings.local_path(&key) else {
        // A store that can neither presign nor be read from disk: the file whole, from memory.
        let stored = st.recordings.get(&key).await?;
        return Ok((StatusCode::OK, file_headers(&assembled.content_type), stored.body).into_response());
    };
    // ServeFile streams from the file and answers Range (one range; several are ignored
    // and the whole file is sent, as RFC 9110 allows) and conditional requests.
    let served = ServeFile::new(path)
        .ignore_multi_range_requests(true)
        .try_call(request)
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context(format!("reading the recording {}", key.as_str()))))?;
    let mut response = served.map(Body::new);
    if matches!(response.status(), StatusCode::OK | StatusCode::PARTIAL_CONTENT) {
        for (name, value) in file_headers(&assembled.content_type) {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    Ok(response)
}

/// The headers of the file's answer beside those of the range.
fn file_headers(content_type: &str) -> [(header::HeaderName, String); 4] {
    [
        (header::CONTENT_TYPE, content_type.to_string()),
        (header::ACCEPT_RANGES, "bytes".to_string()),
        (header::CACHE_CONTROL, "private, max-age=600".to_string()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(kind: MarkKind, number: u32, at_ms: u64) -> ChapterMark {
        ChapterMark { kind, number, text: format!("mark {number}"), at_ms }
    }

    #[test]
    fn each_question_is_a_chapter_with_its_answer_and_the_transcripts_words() {
        let turns = [(1, "Расскажите о себе".to_string()), (2, "Пишу на Rust".to_string())].into_iter().collect();
        let marks = vec![
            mark(MarkKind::Question, 3, 9_000),
            mark(MarkKind::Question, 1, 1_000),
            mark(MarkKind::Answer, 2, 6_000),
            mark(MarkKind::Question, 1, 2_000),
        ];
        let c = chapters(&marks, &turns);
        assert_eq!(c.len(), 2, "a repeated question is not a new chapter");
        assert_eq!((c[0].number, c[0].start_ms, c[0].question.as_str()), (1, 1_000, "Расскажите о себе"));
        assert_eq!((c[0].answer.as_deref(), c[0].answer_ms), (Some("Пишу на Rust"), Some(6_000)));
        assert_eq!((c[1].number, c[1].question.as_str(), c[1].answer.as_deref()), (3, "mark 3", None), "the mark's words when the transcript has none");
    }
}
