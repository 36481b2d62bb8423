//! Login, logout and who is logged in: argon2id passwords checked with throttling (in
//! `otbor_app::login`); an HttpOnly, SameSite session cookie with a
//! 256-bit random token stored only as a hash; a CSRF token that state-changing requests
//! send back in `X-CSRF-Token`.

use crate::error::ApiResult;
use crate::extract::Json;
use otbor_app::AppState;
use crate::session::{CSRF_COOKIE, SESSION_COOKIE, Staff};
use crate::users::UserView;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use otbor_domain::secret::{TokenHash, new_token};
use otbor_domain::user::Session;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;


pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(logout)).routes(routes!(me))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub user: UserView,
    /// Send it back as `X-CSRF-Token` on every POST, PATCH, PUT and DELETE.
    pub csrf_token: String,
}

/// Logs in and sets the session cookie.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionView), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
async fn login(State(st): State<AppState>, Json(req): Json<LoginRequest>) -> ApiResult<Response> {
    let user = otbor_app::login::authenticate(&st, &req.email, req.password).await?;
    let token = new_token();
    let now = st.clock.now();
    let session = Session {
        token_hash: TokenHash::of(&token),
        user_id: user.id,
        csrf_token: new_token(),
        created_at: now,
        expires_at: now + st.config.session_ttl,
    };
    st.records.insert_session(&session).await?;
    tracing::info!(user_id = %user.id, "logged in");
    let max_age = cookie::time::Duration::seconds(st.config.session_ttl.num_seconds());
    let session_cookie = Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(st.config.cookie_secure)
        .path("/")
        .max_age(max_age)
        .build();
    let csrf_cookie = Cookie::build((CSRF_COOKIE, session.csrf_token.clone()))
        .same_site(SameSite::Strict)
        .secure(st.config.cookie_secure)
        .path("/")
        .max_age(max_age)
        .build();
    let jar = CookieJar::new().add(session_cookie).add(csrf_cookie);
    Ok((jar, axum::Json(SessionView { user: UserView::from(&user), csrf_token: session.csrf_token })).into_response())
}

/// Ends the session: it is deleted from the store and the cookies are cleared.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204)))]
async fn logout(State(st): State<AppState>, staff: Staff) -> ApiResult<Response> {
    st.records.delete_session(&staff.session.token_hash).await?;
    let expired = |name: &'static str| Cookie::build((name, "")).path("/").max_age(cookie::time::Duration::ZERO).build();
    let jar = CookieJar::new().add(expired(SESSION_COOKIE)).add(expired(CSRF_COOKIE));
    Ok((jar, StatusCode::NO_CONTENT).into_response())
}

/// The logged-in user and the CSRF token of the session.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, body = SessionView), (status = 401, body = crate::error::ErrorBody)))]
async fn me(staff: Staff) -> axum::Json<SessionView> {
    axum::Json(SessionView { user: UserView::from(&staff.user), csrf_token: staff.session.csrf_token })
}
