//! Applications (a candidate for a vacancy), the status machine and its history.

use crate::error::{DomainError, Forbidden, Reason};
use crate::ids::{ApplicationId, CandidateId, UserId, VacancyId};
use crate::user::Role;
use crate::values::optional_text;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::status::Status;

/// Reading a status from text (a query parameter, a request) is validation, so it lives
/// with the application rather than in `status`, which depends on nothing.
impl Status {
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .zip(Self::NAMES)
            .find(|(_, n)| **n == s)
            .map(|(st, _)| *st)
            .ok_or(DomainError::invalid(field, Reason::Unknown { allowed: Self::NAMES }))
    }
}


/// Who acts on an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    User { id: UserId, role: Role, name: String },
    Candidate { id: CandidateId, name: String },
    System,
}

/// The actor as recorded in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActorRef {
    pub kind: ActorKind,
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    User,
    Candidate,
    System,
}

impl From<&Actor> for ActorRef {
    fn from(a: &Actor) -> Self {
        match a {
            Actor::User { id, name, .. } => ActorRef {
                kind: ActorKind::User,
                id: Some(id.to_string()),
                name: Some(name.clone()),
            },
            Actor::Candidate { id, name } => ActorRef {
                kind: ActorKind::Candidate,
                id: Some(id.to_string()),
                name: Some(name.clone()),
            },
            Actor::System => ActorRef { kind: ActorKind::System, id: None, name: None },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Application {
    pub id: ApplicationId,
    pub candidate_id: CandidateId,
    pub vacancy_id: VacancyId,
    pub status: Status,
    /// The furthest pipeline stage ever reached (for the funnel); never goes back.
    pub furthest: Status,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented by every change; stores write only if it still holds the old value.
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub application_id: ApplicationId,
    pub from: Option<Status>,
    pub to: Status,
    pub actor: ActorRef,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
}

impl Application {
    /// A new application in the first status, with its first history entry.
    pub fn new(
        candidate_id: CandidateId,
        vacancy_id: VacancyId,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> (Self, HistoryEntry) {
        let app = Application {
            id: ApplicationId::new(),
            candidate_id,
            vacancy_id,
            status: Status::AwaitingResponse,
            furthest: Status::AwaitingResponse,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let entry = HistoryEntry {
            application_id: app.id,
            from: None,
            to: app.status,
            actor: actor.into(),
            at: now,
            reason: None,
        };
        (app, entry)
    }

    /// Validates a move and returns the changed application and its history entry.
    ///
    /// `vacancy_manager` is the owner of the application's vacancy: only they (or an admin)
    /// make the final decision. Any rejection needs a reason.
    pub fn transition(
        &self,
        to: Status,
        actor: &Actor,
        vacancy_manager: UserId,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Application, HistoryEntry), DomainError> {
        if !self.status.can_move_to(to) {
            return Err(DomainError::InvalidTransition { from: self.status, to });
        }
        let final_decision = self.status == Status::AwaitingManagerDecision;
        match actor {
            Actor::User { id, role, .. } => {
                if final_decision && *role != Role::Admin && *id != vacancy_manager {
                    return Err(DomainError::Forbidden(Forbidden::FinalDecisionIsManagers));
                }
            }
            Actor::Candidate { .. } => {
                // A candidate moves their own application only by taking the interview.
                let allowed = matches!(
                    (self.status, to),
                    (Status::AwaitingResponse, Status::InInterview) | (Status::InInterview, Status::Evaluation)
                );
                if !allowed {
                    return Err(DomainError::Forbidden(Forbidden::CandidateCannotDoThis));
                }
            }
            Actor::System => {
                if final_decision {
                    return Err(DomainError::Forbidden(Forbidden::FinalDecisionIsManagers));
                }
            }
        }
        let reason = optional_text("reason", reason, 2000)?;
        if to == Status::Rejected && reason.is_none() {
            return Err(DomainError::ReasonRequired);
        }
        let mut next = self.clone();
        next.status = to;
        if to.stage_rank() > self.furthest.stage_rank() {
            next.furthest = to;
        }
        next.updated_at = now;
        next.version = self.version + 1;
        let entry = HistoryEntry {
            application_id: self.id,
            from: Some(self.status),
            to,
            actor: actor.into(),
            at: now,
            reason,
        };
        Ok((next, entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn user(role: Role) -> Actor {
        Actor::User { id: UserId::new(), role, name: "Тест".into() }
    }

    fn app_in(status: Status) -> Application {
        let (mut a, _) = Application::new(CandidateId::new(), VacancyId::new(), &Actor::System, Utc::now());
        a.status = status;
        a
    }

    #[test]
    fn every_pair_of_statuses_is_legal_exactly_when_the_design_says_so() {
        use Status::*;
        let legal = [
            (AwaitingResponse, InInterview),
            (InInterview, Evaluation),
            (Evaluation, AwaitingManagerDecision),
            (AwaitingManagerDecision, Accepted),
            (AwaitingResponse, Rejected),
            (InInterview, Rejected),
            (Evaluation, Rejected),
            (AwaitingManagerDecision, Rejected),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(from.can_move_to(to), legal.contains(&(from, to)), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn an_illegal_move_is_refused_with_both_statuses_named() {
        let a = app_in(Status::AwaitingResponse);
        let err = a
            .transition(Status::Accepted, &user(Role::Admin), UserId::new(), None, Utc::now())
            .unwrap_err();
        assert_eq!(err, DomainError::InvalidTransition { from: Status::AwaitingResponse, to: Status::Accepted });
        assert!(err.message(Lang::Ru).contains("ждем ответа"));
    }

    #[test]
    fn only_the_vacancys_manager_or_an_admin_makes_the_final_decision() {
        let a = app_in(Status::AwaitingManagerDecision);
        let owner = UserId::new();
        let other_manager = user(Role::Manager);
        assert_eq!(
            a.transition(Status::Accepted, &other_manager, owner, None, Utc::now()).unwrap_err(),
            DomainError::Forbidden(Forbidden::FinalDecisionIsManagers)
        );
        assert!(a.transition(Status::Accepted, &user(Role::Recruiter), owner, None, Utc::now()).is_err());
        assert!(a.transition(Status::Accepted, &Actor::System, owner, None, Utc::now()).is_err());
        let me = Actor::User { id: owner, role: Role::Manager, name: "M".into() };
        let (next, entry) = a.transition(Status::Accepted, &me, owner, None, Utc::now()).unwrap();
        assert_eq!(next.status, Status::Accepted);
        assert_eq!(next.furthest, Status::Accepted);
        assert_eq!(next.version, a.version + 1);
        assert_eq!(entry.from, Some(Status::AwaitingManagerDecision));
        assert_eq!(entry.actor.kind, ActorKind::User);
    }

    #[test]
    fn rejection_needs_a_reason_and_keeps_the_furthest_stage() {
        let a = app_in(Status::InInterview);
        let mut a = a;
        a.furthest = Status::InInterview;
        let r = user(Role::Recruiter);
        assert_eq!(
            a.transition(Status::Rejected, &r, UserId::new(), Some("  "), Utc::now()).unwrap_err(),
            DomainError::ReasonRequired
        );
        let (next, entry) = a.transition(Status::Rejected, &r, UserId::new(), Some("нет опыта"), Utc::now()).unwrap();
        assert_eq!(next.furthest, Status::InInterview);
        assert_eq!(entry.reason.as_deref(), Some("нет опыта"));
    }

    #[test]
    fn a_candidate_only_moves_their_application_by_taking_the_interview() {
        let c = Actor::Candidate { id: CandidateId::new(), name: "К".into() };
        assert!(app_in(Status::AwaitingResponse).transition(Status::InInterview, &c, UserId::new(), None, Utc::now()).is_ok());
        assert!(app_in(Status::InInterview).transition(Status::Evaluation, &c, UserId::new(), None, Utc::now()).is_ok());
        assert!(app_in(Status::Evaluation).transition(Status::AwaitingManagerDecision, &c, UserId::new(), None, Utc::now()).is_err());
        assert!(app_in(Status::AwaitingResponse).transition(Status::Rejected, &c, UserId::new(), Some("x"), Utc::now()).is_err());
    }
}
