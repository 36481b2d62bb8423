//! The hiring events that tell someone: each function builds the notice (recipient,
//! occurrence key, template variables) and queues it. They are called after the step they
//! describe has been stored, and none of them can fail it.

use crate::notify::{Notice, human_time, link, raise};
use crate::state::AppState;
use otbor_domain::application::{Application, Status};
use otbor_domain::candidate::Candidate;
use otbor_domain::ids::{CandidateId, UserId};
use otbor_domain::invite::Invite;
use otbor_domain::notify::{EventKind, Recipient};
use otbor_domain::ports::MatchRecord;
use otbor_domain::upload::Upload;
use otbor_domain::vacancy::Vacancy;
use otbor_domain::Lang;
use otbor_interview::Recommendation;
use serde_json::json;

/// Roughly how long the chat interview takes, for the invitation.
const INTERVIEW_MINUTES: u32 = 20;

fn reminder_key(invite: otbor_domain::ids::InviteId) -> String {
    format!("remind/{invite}")
}

/// A pending reminder: the invite's link is sent again a day before it expires if unused.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Reminder {
    pub invite_token_hash: otbor_domain::secret::TokenHash,
    pub candidate_id: CandidateId,
    pub vacancy_id: otbor_domain::ids::VacancyId,
    pub application_id: Option<otbor_domain::ids::ApplicationId>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub link: String,
}

/// The interview link, sent to the candidate of a personal invite; also books the reminder
/// and, when the bot is configured, a one-time code to take the interview in Telegram.
pub async fn invitation(st: &AppState, invite: &Invite, token: &str, candidate: &Candidate, vacancy: &Vacancy) {
    let lang = vacancy.language;
    let url = link(st, &format!("/i/{token}"));
    let telegram_link = match (&st.channels.telegram, &st.channels.telegram_bot) {
        (Some(_), Some(bot)) => crate::telegram_codes::candidate_code(st, invite, candidate.id).await.ok().map(|code| format!("https://t.me/{bot}?start={code}")),
        _ => None,
    };
    let reminder = Reminder {
        invite_token_hash: invite.token_hash.clone(),
        candidate_id: candidate.id,
        vacancy_id: vacancy.id,
        application_id: invite.application_id,
        expires_at: invite.expires_at,
        link: url.clone(),
    };
    if let Err(e) = st.records.put_entry(&reminder_key(invite.id), &serde_json::to_value(&reminder).unwrap_or_default()).await {
        tracing::error!(error = %e, invite_id = %invite.id, "could not book the invite reminder");
    }
    raise(
        st,
        Notice {
            event: EventKind::Invitation,
            recipient: Recipient::Candidate(candidate.id),
            key: format!("invitation/{}", invite.id),
            candidate_id: Some(candidate.id),
            vars: json!({
                "candidate_name": candidate.full_name, "vacancy": vacancy.title, "company": st.config.company_name,
                "link": url, "expires_at": human_time(st, invite.expires_at, lang), "duration_minutes": INTERVIEW_MINUTES,
                "telegram_link": telegram_link,
            }),
            lang: Some(lang),
        },
    )
    .await;
}

/// Sends the reminders that are due (the link expires within a day and the interview has
/// not started) and forgets those of expired or used links. Called by the scheduler.
pub async fn due_reminders(st: &AppState) -> anyhow::Result<usize> {
    let now = st.clock.now();
    let mut sent = 0;
    for (key, value) in st.records.list_entries("remind/").await? {
        let Ok(r) = serde_json::from_value::<Reminder>(value) else {
            st.records.take_entry(&key).await?;
            continue;
        };
        if r.expires_at <= now {
            st.records.take_entry(&key).await?;
            continue;
        }
        if r.expires_at - now > chrono::Duration::hours(24) {
            continue;
        }
        let invite = st.records.invite_by_token(&r.invite_token_hash).await?;
        let started = match invite.as_ref().and_then(|i| i.application_id) {
            Some(app) => st.records.get_interview(app).await?.is_some(),
            None => false,
        };
        // Taken first: of two schedulers running at once, one sends.
        if st.records.take_entry(&key).await?.is_none() || started || invite.is_none() {
            continue;
        }
        let (Some(candidate), Some(vacancy)) = (st.records.get_candidate(r.candidate_id).await?, st.records.get_vacancy(r.vacancy_id).await?) else {
            continue;
        };
        let lang = vacancy.language;
        raise(
            st,
            Notice {
                event: EventKind::InviteReminder,
                recipient: Recipient::Candidate(candidate.id),
                key: key.clone(),
                candidate_id: Some(candidate.id),
                vars: json!({"candidate_name": candidate.full_name, "vacancy": vacancy.title, "company": st.config.company_name,
                    "link": r.link, "expires_at": human_time(st, r.expires_at, lang)}),
                lang: Some(lang),
            },
        )
        .await;
        sent += 1;
    }
    Ok(sent)
}

