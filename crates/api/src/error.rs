//! The API's one error type: every failure becomes `{"error": {"code", "message", "field"}}`
//! with a status code; messages are in the caller's language; internal details are logged,
//! never returned.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use otbor_domain::ports::StoreError;
use otbor_domain::upload::UploadRefusal;
use otbor_domain::{DomainError, Lang};
use serde::Serialize;

tokio::task_local! {
    /// The language of the current request (from `Accept-Language`), set by a middleware.
    pub static LANG: Lang;
}

/// The language of the request being served; Russian outside a request.
pub fn lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("not logged in")]
    Unauthenticated,
    #[error("bad CSRF token")]
    Csrf,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("{0} not found")]
    NotFound(What),
    #[error("invite link expired")]
    Gone,
    #[error("conflict")]
    Conflict,
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// The request itself is malformed (JSON, query string, path).
    #[error("bad request: {detail}")]
    BadRequest { code: &'static str, message_ru: String, message_en: String, field: Option<String>, detail: String },
    #[error("body too large")]
    TooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A document that could not be read (damaged, encrypted, a scan, ...).
    #[error("unreadable file: {code}")]
    Unreadable { code: &'static str, message_ru: String, message_en: String },
    #[error("upload refused: {0:?}")]
    Upload(otbor_domain::upload::UploadRefusal),
    #[error("a decision against the recommendation needs a reason")]
    OverrideNeedsReason,
    #[error("the interview has not started")]
    InterviewNotStarted,
    #[error("the interview is over")]
    InterviewFinished,
    /// A webhook call without the secret the provider was given.
    #[error("webhook secret missing or wrong")]
    WebhookSecret,
    /// A link to a recording's file that is unknown, expired or for another recording.
    #[error("recording link invalid or expired")]
    RecordingLink,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// What was not found, for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    Route,
    User,
    Candidate,
    Vacancy,
    Application,
    Invite,
    Upload,
    ResumeFile,
    Evaluation,
    Recording,
}

impl std::fmt::Display for What {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl What {
    fn message(self, lang: Lang) -> String {
        let (ru, en) = match self {
            What::Route => ("такого адреса в API нет", "there is no such API route"),
            What::User => ("пользователь не найден", "user not found"),
            What::Candidate => ("кандидат не найден", "candidate not found"),
            What::Vacancy => ("вакансия не найдена", "vacancy not found"),
            What::Application => ("заявка не найдена", "application not found"),
            What::Invite => ("ссылка на интервью не найдена", "interview link not found"),
            What::Upload => ("загрузка не найдена", "upload not found"),
            What::ResumeFile => ("файл резюме не найден", "resume file not found"),
            What::Evaluation => ("оценки пока нет", "there is no evaluation yet"),
            What::Recording => ("запись не найдена", "recording not found"),
        };
        lang.pick(ru, en)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::Internal(anyhow::anyhow!("a record vanished between reads")),
            StoreError::Conflict => ApiError::Conflict,
            StoreError::Duplicate(what) => ApiError::Duplicate(what),
            StoreError::Backend(e) => ApiError::Internal(anyhow::Error::from_boxed(e)),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `validation`, `not_found`, `invalid_transition`, ...
    pub code: String,
    /// For people, in the language of `Accept-Language` (Russian by default).
    pub message: String,
    /// The request field the error is about, if any.
    pub field: Option<String>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        use DomainError as D;
        match self {
            ApiError::Domain(D::Invalid { .. } | D::ReasonRequired | D::ConsentRequired) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Domain(D::InvalidTransition { .. } | D::VacancyClosed) => StatusCode::CONFLICT,
            ApiError::Domain(D::Forbidden(_)) | ApiError::Csrf | ApiError::RecordingLink => StatusCode::FORBIDDEN,
            ApiError::Domain(D::InviteExpired) | ApiError::Gone => StatusCode::GONE,
            ApiError::Unauthenticated | ApiError::BadCredentials | ApiError::WebhookSecret => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict | ApiError::Duplicate(_) => StatusCode::CONFLICT,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unreadable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Upload(r) => match r {
                UploadRefusal::BadToken => StatusCode::FORBIDDEN,
                UploadRefusal::AlreadyUploaded => StatusCode::CONFLICT,
                UploadRefusal::Expired => StatusCode::GONE,
                UploadRefusal::WrongType { .. } | UploadRefusal::WrongSize { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            },
            ApiError::InterviewNotStarted | ApiError::InterviewFinished => StatusCode::CONFLICT,
            ApiError::OverrideNeedsReason => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        use DomainError as D;
        match self {
            ApiError::Domain(D::Invalid { .. } | D::ReasonRequired | D::ConsentRequired) => "validation",
            ApiError::Domain(D::InvalidTransition { .. }) => "invalid_transition",
            ApiError::Domain(D::VacancyClosed) => "vacancy_closed",
            ApiError::Domain(D::Forbidden(_)) => "forbidden",
            ApiError::Domain(D::InviteExpired) | ApiError::Gone => "expired",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::Csrf => "csrf",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict => "conflict",
            ApiError::Duplicate(_) => "duplicate",
            ApiError::BadRequest { code, .. } => code,
            ApiError::TooLarge => "too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Unreadable { code, .. } => code,
            ApiError::Upload(r) => match r {
                UploadRefusal::BadToken => "bad_upload_token",
                UploadRefusal::AlreadyUploaded => "already_uploaded",
                UploadRefusal::Expired => "expired",
                UploadRefusal::WrongType { .. } => "wrong_content_type",
                UploadRefusal::WrongSize { .. } => "wrong_size",
            },
            ApiError::InterviewNotStarted => "interview_not_started",
            ApiError::OverrideNeedsReason => "validation",
            ApiError::InterviewFinished => "interview_finished",
            ApiError::WebhookSecret => "bad_webhook_secret",
            ApiError::RecordingLink => "bad_recording_link",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The message people read, in `l`.
    pub fn message_in(&self, l: Lang) -> String {
        self.message(l)
    }

    fn message(&self, l: Lang) -> String {
        match self {
            ApiError::Domain(d) => d.message(l),
            ApiError::Unauthenticated => l.pick("войдите в систему", "please log in"),
            ApiError::BadCredentials => l.pick("неверный email или пароль", "wrong email or password"),
            ApiError::WebhookSecret => l.pick(
                "вызов отклонён: заголовок X-Telegram-Bot-Api-Secret-Token отсутствует или неверен",
                "call refused: the X-Telegram-Bot-Api-Secret-Token header is missing or wrong",
            ),
            ApiError::RecordingLink => l.pick(
                "ссылка на запись недействительна или устарела; откройте страницу кандидата снова",
                "the link to the recording is invalid or has expired; open the candidate's page again",
            ),
            ApiError::Csrf => l.pick(
                "запрос отклонён: нет или неверен заголовок X-CSRF-Token; обновите страницу",
                "request refused: the X-CSRF-Token header is missing or wrong; reload the page",
            ),
            ApiError::NotFound(w) => w.message(l),
            ApiError::Gone => DomainError::InviteExpired.message(l),
            ApiError::Conflict => l.pick(
                "запись только что изменил кто-то другой; обновите страницу и повторите",
                "someone else has just changed this record; reload and try again",
            ),
            ApiError::Duplicate(what) => match *what {
                "email" => l.pick("пользователь с таким email уже есть", "a user with this email already exists"),
                "application" => l.pick(
                    "кандидат уже назначен на эту вакансию",
                    "the candidate is already assigned to this vacancy",
                ),
                other => l.pick(format!("{other}: уже существует"), format!("{other} already exists")),
            },
            ApiError::BadRequest { message_ru, message_en, .. } => l.pick(message_ru.clone(), message_en.clone()),
            ApiError::TooLarge => l.pick("слишком большой запрос", "the request body is too large"),
            ApiError::UnsupportedMediaType => l.pick(
                "тело запроса должно быть JSON (Content-Type: application/json)",
                "the request body must be JSON (Content-Type: application/json)",
            ),
            ApiError::Upload(r) => r.message(l),
            ApiError::Unreadable { message_ru, message_en, .. } => l.pick(message_ru.clone(), message_en.clone()),
            ApiError::OverrideNeedsReason => l.pick(
                "решение расходится с рекомендацией: укажите причину",
                "the decision goes against the recommendation: give a reason",
            ),
            ApiError::InterviewNotStarted => l.pick("интервью ещё не началось", "the interview has not started yet"),
            ApiError::InterviewFinished => l.pick("интервью уже завершено, спасибо!", "the interview is already over, thank you!"),
            ApiError::Internal(_) => l.pick(
                "внутренняя ошибка сервера; мы уже знаем о ней",
                "internal server error; it has been logged",
            ),
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            ApiError::Domain(d) => d.field().map(String::from),
            ApiError::Duplicate("email") => Some("email".into()),
            ApiError::BadRequest { field, .. } => field.clone(),
            ApiError::Unreadable { .. } => Some("file".into()),
            ApiError::OverrideNeedsReason => Some("reason".into()),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        } else {
            tracing::debug!(%status, error = %self, "request refused");
        }
        let l = lang();
        let body = ErrorBody {
            error: ErrorDetail { code: self.code().into(), message: self.message(l), field: self.field() },
        };
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
