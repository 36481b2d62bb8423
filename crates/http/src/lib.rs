//! What the two HTTP transports, the API and the media worker's signalling, share: an
//! [`AppError`](otbor_app::AppError) answered as JSON with its status, extractors whose
//! refusals name what is wrong, and the language of the request's messages.

pub mod error;
pub mod extract;
pub mod headers;

use axum::extract::Request;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::middleware::Next;
use axum::response::Response;
use otbor_domain::Lang;

/// Picks the language of messages from `Accept-Language` (first of ru / en; Russian by default).
pub async fn language(req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').find_map(|part| Lang::parse(part.split(';').next()?.trim().get(..2)?)))
        .unwrap_or_default();
    error::LANG.scope(lang, next.run(req)).await
}
