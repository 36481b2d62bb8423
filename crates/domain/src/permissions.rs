//! Who may do what. The server asks here before every staff action; the rules are those of
//! DESIGN.md, and the API tests walk the whole matrix.

use crate::error::{DomainError, Forbidden};
use crate::ids::UserId;
use crate::user::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read vacancies, candidates, applications and their history.
    ReadPipeline,
    ManageUsers,
    CreateVacancy,
    /// Edit or close a vacancy owned by `owner`.
    EditVacancy { owner: UserId },
    /// Create or edit candidates, upload resumes, assign candidates to vacancies, move
    /// applications through the pipeline, create invites.
    WorkWithCandidates,
}

/// Checks that `user` with `role` may perform `action`. Admins may do everything.
pub fn authorize(user: UserId, role: Role, action: Action) -> Result<(), DomainError> {
    use Action::*;
    let allowed = match (role, action) {
        (Role::Admin, _) => Ok(()),
        (_, ReadPipeline | WorkWithCandidates) => Ok(()),
        (_, ManageUsers) => Err(Forbidden::AdminOnly),
        (Role::Manager, CreateVacancy) => Ok(()),
        (Role::Manager, EditVacancy { owner }) if owner == user => Ok(()),
        (Role::Manager, EditVacancy { .. }) => Err(Forbidden::NotVacancyManager),
        (Role::Recruiter, CreateVacancy | EditVacancy { .. }) => Err(Forbidden::ManagerOnly),
    };
    allowed.map_err(DomainError::Forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vacancies_are_edited_only_by_their_manager_or_an_admin() {
        let owner = UserId::new();
        assert!(authorize(owner, Role::Manager, Action::EditVacancy { owner }).is_ok());
        assert!(authorize(UserId::new(), Role::Manager, Action::EditVacancy { owner }).is_err());
        assert!(authorize(UserId::new(), Role::Recruiter, Action::EditVacancy { owner }).is_err());
        assert!(authorize(UserId::new(), Role::Admin, Action::EditVacancy { owner }).is_ok());
        assert!(authorize(UserId::new(), Role::Recruiter, Action::CreateVacancy).is_err());
    }

    #[test]
    fn only_admins_manage_users() {
        for role in [Role::Recruiter, Role::Manager] {
            assert!(authorize(UserId::new(), role, Action::ManageUsers).is_err());
        }
        assert!(authorize(UserId::new(), Role::Admin, Action::ManageUsers).is_ok());
    }
}
