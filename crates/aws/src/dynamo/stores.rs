//! The records ports over the DynamoDB table: users, sessions, candidates, vacancies,
//! applications with their history, invites, uploads (matches are in `matches`).

use super::keys::{self, HISTORY_PREFIX, Listed};
use super::{Condition, DynamoRecords, doc_item};
use crate::error::AwsError;
use async_trait::async_trait;
use otbor_domain::application::{Application, HistoryEntry};
use otbor_domain::candidate::Candidate;
use otbor_domain::ids::{ApplicationId, CandidateId, UploadId, UserId, VacancyId};
use otbor_domain::invite::Invite;
use otbor_domain::ports::{
    ApplicationStore, CandidateStore, InviteStore, SessionStore, StoreError, StoreResult,
    UploadStore, UserStore, VacancyStore,
};
use otbor_domain::query::{
    ApplicationQuery, CandidateQuery, CandidateSort, Page, PageRequest, VacancyQuery,
};
use otbor_domain::secret::TokenHash;
use otbor_domain::upload::Upload;
use otbor_domain::user::{Session, User};
use otbor_domain::vacancy::{StageCount, Vacancy};
use otbor_domain::values::{Email, Phone, search_key};
use std::collections::{BTreeMap, HashSet};

const USER_ID: &str = "user_id";
const APPLICATION_ID: &str = "application_id";

fn matches_search(name: &str, search: Option<&String>) -> bool {
    search.is_none_or(|s| search_key(name).contains(&search_key(s)))
}

#[async_trait]
impl UserStore for DynamoRecords {
    /// The user and its email claim are written together; a taken email cancels both.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    async fn insert_user(&self, user: &User) -> StoreResult<()> {
        let key = Listed::User.key(user.id);
        let item = doc_item(
            "user",
            &key,
            user,
            None,
            Some((Listed::User, keys::created(user.created_at, user.id))),
        )?;
        let mut claim = keys::user_email(user.email.as_str()).to_item();
        claim.insert(USER_ID.to_owned(), keys::s(user.id.to_string()));
        let ops = vec![
            self.put_op(item, Some(Condition::New))?,
            self.put_op(claim, Some(Condition::New))?,
        ];
        self.transact(ops, |i| {
            StoreError::Duplicate(if i == 1 { "email" } else { "user" })
        })
        .await
    }

    async fn get_user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.get_doc("user", &Listed::User.key(id)).await
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let Some(claim) = self.get_item(&keys::user_email(email.as_str())).await? else {
            return Ok(None);
        };
        let id = claim
            .get(USER_ID)
            .and_then(|v| v.as_s().ok())
            .and_then(|s| s.parse::<UserId>().ok())
            .ok_or_else(|| AwsError::Malformed {
                what: "email claim",
                detail: format!("no valid `{USER_ID}`"),
            })?;
        self.get_user(id).await
    }

    async fn list_users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        let mut all: Vec<User> = self.list("user", Listed::User).await?;
        all.sort_by_key(|u| (u.created_at, u.id));
        Ok(page.slice(all))
    }
}

#[async_trait]
impl SessionStore for DynamoRecords {
    async fn insert_session(&self, session: &Session) -> StoreResult<()> {
        let item = doc_item(
            "session",
            &keys::session(session.token_hash.as_str()),
            session,
            None,
            None,
        )?;
        self.put("session", item, Condition::New).await
    }

    async fn get_session(&self, token: &TokenHash) -> StoreResult<Option<Session>> {
        self.get_doc("session", &keys::session(token.as_str()))
            .await
    }

    async fn delete_session(&self, token: &TokenHash) -> StoreResult<()> {
        self.delete(&keys::session(token.as_str())).await
    }
}

fn candidate_item(c: &Candidate) -> Result<keys::Item, AwsError> {
    let key = Listed::Candidate.key(c.id);
    doc_item(
        "candidate",
        &key,
        c,
        Some(c.version),
        Some((Listed::Candidate, keys::created(c.created_at, c.id))),
    )
}

#[async_trait]
impl CandidateStore for DynamoRecords {
    async fn insert_candidate(&self, c: &Candidate) -> StoreResult<()> {
        self.put("candidate", candidate_item(c)?, Condition::New)
            .await
    }

