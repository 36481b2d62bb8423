//! List queries (filters, search, sort, pagination) and the page they return.

use crate::application::Status;
use crate::error::{DomainError, Reason};
use crate::ids::{CandidateId, VacancyId};
use crate::vacancy::VacancyState;
use serde::Serialize;

pub const MAX_PER_PAGE: u32 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

impl PageRequest {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Result<Self, DomainError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        if page == 0 || page > 1_000_000 {
            return Err(DomainError::invalid("page", Reason::OutOfRange { min: 1, max: 1_000_000 }));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(DomainError::invalid(
                "per_page",
                Reason::OutOfRange { min: 1, max: MAX_PER_PAGE as i64 },
            ));
        }
        Ok(Self { page, per_page })
    }
    pub fn all() -> Self {
        Self { page: 1, per_page: u32::MAX }
    }
    pub fn page(&self) -> u32 {
        self.page
    }
    pub fn per_page(&self) -> u32 {
        self.per_page
    }
    pub fn offset(&self) -> u64 {
        (self.page as u64 - 1) * self.per_page as u64
    }

    /// Cuts one page out of a full, already sorted list (for backends that filter in memory).
    pub fn slice<T>(&self, all: Vec<T>) -> Page<T> {
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(self.offset().min(usize::MAX as u64) as usize)
            .take(self.per_page as usize)
            .collect();
        Page { items, total, page: self.page, per_page: self.per_page }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: 20 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CandidateSort {
    Name,
    #[default]
    CreatedAt,
    UpdatedAt,
}

#[derive(Clone, Debug, Default)]
pub struct CandidateQuery {
    /// Lower-cased substring of the name (see [`crate::values::search_key`]).
    pub search: Option<String>,
    pub source: Option<String>,
    /// Only candidates with an application to this vacancy...
    pub vacancy_id: Option<VacancyId>,
    /// ...or with an application in this status (both: the same application).
    pub status: Option<Status>,
    pub sort: CandidateSort,
    pub descending: bool,
    pub page: PageRequest,
}

#[derive(Clone, Debug, Default)]
pub struct VacancyQuery {
    pub state: Option<VacancyState>,
    pub search: Option<String>,
    pub page: PageRequest,
}

#[derive(Clone, Debug, Default)]
pub struct ApplicationQuery {
    pub vacancy_id: Option<VacancyId>,
    pub candidate_id: Option<CandidateId>,
    pub status: Option<Status>,
    /// Lower-cased substring of the candidate's name.
    pub search: Option<String>,
    pub page: PageRequest,
}
