//! Candidates: people in the talent pool, with or without applications.

use crate::error::DomainError;
use crate::ids::CandidateId;
use crate::values::{Email, Phone, optional_text, required_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResumeFile {
    pub key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: CandidateId,
    pub full_name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub location: Option<String>,
    /// Where the candidate came from: "hh.ru", "linkedin", "referral", "manual", ...
    pub source: Option<String>,
    pub resume_files: Vec<ResumeFile>,
    /// The parsed profile with provenance (filled by resume intake): the screening engine's
    /// document, kept as JSON because its shape belongs to the engine, not to the domain. The
    /// application layer reads and writes it in one place (`otbor_app::profile`).
    pub profile: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// The editable fields of a candidate, as the user typed them.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CandidateFields {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub source: Option<String>,
}

impl Candidate {
    pub fn new(fields: &CandidateFields, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let mut c = Candidate {
            id: CandidateId::new(),
            full_name: required_text("full_name", fields.full_name.as_deref().unwrap_or(""), 200)?,
            email: None,
            phone: None,
            location: None,
            source: None,
            resume_files: Vec::new(),
            profile: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        c.apply(fields, now)?;
        c.version = 1;
        Ok(c)
    }

    /// Applies the fields that are present; an empty string clears an optional field.
    pub fn apply(&mut self, f: &CandidateFields, now: DateTime<Utc>) -> Result<(), DomainError> {
        if let Some(n) = &f.full_name {
            self.full_name = required_text("full_name", n, 200)?;
        }
        if let Some(e) = &f.email {
            self.email = match e.trim() {
                "" => None,
                e => Some(Email::parse("email", e)?),
            };
        }
        if let Some(p) = &f.phone {
            self.phone = match p.trim() {
                "" => None,
                p => Some(Phone::parse("phone", p)?),
            };
        }
        if let Some(l) = &f.location {
            self.location = optional_text("location", Some(l), 200)?;
        }
        if let Some(s) = &f.source {
            self.source = optional_text("source", Some(s), 100)?.map(|s| s.to_lowercase());
        }
        self.updated_at = now;
        self.version += 1;
        Ok(())
    }
}
