//! The evaluation after the interview: a verdict per requirement from what the resume shows
//! and what the interview evidenced, each with verbatim quotes (checked, or dropped); a score
//! computed here from the verdicts and the weights; a recommendation by a rule whose text is
//! part of the output; red flags; strengths and gaps in plain words; and the audit fields.
//! Name, gender, age, photo, nationality and address are not read; no emotion recognition.

use crate::analysis::{AnswerKind, ContradictionKind};
use crate::engine::{Interview, ItemStatus, RedFlagKind, Speaker};
use crate::plan::{PlanItem, RequirementClass};
use crate::text::fold;
use otbor_domain::vacancy::{RequirementKind, Vacancy};
use otbor_domain::Lang;
use otbor_screening::extract::FlagKind as ResumeFlagKind;
use otbor_screening::injection::looks_like_injection;
use otbor_screening::matching::{match_candidate, Match, VerdictKind};
use otbor_screening::Profile;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version of the rules below; stored with every evaluation.
pub const RUBRIC_VERSION: &str = "interview-eval-2+knowledge-1";
/// What produced the evaluation.
pub const ENGINE: &str = "otbor-interview offline";
/// Thresholds of the decision rule.
pub const ADVANCE_AT: u8 = 70;
pub const REJECT_BELOW: u8 = 40;
pub const MAX_DEFLECTED: usize = 2;
pub const MAX_CONTRADICTED_TURNS: usize = 2;
/// Answers stating a known anti-pattern or red flag that make a rejection (one already
/// rules out advancing).
pub const MAX_ANTI_PATTERN_TURNS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvalVerdict {
    Met,
    Partial,
    NotMet,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Advance,
    Borderline,
    Reject,
}

/// What the interview showed about a requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterviewFinding {
    /// A specific answer naming it (to its question or to another).
    Evidenced,
    /// A specific answer to its question that does not name it.
    Answered,
    Vague,
    Unanswered,
    /// Deflected, also after the re-ask.
    Evaded,
    /// A confident claim without specifics that the resume does not support.
    Contradicted,
    /// An answer on it states a known anti-pattern or red flag (of the knowledge library):
    /// not met, however specific the answer sounds.
    StatedAntiPattern,
    NotAsked,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResumeQuote {
    /// Verbatim text of the resume.
    pub text: String,
    /// Byte offset in the resume text.
    pub start: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InterviewQuote {
    pub turn: u32,
    /// Verbatim text of the candidate's turn.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequirementEvaluation {
    /// Index into the vacancy's requirements; `None` for the vacancy's minimum experience when
    /// no requirement states it.
    pub requirement: Option<usize>,
    pub text: String,
    pub must: bool,
    pub weight: u8,
    /// Location is shown, not scored.
    pub scored: bool,
    pub verdict: EvalVerdict,
    pub resume: Option<VerdictKind>,
    pub interview: InterviewFinding,
    pub reason: String,
    pub resume_evidence: Vec<ResumeQuote>,
    pub interview_evidence: Vec<InterviewQuote>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = EvaluationFlagKind)]
pub enum FlagKind {
    InconsistentWithResume,
    PromptInjectionAttempt,
    Evasive,
    /// Many answers needed a follow-up (information, not a red flag).
    NeedsFollowUp,
    /// Text a reader cannot see in the resume file.
    HiddenTextInResume,
    /// Instructions to the AI inside the resume.
    InstructionsInResume,
    /// An answer states a known anti-pattern or a red flag of the knowledge library: quoted
    /// verbatim with the library line it breaks.
    KnownAntiPattern,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = EvaluationFlag)]
