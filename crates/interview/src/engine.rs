//! The interview state machine: it walks the plan, asks, reads each answer and decides what
//! comes next (a follow-up, a probe, a rephrasing, moving on, skipping a covered topic or
//! closing), recording every decision with its reason. The state is plain serde data, so an
//! interview can be stored after every turn and resumed at the same question.

use crate::analysis::{analyse, AnswerAnalysis, AnswerKind, Contradiction};
use crate::plan::{Plan, Topic};
use crate::templates::{question, Purpose};
use otbor_domain::Lang;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Ask,
    FollowUp,
    Probe,
    Rephrase,
    MoveOn,
    Skip,
    Close,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub kind: DecisionKind,
    /// Why, in the vacancy's language (shown to recruiters).
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Question {
    pub text: String,
    /// Index of the plan item.
    pub item: usize,
    pub decision: Decision,
    /// "template", "model <provider>/<model>" or "template (model failed: ...)".
    pub phrased_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    Ask(Question),
    Finished,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Pending,
    Asked,
    FollowUpAsked,
    /// Answered specifically, naming the requirement.
    Evidenced,
    /// Answered specifically, without naming the requirement's skills.
    Answered,
    /// Answered without specifics, even after a follow-up.
    Vague,
    Unanswered,
    Skipped,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemState {
    pub status: ItemStatus,
    /// Questions asked on this item.
    pub questions: u32,
    /// Candidate turns that answered it.
    pub answer_turns: Vec<u32>,
    /// The candidate turn of an earlier answer that covered it (then it is skipped).
    pub covered_by: Option<u32>,
    /// The candidate deflected the question (after the re-ask too, if there was one).
    pub deflected: bool,
    pub follow_up_used: bool,
    pub rephrase_used: bool,
    pub probe_used: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Interviewer,
    Candidate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Turn {
    /// 1-based, over both speakers.
    pub number: u32,
    pub speaker: Speaker,
    pub item: usize,
    pub text: String,
    /// For the interviewer's turns: why this question.
    pub decision: Option<Decision>,
    pub phrased_by: Option<String>,
    /// For a candidate's turn on a voice call that began while the question was still being
    /// spoken (a barge-in): the part of the question heard by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heard: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionRecord {
    /// The last turn before the decision (0 before the first question).
    pub after_turn: u32,
    pub item: usize,
    pub kind: DecisionKind,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RedFlagKind {
    /// The answer contradicts the resume.
    InconsistentWithResume,
    /// The answer tries to instruct the AI.
    PromptInjectionAttempt,
    /// The candidate deflected a question.
    Evasive,
    /// The answer states a known anti-pattern or red flag of the knowledge library.
    KnownAntiPattern,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RedFlag {
    pub kind: RedFlagKind,
    pub turn: u32,
    /// In the vacancy's language; never a copy of an instruction to the AI.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterviewError {
    #[error("no question is waiting for an answer")]
    NoQuestion,
    #[error("the interview is finished")]
    Finished,
}

/// What the engine will ask next on the current item, decided when the answer came.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
struct Queued {
    purpose: QueuedPurpose,
    reason: String,
    fact: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum QueuedPurpose {
    FollowUp,
    ReAsk,
    Rephrase,
    Probe,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Interview {
    pub plan: Plan,
    pub lang: Lang,
    pub turns: Vec<Turn>,
    pub items: Vec<ItemState>,
    pub decisions: Vec<DecisionRecord>,
    pub red_flags: Vec<RedFlag>,
    pub analyses: Vec<AnswerAnalysis>,
    /// The plan item being discussed.
    pub current: Option<usize>,
    /// The question asked and not yet answered (asked again as is after a reload).
    pub awaiting: Option<Question>,
    queued: Option<Queued>,
    pub finished: bool,
}

impl Interview {
    pub fn new(plan: Plan, lang: Lang) -> Self {
        let items = plan
            .items
            .iter()
            .map(|_| ItemState {
                status: ItemStatus::Pending,
                questions: 0,
                answer_turns: vec![],
                covered_by: None,
                deflected: false,
                follow_up_used: false,
                rephrase_used: false,
                probe_used: false,
            })
            .collect();
        Interview { plan, lang, turns: vec![], items, decisions: vec![], red_flags: vec![], analyses: vec![], current: None, awaiting: None, queued: None, finished: false }
    }

    fn ru(&self) -> bool {
        self.lang == Lang::Ru
    }

    fn last_turn(&self) -> u32 {
        self.turns.last().map(|t| t.number).unwrap_or(0)
    }

    /// Questions asked so far.
    pub fn questions_asked(&self) -> u32 {
        self.turns.iter().filter(|t| t.speaker == Speaker::Interviewer).count() as u32
    }

    fn record(&mut self, item: usize, kind: DecisionKind, reason: String) {
        self.decisions.push(DecisionRecord { after_turn: self.last_turn(), item, kind, reason });
    }

    /// Whether `extra` more questions still fit the budget with the motivation (and its
    /// follow-up) and closing questions still to come: requirements never squeeze them out.
    fn fits(&self, extra: u32) -> bool {
        let current = self.current;
        let reserved = self
            .plan
            .items
            .iter()
            .enumerate()
            .filter(|(k, _)| Some(*k) != current && self.items[*k].status == ItemStatus::Pending)
            .map(|(_, it)| match it.topic {
                // The motivation question and its possible follow-up.
                Topic::Motivation => 2,
                Topic::Closing => 1,
                _ => 0,
            })
            .sum::<u32>();
        self.questions_asked() + extra + reserved <= self.plan.budget.questions()
    }

    /// Decides the next question without recording it (skips are recorded).
    pub(crate) fn decide(&mut self) -> Step {
        if self.finished {
            return Step::Finished;
        }
        if let Some(q) = &self.awaiting {
            return Step::Ask(q.clone());
        }
        if let (Some(cur), Some(q)) = (self.current, self.queued.take()) {
            let item = &self.plan.items[cur];
            let (purpose, kind) = match q.purpose {
                QueuedPurpose::FollowUp => (Purpose::FollowUp, DecisionKind::FollowUp),
                QueuedPurpose::ReAsk => (Purpose::ReAsk, DecisionKind::FollowUp),
                QueuedPurpose::Rephrase => (Purpose::Rephrase, DecisionKind::Rephrase),
                QueuedPurpose::Probe => (Purpose::Probe, DecisionKind::Probe),
            };
            let text = question(self.lang, item, purpose, q.fact.as_deref());
            return Step::Ask(Question { text, item: cur, decision: Decision { kind, reason: q.reason }, phrased_by: "template".into() });
        }
        let start = self.current.map(|c| c + 1).unwrap_or(0);
        let ru = self.ru();
        for i in start..self.plan.items.len() {
            let item = self.plan.items[i].clone();
            let state = &self.items[i];
            if state.status == ItemStatus::Skipped {
                continue;
            }
            if let Some(t) = state.covered_by {
                let reason = if ru { format!("«{}»: уже раскрыто в ответе (ход {t})", item.label) } else { format!("'{}': already covered by the answer in turn {t}", item.label) };
                self.items[i].status = ItemStatus::Skipped;
                self.record(i, DecisionKind::Skip, reason);
                continue;
            }
            let closing = item.topic == Topic::Closing;
            let fixed = matches!(item.topic, Topic::Motivation | Topic::Closing);
            if !fixed && !self.fits(1) {
                let reason = if ru { format!("«{}»: пропущено — исчерпан бюджет интервью", item.label) } else { format!("'{}': skipped, the interview budget is used up", item.label) };
                self.items[i].status = ItemStatus::Skipped;
                self.record(i, DecisionKind::Skip, reason);
                continue;
            }
            self.current = Some(i);
            let (kind, purpose) = if closing { (DecisionKind::Close, Purpose::Close) } else { (DecisionKind::Ask, Purpose::Ask) };
            let text = question(self.lang, &item, purpose, None);
            return Step::Ask(Question { text, item: i, decision: Decision { kind, reason: item.reason.clone() }, phrased_by: "template".into() });
        }
        self.finished = true;
        self.current = None;
        Step::Finished
    }

    /// Records a decided question as the interviewer's turn.
    pub(crate) fn ask(&mut self, q: &Question) {
        let number = self.last_turn() + 1;
        self.turns.push(Turn { number, speaker: Speaker::Interviewer, item: q.item, text: q.text.clone(), decision: Some(q.decision.clone()), phrased_by: Some(q.phrased_by.clone()), heard: None });
        self.decisions.push(DecisionRecord { after_turn: number - 1, item: q.item, kind: q.decision.kind, reason: q.decision.reason.clone() });
        let st = &mut self.items[q.item];
        st.questions += 1;
        st.status = if st.questions == 1 { ItemStatus::Asked } else { ItemStatus::FollowUpAsked };
        self.awaiting = Some(q.clone());
    }

    /// The next question (asked again unchanged while it waits for an answer) or the end.
    // `next` is the engine's vocabulary; an interview is not an iterator (it needs answers).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Step {
        if let Some(q) = &self.awaiting {
            return Step::Ask(q.clone());
        }
        let step = self.decide();
        if let Step::Ask(q) = &step {
            self.ask(q);
        }
        step
    }

    /// Records the candidate's answer to the waiting question, reads it and decides what the
    /// next question will be. An instruction to the AI inside the answer is recorded as a red
    /// flag and changes nothing else.
    /// [`Interview::answer`] to a question the candidate cut short: `heard` is the part of it
    /// they had heard, kept with their turn for whoever reads the transcript. The analysis is
    /// the same: an answer counts for what it says.
    pub fn answer_heard(&mut self, text: &str, heard: Option<&str>) -> Result<AnswerAnalysis, InterviewError> {
        let analysis = self.answer(text)?;
        if let Some(turn) = self.turns.iter_mut().rev().find(|t| t.speaker == Speaker::Candidate) {
            turn.heard = heard.map(str::to_owned);
        }
        Ok(analysis)
    }

    pub fn answer(&mut self, text: &str) -> Result<AnswerAnalysis, InterviewError> {
        if self.finished {
            return Err(InterviewError::Finished);
        }
        let q = self.awaiting.take().ok_or(InterviewError::NoQuestion)?;
        let number = self.last_turn() + 1;
        self.turns.push(Turn { number, speaker: Speaker::Candidate, item: q.item, text: text.to_string(), decision: None, phrased_by: None, heard: None });
        let mut a = analyse(&self.plan, q.item, number, text);
        let ru = self.ru();
        let item = self.plan.items[q.item].clone();
        self.items[q.item].answer_turns.push(number);

        if a.injection {
            self.red_flags.push(RedFlag {
                kind: RedFlagKind::PromptInjectionAttempt,
                turn: number,
                detail: if ru { "ответ содержит указания для ИИ; они не выполнены и не учитываются, текст не цитируется".into() } else { "the answer contains instructions aimed at the AI; not followed, not counted, not quoted".into() },
            });
        }
        for c in &a.contradictions {
            self.red_flags.push(RedFlag { kind: RedFlagKind::InconsistentWithResume, turn: number, detail: contradiction_detail(c, ru) });
        }
        for h in &a.anti_patterns {
            self.red_flags.push(RedFlag { kind: RedFlagKind::KnownAntiPattern, turn: number, detail: anti_pattern_detail(h, ru) });
        }
        if a.kind == AnswerKind::Evasive {
            self.red_flags.push(RedFlag {
                kind: RedFlagKind::Evasive,
                turn: number,
                detail: if ru { format!("уход от ответа на вопрос по теме «{}»", item.label) } else { format!("deflected the question on '{}'", item.label) },
            });
        }

        if item.topic == Topic::Closing {
            self.items[q.item].status = if a.kind == AnswerKind::NoAnswer { ItemStatus::Unanswered } else { ItemStatus::Answered };
            self.record(q.item, DecisionKind::Close, if ru { "интервью завершено".into() } else { "the interview is complete".into() });
            self.finished = true;
            self.current = None;
            self.analyses.push(a.clone());
            return Ok(a);
        }

        // Topics this answer covered are skipped when their turn comes.
        let mut covered = Vec::new();
        for &i in &a.covers {
            if i > q.item && self.items[i].status == ItemStatus::Pending && self.items[i].covered_by.is_none() {
                self.items[i].covered_by = Some(number);
                covered.push(i);
            }
        }
        a.covers = covered;

        let st = self.items[q.item].clone();
        // One extra question per item (a follow-up, a re-ask or a probe); a rephrasing may be
        // followed by one more, since the candidate has not yet heard the question they understand.
        let extras = st.questions.saturating_sub(1);
        let only_rephrased = extras == 1 && st.rephrase_used && !st.follow_up_used && !st.probe_used;
        let can_ask = self.fits(1) && (extras == 0 || only_rephrased);
        let label = &item.label;
        let queued = if let (Some(c), false, true) = (a.contradictions.first(), st.probe_used, can_ask) {
            self.items[q.item].probe_used = true;
            // What the candidate hears: the resume fact, without our judgement of the answer.
            let fact = match (c.kind, c.requirement.and_then(|r| self.plan.items.iter().find(|i| i.requirement == Some(r)))) {
                (crate::analysis::ContradictionKind::UnsupportedClaim, Some(it)) => {
                    if ru { format!("в резюме не указан опыт по теме «{}»", it.label) } else { format!("the resume does not mention '{}'", it.label) }
                }
                _ => c.resume_fact.clone(),
            };
            Some(Queued {
                purpose: QueuedPurpose::Probe,
                reason: if ru { format!("ответ расходится с резюме ({}) — уточнить", c.resume_fact) } else { format!("the answer contradicts the resume ({}): to clarify", c.resume_fact) },
                fact: Some(fact),
            })
        } else {
            match a.kind {
                AnswerKind::NotUnderstood if !st.rephrase_used && can_ask => {
                    self.items[q.item].rephrase_used = true;
                    Some(Queued { purpose: QueuedPurpose::Rephrase, reason: ru_en(ru, "кандидат не понял вопрос — переформулировать", "the candidate did not understand the question: rephrase"), fact: None })
                }
                AnswerKind::Evasive | AnswerKind::NoAnswer if !st.follow_up_used && can_ask => {
                    self.items[q.item].follow_up_used = true;
                    let why = if a.kind == AnswerKind::Evasive { ru_en(ru, "уход от ответа — спросить ещё раз, один раз", "deflected: ask once more") } else { ru_en(ru, "ответа по существу нет — спросить ещё раз, один раз", "no answer on the question: ask once more") };
                    Some(Queued { purpose: QueuedPurpose::ReAsk, reason: why, fact: None })
                }
                AnswerKind::Vague | AnswerKind::Short | AnswerKind::Generic if !st.follow_up_used && can_ask => {
                    self.items[q.item].follow_up_used = true;
                    let why = match a.kind {
                        AnswerKind::Short => ru_en(ru, "короткий ответ — попросить конкретный пример", "a short answer: ask for a specific example"),
                        AnswerKind::Generic => ru_en(ru, "общие слова без конкретики — попросить пример", "stock phrases without specifics: ask for an example"),
                        _ => ru_en(ru, "ответ без конкретики (что именно, какие инструменты, масштаб, результат) — попросить пример", "no specifics (what exactly, which tools, scale, result): ask for an example"),
                    };
                    Some(Queued { purpose: QueuedPurpose::FollowUp, reason: why, fact: None })
                }
                _ => None,
            }
        };
        if a.kind == AnswerKind::Evasive {
            self.items[q.item].deflected = true;
        } else if a.kind != AnswerKind::NoAnswer {
            self.items[q.item].deflected = false;
        }
        match queued {
            Some(qd) => self.queued = Some(qd),
            None => {
                let best_before = self.best_kind(q.item, number);
                let status = if a.evidences_requirement {
                    ItemStatus::Evidenced
                } else if (a.kind == AnswerKind::Specific && a.contradictions.is_empty() && a.anti_patterns.is_empty()) || matches!(best_before, Some(AnswerKind::Specific)) {
                    ItemStatus::Answered
                } else if matches!(a.kind, AnswerKind::Vague | AnswerKind::Short | AnswerKind::Generic)
                    || matches!(best_before, Some(AnswerKind::Vague | AnswerKind::Short | AnswerKind::Generic))
                    || ((!a.contradictions.is_empty() || !a.anti_patterns.is_empty()) && a.kind == AnswerKind::Specific)
                {
                    ItemStatus::Vague
                } else {
                    ItemStatus::Unanswered
                };
                self.items[q.item].status = status;
                let reason = match status {
                    ItemStatus::Evidenced => if ru { format!("«{label}»: подтверждено конкретным ответом (ход {number})") } else { format!("'{label}': evidenced by a specific answer (turn {number})") },
                    ItemStatus::Answered => if ru { format!("«{label}»: конкретный ответ (ход {number}), требование прямо не названо") } else { format!("'{label}': a specific answer (turn {number}) that does not name the requirement") },
                    ItemStatus::Vague if !a.anti_patterns.is_empty() => {
                        if ru { format!("«{label}»: ответ описывает известную ошибочную практику — не засчитан как подтверждение") } else { format!("'{label}': the answer states a known anti-pattern; not counted as evidence") }
                    }
                    ItemStatus::Vague => if ru { format!("«{label}»: ответ остался без конкретики — дальше") } else { format!("'{label}': the answer stayed without specifics; moving on") },
                    _ => if ru { format!("«{label}»: ответа по существу нет после повторного вопроса — записано как без ответа") } else { format!("'{label}': no answer after asking again; recorded as unanswered") },
                };
                self.record(q.item, DecisionKind::MoveOn, reason);
            }
        }
        self.analyses.push(a.clone());
        Ok(a)
    }

    /// The most specific kind among earlier answers to an item (before `turn`).
    fn best_kind(&self, item: usize, turn: u32) -> Option<AnswerKind> {
        let rank = |k: AnswerKind| match k {
            AnswerKind::Specific => 3,
            AnswerKind::Vague | AnswerKind::Generic | AnswerKind::Short => 2,
            _ => 1,
        };
        // An answer that contradicts the resume is not evidence, however detailed.
        self.analyses
            .iter()
            .filter(|a| a.item == item && a.turn < turn)
            .map(|a| if a.kind == AnswerKind::Specific && (!a.contradictions.is_empty() || !a.anti_patterns.is_empty()) { AnswerKind::Vague } else { a.kind })
            .max_by_key(|k| rank(*k))
    }

    /// The candidate's turn with this number.
    pub fn candidate_turn(&self, number: u32) -> Option<&Turn> {
        self.turns.iter().find(|t| t.number == number && t.speaker == Speaker::Candidate)
    }
}

fn ru_en(ru: bool, a: &str, b: &str) -> String {
    if ru { a.to_string() } else { b.to_string() }
}

/// The red flag's text: the verbatim quote and the library line it breaks.
pub(crate) fn anti_pattern_detail(h: &crate::knowledge::AntiPatternHit, ru: bool) -> String {
    if ru { format!("«{}» — противоречит правилу: {} [{}]", h.quote, h.rule, h.id) } else { format!("\"{}\" breaks: {} [{}]", h.quote, h.rule, h.id) }
}

fn contradiction_detail(c: &Contradiction, ru: bool) -> String {
    use crate::analysis::ContradictionKind as K;
    let what = match (c.kind, ru) {
        (K::Experience, true) => "заявленный опыт больше, чем в резюме",
        (K::Experience, false) => "claims more experience than the resume shows",
        (K::Employer, true) => "называет место работы, которого нет в резюме",
        (K::Employer, false) => "names an employer the resume does not list",
        (K::Leadership, true) => "говорит о руководстве командой, в резюме его нет",
        (K::Leadership, false) => "claims a management role the resume does not show",
        (K::Education, true) => "называет вуз, которого нет в резюме",
        (K::Education, false) => "names a university the resume does not list",
        (K::UnsupportedClaim, true) => "уверенное заявление без конкретики о навыке, которого нет в резюме",
        (K::UnsupportedClaim, false) => "a confident claim without specifics about a skill the resume does not show",
    };
    format!("{what}: {}", c.resume_fact)
}