/// The interview ended: thanks to the candidate, word to the recruiter who invited them.
pub async fn interview_finished(st: &AppState, app: &Application, invited_by: UserId) {
    let (Ok(Some(candidate)), Ok(Some(vacancy))) = (st.records.get_candidate(app.candidate_id).await, st.records.get_vacancy(app.vacancy_id).await) else {
        return;
    };
    raise(
        st,
        Notice {
            event: EventKind::InterviewThanks,
            recipient: Recipient::Candidate(candidate.id),
            key: format!("thanks/{}", app.id),
            candidate_id: Some(candidate.id),
            vars: json!({"candidate_name": candidate.full_name, "vacancy": vacancy.title, "company": st.config.company_name}),
            lang: Some(vacancy.language),
        },
    )
    .await;
    raise(
        st,
        Notice {
            event: EventKind::InterviewFinished,
            recipient: Recipient::User(invited_by),
            key: format!("finished/{}", app.id),
            candidate_id: Some(candidate.id),
            vars: json!({"user_name": user_name(st, invited_by).await, "candidate_name": candidate.full_name, "vacancy": vacancy.title,
                "link": link(st, &format!("/candidates/{}", candidate.id))}),
            lang: None,
        },
    )
    .await;
}

async fn user_name(st: &AppState, id: UserId) -> String {
    st.records.get_user(id).await.ok().flatten().map(|u| u.name).unwrap_or_default()
}

fn recommendation_words(recommendation: Option<Recommendation>, lang: Lang) -> &'static str {
    match (recommendation, lang) {
        (Some(Recommendation::Advance), Lang::Ru) => "пригласить на следующий этап",
        (Some(Recommendation::Advance), Lang::En) => "advance to the next stage",
        (Some(Recommendation::Reject), Lang::Ru) => "отказать",
        (Some(Recommendation::Reject), Lang::En) => "reject",
        (_, Lang::Ru) => "решить после ручной проверки",
        (_, Lang::En) => "decide after a manual review",
    }
}

/// The evaluation is ready: the vacancy's manager is asked to decide.
pub async fn awaiting_decision(st: &AppState, app: &Application, vacancy: &Vacancy, candidate: &Candidate, recommendation: Recommendation) {
    let lang = crate::notify::preferences_of(st, vacancy.manager_id).await.map(|p| p.lang).unwrap_or_default();
    raise(
        st,
        Notice {
            event: EventKind::AwaitingDecision,
            recipient: Recipient::User(vacancy.manager_id),
            key: format!("awaiting/{}", app.id),
            candidate_id: Some(candidate.id),
            vars: json!({"user_name": user_name(st, vacancy.manager_id).await, "candidate_name": candidate.full_name, "vacancy": vacancy.title,
                "recommendation": recommendation_words(Some(recommendation), lang), "link": link(st, &format!("/candidates/{}?application={}", candidate.id, app.id))}),
            lang: None,
        },
    )
    .await;
}

/// The manager decided: the candidate hears it, in neutral words; the reason only if the
/// company shares reasoning with candidates.
pub async fn decided(st: &AppState, app: &Application, vacancy: &Vacancy, reason: Option<&str>) {
    let Ok(Some(candidate)) = st.records.get_candidate(app.candidate_id).await else { return };
    let reasoning = if st.channels.share_reasoning { reason.map(str::to_string) } else { None };
    raise(
        st,
        Notice {
            event: EventKind::Decision,
            recipient: Recipient::Candidate(candidate.id),
            key: format!("decision/{}", app.id),
            candidate_id: Some(candidate.id),
            vars: json!({"candidate_name": candidate.full_name, "vacancy": vacancy.title, "company": st.config.company_name,
                "accepted": app.status == Status::Accepted, "reasoning": reasoning}),
            lang: Some(vacancy.language),
        },
    )
    .await;
}

/// A resume could not be read: its uploader hears why.
pub async fn upload_failed(st: &AppState, upload: &Upload, reason_ru: &str, reason_en: &str) {
    let lang = crate::notify::preferences_of(st, upload.created_by).await.map(|p| p.lang).unwrap_or_default();
    raise(
        st,
        Notice {
            event: EventKind::UploadFailed,
            recipient: Recipient::User(upload.created_by),
            key: format!("upload-failed/{}", upload.id),
            candidate_id: None,
            vars: json!({"user_name": user_name(st, upload.created_by).await, "file_name": upload.file_name,
                "reason": if lang == Lang::Ru { reason_ru } else { reason_en }, "link": link(st, "/uploads")}),
            lang: None,
        },
    )
    .await;
}

