//! The interview steps shared by every conversation (typed answers, finishing, the events that
//! report them) and [`TypedConversation`], the built-in conversation without speech: it asks
//! in the chat panel and takes typed answers. The voice pipeline replaces it at start-up.

use crate::protocol::{AiState, ClientEvent, ServerEvent};
use crate::session::{Conversation, MediaIo, SessionContext};
use otbor_app::interview::{InterviewView, answer_heard, finish_interview, token_hash};

/// The waiting question of the interview and its turn number.
pub fn waiting_question(view: &InterviewView) -> Option<ServerEvent> {
    let chat = view.chat.as_ref()?;
    let text = chat.question.clone()?;
    let number = chat
        .turns
        .iter()
        .rev()
        .find(|t| t.speaker == "interviewer")
        .map_or(1, |t| t.number);
    Some(ServerEvent::Question { number, text })
}

pub fn progress(view: &InterviewView) -> Option<ServerEvent> {
    view.chat.as_ref().map(|c| ServerEvent::Progress {
        done: c.done,
        planned: c.planned,
    })
}

/// What the page should show for the interview as it stands: progress, then the waiting
/// question or `finished`.
pub fn status_events(view: &InterviewView) -> Vec<ServerEvent> {
    let mut events: Vec<ServerEvent> = progress(view).into_iter().collect();
    match (&view.chat, waiting_question(view)) {
        (Some(c), _) if c.finished => events.push(ServerEvent::Finished),
        (_, Some(q)) => events.push(q),
        _ => {}
    }
    events
}

/// Records `text` as the answer to the waiting question (typed or recognised) and returns the
/// events that report it: the answer as recorded, progress, and the next question or
/// `finished`. A refusal (no question waiting, the interview is over, an empty text) comes
/// back as a notice.
pub async fn answer_events(ctx: &SessionContext, text: &str) -> Vec<ServerEvent> {
    heard_answer_events(ctx, text, None).await
}

/// [`answer_events`] for a spoken answer begun while the question was still being said:
/// `heard`, the part of it heard by then, is kept with the candidate's turn.
pub async fn heard_answer_events(ctx: &SessionContext, text: &str, heard: Option<&str>) -> Vec<ServerEvent> {
    let result = match token_hash(&ctx.token) {
        Ok(hash) => answer_heard(&ctx.api, &hash, text, heard).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(view) => {
            let mut events = Vec::new();
            if let Some(turn) = view
                .chat
                .as_ref()
                .and_then(|c| c.turns.iter().rev().find(|t| t.speaker == "candidate"))
            {
                events.push(ServerEvent::Answer {
                    number: turn.number,
                    text: turn.text.clone(),
                });
            }
            events.extend(status_events(&view));
            events
        }
        Err(e) => vec![ServerEvent::Notice {
            text: e.message_in(ctx.lang),
        }],
    }
}

/// Ends the interview now; the evaluation is queued.
pub async fn finish_events(ctx: &SessionContext) -> Vec<ServerEvent> {
    match finish_interview(&ctx.api, &ctx.token).await {
        Ok(_) => vec![ServerEvent::Finished],
        Err(e) => vec![ServerEvent::Notice {
            text: e.message_in(ctx.lang),
        }],
    }
}

/// A conversation in the chat panel alone: the question is shown, answers are typed. The
/// candidate's audio is recorded by the transport but not listened to.
#[derive(Clone, Copy, Debug, Default)]
pub struct TypedConversation;

#[async_trait::async_trait]
impl Conversation for TypedConversation {
    async fn run(&self, io: MediaIo, ctx: SessionContext) {
        let MediaIo {
            mut audio_in,
            audio_out: _audio_out,
            mut events_in,
            events_out,
        } = io;
        let mut opening = vec![ServerEvent::State {
            state: AiState::Listening,
        }];
        opening.extend(status_events(&ctx.interview));
        let mut finished = opening.contains(&ServerEvent::Finished);
        for e in opening {
            events_out.send(e).await;
        }
        while !finished {
            tokio::select! {
                // Audio is not understood here; reading it keeps the queue from filling.
                Some(_) = audio_in.recv() => {}
                event = events_in.recv() => {
                    let Some(event) = event else { break };
                    let replies = match event {
                        ClientEvent::Text { text } => {
                            events_out.send(ServerEvent::State { state: AiState::Thinking }).await;
                            let mut r = answer_events(&ctx, &text).await;
                            r.push(ServerEvent::State { state: AiState::Listening });
                            r
                        }
                        ClientEvent::Finish => finish_events(&ctx).await,
                    };
                    finished = replies.contains(&ServerEvent::Finished);
                    for e in replies {
                        events_out.send(e).await;
                    }
                }
            }
        }
    }
}
