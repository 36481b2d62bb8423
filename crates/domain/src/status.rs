//! The pipeline statuses of an application and the moves between them.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    AwaitingResponse,
    InInterview,
    Evaluation,
    AwaitingManagerDecision,
    Accepted,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::AwaitingResponse,
        Status::InInterview,
        Status::Evaluation,
        Status::AwaitingManagerDecision,
        Status::Accepted,
        Status::Rejected,
    ];
    /// The stages an application passes through on the way to being accepted, in order.
    pub const PIPELINE: [Status; 5] = [
        Status::AwaitingResponse,
        Status::InInterview,
        Status::Evaluation,
        Status::AwaitingManagerDecision,
        Status::Accepted,
    ];
    pub const NAMES: &'static [&'static str] = &[
        "awaiting_response",
        "in_interview",
        "evaluation",
        "awaiting_manager_decision",
        "accepted",
        "rejected",
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Status::AwaitingResponse, Lang::Ru) => "ждем ответа",
            (Status::InInterview, Lang::Ru) => "на собеседовании",
            (Status::Evaluation, Lang::Ru) => "оценка",
            (Status::AwaitingManagerDecision, Lang::Ru) => "ожидание решения менеджера",
            (Status::Accepted, Lang::Ru) => "принято",
            (Status::Rejected, Lang::Ru) => "отказано",
            (Status::AwaitingResponse, Lang::En) => "awaiting response",
            (Status::InInterview, Lang::En) => "in interview",
            (Status::Evaluation, Lang::En) => "evaluation",
            (Status::AwaitingManagerDecision, Lang::En) => "awaiting manager's decision",
            (Status::Accepted, Lang::En) => "accepted",
            (Status::Rejected, Lang::En) => "rejected",
        }
    }

    /// The position in [`Status::PIPELINE`]; `None` for `Rejected`.
    pub fn stage_rank(self) -> Option<usize> {
        Self::PIPELINE.iter().position(|s| *s == self)
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Accepted | Status::Rejected)
    }

    /// The legal moves of the pipeline, regardless of who makes them.
    pub fn can_move_to(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (AwaitingResponse, InInterview)
                | (InInterview, Evaluation)
                | (Evaluation, AwaitingManagerDecision)
                | (AwaitingManagerDecision, Accepted)
                | (AwaitingResponse | InInterview | Evaluation | AwaitingManagerDecision, Rejected)
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
