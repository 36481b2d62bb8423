//! The ports: narrow traits that the use cases take and the adapters implement. Every
//! backend of a port passes the same conformance suite (`crates/adapters/tests`).

use crate::application::{Application, HistoryEntry};
use crate::candidate::Candidate;
use crate::ids::{ApplicationId, CandidateId, UploadId, UserId, VacancyId};
use crate::upload::Upload;
use crate::values::Phone;
use crate::interview::{EvaluationRecord, InterviewRecord};
use crate::invite::Invite;
use crate::notify::{ChannelKind, NotificationRecord};
use crate::query::{ApplicationQuery, CandidateQuery, Page, PageRequest, VacancyQuery};
use crate::secret::TokenHash;
use crate::user::{Session, User};
use crate::vacancy::{StageCount, Vacancy};
use crate::values::Email;
use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The record changed since it was read (its version moved on).
    #[error("the record was changed by someone else")]
    Conflict,
    /// A unique key is taken (an email, a candidate x vacancy pair).
    #[error("{0} already exists")]
    Duplicate(&'static str),
    #[error("storage backend failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn backend(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError::Backend(e.into())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Fails with `Duplicate("email")` if the email is taken.
    async fn insert_user(&self, user: &User) -> StoreResult<()>;
    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>>;
    /// Ordered by creation.
    async fn list_users(&self, page: PageRequest) -> StoreResult<Page<User>>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    async fn get_session(&self, token: &TokenHash) -> StoreResult<Option<Session>>;
    /// Idempotent.
    async fn delete_session(&self, token: &TokenHash) -> StoreResult<()>;
}

#[async_trait]
pub trait CandidateStore: Send + Sync {
    async fn insert_candidate(&self, c: &Candidate) -> StoreResult<()>;
    /// Writes `c` only if the stored version is `expected_version`; else `Conflict`.
    async fn update_candidate(&self, c: &Candidate, expected_version: u64) -> StoreResult<()>;
    async fn get_candidate(&self, id: CandidateId) -> StoreResult<Option<Candidate>>;
    /// The candidates among `ids` that exist, in any order.
    async fn get_candidates(&self, ids: &[CandidateId]) -> StoreResult<Vec<Candidate>>;
    async fn list_candidates(&self, q: &CandidateQuery) -> StoreResult<Page<Candidate>>;
    /// The oldest candidate with this email or this phone, for de-duplication.
    async fn candidate_by_contact(&self, email: Option<&Email>, phone: Option<&Phone>) -> StoreResult<Option<Candidate>>;
}

#[async_trait]
pub trait VacancyStore: Send + Sync {
    async fn insert_vacancy(&self, v: &Vacancy) -> StoreResult<()>;
    async fn update_vacancy(&self, v: &Vacancy, expected_version: u64) -> StoreResult<()>;
    async fn get_vacancy(&self, id: VacancyId) -> StoreResult<Option<Vacancy>>;
    async fn get_vacancies(&self, ids: &[VacancyId]) -> StoreResult<Vec<Vacancy>>;
    /// Newest first.
    async fn list_vacancies(&self, q: &VacancyQuery) -> StoreResult<Page<Vacancy>>;
}

#[async_trait]
pub trait ApplicationStore: Send + Sync {
    /// Inserts the application with its first history entry; `Duplicate("application")` if
    /// the candidate already applied to the vacancy.
    async fn insert_application(&self, a: &Application, first: &HistoryEntry) -> StoreResult<()>;
    async fn get_application(&self, id: ApplicationId) -> StoreResult<Option<Application>>;
    /// Newest first.
    async fn list_applications(&self, q: &ApplicationQuery) -> StoreResult<Page<Application>>;
    /// Writes the changed application and appends `entry` to its history, atomically and
    /// only if the stored version is `expected_version`; else `Conflict`, and nothing changes.
    async fn transition_application(
        &self,
        a: &Application,
        expected_version: u64,
        entry: &HistoryEntry,
    ) -> StoreResult<()>;
    /// Oldest first.
    async fn history(&self, id: ApplicationId) -> StoreResult<Vec<HistoryEntry>>;
    /// Applications of these vacancies grouped by (vacancy, status, furthest stage).
    async fn stage_counts(&self, vacancies: &[VacancyId]) -> StoreResult<Vec<StageCount>>;
}

