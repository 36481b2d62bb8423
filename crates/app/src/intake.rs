//! Resume intake and matching, as job handlers: the same functions run in-process (`otbor
//! serve`'s workers) and in the cloud (the ingest Lambda on S3 events, the jobs Lambda on SQS).
//!
//! A handler's `Err` means "try again later" (a store was unreachable); a file that cannot be
//! read is not an error of the job: the upload is marked failed with its reason, and the job
//! is done. Handlers are idempotent: a second delivery finds the upload finished and stops.

use crate::profile::{StoredProfile, stored_profile};
use crate::state::AppState;
use anyhow::Context;
use otbor_domain::application::{Actor, Application};
use otbor_domain::candidate::{Candidate, CandidateFields, ResumeFile};
use otbor_domain::jobs::{IngestResume, MatchVacancy};
use otbor_domain::ports::{FileKey, MatchRecord, StoreError};
use otbor_domain::query::{CandidateQuery, PageRequest, VacancyQuery};
use otbor_domain::upload::{Upload, UploadStatus};
use otbor_domain::vacancy::{Vacancy, VacancyState};
use otbor_domain::Lang;
use otbor_screening::{IsolateConfig, Profile};

/// The name and version of the engine recorded with every profile and match.
pub const ENGINE: &str = "otbor-offline-1";

pub async fn ingest_resume(st: &AppState, job: IngestResume) -> anyhow::Result<()> {
    let Some(mut upload) = st.records.get_upload(job.upload_id).await? else {
        tracing::warn!(upload_id = %job.upload_id, "an intake job for an unknown upload; nothing to do");
        return Ok(());
    };
    if matches!(upload.status, UploadStatus::Done { .. } | UploadStatus::Failed { .. }) {
        tracing::info!(upload_id = %upload.id, "upload already processed; duplicate delivery ignored");
        return Ok(());
    }
    let key = FileKey::parse(&upload.key).map_err(|e| anyhow::anyhow!("upload {} has a bad key: {e}", upload.id))?;
    let file = match st.files.get(&key).await {
        Ok(f) => f,
        Err(StoreError::NotFound) => {
            return finish_failed(st, &mut upload, "file_missing", "файл не найден в хранилище; загрузите его заново", "the file is not in storage; upload it again").await;
        }
        Err(e) => return Err(e.into()),
    };
    let (name, content_type) = (upload.file_name.clone(), upload.content_type.clone());
    let extracted = tokio::task::spawn_blocking(move || {
        otbor_screening::extract_isolated(&file.body, &name, &content_type, &IsolateConfig::default())
    })
    .await
    .context("the extraction task")?;
    let extracted = match extracted {
        Ok(x) => x,
        Err(e) => {
            tracing::info!(upload_id = %upload.id, code = e.code(), "resume refused");
            let (ru, en) = (e.message(Lang::Ru), e.message(Lang::En));
            return finish_failed(st, &mut upload, e.code(), &ru, &en).await;
        }
    };
    let now = st.clock.now();
    let mut profile = otbor_screening::parse_profile(&extracted, now.date_naive());
    let refinement = match &st.llm {
        Some(model) => Some(crate::refine::refine_profile(model.as_ref(), &mut profile).await),
        None => None,
    };
    let (candidate, updated_existing) = upsert_candidate(st, &upload, &profile, refinement).await?;
    if let Some(vacancy_id) = upload.vacancy_id {
        assign(st, &upload, candidate.id, vacancy_id).await?;
    }
    let (matches, vacancies) = match_candidate_everywhere(st, &candidate, &profile).await?;
    if !updated_existing {
        crate::notices::strong_matches(st, &upload, &candidate, &matches, &vacancies).await;
    }
    let expected = upload.version;
    upload.set_status(UploadStatus::Done { candidate_id: candidate.id, updated_existing }, st.clock.now());
    st.records.update_upload(&upload, expected).await?;
    tracing::info!(upload_id = %upload.id, candidate_id = %candidate.id, updated_existing, "resume read");
    Ok(())
}

async fn finish_failed(st: &AppState, upload: &mut Upload, code: &str, ru: &str, en: &str) -> anyhow::Result<()> {
    let expected = upload.version;
    upload.fail(code, ru, en, st.clock.now());
    st.records.update_upload(upload, expected).await?;
    crate::notices::upload_failed(st, upload, ru, en).await;
    Ok(())
}