pub struct Flag {
    pub kind: FlagKind,
    pub red: bool,
    /// Candidate turns it is about (empty for the resume's flags).
    pub turns: Vec<u32>,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InterviewSummary {
    pub questions: u32,
    pub follow_ups: u32,
    pub specific_answers: u32,
    pub deflected_topics: u32,
    pub contradicted_turns: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub lang: Lang,
    pub requirements: Vec<RequirementEvaluation>,
    pub score: u8,
    pub recommendation: Recommendation,
    /// The whole decision rule, in the vacancy's language.
    pub rule: String,
    /// The clause of the rule that decided, with the figures.
    pub rule_applied: String,
    pub flags: Vec<Flag>,
    pub strengths: Vec<String>,
    pub gaps: Vec<String>,
    pub summary: InterviewSummary,
    /// Quotes that were not found verbatim in their source and were left out.
    pub dropped_quotes: u32,
    pub rubric_version: String,
    pub engine: String,
    /// sha256 of the canonical inputs (vacancy requirements, resume text, transcript).
    pub input_hash: String,
}

/// The decision rule as shown to the manager.
pub fn rule_text(lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "Отказ, если не выполнено хотя бы одно обязательное требование, или балл ниже {REJECT_BELOW}, или кандидат ушёл от ответа на {MAX_DEFLECTED} и более вопросов, или ответы расходятся с резюме в {MAX_CONTRADICTED_TURNS} и более репликах, или в {MAX_ANTI_PATTERN_TURNS} и более ответах описана известная ошибочная или недопустимая практика. Иначе — дальше, если балл не ниже {ADVANCE_AT}, нет расхождений с резюме, ни один ответ не описывает ошибочную или недопустимую практику и нет обязательных требований с неизвестным статусом. Во всех остальных случаях — пограничный кандидат, решает менеджер."
        ),
        Lang::En => format!(
            "Reject if any must-have is not met, or the score is below {REJECT_BELOW}, or the candidate deflected {MAX_DEFLECTED} or more questions, or answers contradicted the resume in {MAX_CONTRADICTED_TURNS} or more turns, or {MAX_ANTI_PATTERN_TURNS} or more answers state a known anti-pattern or red flag. Otherwise advance if the score is at least {ADVANCE_AT}, nothing contradicted the resume, no answer states a known anti-pattern or red flag and no must-have is unknown. In every other case: borderline, the manager decides."
        ),
    }
}

fn combine(resume: Option<VerdictKind>, finding: InterviewFinding) -> EvalVerdict {
    use EvalVerdict::*;
    use InterviewFinding as I;
    use VerdictKind as R;
    match (finding, resume) {
        (I::StatedAntiPattern, _) => NotMet,
        (I::Evidenced, _) => Met,
        (I::Answered, Some(R::Met)) => Met,
        (I::Answered, _) => Partial,
        (I::Vague, Some(R::Missing)) => NotMet,
        (I::Vague, _) => Partial,
        (I::Unanswered, Some(R::Met | R::Partial)) => Partial,
        (I::Unanswered, _) => NotMet,
        (I::Evaded | I::Contradicted, Some(R::Met)) => Partial,
        (I::Evaded | I::Contradicted, _) => NotMet,
        (I::NotAsked, Some(R::Met)) => Met,
        (I::NotAsked, Some(R::Partial)) => Partial,
        (I::NotAsked, Some(R::Missing)) => NotMet,
        (I::NotAsked, None) => Unknown,
    }
}

/// The sentence of a candidate turn to quote for an item: one naming its skills, else the most
/// detailed one; never a sentence with instructions to the AI. Checked to be verbatim.
fn quote_turn(interview: &Interview, turn: u32, item: Option<&PlanItem>, dropped: &mut u32) -> Option<InterviewQuote> {
    let t = interview.candidate_turn(turn)?;
    let a = interview.analyses.iter().find(|a| a.turn == turn)?;
    let mut best: Option<(f32, std::ops::Range<usize>)> = None;
    for r in &a.analysed {
        let s = t.text.get(r.clone())?;
        if looks_like_injection(s) {
            continue;
        }
        let names = item.is_some_and(|it| {
            let found = otbor_screening::taxonomy::skills_in(s);
            it.skills.iter().any(|k| found.contains(k)) || it.keywords.iter().any(|k| crate::text::mentions(&fold(s), k))
        });
        let score = crate::analysis::specificity(s) + if names { 10.0 } else { 0.0 };
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, r.clone()));
        }
    }
    let (_, r) = best?;
    let text = t.text[r.clone()].to_string();
    // The check every quote passes: it occurs verbatim in its source.
    if t.text.contains(&text) && !text.is_empty() {
        Some(InterviewQuote { turn, text })
    } else {
        *dropped += 1;
        None
    }
}

