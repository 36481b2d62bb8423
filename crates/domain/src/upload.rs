//! Uploads: a file a recruiter sends (a resume), from the moment an upload URL is handed out
//! to the candidate it produced or the reason it failed. Nothing uploaded is lost: a broken
//! file ends as `Failed` with its reason, visible on the upload list.

use crate::error::{DomainError, Lang, Reason};
use crate::ids::{CandidateId, UploadId, UserId, VacancyId};
use crate::secret::{TokenHash, new_token};
use crate::values::required_text;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Files larger than this are refused before upload.
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

/// The content types a resume may have, with the extensions they go with.
pub const RESUME_TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &["docx"]),
    ("text/plain", &["txt"]),
    ("text/markdown", &["md", "markdown"]),
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UploadStatus {
    /// The URL was handed out; the file has not arrived.
    Pending,
    /// The file is stored; intake is queued or running.
    Uploaded,
    /// A candidate was created, or an existing one (matched by email or phone) updated.
    Done { candidate_id: CandidateId, updated_existing: bool },
    /// Intake refused the file; `code` is stable, the messages are for people.
    Failed { code: String, message_ru: String, message_en: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Upload {
    pub id: UploadId,
    /// Where the file lives in the file store.
    pub key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// Assign the resulting candidate to this vacancy (an upload from a vacancy page).
    pub vacancy_id: Option<VacancyId>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    /// The upload URL stops working at this time.
    pub expires_at: DateTime<Utc>,
    pub status: UploadStatus,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
    /// The hash of the secret in the upload URL: whoever holds the URL may send the file
    /// once, before it expires, and nothing else.
    #[schema(value_type = String)]
    pub put_token_hash: TokenHash,
}

impl Upload {
    /// Checks what the browser declared about the file and makes a pending upload, with the
    /// token to put in its upload URL.
    pub fn new(
        file_name: &str,
        content_type: &str,
        size: u64,
        vacancy_id: Option<VacancyId>,
        created_by: UserId,
        now: DateTime<Utc>,
        ttl: chrono::Duration,
    ) -> Result<(Self, String), DomainError> {
        let file_name = required_text("file_name", file_name, 255)?;
        let content_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let known = RESUME_TYPES.iter().find(|(t, exts)| *t == content_type || exts.contains(&ext.as_str()));
        let Some((canonical, _)) = known else {
            return Err(DomainError::invalid("content_type", Reason::Unknown { allowed: &["PDF", "DOCX", "TXT", "MD"] }));
        };
        if size == 0 {
            return Err(DomainError::invalid("size", Reason::EmptyFile));
        }
        if size > MAX_UPLOAD_BYTES {
            return Err(DomainError::invalid("size", Reason::OutOfRange { min: 1, max: MAX_UPLOAD_BYTES as i64 }));
        }
        let id = UploadId::new();
        let token = new_token();
        let upload = Upload {
            id,
            key: format!("uploads/{id}/{}", safe_name(&file_name)),
            file_name,
            content_type: canonical.to_string(),
            size,
            vacancy_id,
            created_by,
            created_at: now,
            expires_at: now + ttl,
            status: UploadStatus::Pending,
            updated_at: now,
            version: 1,
            put_token_hash: TokenHash::of(&token),
        };
        Ok((upload, token))
    }

    /// Checks an attempt to send the file: the token, the time, the declared type and size.
    pub fn check_put(&self, token: &str, content_type: &str, size: u64, now: DateTime<Utc>) -> Result<(), UploadRefusal> {
        if TokenHash::of(token) != self.put_token_hash {
            return Err(UploadRefusal::BadToken);
        }
        if self.status != UploadStatus::Pending {
            return Err(UploadRefusal::AlreadyUploaded);
        }
        if now >= self.expires_at {
            return Err(UploadRefusal::Expired);
        }
        let ct = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if ct != self.content_type {
            return Err(UploadRefusal::WrongType { expected: self.content_type.clone() });
        }
        if size != self.size {
            return Err(UploadRefusal::WrongSize { expected: self.size });
        }
        Ok(())
    }

    /// The upload a file-store key belongs to (`uploads/<id>/<name>`), as S3 events name it.
    pub fn id_from_key(key: &str) -> Option<UploadId> {
        let mut parts = key.split('/');
        match (parts.next(), parts.next()) {
            (Some("uploads"), Some(id)) => id.parse().ok(),
            _ => None,
        }
    }

    pub fn set_status(&mut self, status: UploadStatus, now: DateTime<Utc>) {
        self.status = status;
        self.updated_at = now;
        self.version += 1;
    }

    pub fn fail(&mut self, code: &str, ru: &str, en: &str, now: DateTime<Utc>) {
        self.set_status(
            UploadStatus::Failed { code: code.into(), message_ru: ru.into(), message_en: en.into() },
            now,
        );
    }

    /// The failure message in `lang`, if the upload failed.
    pub fn failure(&self, lang: Lang) -> Option<String> {
        match &self.status {
            UploadStatus::Failed { message_ru, message_en, .. } => Some(lang.pick(message_ru.clone(), message_en.clone())),
            _ => None,
        }
    }
}

/// Why a file sent to an upload URL was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadRefusal {
    BadToken,
    AlreadyUploaded,
    Expired,
    WrongType { expected: String },
    WrongSize { expected: u64 },
}

impl UploadRefusal {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            UploadRefusal::BadToken => lang.pick("ссылка для загрузки недействительна", "this upload link is not valid"),
            UploadRefusal::AlreadyUploaded => lang.pick("файл по этой ссылке уже загружен", "a file was already sent to this link"),
            UploadRefusal::Expired => lang.pick("срок действия ссылки для загрузки истёк; начните загрузку заново", "this upload link has expired; start the upload again"),
            UploadRefusal::WrongType { expected } => lang.pick(
                format!("тип файла не совпадает с заявленным ({expected})"),
                format!("the file type differs from the declared one ({expected})"),
            ),
            UploadRefusal::WrongSize { expected } => lang.pick(
                format!("размер файла не совпадает с заявленным ({expected} байт)"),
                format!("the file size differs from the declared one ({expected} bytes)"),
            ),
        }
    }
}

