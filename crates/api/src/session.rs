//! The session of a logged-in staff member: its cookies, and the `Staff` extractor that checks
//! the session and, for state-changing methods, the CSRF header.

use crate::error::{ApiError, ApiResult, AppError, AppResult};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum_extra::extract::cookie::CookieJar;
use otbor_app::AppState;
use otbor_domain::application::Actor;
use otbor_domain::permissions::{Action, authorize};
use otbor_domain::ports::Records;
use otbor_domain::secret::TokenHash;
use otbor_domain::user::{Role, Session, User};
use subtle::ConstantTimeEq;

pub const SESSION_COOKIE: &str = "otbor_session";
pub const CSRF_COOKIE: &str = "otbor_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A logged-in staff member. Extracting it checks the session and, for state-changing
/// methods, the CSRF header.
pub struct Staff {
    pub user: User,
    pub session: Session,
}

impl Staff {
    pub fn authorize(&self, action: Action) -> AppResult<()> {
        authorize(self.user.id, self.user.role, action).map_err(AppError::from)
    }
    pub fn actor(&self) -> Actor {
        Actor::User { id: self.user.id, role: self.user.role, name: self.user.name.clone() }
    }
    pub fn is(&self, role: Role) -> bool {
        self.user.role == role
    }
}

impl<S> FromRequestParts<S> for Staff
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let st = AppState::from_ref(state);
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()).ok_or(AppError::Unauthenticated)?;
        let session = load_session(&*st.records, &token, st.clock.now()).await?.ok_or(AppError::Unauthenticated)?;
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            check_csrf(&parts.headers, &session.csrf_token)?;
        }
        let user = st.records.get_user(session.user_id).await?.ok_or(AppError::Unauthenticated)?;
        Ok(Staff { user, session })
    }
}

async fn load_session(records: &dyn Records, token: &str, now: chrono::DateTime<chrono::Utc>) -> ApiResult<Option<Session>> {
    let hash = TokenHash::of(token);
    match records.get_session(&hash).await? {
        Some(s) if s.expires_at > now => Ok(Some(s)),
        Some(_) => {
            records.delete_session(&hash).await?;
            Ok(None)
        }
        None => Ok(None),
    }
}

fn check_csrf(headers: &HeaderMap, expected: &str) -> ApiResult<()> {
    let sent = headers.get(CSRF_HEADER).map(HeaderValue::as_bytes).unwrap_or_default();
    if sent.is_empty() || !bool::from(sent.ct_eq(expected.as_bytes())) {
        return Err(AppError::Csrf.into());
    }
    Ok(())
}

