//! The AI interview engine of Otbor and the evaluation that follows it, offline and
//! deterministic: a question plan from the vacancy and the resume ([`plan()`]), an interview
//! that adapts to every answer and records each decision with its reason ([`Interview`]), an
//! optional language model that only rephrases the planned question ([`Phraser`]), and an
//! evaluation with verbatim evidence, a score computed here and a decision rule that is part
//! of the output ([`evaluate()`]). Candidate text is data: instructions in it are flagged,
//! never followed.

pub mod analysis;
pub mod engine;
pub mod evaluate;
pub mod knowledge;
pub mod phraser;
pub mod plan;
pub mod templates;
pub mod text;

pub use analysis::{AnswerAnalysis, AnswerKind, Contradiction, ContradictionKind};
pub use engine::{Decision, DecisionKind, DecisionRecord, Interview, InterviewError, ItemState, ItemStatus, Question, RedFlag, RedFlagKind, Speaker, Step, Turn};
pub use knowledge::AntiPatternHit;
pub use evaluate::{evaluate, Evaluation, Recommendation, RequirementEvaluation, EvalVerdict};
pub use phraser::Phraser;
pub use plan::{plan, Budget, Plan, PlanItem, Priority, RequirementClass, ResumeFacts, Topic};