#[derive(Serialize)]
struct CanonicalInput<'a> {
    rubric: &'a str,
    title: &'a str,
    requirements: &'a [otbor_domain::vacancy::Requirement],
    min_experience_years: Option<u8>,
    language: Lang,
    resume_text: &'a str,
    transcript: Vec<(&'static str, &'a str)>,
}

/// Evaluates a finished (or interrupted) interview against the vacancy.
pub fn evaluate(vacancy: &Vacancy, profile: Option<&Profile>, resume_text: &str, interview: &Interview) -> Evaluation {
    let lang = vacancy.language;
    let ru = lang == Lang::Ru;
    let m: Option<Match> = profile.map(|p| match_candidate(p, vacancy));
    let mut dropped = 0u32;
    let plan = &interview.plan;
    let all_items: Vec<(usize, &PlanItem)> = plan.items.iter().enumerate().collect();

    let mut rows: Vec<RequirementEvaluation> = Vec::new();
    let n_req = vacancy.requirements.len();
    let implicit = m.as_ref().and_then(|m| m.verdicts.iter().find(|v| v.requirement_index >= n_req).cloned());
    for i in 0..n_req + usize::from(implicit.is_some()) {
        let (text, must, weight) = if i < n_req {
            let r = &vacancy.requirements[i];
            (r.text.clone(), r.kind == RequirementKind::Must, r.weight)
        } else {
            let y = vacancy.min_experience_years.unwrap_or(0);
            (if ru { format!("Опыт работы от {y} лет") } else { format!("At least {y} years of experience") }, true, otbor_screening::vacancy::MUST_WEIGHT)
        };
        let verdict = m.as_ref().and_then(|m| m.verdicts.iter().find(|v| v.requirement_index == i));
        let resume = verdict.map(|v| v.verdict);
        let scored = verdict.map(|v| v.scored).unwrap_or(true);
        let item = all_items.iter().find(|(_, it)| it.requirement == Some(i) && i < n_req).map(|(k, it)| (*k, *it));
        let left_out = plan.left_out.iter().find(|it| it.requirement == Some(i) && i < n_req);
        let pi = item.map(|(_, it)| it).or(left_out);

        // Specific answers anywhere that name the requirement's skills.
        let mut ev_turns: Vec<u32> = Vec::new();
        if let Some(it) = pi.filter(|it| it.class == Some(RequirementClass::Skill)) {
            for a in &interview.analyses {
                if a.kind == AnswerKind::Specific && a.contradictions.is_empty() && a.anti_patterns.is_empty() && it.skills.iter().any(|s| a.skills_named.contains(s)) {
                    ev_turns.push(a.turn);
                }
            }
        }
        // Answers on it (to its questions, or naming its skills) that state an anti-pattern.
        let mut wrong_turns: Vec<u32> = Vec::new();
        for a in interview.analyses.iter().filter(|a| !a.anti_patterns.is_empty()) {
            let own = item.is_some_and(|(k, _)| a.item == k);
            let names = pi.is_some_and(|it| it.class == Some(RequirementClass::Skill) && it.skills.iter().any(|s| a.skills_named.contains(s)));
            if own || names {
                wrong_turns.push(a.turn);
            }
        }
        let (finding, own_turns) = match item {
            None => (InterviewFinding::NotAsked, vec![]),
            Some((k, _)) => {
                let st = &interview.items[k];
                let contradicted = interview.analyses.iter().any(|a| a.contradictions.iter().any(|c| c.kind == ContradictionKind::UnsupportedClaim && c.requirement == Some(i)));
                let f = match st.status {
                    ItemStatus::Evidenced => InterviewFinding::Evidenced,
                    ItemStatus::Answered => InterviewFinding::Answered,
                    ItemStatus::Vague => if contradicted { InterviewFinding::Contradicted } else { InterviewFinding::Vague },
                    ItemStatus::Unanswered => if contradicted { InterviewFinding::Contradicted } else if st.deflected { InterviewFinding::Evaded } else { InterviewFinding::Unanswered },
                    ItemStatus::Skipped if st.covered_by.is_some() => InterviewFinding::Evidenced,
                    _ => InterviewFinding::NotAsked,
                };
                let mut turns = st.answer_turns.clone();
                if let Some(c) = st.covered_by {
                    turns.push(c);
                }
                (f, turns)
            }
        };
        let finding = if !wrong_turns.is_empty() {
            InterviewFinding::StatedAntiPattern
        } else if !ev_turns.is_empty() && !matches!(finding, InterviewFinding::Contradicted) {
            InterviewFinding::Evidenced
        } else {
            finding
        };
        let v = combine(resume, finding);

        let mut resume_evidence = Vec::new();
        if let Some(e) = verdict.and_then(|v| v.evidence.as_ref()) {
            let start = if resume_text.get(e.span.clone()) == Some(e.value.as_str()) { Some(e.span.start) } else { resume_text.find(e.value.as_str()) };
            match start.filter(|_| !e.value.is_empty()).and_then(|st| personal_free(&e.value, pi, profile).map(|(off, q)| (st + off, q))) {
                // The check every quote passes: it occurs verbatim in the resume text.
                Some((st, q)) if resume_text.get(st..st + q.len()) == Some(q) => resume_evidence.push(ResumeQuote { text: q.to_string(), start: st }),
                _ => dropped += 1,
            }
        }
        let mut quote_turns: Vec<u32> = if matches!(finding, InterviewFinding::Evidenced) && !ev_turns.is_empty() { ev_turns.clone() } else { own_turns.clone() };
        quote_turns.sort();
        quote_turns.dedup();
        let mut interview_evidence = Vec::new();
        if !wrong_turns.is_empty() {
            // The quote is the sentence that states the anti-pattern, checked to be verbatim.
            for a in interview.analyses.iter().filter(|a| wrong_turns.contains(&a.turn)).take(2) {
                let Some(h) = a.anti_patterns.first() else { continue };
                match interview.candidate_turn(a.turn) {
                    Some(t) if !h.quote.is_empty() && t.text.get(h.start..h.start + h.quote.len()) == Some(h.quote.as_str()) => interview_evidence.push(InterviewQuote { turn: a.turn, text: h.quote.clone() }),
                    _ => dropped += 1,
                }
            }
        }
        for t in quote_turns.into_iter().filter(|_| wrong_turns.is_empty()).take(2) {
            if let Some(q) = quote_turn(interview, t, pi, &mut dropped) {
                interview_evidence.push(q);
            }
        }
        let reason = reason_text(ru, resume, finding, v);
        rows.push(RequirementEvaluation { requirement: (i < n_req).then_some(i), text, must, weight, scored, verdict: v, resume, interview: finding, reason, resume_evidence, interview_evidence });
    }

    // The score: weights times 1 (met), 0.5 (partial), 0 (not met); unknown and unscored
    // requirements are left out of both sums.
    let (mut got, mut total) = (0f64, 0f64);
    for r in rows.iter().filter(|r| r.scored && r.verdict != EvalVerdict::Unknown) {
        let w = r.weight as f64;
        total += w;
        got += w * match r.verdict {
            EvalVerdict::Met => 1.0,
            EvalVerdict::Partial => 0.5,
            _ => 0.0,
        };
    }
    let score = if total > 0.0 { (100.0 * got / total).round() as u8 } else { 0 };

    // Flags.
    let mut flags = Vec::new();
    let turns_of = |k: RedFlagKind| -> Vec<u32> {
        let mut t: Vec<u32> = interview.red_flags.iter().filter(|f| f.kind == k).map(|f| f.turn).collect();
        t.dedup();
        t
    };
    let contradicted = turns_of(RedFlagKind::InconsistentWithResume);
    if !contradicted.is_empty() {
        let details: Vec<String> = interview.red_flags.iter().filter(|f| f.kind == RedFlagKind::InconsistentWithResume).map(|f| format!("{} {}: {}", if ru { "ход" } else { "turn" }, f.turn, f.detail)).collect();
        flags.push(Flag { kind: FlagKind::InconsistentWithResume, red: true, turns: contradicted.clone(), detail: details.join("; ") });
    }
    let injected = turns_of(RedFlagKind::PromptInjectionAttempt);
    if !injected.is_empty() {
        flags.push(Flag {
            kind: FlagKind::PromptInjectionAttempt,
            red: true,
            turns: injected.clone(),
            detail: if ru { "в ответах есть указания для ИИ; они не выполнены и не повлияли на оценку (см. стенограмму)".into() } else { "answers contain instructions aimed at the AI; not followed and without effect on the evaluation (see the transcript)".into() },
        });
    }
    let anti_turns = turns_of(RedFlagKind::KnownAntiPattern);
    if !anti_turns.is_empty() {
        let details: Vec<String> = interview
            .analyses
            .iter()
            .flat_map(|a| a.anti_patterns.iter().map(move |h| (a.turn, h)))
            .filter(|(turn, h)| interview.candidate_turn(*turn).is_some_and(|t| t.text.contains(h.quote.as_str())))
            .map(|(turn, h)| format!("{} {turn}: {}", if ru { "ход" } else { "turn" }, crate::engine::anti_pattern_detail(h, ru)))
            .collect();
        flags.push(Flag { kind: FlagKind::KnownAntiPattern, red: true, turns: anti_turns.clone(), detail: details.join("; ") });
    }
    let deflected_items = interview.items.iter().filter(|s| s.deflected).count();
    let evasive_turns = turns_of(RedFlagKind::Evasive);
    if evasive_turns.len() >= 2 {
        flags.push(Flag {
            kind: FlagKind::Evasive,
            red: true,
            turns: evasive_turns.clone(),
            detail: if ru { format!("уход от ответа в {} репликах, без ответа по существу осталось тем: {deflected_items}", evasive_turns.len()) } else { format!("deflected in {} answers; topics left without an answer: {deflected_items}", evasive_turns.len()) },
        });
    }
    // Topics whose answer lacked specifics (and so took a follow-up); re-asks after a
    // deflection or an empty answer are counted as evasive or unanswered instead.
    let vague: Vec<u32> = interview
        .analyses
        .iter()
        .filter(|a| matches!(a.kind, AnswerKind::Vague | AnswerKind::Short | AnswerKind::Generic) && plan.items[a.item].topic != crate::plan::Topic::Closing)
        .map(|a| a.turn)
        .collect();
    let vague_items = {
        let mut items: Vec<usize> = interview.analyses.iter().filter(|a| vague.contains(&a.turn)).map(|a| a.item).collect();
        items.sort();
        items.dedup();
        items.len()
    };
    // Out of the topics that got an answer with some content (not a deflection, not "nothing to add").
    let with_content = {
        let mut items: Vec<usize> = interview
            .analyses
            .iter()
            .filter(|a| matches!(a.kind, AnswerKind::Specific | AnswerKind::Vague | AnswerKind::Short | AnswerKind::Generic) && plan.items[a.item].topic != crate::plan::Topic::Closing)
            .map(|a| a.item)
            .collect();
        items.sort();
        items.dedup();
        items.len()
    };
    if with_content > 0 && vague_items * 2 >= with_content {
        flags.push(Flag {
            kind: FlagKind::NeedsFollowUp,
            red: false,
            turns: vague.clone(),
            detail: if ru { format!("ответы без конкретики по {vague_items} темам из {with_content}: понадобились уточняющие вопросы") } else { format!("answers without specifics on {vague_items} of {with_content} topics needed follow-up questions") },
        });
    }
    if let Some(p) = profile {
        let hidden = p.flags.iter().filter(|f| matches!(f.kind, ResumeFlagKind::HiddenText | ResumeFlagKind::InvisibleCharacters)).count();
        if hidden > 0 {
            flags.push(Flag { kind: FlagKind::HiddenTextInResume, red: true, turns: vec![], detail: if ru { "в файле резюме есть скрытый текст; он удалён из анализа".into() } else { "the resume file has hidden text; it was removed from the analysis".into() } });
        }
        if p.flags.iter().any(|f| matches!(f.kind, ResumeFlagKind::PromptInjection | ResumeFlagKind::PromptInjectionInMetadata)) {
            flags.push(Flag { kind: FlagKind::InstructionsInResume, red: true, turns: vec![], detail: if ru { "в резюме есть указания для ИИ; они удалены из анализа и не повлияли на оценку".into() } else { "the resume contains instructions aimed at the AI; removed from the analysis, without effect on the evaluation".into() } });
        }
    }

    // The rule.
    let must_not_met: Vec<&RequirementEvaluation> = rows.iter().filter(|r| r.must && r.scored && r.verdict == EvalVerdict::NotMet).collect();
    let must_unknown = rows.iter().filter(|r| r.must && r.scored && r.verdict == EvalVerdict::Unknown).count();
    let (recommendation, rule_applied) = if !must_not_met.is_empty() {
        let names: Vec<&str> = must_not_met.iter().map(|r| r.text.as_str()).collect();
        (Recommendation::Reject, if ru { format!("отказ: не выполнены обязательные требования: {}", names.join("; ")) } else { format!("reject: must-haves not met: {}", names.join("; ")) })
    } else if score < REJECT_BELOW {
        (Recommendation::Reject, if ru { format!("отказ: балл {score} ниже {REJECT_BELOW}") } else { format!("reject: score {score} is below {REJECT_BELOW}") })
    } else if deflected_items >= MAX_DEFLECTED {
        (Recommendation::Reject, if ru { format!("отказ: уход от ответа по {deflected_items} темам") } else { format!("reject: {deflected_items} questions deflected") })
    } else if contradicted.len() >= MAX_CONTRADICTED_TURNS {
        (Recommendation::Reject, if ru { format!("отказ: расхождения с резюме в {} репликах", contradicted.len()) } else { format!("reject: answers contradict the resume in {} turns", contradicted.len()) })
    } else if anti_turns.len() >= MAX_ANTI_PATTERN_TURNS {
        (Recommendation::Reject, if ru { format!("отказ: в {} ответах описана известная ошибочная или недопустимая практика", anti_turns.len()) } else { format!("reject: {} answers state a known anti-pattern or red flag", anti_turns.len()) })
    } else if score >= ADVANCE_AT && contradicted.is_empty() && anti_turns.is_empty() && must_unknown == 0 {
        (Recommendation::Advance, if ru { format!("дальше: балл {score} не ниже {ADVANCE_AT}, обязательные требования выполнены, расхождений с резюме нет") } else { format!("advance: score {score} is at least {ADVANCE_AT}, must-haves met, nothing contradicts the resume") })
    } else {
        let why = if score < ADVANCE_AT {
            if ru { format!("балл {score} между {REJECT_BELOW} и {ADVANCE_AT}") } else { format!("score {score} is between {REJECT_BELOW} and {ADVANCE_AT}") }
        } else if !contradicted.is_empty() {
            if ru { "есть расхождение с резюме".to_string() } else { "an answer contradicts the resume".to_string() }
        } else if !anti_turns.is_empty() {
            if ru { "ответ описывает известную ошибочную или недопустимую практику".to_string() } else { "an answer states a known anti-pattern or red flag".to_string() }
        } else if ru {
            format!("статус {must_unknown} обязательных требований неизвестен")
        } else {
            format!("{must_unknown} must-haves are unknown")
        };
        (Recommendation::Borderline, if ru { format!("пограничный: {why}") } else { format!("borderline: {why}") })
    };

    // Strengths and gaps.
    let mut strengths = Vec::new();
    let mut gaps = Vec::new();
    for r in &rows {
        let turns: Vec<String> = r.interview_evidence.iter().map(|q| q.turn.to_string()).collect();
        match r.verdict {
            EvalVerdict::Met => strengths.push(match (r.interview, ru) {
                (InterviewFinding::Evidenced | InterviewFinding::Answered, true) => format!("«{}»: подтверждено на интервью конкретным ответом (ход {})", r.text, turns.join(", ")),
                (InterviewFinding::Evidenced | InterviewFinding::Answered, false) => format!("'{}': shown in the interview with a specific answer (turn {})", r.text, turns.join(", ")),
                (_, true) => format!("«{}»: есть в резюме", r.text),
                (_, false) => format!("'{}': in the resume", r.text),
            }),
            EvalVerdict::Partial | EvalVerdict::NotMet | EvalVerdict::Unknown if r.scored || r.verdict != EvalVerdict::Partial => {
                gaps.push(format!("{}: {}", if ru { format!("«{}»", r.text) } else { format!("'{}'", r.text) }, r.reason))
            }
            _ => {}
        }
    }

    let summary = InterviewSummary {
        questions: interview.questions_asked(),
        follow_ups: interview.turns.iter().filter(|t| t.speaker == Speaker::Interviewer && t.decision.as_ref().is_some_and(|d| matches!(d.kind, crate::engine::DecisionKind::FollowUp | crate::engine::DecisionKind::Probe | crate::engine::DecisionKind::Rephrase))).count() as u32,
        specific_answers: interview.analyses.iter().filter(|a| a.kind == AnswerKind::Specific).count() as u32,
        deflected_topics: deflected_items as u32,
        contradicted_turns: contradicted.len() as u32,
    };

    let canonical = CanonicalInput {
        rubric: RUBRIC_VERSION,
        title: &vacancy.title,
        requirements: &vacancy.requirements,
        min_experience_years: vacancy.min_experience_years,
        language: vacancy.language,
        resume_text,
        transcript: interview.turns.iter().map(|t| (if t.speaker == Speaker::Candidate { "candidate" } else { "interviewer" }, t.text.as_str())).collect(),
    };
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    let input_hash = hex::encode(Sha256::digest(&bytes));

    Evaluation {
        lang,
        requirements: rows,
        score,
        recommendation,
        rule: rule_text(lang),
        rule_applied,
        flags,
        strengths,
        gaps,
        summary,
        dropped_quotes: dropped,
        rubric_version: RUBRIC_VERSION.into(),
        engine: ENGINE.into(),
        input_hash,
    }
}

