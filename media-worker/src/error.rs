//! The signalling endpoints' one error type: the API's errors as the API words them, and the
//! worker's own (bad SDP, no audio, full), in the same JSON shape and language.

use crate::sdp::OfferError;
use axum::http::{HeaderValue, StatusCode, header::RETRY_AFTER};
use axum::response::{IntoResponse, Response};
use otbor_app::error::{AppError, ErrorBody, ErrorDetail, lang};
use otbor_http::error::ApiError;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum RtcError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Offer(#[from] OfferError),
    #[error("every session slot is taken")]
    Busy { retry_after: Duration },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<otbor_domain::ports::StoreError> for RtcError {
    fn from(e: otbor_domain::ports::StoreError) -> Self {
        RtcError::App(e.into())
    }
}

impl RtcError {
    pub fn status(&self) -> StatusCode {
        match self {
            RtcError::App(e) => e.status(),
            RtcError::Offer(_) => StatusCode::UNPROCESSABLE_ENTITY,
            RtcError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            RtcError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for RtcError {
    fn into_response(self) -> Response {
        let l = lang();
        let (code, message) = match self {
            RtcError::App(e) => return ApiError(e).into_response(),
            RtcError::Internal(e) => return ApiError(AppError::Internal(e)).into_response(),
            RtcError::Offer(OfferError::Malformed { ru, en }) => {
                ("bad_sdp", l.pick(format!("некорректное описание сеанса (SDP): {ru}"), format!("invalid session description (SDP): {en}")))
            }
            RtcError::Offer(OfferError::NoAudio) => (
                "no_audio",
                l.pick(
                    "в предложении нет звука с микрофона; разрешите доступ к микрофону и попробуйте снова",
                    "the offer carries no microphone audio; allow access to the microphone and try again",
                ),
            ),
            RtcError::Busy { retry_after } => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: "busy".into(),
                        message: l.pick(
                            "сейчас все линии для голосовых интервью заняты; попробуйте через минуту или пройдите интервью в чате",
                            "all voice interview lines are busy right now; try again in a minute or take the interview in the chat",
                        ),
                        field: None,
                    },
                };
                let mut resp = (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
                let secs = retry_after.as_secs().max(1);
                resp.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
                tracing::info!(retry_after = secs, "offer refused: worker full");
                return resp;
            }
        };
        tracing::debug!(code, "offer refused");
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message,
                field: Some("sdp".into()),
            },
        };
        (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
    }
}
