//! What the use cases run against: the ports, chosen once at start-up, and the settings.

use otbor_domain::ports::{Clock, FileStore, JobQueue, Records};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub records: Arc<dyn Records>,
    pub files: Arc<dyn FileStore>,
    /// Interview recordings (written by the media worker, served and deleted here): their
    /// own bucket in the cloud, the same store as `files` on one machine.
    pub recordings: Arc<dyn FileStore>,
    pub jobs: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    /// The configured language model; `None` runs the offline engine alone.
    pub llm: Option<Arc<dyn otbor_domain::llm::LanguageModel>>,
    /// The configured notification channels (email, Telegram); none means the outbox.
    pub channels: Arc<otbor_notify::Channels>,
}

#[derive(Clone, Debug)]
pub struct AppConfig {
    pub company_name: String,
    pub session_ttl: chrono::Duration,
    pub invite_ttl: chrono::Duration,
    /// Mark cookies `Secure` (behind HTTPS in the cloud).
    pub cookie_secure: bool,
    /// Where the web app is reachable, for absolute links; `None` gives paths.
    pub public_url: Option<String>,
    /// Used by `/api/health` to say which backend answers.
    pub backend: &'static str,
    /// Browsers send files straight to the file store (S3 presigned URLs; the store's event
    /// starts intake) instead of through this server.
    pub direct_uploads: bool,
    /// How long interview recordings are kept before the scheduler deletes them.
    pub recording_retention_days: u32,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            company_name: "Otbor".into(),
            session_ttl: chrono::Duration::hours(12),
            invite_ttl: chrono::Duration::days(7),
            cookie_secure: false,
            public_url: None,
            backend: "sqlite",
            direct_uploads: false,
            recording_retention_days: 90,
        }
    }
}