#[async_trait]
pub trait InviteStore: Send + Sync {
    async fn insert_invite(&self, i: &Invite) -> StoreResult<()>;
    async fn invite_by_token(&self, token: &TokenHash) -> StoreResult<Option<Invite>>;
    async fn update_invite(&self, i: &Invite, expected_version: u64) -> StoreResult<()>;
}

#[async_trait]
pub trait UploadStore: Send + Sync {
    async fn insert_upload(&self, u: &Upload) -> StoreResult<()>;
    async fn get_upload(&self, id: UploadId) -> StoreResult<Option<Upload>>;
    async fn update_upload(&self, u: &Upload, expected_version: u64) -> StoreResult<()>;
    /// Newest first; only `created_by`'s if given.
    async fn list_uploads(&self, created_by: Option<UserId>, page: PageRequest) -> StoreResult<Page<Upload>>;
}

/// How well one candidate fits one vacancy, as computed by the screening engine.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatchRecord {
    pub candidate_id: CandidateId,
    pub vacancy_id: VacancyId,
    /// 0..=100, computed by our code from the verdicts.
    pub score: u8,
    /// The per-requirement verdicts with their evidence, as the engine produced them: its
    /// document, kept as JSON because its shape belongs to the engine (read and written in one
    /// place, `otbor_app::documents`).
    pub detail: serde_json::Value,
    /// Which engine and rubric version produced it.
    pub engine: String,
    pub computed_at: DateTime<Utc>,
}

#[async_trait]
pub trait MatchStore: Send + Sync {
    /// Replaces every match of this candidate with `matches`.
    async fn replace_candidate_matches(&self, candidate: CandidateId, matches: &[MatchRecord]) -> StoreResult<()>;
    /// Replaces every match of this vacancy with `matches`.
    async fn replace_vacancy_matches(&self, vacancy: VacancyId, matches: &[MatchRecord]) -> StoreResult<()>;
    /// Best first.
    async fn matches_for_candidate(&self, candidate: CandidateId) -> StoreResult<Vec<MatchRecord>>;
    /// Best first, at most `limit`.
    async fn matches_for_vacancy(&self, vacancy: VacancyId, limit: usize) -> StoreResult<Vec<MatchRecord>>;
}

#[async_trait]
pub trait InterviewStore: Send + Sync {
    /// `Duplicate("interview")` if the application has one already.
    async fn insert_interview(&self, i: &InterviewRecord) -> StoreResult<()>;
    async fn get_interview(&self, application: ApplicationId) -> StoreResult<Option<InterviewRecord>>;
    /// Writes only if the stored version is `expected_version`; else `Conflict`.
    async fn update_interview(&self, i: &InterviewRecord, expected_version: u64) -> StoreResult<()>;
    /// Stores the application's evaluation, replacing an earlier one.
    async fn put_evaluation(&self, e: &EvaluationRecord) -> StoreResult<()>;
    async fn get_evaluation(&self, application: ApplicationId) -> StoreResult<Option<EvaluationRecord>>;
}

/// Messages sent and the small documents that steer them (preferences, templates,
/// unsubscribed addresses, Telegram links, pending reminders), kept by key.
#[async_trait]
pub trait NotifyStore: Send + Sync {
    /// Inserts the record if its key is new and returns `true`; returns `false` and changes
    /// nothing if a record with this key exists (the event was handled already).
    async fn claim_notification(&self, n: &NotificationRecord) -> StoreResult<bool>;
    /// Replaces the record with this key.
    async fn update_notification(&self, n: &NotificationRecord) -> StoreResult<()>;
    async fn get_notification(&self, key: &str) -> StoreResult<Option<NotificationRecord>>;
    /// Oldest first.
    async fn notifications_for_candidate(&self, id: CandidateId) -> StoreResult<Vec<NotificationRecord>>;
    /// Newest first; only this channel's if given.
    async fn list_notifications(&self, channel: Option<ChannelKind>, page: PageRequest) -> StoreResult<Page<NotificationRecord>>;
    /// Creates or replaces a document.
    async fn put_entry(&self, key: &str, value: &serde_json::Value) -> StoreResult<()>;
    async fn get_entry(&self, key: &str) -> StoreResult<Option<serde_json::Value>>;
    /// Removes the document and returns it; of two concurrent takers only one gets it
    /// (one-time codes).
    async fn take_entry(&self, key: &str) -> StoreResult<Option<serde_json::Value>>;
    /// The documents whose key starts with `prefix`, by key.
    async fn list_entries(&self, prefix: &str) -> StoreResult<Vec<(String, serde_json::Value)>>;
}