/// The part of a resume quote without personal data: a line with an e-mail, a phone number
/// or the name is narrowed to the segment (between `|`, `;`, `,`, `·`, `•`) about the
/// requirement, or dropped. Returns the segment's byte offset in `quote` and the segment.
fn personal_free<'a>(quote: &'a str, item: Option<&PlanItem>, profile: Option<&Profile>) -> Option<(usize, &'a str)> {
    let name = profile.and_then(|p| p.full_name.as_ref()).map(|n| fold(&n.value)).filter(|n| !n.is_empty());
    let personal = |s: &str| {
        s.contains('@') || s.chars().filter(char::is_ascii_digit).count() >= 7 || name.as_ref().is_some_and(|n| fold(s).contains(n.as_str()))
    };
    if !personal(quote) {
        return Some((0, quote));
    }
    let mut segments: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for (i, c) in quote.char_indices() {
        if matches!(c, '|' | ';' | ',' | '·' | '•') {
            segments.push((start, &quote[start..i]));
            start = i + c.len_utf8();
        }
    }
    segments.push((start, &quote[start..]));
    let clean: Vec<(usize, &str)> = segments
        .into_iter()
        .map(|(o, s)| (o + (s.len() - s.trim_start().len()), s.trim()))
        .filter(|(_, s)| !s.is_empty() && !personal(s))
        .collect();
    let about = |s: &str| {
        item.is_some_and(|it| {
            let f = fold(s);
            it.keywords.iter().any(|k| crate::text::mentions(&f, k)) || it.skills.iter().any(|k| f.contains(&fold(k)))
        })
    };
    clean.iter().find(|(_, s)| about(s)).copied()
}

