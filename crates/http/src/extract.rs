//! Extractors that turn malformed requests into `ApiError`s that name the problem: JSON with
//! the path of the bad field, query strings, and typed ids in the path.

use crate::error::{ApiError, AppError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::str::FromStr;

/// A JSON body; errors say which field is wrong and why.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(is_json_type);
        if !is_json {
            return Err(AppError::UnsupportedMediaType.into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                bad("bad_request", "не удалось прочитать тело запроса", "could not read the request body", None, e.to_string())
            }
        })?;
        parse_json(&bytes).map(Json).map_err(ApiError::from)
    }
}

/// Deserialises JSON, reporting the path of the first bad field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = (path != "." && !path.is_empty()).then(|| path.clone());
        let detail = inner.to_string();
        let (ru, en) = if inner.is_syntax() || inner.is_eof() {
            ("некорректный JSON", "malformed JSON")
        } else {
            ("неверные данные в запросе", "invalid request data")
        };
        let where_ = field.as_deref().map(|f| format!(" ({f})")).unwrap_or_default();
        bad(
            if inner.is_data() { "validation" } else { "bad_json" },
            &format!("{ru}{where_}: {detail}"),
            &format!("{en}{where_}: {detail}"),
            field,
            detail,
        )
    })
}

fn bad(code: &'static str, ru: &str, en: &str, field: Option<String>, detail: String) -> AppError {
    AppError::BadRequest { code, message_ru: ru.into(), message_en: en.into(), field, detail }
}

/// A query string; unknown or malformed parameters are named.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q).map(Query).map_err(|e| {
            bad(
                "bad_query",
                &format!("неверные параметры запроса: {e}"),
                &format!("invalid query parameters: {e}"),
                None,
                e.to_string(),
            )
            .into()
        })
    }
}

/// Parses an id taken from the path, with a clear error for a malformed one.
pub fn parse_id<T: FromStr>(raw: &str) -> Result<T, AppError> {
    raw.parse().map_err(|_| {
        bad(
            "invalid_id",
            &format!("некорректный идентификатор «{}»: ожидается UUID", truncate(raw)),
            &format!("invalid id \"{}\": a UUID is expected", truncate(raw)),
            Some("id".into()),
            String::new(),
        )
    })
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

/// `application/json` or any `application/*+json`, with or without parameters.
fn is_json_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A required piece of text at most `max` characters long, trimmed.
pub fn bounded_text(field: &'static str, raw: &str, max: usize) -> Result<String, ApiError> {
    Ok(otbor_domain::values::required_text(field, raw, max)?)
}

/// A raw request body (an uploaded file); one over the route's limit is a 413 and an
/// unreadable one a 400, both in the API's error shape.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state).await.map(RawBody).map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge.into()
            } else {
                bad("bad_request", "не удалось прочитать тело запроса", "could not read the request body", None, e.body_text()).into()
            }
        })
    }
}

/// A `multipart/form-data` form; a request that is not one (no boundary, another type) is a
/// 400 in the API's error shape.
pub struct Form(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state).await.map(Form).map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge.into()
            } else {
                bad(
                    "bad_multipart",
                    "ожидается форма multipart/form-data с полем file",
                    "expected a multipart/form-data form with a `file` field",
                    Some("file".into()),
                    e.body_text(),
                )
                .into()
            }
        })
    }
}