    #[tracing::instrument(skip_all, fields(candidate_id = %c.id, expected_version))]
    async fn update_candidate(&self, c: &Candidate, expected_version: u64) -> StoreResult<()> {
        self.put(
            "candidate",
            candidate_item(c)?,
            Condition::Version(expected_version),
        )
        .await
    }

    async fn get_candidate(&self, id: CandidateId) -> StoreResult<Option<Candidate>> {
        self.get_doc("candidate", &Listed::Candidate.key(id)).await
    }

    async fn get_candidates(&self, ids: &[CandidateId]) -> StoreResult<Vec<Candidate>> {
        self.batch_get(
            "candidate",
            ids.iter().map(|id| Listed::Candidate.key(id)).collect(),
        )
        .await
    }

    /// Filters in memory over every candidate (see the module limits); the vacancy and status
    /// filters read every application too.
    async fn list_candidates(&self, q: &CandidateQuery) -> StoreResult<Page<Candidate>> {
        let mut all: Vec<Candidate> = self.list("candidate", Listed::Candidate).await?;
        all.retain(|c| matches_search(&c.full_name, q.search.as_ref()));
        if let Some(source) = &q.source {
            let source = source.trim().to_lowercase();
            all.retain(|c| {
                c.source
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase() == source)
            });
        }
        if q.vacancy_id.is_some() || q.status.is_some() {
            let apps: Vec<Application> = self.list("application", Listed::Application).await?;
            // Both filters must hold for the same application.
            let with: HashSet<CandidateId> = apps
                .iter()
                .filter(|a| q.vacancy_id.is_none_or(|v| a.vacancy_id == v))
                .filter(|a| q.status.is_none_or(|s| a.status == s))
                .map(|a| a.candidate_id)
                .collect();
            all.retain(|c| with.contains(&c.id));
        }
        match q.sort {
            CandidateSort::Name => all.sort_by_cached_key(|c| (search_key(&c.full_name), c.id)),
            CandidateSort::CreatedAt => all.sort_by_key(|c| (c.created_at, c.id)),
            CandidateSort::UpdatedAt => all.sort_by_key(|c| (c.updated_at, c.id)),
        }
        if q.descending {
            all.reverse();
        }
        Ok(q.page.slice(all))
    }

    /// Scans every candidate (see the layout notes in `keys` for why there are no lookup
    /// items). Emails and phones are stored normalised, so equality is the match.
    async fn candidate_by_contact(
        &self,
        email: Option<&Email>,
        phone: Option<&Phone>,
    ) -> StoreResult<Option<Candidate>> {
        if email.is_none() && phone.is_none() {
            return Ok(None);
        }
        let all: Vec<Candidate> = self.list("candidate", Listed::Candidate).await?;
        Ok(all
            .into_iter()
            .filter(|c| {
                (email.is_some() && c.email.as_ref() == email)
                    || (phone.is_some() && c.phone.as_ref() == phone)
            })
            .min_by_key(|c| (c.created_at, c.id)))
    }
}

fn vacancy_item(v: &Vacancy) -> Result<keys::Item, AwsError> {
    let key = Listed::Vacancy.key(v.id);
    doc_item(
        "vacancy",
        &key,
        v,
        Some(v.version),
        Some((Listed::Vacancy, keys::created(v.created_at, v.id))),
    )
}

#[async_trait]
impl VacancyStore for DynamoRecords {
    async fn insert_vacancy(&self, v: &Vacancy) -> StoreResult<()> {
        self.put("vacancy", vacancy_item(v)?, Condition::New).await
    }

    #[tracing::instrument(skip_all, fields(vacancy_id = %v.id, expected_version))]
    async fn update_vacancy(&self, v: &Vacancy, expected_version: u64) -> StoreResult<()> {
        self.put(
            "vacancy",
            vacancy_item(v)?,
            Condition::Version(expected_version),
        )
        .await
    }

    async fn get_vacancy(&self, id: VacancyId) -> StoreResult<Option<Vacancy>> {
        self.get_doc("vacancy", &Listed::Vacancy.key(id)).await
    }

    async fn get_vacancies(&self, ids: &[VacancyId]) -> StoreResult<Vec<Vacancy>> {
        self.batch_get(
            "vacancy",
            ids.iter().map(|id| Listed::Vacancy.key(id)).collect(),
        )
        .await
    }

