//! The candidate's side, authorised by the invite token in the link and nothing else: see
//! the invitation, give consent, take the chat interview (start, answer, finish; a reload
//! resumes at the same question). Finishing queues the evaluation.
//!
//! An open link is a door, not an interview: each person who consents through it becomes a
//! candidate with an application and a personal link of their own (`personal_token`), and
//! the open link shows the next person an empty form. A closed vacancy's links start nothing.

use crate::documents::{interview_document, interview_of};
use crate::error::{AppError, AppResult, What};
use crate::state::AppState;
use otbor_domain::application::{Actor, Application, Status};
use otbor_domain::candidate::{Candidate, CandidateFields};
use otbor_domain::interview::{Channel, InterviewRecord};
use otbor_domain::invite::{Invite, InviteKind};
use otbor_domain::secret::TokenHash;
use otbor_domain::{DomainError, Lang, Reason};
use serde::{Deserialize, Serialize};


#[derive(Serialize, utoipa::ToSchema)]
pub struct InterviewVacancy {
    pub title: String,
    pub description: String,
    pub language: Lang,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InterviewView {
    pub company: String,
    pub vacancy: InterviewVacancy,
    pub kind: InviteKind,
    pub candidate_name: Option<String>,
    pub consent_given: bool,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The application's status, once there is one.
    pub status: Option<Status>,
    /// The chat so far, once the interview has started.
    pub chat: Option<ChatView>,
    /// How many days the recording of a voice or video interview is kept (for the consent
    /// screen).
    pub recording_retention_days: Option<u32>,
    /// After consent through an open link: the token of this person's own link, where their
    /// interview continues (the open link stays a blank form for the next person).
    pub personal_token: Option<String>,
    /// The vacancy is closed: the link starts no interview.
    pub vacancy_closed: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChatTurn {
    pub number: u32,
    /// `interviewer` or `candidate`.
    pub speaker: String,
    pub text: String,
    /// A candidate's spoken answer begun before the question was over: what had been heard.
    pub heard: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChatView {
    pub turns: Vec<ChatTurn>,
    /// The question waiting for an answer; `None` once finished.
    pub question: Option<String>,
    pub finished: bool,
    /// Topics covered so far and planned in all, for a progress bar.
    pub done: u32,
    pub planned: u32,
}

fn chat_view(engine: &otbor_interview::Interview) -> ChatView {
    use otbor_interview::{ItemStatus, Speaker};
    ChatView {
        turns: engine
            .turns
            .iter()
            .map(|t| ChatTurn {
                number: t.number,
                speaker: match t.speaker {
                    Speaker::Interviewer => "interviewer".into(),
                    Speaker::Candidate => "candidate".into(),
                },
                text: t.text.clone(),
                heard: t.heard.clone(),
            })
            .collect(),
        question: engine.awaiting.as_ref().map(|q| q.text.clone()),
        finished: engine.finished,
        done: engine.items.iter().filter(|i| !matches!(i.status, ItemStatus::Pending)).count() as u32,
        planned: engine.items.len() as u32,
    }
}

/// The stored form of an invite token; a malformed token is 404 (it cannot match).
pub fn token_hash(token: &str) -> AppResult<TokenHash> {
    // Tokens are 64 hex characters; anything else cannot match and is not hashed.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound(What::Invite));
    }
    Ok(TokenHash::of(token))
}

/// Finds the invite of a token; unknown tokens are 404, expired ones 410.
async fn invite(st: &AppState, hash: &TokenHash) -> AppResult<Invite> {
    let invite = st.records.invite_by_token(hash).await?.ok_or(AppError::NotFound(What::Invite))?;
    invite.ensure_usable(st.clock.now())?;
    Ok(invite)
}

async fn view(st: &AppState, invite: &Invite) -> AppResult<InterviewView> {
    let vacancy = st.records.get_vacancy(invite.vacancy_id).await?.ok_or(AppError::NotFound(What::Invite))?;
    // An open link shows nobody's details, whatever an older version bound to it.
    let vacancy_closed = vacancy.ensure_open().is_err();
    let invite = &match invite.kind {
        InviteKind::Open => Invite { candidate_id: None, application_id: None, consent_at: None, ..invite.clone() },
        InviteKind::Personal => invite.clone(),
    };
    let candidate = match invite.candidate_id {
        Some(id) => st.records.get_candidate(id).await?,
        None => None,
    };
    let status = match invite.application_id {
        Some(id) => st.records.get_application(id).await?.map(|a| a.status),
        None => None,
    };
    let chat = match invite.application_id {
        Some(id) => match st.records.get_interview(id).await? {
            Some(r) => Some(chat_view(&interview_of(&r)?)),
            None => None,
        },
        None => None,
    };
    Ok(InterviewView {
        company: st.config.company_name.clone(),
        vacancy: InterviewVacancy { title: vacancy.title, description: vacancy.description, language: vacancy.language },
        kind: invite.kind,
        candidate_name: candidate.map(|c| c.full_name),
        consent_given: invite.consent_at.is_some(),
        expires_at: invite.expires_at,
        status,
        chat,
        recording_retention_days: Some(st.config.recording_retention_days),
        personal_token: None,
        vacancy_closed,
    })
}

/// The interview as the candidate holding `token` sees it now.
pub async fn current(st: &AppState, token: &str) -> AppResult<InterviewView> {
    current_by(st, &token_hash(token)?).await
}

pub async fn current_by(st: &AppState, hash: &TokenHash) -> AppResult<InterviewView> {
    let invite = invite(st, hash).await?;
    view(st, &invite).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub consent: bool,
    /// Required on an open link, with an email or a phone.
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Records the candidate's consent (on an open link, with the details they entered).
pub async fn give_consent(st: &AppState, hash: &TokenHash, req: &ConsentRequest) -> AppResult<InterviewView> {
    let mut invite = invite(st, hash).await?;
    if !req.consent {
        return Err(DomainError::ConsentRequired.into());
    }
    if invite.kind == InviteKind::Personal && invite.consent_at.is_some() {
        return view(st, &invite).await;
    }
    let now = st.clock.now();
    let vacancy = st.records.get_vacancy(invite.vacancy_id).await?.ok_or(AppError::NotFound(What::Invite))?;
    vacancy.ensure_open()?;
    let bound = match (invite.kind, invite.candidate_id, invite.application_id) {
        (InviteKind::Personal, Some(c), Some(a)) => (c, a),
        (InviteKind::Open, _, _) => {
            let fields = CandidateFields {
                full_name: Some(req.full_name.clone().unwrap_or_default()),
                email: req.email.clone(),
                phone: req.phone.clone(),
                location: None,
                source: Some("invite link".into()),
            };
            let candidate = Candidate::new(&fields, now)?;
            if candidate.email.is_none() && candidate.phone.is_none() {
                return Err(DomainError::invalid("email", Reason::Required).into());
            }
            st.records.insert_candidate(&candidate).await?;
            let actor = Actor::Candidate { id: candidate.id, name: candidate.full_name.clone() };
            let (app, first) = Application::new(candidate.id, vacancy.id, &actor, now);
            st.records.insert_application(&app, &first).await?;
            // This person goes on at a link of their own; the open link stays blank.
            let (mut personal, token) = Invite::new(InviteKind::Personal, vacancy.id, Some((candidate.id, app.id)), invite.created_by, now, st.config.invite_ttl);
            personal.consent((candidate.id, app.id), now);
            st.records.insert_invite(&personal).await?;
            tracing::info!(open_invite_id = %invite.id, invite_id = %personal.id, application_id = %app.id, "candidate gave consent through an open link");
            let mut v = view(st, &personal).await?;
            v.personal_token = Some(token);
            return Ok(v);
        }
        _ => return Err(AppError::Internal(anyhow::anyhow!("invite {} is bound inconsistently", invite.id))),
    };
    let expected = invite.version;
    invite.consent(bound, now);
    st.records.update_invite(&invite, expected).await?;
    tracing::info!(invite_id = %invite.id, application_id = %bound.1, "candidate gave consent");
    view(st, &invite).await
}

/// The invite's application and candidate, once the candidate has consented.
async fn consented(st: &AppState, hash: &TokenHash) -> AppResult<(Invite, Application)> {
    let invite = invite(st, hash).await?;
    // An open link is only the door: its interviews go on at each person's own link.
    let (InviteKind::Personal, Some(app_id), Some(_)) = (invite.kind, invite.application_id, invite.consent_at) else {
        return Err(DomainError::ConsentRequired.into());
    };
    let app = st.records.get_application(app_id).await?.ok_or(AppError::NotFound(What::Application))?;
    Ok((invite, app))
}

async fn candidate_actor(st: &AppState, app: &Application) -> AppResult<Actor> {
    let c = st.records.get_candidate(app.candidate_id).await?.ok_or(AppError::NotFound(What::Candidate))?;
    Ok(Actor::Candidate { id: c.id, name: c.full_name })
}

/// Starts the interview of `token` on `channel`, or resumes it at the same question whatever
/// channel it began on: chat, voice and Telegram share one engine and one record.
pub async fn start_interview(st: &AppState, token: &str, channel: Channel) -> AppResult<InterviewView> {
    start_interview_by(st, &token_hash(token)?, channel).await
}

pub async fn start_interview_by(st: &AppState, hash: &TokenHash, channel: Channel) -> AppResult<InterviewView> {
    let (invite, app) = consented(st, hash).await?;
    if st.records.get_interview(app.id).await?.is_none() {
        if app.status != Status::AwaitingResponse {
            return Err(DomainError::InvalidTransition { from: app.status, to: Status::InInterview }.into());
        }
        let vacancy = st.records.get_vacancy(app.vacancy_id).await?.ok_or(AppError::NotFound(What::Vacancy))?;
        vacancy.ensure_open()?;
        let candidate = st.records.get_candidate(app.candidate_id).await?.ok_or(AppError::NotFound(What::Candidate))?;
        let profile = crate::profile::stored_profile(&candidate).map(|s| s.profile);
        let resume_match = profile.as_ref().map(|p| otbor_screening::match_candidate(p, &vacancy));
        let plan = otbor_interview::plan(&vacancy, profile.as_ref(), resume_match.as_ref(), otbor_interview::Budget::default());
        let mut engine = otbor_interview::Interview::new(plan, vacancy.language);
        engine.next_phrased(&otbor_interview::Phraser::new(st.llm.clone())).await;
        let now = st.clock.now();
        let record = InterviewRecord {
            application_id: app.id,
            invite_id: invite.id,
            channel,
            state: interview_document(&engine),
            finished: false,
            started_at: now,
            updated_at: now,
            finished_at: None,
            version: 1,
        };
        match st.records.insert_interview(&record).await {
            // A second tab started it a moment ago: show that one.
            Ok(()) | Err(otbor_domain::ports::StoreError::Duplicate(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let actor = candidate_actor(st, &app).await?;
        let (next, entry) = app.transition(Status::InInterview, &actor, vacancy.manager_id, None, now)?;
        match st.records.transition_application(&next, app.version, &entry).await {
            Ok(()) | Err(otbor_domain::ports::StoreError::Conflict) => {}
            Err(e) => return Err(e.into()),
        }
        tracing::info!(application_id = %app.id, ?channel, "interview started");
    }
    view(st, &invite).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// The candidate's answer to the waiting question (data, never instructions).
    pub text: String,
}

/// Records the candidate's answer to the waiting question, whether typed or recognised from
/// speech, and moves the engine on.
pub async fn answer(st: &AppState, token: &str, text: &str) -> AppResult<InterviewView> {
    answer_by(st, &token_hash(token)?, text).await
}

pub async fn answer_by(st: &AppState, hash: &TokenHash, text: &str) -> AppResult<InterviewView> {
    answer_heard(st, hash, text, None).await
}

/// [`answer_by`] for a spoken answer that began while the question was still being said:
/// `heard` (the part of the question heard by then) is kept with the candidate's turn.
pub async fn answer_heard(st: &AppState, hash: &TokenHash, text: &str, heard: Option<&str>) -> AppResult<InterviewView> {
    let text = otbor_domain::values::required_text("text", text, 5000)?;
    let (invite, app) = consented(st, hash).await?;
    let mut record = st.records.get_interview(app.id).await?.ok_or(AppError::InterviewNotStarted)?;
    if record.finished {
        return Err(AppError::InterviewFinished);
    }
    let mut engine = interview_of(&record)?;
    engine.answer_heard(&text, heard).map_err(|e| AppError::BadRequest {
        code: "no_question",
        message_ru: "сейчас нет вопроса, на который можно ответить".into(),
        message_en: "there is no question waiting for an answer".into(),
        field: None,
        detail: e.to_string(),
    })?;
    let phraser = otbor_interview::Phraser::new(st.llm.clone());
    let finished = matches!(engine.next_phrased(&phraser).await, otbor_interview::Step::Finished);
    let expected = record.version;
    record.state = interview_document(&engine);
    record.updated_at = st.clock.now();
    record.version += 1;
    st.records.update_interview(&record, expected).await?;
    if finished {
        complete(st, record, &app, &invite).await?;
    }
    view(st, &invite).await
}

/// Ends the interview of `token` now; the evaluation is queued.
pub async fn finish_interview(st: &AppState, token: &str) -> AppResult<InterviewView> {
    finish_interview_by(st, &token_hash(token)?).await
}

pub async fn finish_interview_by(st: &AppState, hash: &TokenHash) -> AppResult<InterviewView> {
    let (invite, app) = consented(st, hash).await?;
    let record = st.records.get_interview(app.id).await?.ok_or(AppError::InterviewNotStarted)?;
    if !record.finished {
        complete(st, record, &app, &invite).await?;
    }
    view(st, &invite).await
}

/// Marks the interview finished, moves the application to `evaluation` and queues the job.
async fn complete(st: &AppState, mut record: InterviewRecord, app: &Application, invite: &Invite) -> AppResult<()> {
    let now = st.clock.now();
    if !record.finished {
        let mut engine = interview_of(&record)?;
        engine.finished = true;
        engine.awaiting = None;
        let expected = record.version;
        record.state = interview_document(&engine);
        record.finished = true;
        record.finished_at = Some(now);
        record.updated_at = now;
        record.version += 1;
        st.records.update_interview(&record, expected).await?;
    }
    let current = st.records.get_application(app.id).await?.ok_or(AppError::NotFound(What::Application))?;
    if current.status == Status::InInterview {
        let vacancy = st.records.get_vacancy(current.vacancy_id).await?.ok_or(AppError::NotFound(What::Vacancy))?;
        let actor = candidate_actor(st, &current).await?;
        let (next, entry) = current.transition(Status::Evaluation, &actor, vacancy.manager_id, None, now)?;
        st.records.transition_application(&next, current.version, &entry).await?;
    }
    st.jobs.enqueue(&otbor_domain::jobs::EvaluateInterview { application_id: app.id }.message()).await?;
    crate::notices::interview_finished(st, app, invite.created_by).await;
    tracing::info!(application_id = %app.id, "interview finished; evaluation queued");
    Ok(())
}