/// A file name reduced to characters every file store accepts in a key.
fn safe_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    out.truncate(100);
    if out.starts_with('.') || out.is_empty() {
        out.insert(0, 'f');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, ct: &str, size: u64) -> Result<Upload, DomainError> {
        Upload::new(name, ct, size, None, UserId::new(), Utc::now(), chrono::Duration::minutes(15)).map(|(u, _)| u)
    }

    #[test]
    fn only_the_token_holder_sends_the_declared_file_once_before_expiry() {
        let now = Utc::now();
        let (mut u, token) = Upload::new("cv.pdf", "application/pdf", 10, None, UserId::new(), now, chrono::Duration::minutes(15)).unwrap();
        assert_eq!(u.check_put("nope", "application/pdf", 10, now), Err(UploadRefusal::BadToken));
        assert!(matches!(u.check_put(&token, "text/plain", 10, now), Err(UploadRefusal::WrongType { .. })));
        assert!(matches!(u.check_put(&token, "application/pdf", 11, now), Err(UploadRefusal::WrongSize { .. })));
        assert_eq!(u.check_put(&token, "application/pdf", 10, now + chrono::Duration::minutes(16)), Err(UploadRefusal::Expired));
        assert_eq!(u.check_put(&token, "application/pdf; charset=binary", 10, now), Ok(()));
        u.set_status(UploadStatus::Uploaded, now);
        assert_eq!(u.check_put(&token, "application/pdf", 10, now), Err(UploadRefusal::AlreadyUploaded));
    }

    #[test]
    fn resumes_of_the_known_kinds_and_sizes_are_accepted_with_a_safe_key() {
        let u = new("Резюме Иванов.pdf", "application/pdf", 1000).unwrap();
        assert!(u.key.starts_with("uploads/") && u.key.ends_with(".pdf"));
        assert!(crate::ports::FileKey::parse(&u.key).is_ok(), "{}", u.key);
        assert_eq!(new("cv.docx", "application/octet-stream", 10).unwrap().content_type, RESUME_TYPES[1].0);
    }

    #[test]
    fn the_upload_is_found_again_from_its_key() {
        let u = new("cv.pdf", "application/pdf", 10).unwrap();
        assert_eq!(Upload::id_from_key(&u.key), Some(u.id));
        assert_eq!(Upload::id_from_key("recordings/x/y.ogg"), None);
        assert_eq!(Upload::id_from_key("uploads/not-an-id/cv.pdf"), None);
    }

    #[test]
    fn other_kinds_empty_and_oversized_files_are_refused() {
        assert!(new("photo.jpg", "image/jpeg", 10).is_err());
        assert!(new("cv.pdf", "application/pdf", 0).is_err());
        assert!(new("cv.pdf", "application/pdf", MAX_UPLOAD_BYTES + 1).is_err());
    }
}
