//! Security headers on every answer: nothing of ours may be framed (clickjacking), sniffed
//! into another type, or leak its address in `Referer` (invite links carry their token in the
//! path); API answers, which carry personal data and the CSRF token, are never cached; and a
//! Content-Security-Policy limits what a page may load. A header a handler set itself (a
//! recording's `Cache-Control`) is kept.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The API answers JSON, files and redirects: no page of ours is built from it.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// The web app: its own scripts only (no inline script), inline styles (the UI library sets
/// some), pictures and media from itself, blobs and data URLs (camera preview, recordings),
/// and calls to its own API.
pub const WEB_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn set<S: Clone + Send + Sync + 'static>(router: Router<S>, name: HeaderName, value: &'static str) -> Router<S> {
    router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)))
}

fn common<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let router = set(router, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let router = set(router, header::X_FRAME_OPTIONS, "DENY");
    set(router, header::REFERRER_POLICY, "no-referrer")
}

/// The headers of API answers.
pub fn api<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let router = set(router, header::CACHE_CONTROL, "no-store");
    let router = set(router, header::CONTENT_SECURITY_POLICY, API_CSP);
    common(router)
}

/// The headers of the web app's pages and assets.
pub fn web<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let router = set(router, header::CONTENT_SECURITY_POLICY, WEB_CSP);
    common(router)
}
