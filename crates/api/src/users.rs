//! Staff users: the admin lists and creates them.

use crate::session::Staff;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Query};
use otbor_app::AppState;
use otbor_app::users::{NewUser, create};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use otbor_domain::ids::UserId;
use otbor_domain::permissions::Action;
use otbor_domain::query::{Page, PageRequest};
use otbor_domain::user::{Role, User};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;


pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_users, create_user))
}

/// A user as the API shows it: never the password hash.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self { id: u.id, email: u.email.to_string(), name: u.name.clone(), role: u.role, created_at: u.created_at }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl PageParams {
    pub fn request(&self) -> ApiResult<PageRequest> {
        Ok(PageRequest::new(self.page, self.per_page)?)
    }
}

/// Lists users (admin).
#[utoipa::path(get, path = "/api/users", tag = "users", params(PageParams),
    responses((status = 200, body = Page<UserView>), (status = 403, body = ErrorBody)))]
async fn list_users(State(st): State<AppState>, staff: Staff, Query(p): Query<PageParams>) -> ApiResult<axum::Json<Page<UserView>>> {
    staff.authorize(Action::ManageUsers)?;
    let page = st.records.list_users(p.request()?).await?;
    Ok(axum::Json(page.map(|u| UserView::from(&u))))
}

/// Creates a user with a role (admin).
#[utoipa::path(post, path = "/api/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(State(st): State<AppState>, staff: Staff, Json(new): Json<NewUser>) -> ApiResult<(StatusCode, axum::Json<UserView>)> {
    staff.authorize(Action::ManageUsers)?;
    let user = create(&st, &new).await?;
    tracing::info!(user_id = %user.id, role = new.role.as_str(), by = %staff.user.id, "user created");
    Ok((StatusCode::CREATED, axum::Json(UserView::from(&user))))
}
