//! The use cases' one error type. Every failure says in words, in Russian and English, what
//! went wrong; it has a stable code, the field it is about, and the HTTP status both HTTP
//! transports (the API and the media worker's signalling) answer with. Internal details are
//! logged, never shown.

use http::StatusCode;
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
pub enum AppError {
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
    /// Too many wrong passwords for this address in a row: wait before trying again.
    #[error("too many login attempts; retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Too many requests of this kind are being served; try again shortly.
    #[error("busy")]
    Busy,
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

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::Internal(anyhow::anyhow!("a record vanished between reads")),
            StoreError::Conflict => AppError::Conflict,
            StoreError::Duplicate(what) => AppError::Duplicate(what),
            StoreError::Backend(e) => AppError::Internal(anyhow::Error::from_boxed(e)),
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

impl AppError {
    pub fn status(&self) -> StatusCode {
        use DomainError as D;
        match self {
            AppError::Domain(D::Invalid { .. } | D::ReasonRequired | D::ConsentRequired) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Domain(D::InvalidTransition { .. } | D::VacancyClosed) => StatusCode::CONFLICT,
            AppError::Domain(D::Forbidden(_)) | AppError::Csrf | AppError::RecordingLink => StatusCode::FORBIDDEN,
            AppError::Domain(D::InviteExpired) | AppError::Gone => StatusCode::GONE,
            AppError::Unauthenticated | AppError::BadCredentials | AppError::WebhookSecret => StatusCode::UNAUTHORIZED,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict | AppError::Duplicate(_) => StatusCode::CONFLICT,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unreadable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Upload(r) => match r {
                UploadRefusal::BadToken => StatusCode::FORBIDDEN,
                UploadRefusal::AlreadyUploaded => StatusCode::CONFLICT,
                UploadRefusal::Expired => StatusCode::GONE,
                UploadRefusal::WrongType { .. } | UploadRefusal::WrongSize { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            },
            AppError::InterviewNotStarted | AppError::InterviewFinished => StatusCode::CONFLICT,
            AppError::OverrideNeedsReason => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        use DomainError as D;
        match self {
            AppError::Domain(D::Invalid { .. } | D::ReasonRequired | D::ConsentRequired) => "validation",
            AppError::Domain(D::InvalidTransition { .. }) => "invalid_transition",
            AppError::Domain(D::VacancyClosed) => "vacancy_closed",
            AppError::Domain(D::Forbidden(_)) => "forbidden",
            AppError::Domain(D::InviteExpired) | AppError::Gone => "expired",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Csrf => "csrf",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict => "conflict",
            AppError::Duplicate(_) => "duplicate",
            AppError::BadRequest { code, .. } => code,
            AppError::TooLarge => "too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Unreadable { code, .. } => code,
            AppError::Upload(r) => match r {
                UploadRefusal::BadToken => "bad_upload_token",
                UploadRefusal::AlreadyUploaded => "already_uploaded",
                UploadRefusal::Expired => "expired",
                UploadRefusal::WrongType { .. } => "wrong_content_type",
                UploadRefusal::WrongSize { .. } => "wrong_size",
            },
            AppError::InterviewNotStarted => "interview_not_started",
            AppError::OverrideNeedsReason => "validation",
            AppError::InterviewFinished => "interview_finished",
            AppError::WebhookSecret => "bad_webhook_secret",
            AppError::RecordingLink => "bad_recording_link",
            AppError::Busy => "busy",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message people read, in `l`.
    pub fn message_in(&self, l: Lang) -> String {
        match self {
            AppError::Domain(d) => d.message(l),
            AppError::Unauthenticated => l.pick("войдите в систему", "please log in"),
            AppError::BadCredentials => l.pick("неверный email или пароль", "wrong email or password"),
            AppError::WebhookSecret => l.pick(
                "вызов отклонён: заголовок X-Telegram-Bot-Api-Secret-Token отсутствует или неверен",
                "call refused: the X-Telegram-Bot-Api-Secret-Token header is missing or wrong",
            ),
            AppError::RecordingLink => l.pick(
                "ссылка на запись недействительна или устарела; откройте страницу кандидата снова",
                "the link to the recording is invalid or has expired; open the candidate's page again",
            ),
            AppError::Csrf => l.pick(
                "запрос отклонён: нет или неверен заголовок X-CSRF-Token; обновите страницу",
                "request refused: the X-CSRF-Token header is missing or wrong; reload the page",
            ),
            AppError::NotFound(w) => w.message(l),
            AppError::Gone => DomainError::InviteExpired.message(l),
            AppError::Conflict => l.pick(
                "запись только что изменил кто-то другой; обновите страницу и повторите",
                "someone else has just changed this record; reload and try again",
            ),
            AppError::Duplicate(what) => match *what {
                "email" => l.pick("пользователь с таким email уже есть", "a user with this email already exists"),
                "application" => l.pick(
                    "кандидат уже назначен на эту вакансию",
                    "the candidate is already assigned to this vacancy",
                ),
                other => l.pick(format!("{other}: уже существует"), format!("{other} already exists")),
            },
            AppError::BadRequest { message_ru, message_en, .. } => l.pick(message_ru.clone(), message_en.clone()),
            AppError::TooLarge => l.pick("слишком большой запрос", "the request body is too large"),
            AppError::UnsupportedMediaType => l.pick(
                "тело запроса должно быть JSON (Content-Type: application/json)",
                "the request body must be JSON (Content-Type: application/json)",
            ),
            AppError::Upload(r) => r.message(l),
            AppError::Unreadable { message_ru, message_en, .. } => l.pick(message_ru.clone(), message_en.clone()),
            AppError::OverrideNeedsReason => l.pick(
                "решение расходится с рекомендацией: укажите причину",
                "the decision goes against the recommendation: give a reason",
            ),
            AppError::InterviewNotStarted => l.pick("интервью ещё не началось", "the interview has not started yet"),
            AppError::InterviewFinished => l.pick("интервью уже завершено, спасибо!", "the interview is already over, thank you!"),
            AppError::TooManyAttempts { retry_after_secs } => l.pick(
                format!("слишком много неудачных попыток входа; попробуйте снова через {}", crate::error::seconds_ru(*retry_after_secs)),
                format!("too many failed login attempts; try again in {retry_after_secs} s"),
            ),
            AppError::Busy => l.pick("сервер занят, повторите через несколько секунд", "the server is busy; try again in a few seconds"),
            AppError::Internal(_) => l.pick(
                "внутренняя ошибка сервера; мы уже знаем о ней",
                "internal server error; it has been logged",
            ),
        }
    }

    pub fn field(&self) -> Option<String> {
        match self {
            AppError::Domain(d) => d.field().map(String::from),
            AppError::Duplicate("email") => Some("email".into()),
            AppError::BadRequest { field, .. } => field.clone(),
            AppError::Unreadable { .. } => Some("file".into()),
            AppError::OverrideNeedsReason => Some("reason".into()),
            _ => None,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The error as the API's JSON body, in the language of the request being served.
    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code().into(), message: self.message_in(lang()), field: self.field() } }
    }
}

impl AppError {
    /// How long the caller should wait before trying again, for `Retry-After`.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            AppError::Busy => Some(1),
            _ => None,
        }
    }
}

/// "N секунд" with the Russian plural form.
pub fn seconds_ru(n: u64) -> String {
    let word = match (n % 10, n % 100) {
        (1, r) if r != 11 => "секунду",
        (2..=4, r) if !(12..=14).contains(&r) => "секунды",
        _ => "секунд",
    };
    format!("{n} {word}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_take_the_russian_plural_forms() {
        assert_eq!(seconds_ru(1), "1 секунду");
        assert_eq!(seconds_ru(3), "3 секунды");
        assert_eq!(seconds_ru(11), "11 секунд");
        assert_eq!(seconds_ru(21), "21 секунду");
        assert_eq!(seconds_ru(112), "112 секунд");
    }
}