/// All the record ports of one backend.
pub trait Records:
    UserStore + SessionStore + CandidateStore + VacancyStore + ApplicationStore + InviteStore + UploadStore + MatchStore + InterviewStore + NotifyStore
{
}
impl<T> Records for T where
    T: UserStore + SessionStore + CandidateStore + VacancyStore + ApplicationStore + InviteStore + UploadStore + MatchStore + InterviewStore + NotifyStore
{
}

/// A key in the file store: relative, `/`-separated, of safe characters only.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileKey(String);

impl FileKey {
    pub fn parse(s: &str) -> Result<Self, crate::DomainError> {
        let bad = || crate::DomainError::invalid("key", crate::Reason::Required);
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
        if s.is_empty()
            || s.len() > 512
            || !ok_chars
            || s.starts_with('/')
            || s.ends_with('/')
            || s.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..")
        {
            return Err(bad());
        }
        Ok(Self(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredFile {
    pub body: Bytes,
    pub content_type: String,
}

#[async_trait]
pub trait FileStore: Send + Sync {
    /// Creates or replaces the file.
    async fn put(&self, key: &FileKey, body: Bytes, content_type: &str) -> StoreResult<()>;
    /// `NotFound` if there is no such file.
    async fn get(&self, key: &FileKey) -> StoreResult<StoredFile>;
    /// The size in bytes, if the file exists.
    async fn size(&self, key: &FileKey) -> StoreResult<Option<u64>>;
    /// Idempotent.
    async fn delete(&self, key: &FileKey) -> StoreResult<()>;
    /// A URL that accepts one `PUT` of exactly this file straight into the store (an S3
    /// presigned URL), or `None` when the store has none and the API receives files itself.
    async fn presign_put(&self, _key: &FileKey, _content_type: &str, _size: u64, _expires_in: Duration) -> StoreResult<Option<String>> {
        Ok(None)
    }
    /// A URL that serves the file (with `Range` requests) to whoever holds it until
    /// `expires_in` passes, straight from the store (an S3 presigned GET), or `None` when the
    /// store has none and the API serves files itself. The file need not exist.
    async fn presign_get(&self, _key: &FileKey, _expires_in: Duration) -> StoreResult<Option<String>> {
        Ok(None)
    }
    /// Where the file lies on this machine's disk, for a store kept there, so that it can be
    /// streamed (and seeked in) without reading it whole; `None` for a remote store.
    fn local_path(&self, _key: &FileKey) -> Option<std::path::PathBuf> {
        None
    }
}

/// A job as it travels through the queue.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JobMessage {
    pub kind: String,
    pub payload: serde_json::Value,
}

/// A received job: invisible to other receivers until acknowledged or released, or until
/// its visibility timeout passes.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub message: JobMessage,
    pub receipt: String,
    /// 1 on the first delivery.
    pub attempt: u32,
}

/// A durable queue with at-least-once delivery. A job received `max_receives` times without
/// being acknowledged is parked in the dead-letter queue instead of being delivered again.
#[async_trait]
pub trait JobQueue: Send + Sync {
    async fn enqueue(&self, message: &JobMessage) -> StoreResult<()>;
    async fn receive(&self, max: usize, visibility: Duration) -> StoreResult<Vec<Delivery>>;
    /// The job is done: it is removed.
    async fn ack(&self, receipt: &str) -> StoreResult<()>;
    /// The job failed or was interrupted: it becomes visible again after `delay`.
    async fn release(&self, receipt: &str, delay: Duration) -> StoreResult<()>;
    /// Parked jobs, oldest first, for people to look at.
    async fn dead_letters(&self, max: usize) -> StoreResult<Vec<JobMessage>>;
}

/// The current time, injected so that tests of expiry are exact.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to.
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(at))
    }
    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}
