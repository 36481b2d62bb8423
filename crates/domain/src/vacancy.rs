//! Vacancies, their requirements, and the per-vacancy pipeline funnel.

use crate::application::Status;
use crate::error::{DomainError, Lang, Reason};
use crate::ids::{UserId, VacancyId};
use crate::values::{optional_text, required_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    Must,
    Nice,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Requirement {
    pub text: String,
    pub kind: RequirementKind,
    /// 1..=10: how much this requirement counts in a match or an evaluation.
    pub weight: u8,
    pub min_years: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VacancyState {
    Open,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Vacancy {
    pub id: VacancyId,
    pub title: String,
    pub description: String,
    pub requirements: Vec<Requirement>,
    pub min_experience_years: Option<u8>,
    pub location: Option<String>,
    pub remote: bool,
    pub language: Lang,
    pub state: VacancyState,
    /// The hiring manager who owns the vacancy and makes the final decisions.
    pub manager_id: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// The editable fields of a vacancy as submitted; `None` leaves a field unchanged.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct VacancyFields {
    pub title: Option<String>,
    pub description: Option<String>,
    pub requirements: Option<Vec<Requirement>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u8>)]
    pub min_experience_years: Option<Option<u8>>,
    pub location: Option<String>,
    pub remote: Option<bool>,
    pub language: Option<Lang>,
}

fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

pub const MAX_REQUIREMENTS: usize = 50;

fn check_requirements(reqs: &[Requirement]) -> Result<Vec<Requirement>, DomainError> {
    if reqs.len() > MAX_REQUIREMENTS {
        return Err(DomainError::invalid(
            "requirements",
            Reason::OutOfRange { min: 0, max: MAX_REQUIREMENTS as i64 },
        ));
    }
    reqs.iter()
        .map(|r| {
            if !(1..=10).contains(&r.weight) {
                return Err(DomainError::invalid("requirements.weight", Reason::OutOfRange { min: 1, max: 10 }));
            }
            if r.min_years.is_some_and(|y| y > 50) {
                return Err(DomainError::invalid("requirements.min_years", Reason::OutOfRange { min: 0, max: 50 }));
            }
            Ok(Requirement {
                text: required_text("requirements.text", &r.text, 500)?,
                ..r.clone()
            })
        })
        .collect()
}

impl Vacancy {
    pub fn new(
        fields: &VacancyFields,
        manager_id: UserId,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let mut v = Vacancy {
            id: VacancyId::new(),
            title: required_text("title", fields.title.as_deref().unwrap_or(""), 200)?,
            description: String::new(),
            requirements: Vec::new(),
            min_experience_years: None,
            location: None,
            remote: false,
            language: Lang::Ru,
            state: VacancyState::Open,
            manager_id,
            created_at: now,
            updated_at: now,
            version: 0,
        };
        v.apply(fields, now)?;
        Ok(v)
    }

    pub fn apply(&mut self, f: &VacancyFields, now: DateTime<Utc>) -> Result<(), DomainError> {
        if let Some(t) = &f.title {
            self.title = required_text("title", t, 200)?;
        }
        if let Some(d) = &f.description {
            self.description = optional_text("description", Some(d), 20_000)?.unwrap_or_default();
        }
        if let Some(r) = &f.requirements {
            self.requirements = check_requirements(r)?;
        }
        if let Some(m) = f.min_experience_years {
            if m.is_some_and(|y| y > 50) {
                return Err(DomainError::invalid("min_experience_years", Reason::OutOfRange { min: 0, max: 50 }));
            }
            self.min_experience_years = m;
        }
        if let Some(l) = &f.location {
            self.location = optional_text("location", Some(l), 200)?;
        }
        if let Some(r) = f.remote {
            self.remote = r;
        }
        if let Some(l) = f.language {
            self.language = l;
        }
        self.updated_at = now;
        self.version += 1;
        Ok(())
    }

    pub fn close(&mut self, now: DateTime<Utc>) {
        self.state = VacancyState::Closed;
        self.updated_at = now;
        self.version += 1;
    }

    pub fn ensure_open(&self) -> Result<(), DomainError> {
        match self.state {
            VacancyState::Open => Ok(()),
            VacancyState::Closed => Err(DomainError::VacancyClosed),
        }
    }
}

/// How many applications of a vacancy are in each status, and how many reached each stage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StatusCounts {
    pub awaiting_response: u64,
    pub in_interview: u64,
    pub evaluation: u64,
    pub awaiting_manager_decision: u64,
    pub accepted: u64,
    pub rejected: u64,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status, n: u64) {
        let slot = match s {
            Status::AwaitingResponse => &mut self.awaiting_response,
            Status::InInterview => &mut self.in_interview,
            Status::Evaluation => &mut self.evaluation,
            Status::AwaitingManagerDecision => &mut self.awaiting_manager_decision,
            Status::Accepted => &mut self.accepted,
            Status::Rejected => &mut self.rejected,
        };
        *slot += n;
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FunnelStep {
    pub from: Status,
    pub to: Status,
    /// The share of applications that reached `from` and went on to reach `to`; `None` when
    /// none reached `from`.
    pub rate: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VacancyStats {
    pub counts: StatusCounts,
    pub total: u64,
    pub funnel: Vec<FunnelStep>,
}

/// One row of the grouped count the stores return: applications with this current status
/// and this furthest stage reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageCount {
    pub vacancy_id: VacancyId,
    pub status: Status,
    pub furthest: Status,
    pub count: u64,
}

impl VacancyStats {
    /// Builds the counts and the funnel of one vacancy from the grouped rows.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = &'a StageCount>) -> Self {
        let mut counts = StatusCounts::default();
        let mut reached = [0u64; Status::PIPELINE.len()];
        let mut total = 0;
        for r in rows {
            counts.add(r.status, r.count);
            total += r.count;
            if let Some(rank) = r.furthest.stage_rank() {
                for slot in reached.iter_mut().take(rank + 1) {
                    *slot += r.count;
                }
            }
        }
        let funnel = Status::PIPELINE
            .windows(2)
            .enumerate()
            .map(|(i, w)| FunnelStep {
                from: w[0],
                to: w[1],
                rate: (reached[i] > 0).then(|| reached[i + 1] as f64 / reached[i] as f64),
            })
            .collect();
        VacancyStats { counts, total, funnel }
    }
}