    async fn list_vacancies(&self, q: &VacancyQuery) -> StoreResult<Page<Vacancy>> {
        let mut all: Vec<Vacancy> = self.list("vacancy", Listed::Vacancy).await?;
        all.retain(|v| {
            q.state.is_none_or(|s| v.state == s) && matches_search(&v.title, q.search.as_ref())
        });
        all.sort_by_key(|v| std::cmp::Reverse((v.created_at, v.id)));
        Ok(q.page.slice(all))
    }
}

fn application_item(a: &Application) -> Result<keys::Item, AwsError> {
    let key = Listed::Application.key(a.id);
    doc_item(
        "application",
        &key,
        a,
        Some(a.version),
        Some((Listed::Application, keys::created(a.created_at, a.id))),
    )
}

/// A history entry is keyed by the version of the application it produced.
fn history_item(a: &Application, entry: &HistoryEntry) -> Result<keys::Item, AwsError> {
    doc_item(
        "history entry",
        &keys::history(a.id, a.version),
        entry,
        None,
        None,
    )
}

#[async_trait]
impl ApplicationStore for DynamoRecords {
    /// The application, its candidate x vacancy claim and its first history entry are written
    /// in one transaction; a taken claim cancels all three.
    #[tracing::instrument(skip_all, fields(application_id = %a.id))]
    async fn insert_application(&self, a: &Application, first: &HistoryEntry) -> StoreResult<()> {
        let mut claim = keys::app_pair(a.candidate_id, a.vacancy_id).to_item();
        claim.insert(APPLICATION_ID.to_owned(), keys::s(a.id.to_string()));
        let ops = vec![
            self.put_op(application_item(a)?, Some(Condition::New))?,
            self.put_op(claim, Some(Condition::New))?,
            self.put_op(history_item(a, first)?, Some(Condition::New))?,
        ];
        self.transact(ops, |_| StoreError::Duplicate("application"))
            .await
    }

    async fn get_application(&self, id: ApplicationId) -> StoreResult<Option<Application>> {
        self.get_doc("application", &Listed::Application.key(id))
            .await
    }

    /// Filters in memory over every application; a name search reads their candidates.
    async fn list_applications(&self, q: &ApplicationQuery) -> StoreResult<Page<Application>> {
        let mut all: Vec<Application> = self.list("application", Listed::Application).await?;
        all.retain(|a| {
            q.vacancy_id.is_none_or(|v| a.vacancy_id == v)
                && q.candidate_id.is_none_or(|c| a.candidate_id == c)
                && q.status.is_none_or(|s| a.status == s)
        });
        if let Some(search) = &q.search {
            let ids: Vec<CandidateId> = all.iter().map(|a| a.candidate_id).collect();
            let named: HashSet<CandidateId> = self
                .get_candidates(&ids)
                .await?
                .into_iter()
                .filter(|c| matches_search(&c.full_name, Some(search)))
                .map(|c| c.id)
                .collect();
            all.retain(|a| named.contains(&a.candidate_id));
        }
        all.sort_by_key(|a| std::cmp::Reverse((a.created_at, a.id)));
        Ok(q.page.slice(all))
    }

    /// The changed application and the history entry are one transaction, conditional on the
    /// stored version: of two writers holding the same version exactly one wins.
    #[tracing::instrument(skip_all, fields(application_id = %a.id, expected_version))]
    async fn transition_application(
        &self,
        a: &Application,
        expected_version: u64,
        entry: &HistoryEntry,
    ) -> StoreResult<()> {
        let ops = vec![
            self.put_op(
                application_item(a)?,
                Some(Condition::Version(expected_version)),
            )?,
            // A taken history key means another writer produced this version first.
            self.put_op(history_item(a, entry)?, Some(Condition::New))?,
        ];
        self.transact(ops, |_| StoreError::Conflict).await
    }

    async fn history(&self, id: ApplicationId) -> StoreResult<Vec<HistoryEntry>> {
        self.query_partition(
            "history entry",
            &Listed::Application.pk(id),
            Some(HISTORY_PREFIX),
        )
        .await
    }

