//! The user store on SQLite: one row per user, unique by email.

use super::SqliteRecords;
use super::rows::{Filter, is_unique_violation, one_doc, to_doc, ts};
use crate::sqlite::{backend, with_conn};
use async_trait::async_trait;
use otbor_domain::ids::UserId;
use otbor_domain::ports::{StoreError, StoreResult, UserStore};
use otbor_domain::query::{Page, PageRequest};
use otbor_domain::user::User;
use otbor_domain::values::Email;
use r2d2_sqlite::rusqlite::params;

#[async_trait]
impl UserStore for SqliteRecords {
    async fn insert_user(&self, u: &User) -> StoreResult<()> {
        let (id, email, created, doc) = (u.id.to_string(), u.email.to_string(), ts(&u.created_at), to_doc(u)?);
        with_conn(&self.pool, move |c| {
            match c.execute("INSERT INTO users (id, email, created_at, doc) VALUES (?1, ?2, ?3, ?4)", params![id, email, created, doc]) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate("email")),
                Err(e) => Err(backend(e)),
            }
        })
        .await
    }

    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>> {
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM users WHERE id = ?1", &[&id.to_string()])).await
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let email = email.to_string();
        with_conn(&self.pool, move |c| one_doc(c, "SELECT doc FROM users WHERE email = ?1", &[&email])).await
    }

    async fn list_users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        with_conn(&self.pool, move |c| Filter::default().page(c, "users", "created_at, id", page)).await
    }
}
