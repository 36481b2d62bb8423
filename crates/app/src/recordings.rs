//! Recordings of voice and video interviews for staff: the sessions of an application with
//! their chapters (one per question), a short-lived link to the playable file that a
//! `<video src>` can use without headers (redirected to a presigned S3 URL in the cloud,
//! streamed from disk with Range support on one machine), and the scheduled deletion of
//! recordings older than the retention period.
//!
//! The media worker writes one index entry per session (`recordings/{application}/{session}`
//! in the records store), because the file store cannot list; the files themselves are under
//! the same prefix in the recordings store (`AppState::recordings`: the recordings bucket in
//! the cloud, the main file store on one machine).

use crate::state::AppState;
use chrono::{DateTime, Utc};
use otbor_domain::ports::{FileKey, StoreError};
use otbor_domain::secret::TokenHash;
use serde::{Deserialize, Serialize};


/// How long a link to a recording's file works.
pub const LINK_TTL: chrono::Duration = chrono::Duration::minutes(15);

/// What the worker marks in a recording: a question asked or an answer given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    Question,
    Answer,
}

/// When a `question` or `answer` event went to the candidate's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChapterMark {
    pub kind: MarkKind,
    /// The turn number in the interview's transcript.
    pub number: u32,
    pub text: String,
    /// Since the session started.
    pub at_ms: u64,
}

/// The session's segments joined into one playable file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssembledFile {
    pub key: String,
    pub duration_ms: u64,
    pub bytes: u64,
    pub content_type: String,
}

/// The index entry of one recorded session, written by the media worker when the session
/// opens and again when it ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordingEntry {
    pub application_id: String,
    pub session_id: String,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub duration_ms: u64,
    #[serde(default)]
    pub marks: Vec<ChapterMark>,
    #[serde(default)]
    pub assembled: Option<AssembledFile>,
}

/// The records-store key of a session's index entry (and the file-store prefix of its files).
pub fn index_key(application_id: &str, session_id: &str) -> String {
    format!("recordings/{application_id}/{session_id}")
}

pub fn link_key(hash: &TokenHash) -> String {
    format!("recording-link/{}", hash.as_str())
}

#[derive(Serialize, Deserialize)]
pub struct Link {
    pub application_id: String,
    pub session_id: String,
    pub expires_at: DateTime<Utc>,
}

/// Deletes the recordings that started more than the retention period ago: every segment,
/// the joined file, the manifest and the index entry; and forgets expired links. Called by
/// the scheduler; safe to run twice at once (deleting is idempotent). Returns the sessions
/// deleted.
pub async fn delete_expired(st: &AppState) -> anyhow::Result<usize> {
    let now = st.clock.now();
    let cutoff = now - chrono::Duration::days(i64::from(st.config.recording_retention_days));
    let mut deleted = 0;
    for (key, value) in st.records.list_entries("recordings/").await? {
        let entry: RecordingEntry = match serde_json::from_value(value) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(key, error = %e, "unreadable recording entry left alone");
                continue;
            }
        };
        if entry.started_at > cutoff {
            continue;
        }
        delete_session_files(st, &key).await?;
        st.records.take_entry(&key).await?;
        tracing::info!(application_id = entry.application_id, session_id = entry.session_id, "expired recording deleted");
        deleted += 1;
    }
    for (key, value) in st.records.list_entries("recording-link/").await? {
        if serde_json::from_value::<Link>(value).map_or(true, |l| l.expires_at <= now) {
            st.records.take_entry(&key).await?;
        }
    }
    Ok(deleted)
}

/// The files of a session: those its manifest lists, the manifest and the joined file.
async fn delete_session_files(st: &AppState, prefix: &str) -> anyhow::Result<()> {
    let manifest_key = FileKey::parse(&format!("{prefix}/manifest.json"))?;
    let mut keys: Vec<String> = Vec::new();
    match st.recordings.get(&manifest_key).await {
        Ok(file) => {
            let manifest: serde_json::Value = serde_json::from_slice(&file.body).unwrap_or_default();
            for s in manifest["segments"].as_array().into_iter().flatten() {
                if let Some(k) = s["key"].as_str() {
                    keys.push(k.to_string());
                }
            }
            if let Some(k) = manifest["assembled"]["key"].as_str() {
                keys.push(k.to_string());
            }
        }
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    keys.push(format!("{prefix}/recording.webm"));
    keys.push(manifest_key.as_str().to_string());
    for k in keys {
        // Only this session's own files, whatever a manifest says.
        if !k.starts_with(&format!("{prefix}/")) {
            continue;
        }
        if let Ok(key) = FileKey::parse(&k) {
            st.recordings.delete(&key).await?;
        }
    }
    Ok(())
}
