//! The API's error: an [`AppError`] answered as `{"error": {"code", "message", "field"}}`
//! with its status code, the message in the caller's language (the `language` middleware sets
//! it from `Accept-Language`). Internal details are logged, never returned.

use axum::Json;
use axum::response::{IntoResponse, Response};
pub use otbor_app::error::{AppError, AppResult, ErrorBody, ErrorDetail, LANG, What, lang};
use otbor_domain::DomainError;
use otbor_domain::ports::StoreError;

/// An [`AppError`] on its way out as an HTTP answer.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError(e.into())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if let AppError::Internal(e) = &self.0 {
            tracing::error!(error = ?e, "request failed");
        } else {
            tracing::debug!(%status, error = %self.0, "request refused");
        }
        let mut response = (status, Json(self.0.body())).into_response();
        if let Some(secs) = self.0.retry_after_secs() {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