/// A new candidate fits open vacancies well: their uploader hears of each strong match.
pub async fn strong_matches(st: &AppState, upload: &Upload, candidate: &Candidate, matches: &[MatchRecord], vacancies: &[Vacancy]) {
    for m in matches.iter().filter(|m| m.score >= st.channels.strong_match_score) {
        let Some(vacancy) = vacancies.iter().find(|v| v.id == m.vacancy_id) else { continue };
        raise(
            st,
            Notice {
                event: EventKind::StrongMatch,
                recipient: Recipient::User(upload.created_by),
                key: format!("strong-match/{}/{}", candidate.id, vacancy.id),
                candidate_id: Some(candidate.id),
                vars: json!({"user_name": user_name(st, upload.created_by).await, "candidate_name": candidate.full_name, "vacancy": vacancy.title,
                    "score": m.score, "link": link(st, &format!("/candidates/{}", candidate.id))}),
                lang: None,
            },
        )
        .await;
    }
}

/// Once a day, each manager with candidates awaiting their decision gets the list.
pub async fn daily_digests(st: &AppState) -> anyhow::Result<usize> {
    use otbor_domain::query::ApplicationQuery;
    let today = (st.clock.now() + chrono::Duration::hours(st.channels.utc_offset_hours as i64)).date_naive();
    let waiting = st
        .records
        .list_applications(&ApplicationQuery { status: Some(Status::AwaitingManagerDecision), page: otbor_domain::query::PageRequest::all(), ..Default::default() })
        .await?
        .items;
    let mut by_manager: std::collections::BTreeMap<UserId, Vec<serde_json::Value>> = Default::default();
    // Each manager's language, read once however many candidates wait on them.
    let mut langs: std::collections::HashMap<UserId, Lang> = Default::default();
    for app in &waiting {
        let (Some(vacancy), Some(candidate)) = (st.records.get_vacancy(app.vacancy_id).await?, st.records.get_candidate(app.candidate_id).await?) else { continue };
        let lang = match langs.get(&vacancy.manager_id) {
            Some(l) => *l,
            None => {
                let l = crate::notify::preferences_of(st, vacancy.manager_id).await.map(|p| p.lang).unwrap_or_default();
                *langs.entry(vacancy.manager_id).or_insert(l)
            }
        };
        // An evaluation that cannot be read asks for a manual review, like a borderline one.
        let recommendation = st.records.get_evaluation(app.id).await?.and_then(|e| crate::documents::evaluation_of(&e).ok()).map(|e| e.recommendation);
        by_manager.entry(vacancy.manager_id).or_default().push(json!({
            "candidate_name": candidate.full_name, "vacancy": vacancy.title,
            "recommendation": recommendation_words(recommendation, lang),
            "link": link(st, &format!("/candidates/{}?application={}", candidate.id, app.id)),
        }));
    }
    let n = by_manager.len();
    for (manager, items) in by_manager {
        raise(
            st,
            Notice {
                event: EventKind::DailyDigest,
                recipient: Recipient::User(manager),
                key: format!("digest/{today}"),
                candidate_id: None,
                vars: json!({"user_name": user_name(st, manager).await, "count": items.len(), "items": items}),
                lang: None,
            },
        )
        .await;
    }
    Ok(n)
}

/// What one run of the scheduled work did.
#[derive(Debug, Default, serde::Serialize)]
pub struct ScheduleReport {
    pub reminders: usize,
    pub digests: usize,
    pub recordings_deleted: usize,
}

/// The scheduled work: due reminders every run; the managers' digests once a day, from
/// `digest_hour` (company time) on. Safe to run often and from two places at once: each
/// reminder is taken before it is sent and each digest has a key per day.
pub async fn run_schedule(st: &AppState, digest_hour: u32) -> anyhow::Result<ScheduleReport> {
    use chrono::Timelike;
    let reminders = due_reminders(st).await?;
    let local_hour = (st.clock.now() + chrono::Duration::hours(st.channels.utc_offset_hours as i64)).hour();
    let digests = if local_hour >= digest_hour { daily_digests(st).await? } else { 0 };
    if reminders + digests > 0 {
        tracing::info!(reminders, digests, "scheduled notifications queued");
    }
    let recordings_deleted = crate::recordings::delete_expired(st).await?;
    Ok(ScheduleReport { reminders, digests, recordings_deleted })
}
