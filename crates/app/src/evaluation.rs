//! The evaluation after an interview (a job), the report the manager reads, and the
//! manager's decision. The engine computes verdicts, the score and the recommendation by a
//! rule that is part of the report; the manager decides, and a decision against the
//! recommendation needs a reason. Both are recorded.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use otbor_domain::application::{Actor, Application, Status};
use otbor_domain::interview::EvaluationRecord;
use otbor_domain::jobs::EvaluateInterview;
use otbor_domain::ports::StoreError;
use crate::documents::{evaluation_document, evaluation_of, interview_of};
use otbor_interview::Recommendation;


/// The evaluation job: idempotent (the same inputs are evaluated once; a second delivery
/// finds the application already past `evaluation`).
pub async fn evaluate_interview(st: &AppState, job: EvaluateInterview) -> anyhow::Result<()> {
    let Some(app) = st.records.get_application(job.application_id).await? else {
        tracing::warn!(application_id = %job.application_id, "evaluation for an unknown application; nothing to do");
        return Ok(());
    };
    let Some(record) = st.records.get_interview(app.id).await? else {
        tracing::warn!(application_id = %app.id, "evaluation without an interview; nothing to do");
        return Ok(());
    };
    let vacancy = st.records.get_vacancy(app.vacancy_id).await?.ok_or_else(|| anyhow::anyhow!("vacancy {} is gone", app.vacancy_id))?;
    let candidate = st.records.get_candidate(app.candidate_id).await?.ok_or_else(|| anyhow::anyhow!("candidate {} is gone", app.candidate_id))?;
    let profile = crate::profile::stored_profile(&candidate).map(|s| s.profile);
    let engine = interview_of(&record)?;
    let resume_text = profile.as_ref().map(|p| p.text.clone()).unwrap_or_default();
    let evaluation = otbor_interview::evaluate(&vacancy, profile.as_ref(), &resume_text, &engine);
    let already = st.records.get_evaluation(app.id).await?;
    if already.as_ref().map(|e| e.input_hash.as_str()) != Some(evaluation.input_hash.as_str()) {
        st.records
            .put_evaluation(&EvaluationRecord {
                application_id: app.id,
                input_hash: evaluation.input_hash.clone(),
                body: evaluation_document(&evaluation),
                created_at: st.clock.now(),
            })
            .await?;
    }
    if app.status == Status::Evaluation {
        let (next, entry) = app.transition(Status::AwaitingManagerDecision, &Actor::System, vacancy.manager_id, None, st.clock.now())?;
        match st.records.transition_application(&next, app.version, &entry).await {
            Ok(()) => {
                crate::notices::awaiting_decision(st, &next, &vacancy, &candidate, evaluation.recommendation).await;
            }
            Err(StoreError::Conflict) => {}
            Err(e) => return Err(e.into()),
        }
    }
    tracing::info!(application_id = %app.id, score = evaluation.score, recommendation = ?evaluation.recommendation, "interview evaluated");
    Ok(())
}

/// A final decision that goes against the evaluation's recommendation (rejecting an
/// `advance`, accepting a `reject`) needs a reason, whichever route it takes.
pub async fn check_against_recommendation(st: &AppState, app: &Application, to: Status, reason: Option<&str>) -> AppResult<()> {
    if app.status != Status::AwaitingManagerDecision || reason.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    if let Some(e) = st.records.get_evaluation(app.id).await? {
        // An evaluation that cannot be read recommends nothing, like a borderline one.
        let recommended = evaluation_of(&e).map_or(Recommendation::Borderline, |e| e.recommendation);
        if matches!((recommended, to), (Recommendation::Advance, Status::Rejected) | (Recommendation::Reject, Status::Accepted)) {
            return Err(AppError::OverrideNeedsReason);
        }
    }
    Ok(())
}
