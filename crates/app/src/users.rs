//! Staff users: creating one (an admin through the API, the first admin and the demo at start-up).

use crate::error::AppResult;
use crate::passwords::hash_password;
use crate::state::AppState;
use otbor_domain::user::{Role, User, check_password};
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// Validates, hashes the password and stores a new user.
pub async fn create(st: &AppState, new: &NewUser) -> AppResult<User> {
    check_password(&new.password)?;
    // Validate the other fields before paying for the hash.
    User::new(&new.email, &new.name, new.role, String::new(), st.clock.now())?;
    let hash = hash_password(new.password.clone()).await?;
    let user = User::new(&new.email, &new.name, new.role, hash, st.clock.now())?;
    st.records.insert_user(&user).await?;
    Ok(user)
}