    async fn stage_counts(&self, vacancies: &[VacancyId]) -> StoreResult<Vec<StageCount>> {
        if vacancies.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: HashSet<VacancyId> = vacancies.iter().copied().collect();
        let apps: Vec<Application> = self.list("application", Listed::Application).await?;
        let mut groups: BTreeMap<
            (
                VacancyId,
                otbor_domain::application::Status,
                otbor_domain::application::Status,
            ),
            u64,
        > = BTreeMap::new();
        for a in apps.iter().filter(|a| wanted.contains(&a.vacancy_id)) {
            *groups
                .entry((a.vacancy_id, a.status, a.furthest))
                .or_default() += 1;
        }
        Ok(groups
            .into_iter()
            .map(|((vacancy_id, status, furthest), count)| StageCount {
                vacancy_id,
                status,
                furthest,
                count,
            })
            .collect())
    }
}

fn invite_item(i: &Invite) -> Result<keys::Item, AwsError> {
    doc_item(
        "invite",
        &keys::invite(i.token_hash.as_str()),
        i,
        Some(i.version),
        None,
    )
}

#[async_trait]
impl InviteStore for DynamoRecords {
    async fn insert_invite(&self, i: &Invite) -> StoreResult<()> {
        self.put("invite", invite_item(i)?, Condition::New).await
    }

    async fn invite_by_token(&self, token: &TokenHash) -> StoreResult<Option<Invite>> {
        self.get_doc("invite", &keys::invite(token.as_str())).await
    }

    #[tracing::instrument(skip_all, fields(invite_id = %i.id, expected_version))]
    async fn update_invite(&self, i: &Invite, expected_version: u64) -> StoreResult<()> {
        self.put(
            "invite",
            invite_item(i)?,
            Condition::Version(expected_version),
        )
        .await
    }
}

fn upload_item(u: &Upload) -> Result<keys::Item, AwsError> {
    doc_item(
        "upload",
        &Listed::Upload.key(u.id),
        u,
        Some(u.version),
        Some((Listed::Upload, keys::created(u.created_at, u.id))),
    )
}

#[async_trait]
impl UploadStore for DynamoRecords {
    async fn insert_upload(&self, u: &Upload) -> StoreResult<()> {
        self.put("upload", upload_item(u)?, Condition::New).await
    }

    async fn get_upload(&self, id: UploadId) -> StoreResult<Option<Upload>> {
        self.get_doc("upload", &Listed::Upload.key(id)).await
    }

    #[tracing::instrument(skip_all, fields(upload_id = %u.id, expected_version))]
    async fn update_upload(&self, u: &Upload, expected_version: u64) -> StoreResult<()> {
        self.put(
            "upload",
            upload_item(u)?,
            Condition::Version(expected_version),
        )
        .await
    }

    /// Filters in memory over every upload (see the module limits).
    async fn list_uploads(
        &self,
        created_by: Option<UserId>,
        page: PageRequest,
    ) -> StoreResult<Page<Upload>> {
        let mut all: Vec<Upload> = self.list("upload", Listed::Upload).await?;
        all.retain(|u| created_by.is_none_or(|who| u.created_by == who));
        all.sort_by_key(|u| std::cmp::Reverse((u.created_at, u.id)));
        Ok(page.slice(all))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamo::decode;
    use std::collections::HashMap;

    #[test]
    fn search_is_a_case_insensitive_substring_of_the_name() {
        assert!(matches_search("Пётр Иванов", Some(&"иван".to_owned())));
        assert!(matches_search("Пётр Иванов", Some(&"ИВАН".to_owned())));
        assert!(!matches_search("Мария Смирнова", Some(&"иван".to_owned())));
        assert!(matches_search("Мария Смирнова", None));
    }

    #[test]
    fn history_keys_sort_in_version_order() {
        let id = ApplicationId::new();
        let k9 = keys::history(id, 9).sk;
        let k10 = keys::history(id, 10).sk;
        assert!(k9 < k10);
    }

    #[test]
    fn a_decoded_item_without_a_document_is_malformed_not_a_panic() {
        let item: keys::Item = HashMap::new();
        assert!(matches!(
            decode::<User>("user", &item),
            Err(AwsError::Malformed { .. })
        ));
    }
}