fn reason_text(ru: bool, resume: Option<VerdictKind>, finding: InterviewFinding, v: EvalVerdict) -> String {
    let r = match (resume, ru) {
        (Some(VerdictKind::Met), true) => "в резюме есть",
        (Some(VerdictKind::Met), false) => "the resume shows it",
        (Some(VerdictKind::Partial), true) => "в резюме частично",
        (Some(VerdictKind::Partial), false) => "the resume shows it in part",
        (Some(VerdictKind::Missing), true) => "в резюме нет",
        (Some(VerdictKind::Missing), false) => "not in the resume",
        (None, true) => "резюме не сопоставлено",
        (None, false) => "no resume to compare",
    };
    let i = match (finding, ru) {
        (InterviewFinding::Evidenced, true) => "на интервью подтверждено конкретным ответом",
        (InterviewFinding::Evidenced, false) => "the interview evidenced it with a specific answer",
        (InterviewFinding::Answered, true) => "на интервью конкретный ответ, но требование прямо не названо",
        (InterviewFinding::Answered, false) => "a specific answer in the interview that does not name it",
        (InterviewFinding::Vague, true) => "на интервью ответ без конкретики даже после уточнения",
        (InterviewFinding::Vague, false) => "the interview answer had no specifics, even after a follow-up",
        (InterviewFinding::Unanswered, true) => "на интервью ответа по существу нет",
        (InterviewFinding::Unanswered, false) => "no answer on it in the interview",
        (InterviewFinding::Evaded, true) => "на интервью кандидат ушёл от ответа",
        (InterviewFinding::Evaded, false) => "the candidate deflected the question",
        (InterviewFinding::Contradicted, true) => "на интервью — уверенное заявление без конкретики, не подтверждённое резюме",
        (InterviewFinding::Contradicted, false) => "a confident claim without specifics that the resume does not support",
        (InterviewFinding::StatedAntiPattern, true) => "на интервью ответ описывает известную ошибочную или недопустимую практику",
        (InterviewFinding::StatedAntiPattern, false) => "an interview answer states a known anti-pattern or red flag",
        (InterviewFinding::NotAsked, true) => "на интервью не обсуждалось",
        (InterviewFinding::NotAsked, false) => "not discussed in the interview",
    };
    let verdict = match (v, ru) {
        (EvalVerdict::Met, true) => "выполнено",
        (EvalVerdict::Met, false) => "met",
        (EvalVerdict::Partial, true) => "частично",
        (EvalVerdict::Partial, false) => "partial",
        (EvalVerdict::NotMet, true) => "не выполнено",
        (EvalVerdict::NotMet, false) => "not met",
        (EvalVerdict::Unknown, true) => "неизвестно",
        (EvalVerdict::Unknown, false) => "unknown",
    };
    format!("{verdict}: {r}; {i}")
}