/// Creates the candidate, or updates the one with the same email or phone (a new resume
/// version), so that one person does not become two. Re-running for the same upload finds
/// the candidate it made before, by its contacts or by the file already attached.
async fn upsert_candidate(
    st: &AppState,
    upload: &Upload,
    profile: &Profile,
    refinement: Option<crate::refine::Refinement>,
) -> anyhow::Result<(Candidate, bool)> {
    let now = st.clock.now();
    let email = profile.email.as_ref().map(|s| s.value.clone());
    let phone = profile.phone.as_ref().map(|s| s.value.clone());
    let city = profile.city.as_ref().map(|s| s.value.clone());
    let stored = StoredProfile { engine: ENGINE.into(), source_key: upload.key.clone(), profile: profile.clone(), refinement }.document();
    let file = ResumeFile {
        key: upload.key.clone(),
        file_name: upload.file_name.clone(),
        content_type: upload.content_type.clone(),
        size: upload.size,
        uploaded_at: upload.created_at,
    };
    // Up to three tries: a concurrent edit of the same candidate makes a conditional update
    // fail, and then we read it again.
    for _ in 0..3 {
        if let Some(mut existing) = st.records.candidate_by_contact(email.as_ref(), phone.as_ref()).await? {
            let expected = existing.version;
            if !existing.resume_files.iter().any(|f| f.key == file.key) {
                existing.resume_files.push(file.clone());
            }
            if existing.email.is_none() {
                existing.email = email.clone();
            }
            if existing.phone.is_none() {
                existing.phone = phone.clone();
            }
            if existing.location.is_none() {
                existing.location = city.clone();
            }
            existing.profile = Some(stored.clone());
            existing.updated_at = now;
            existing.version += 1;
            match st.records.update_candidate(&existing, expected).await {
                Ok(()) => return Ok((existing, true)),
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let fields = CandidateFields {
            full_name: Some(profile.full_name.as_ref().map_or_else(|| name_from_file(&upload.file_name), |s| s.value.clone())),
            email: None,
            phone: None,
            location: city.clone(),
            source: Some("upload".into()),
        };
        let mut c = Candidate::new(&fields, now).map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
        c.email = email.clone();
        c.phone = phone.clone();
        c.resume_files.push(file.clone());
        c.profile = Some(stored.clone());
        st.records.insert_candidate(&c).await?;
        return Ok((c, false));
    }
    anyhow::bail!("the candidate kept changing under us; the job will be retried")
}

/// A readable stand-in when the resume names nobody: the file name without its extension.
fn name_from_file(file_name: &str) -> String {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let cleaned: String = stem.chars().map(|c| if c == '_' || c == '-' { ' ' } else { c }).collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() { "—".into() } else { cleaned.chars().take(200).collect() }
}

async fn assign(st: &AppState, upload: &Upload, candidate: otbor_domain::ids::CandidateId, vacancy: otbor_domain::ids::VacancyId) -> anyhow::Result<()> {
    let Some(v) = st.records.get_vacancy(vacancy).await? else { return Ok(()) };
    if v.state != VacancyState::Open {
        return Ok(());
    }
    let actor = match st.records.get_user(upload.created_by).await? {
        Some(u) => Actor::User { id: u.id, role: u.role, name: u.name },
        None => Actor::System,
    };
    let (app, first) = Application::new(candidate, vacancy, &actor, st.clock.now());
    match st.records.insert_application(&app, &first).await {
        Ok(()) | Err(StoreError::Duplicate(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn record(candidate: &Candidate, vacancy: &Vacancy, profile: &Profile, at: chrono::DateTime<chrono::Utc>) -> anyhow::Result<MatchRecord> {
    let m = otbor_screening::match_candidate(profile, vacancy);
    Ok(MatchRecord {
        candidate_id: candidate.id,
        vacancy_id: vacancy.id,
        score: m.score,
        detail: crate::documents::match_document(&m),
        engine: ENGINE.into(),
        computed_at: at,
    })
}

/// All open vacancies, in one read: the DynamoDB backend lists by scanning the type anyway,
/// so paging here would read everything once per page.
async fn open_vacancies(st: &AppState) -> anyhow::Result<Vec<Vacancy>> {
    let q = VacancyQuery { state: Some(VacancyState::Open), search: None, page: PageRequest::all() };
    Ok(st.records.list_vacancies(&q).await?.items)
}

/// Matches the candidate against every open vacancy; returns the matches and the vacancies.
async fn match_candidate_everywhere(st: &AppState, c: &Candidate, profile: &Profile) -> anyhow::Result<(Vec<MatchRecord>, Vec<Vacancy>)> {
    let now = st.clock.now();
    let vacancies = open_vacancies(st).await?;
    let records = vacancies.iter().map(|v| record(c, v, profile, now)).collect::<anyhow::Result<Vec<_>>>()?;
    st.records.replace_candidate_matches(c.id, &records).await?;
    Ok((records, vacancies))
}

/// Matches the whole pool against one vacancy (after it is created or edited); a closed or
/// deleted vacancy loses its matches.
pub async fn match_vacancy(st: &AppState, job: MatchVacancy) -> anyhow::Result<()> {
    let vacancy = match st.records.get_vacancy(job.vacancy_id).await? {
        Some(v) if v.state == VacancyState::Open => v,
        _ => {
            st.records.replace_vacancy_matches(job.vacancy_id, &[]).await?;
            return Ok(());
        }
    };
    let now = st.clock.now();
    let pool = st.records.list_candidates(&CandidateQuery { page: PageRequest::all(), ..Default::default() }).await?;
    let records = pool
        .items
        .iter()
        .filter_map(|c| stored_profile(c).map(|sp| record(c, &vacancy, &sp.profile, now)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    st.records.replace_vacancy_matches(vacancy.id, &records).await?;
    tracing::info!(vacancy_id = %vacancy.id, matched = records.len(), "vacancy matched against the pool");
    Ok(())
}
