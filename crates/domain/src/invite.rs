//! Interview invites: a secret link that opens one candidate's interview and nothing else.

use crate::error::DomainError;
use crate::ids::{ApplicationId, CandidateId, InviteId, UserId, VacancyId};
use crate::secret::{TokenHash, new_token};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InviteKind {
    /// For an existing candidate; bound to their application from the start.
    Personal,
    /// A link where the candidate enters their own details; bound to the application that
    /// is created when they give consent, and single-use from then on.
    Open,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    pub id: InviteId,
    pub token_hash: TokenHash,
    pub kind: InviteKind,
    pub vacancy_id: VacancyId,
    pub candidate_id: Option<CandidateId>,
    pub application_id: Option<ApplicationId>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub consent_at: Option<DateTime<Utc>>,
    pub version: u64,
}

impl Invite {
    /// A new invite and the token to put in the link (the invite keeps only its hash).
    pub fn new(
        kind: InviteKind,
        vacancy_id: VacancyId,
        bound_to: Option<(CandidateId, ApplicationId)>,
        created_by: UserId,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> (Self, String) {
        let token = new_token();
        let invite = Invite {
            id: InviteId::new(),
            token_hash: TokenHash::of(&token),
            kind,
            vacancy_id,
            candidate_id: bound_to.map(|b| b.0),
            application_id: bound_to.map(|b| b.1),
            created_by,
            created_at: now,
            expires_at: now + ttl,
            consent_at: None,
            version: 1,
        };
        (invite, token)
    }

    pub fn ensure_usable(&self, now: DateTime<Utc>) -> Result<(), DomainError> {
        if now >= self.expires_at {
            return Err(DomainError::InviteExpired);
        }
        Ok(())
    }

    /// Records consent; an open invite becomes bound to the application created for it.
    pub fn consent(&mut self, bound_to: (CandidateId, ApplicationId), now: DateTime<Utc>) {
        self.candidate_id = Some(bound_to.0);
        self.application_id = Some(bound_to.1);
        self.consent_at = Some(now);
        self.version += 1;
    }
}
