//! [`VoiceConversation`]: the voice pipeline (`otbor-voice`) behind the transport's seam. The
//! candidate's Opus goes in; the interviewer's questions come out as speech and as events for
//! the chat panel. Spoken and typed answers go through the same interview functions as the
//! chat, so it is one interview whatever the channel. A long silence gets one "can you hear
//! me?", then the offer to continue in the chat.

use crate::conversation::{finish_events, heard_answer_events, status_events};
use crate::listening;
use crate::protocol::{AiState, ClientEvent, ServerEvent};
use crate::session::{Conversation, EventsOut, MediaIo, SessionContext};
use async_trait::async_trait;
use otbor_domain::Lang;
use otbor_voice::config::VoiceConfig;
use otbor_voice::engine::Interviewer;
use otbor_voice::frame::{Heard, Progress, Reply};
use otbor_voice::stt::Recognizer;
use otbor_voice::tts::Synthesizer;
use otbor_voice::{Frame, VoiceError};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Silence (nobody speaking, nothing typed) after which the interviewer checks the line.
const SILENCE_CHECK: Duration = Duration::from_secs(20);

/// The voice conversation, with the providers chosen once at start-up.
pub struct VoiceConversation {
    config: VoiceConfig,
    recognizer: Arc<dyn Recognizer>,
    synthesizer: Arc<dyn Synthesizer>,
}

impl VoiceConversation {
    /// Loads the models the voice settings name and builds the recogniser and synthesiser, so
    /// that a missing model shows at start-up, not in a call; every session then shares these
    /// sessions of them, with state of its own.
    pub fn new(config: VoiceConfig) -> Result<Self, VoiceError> {
        otbor_voice::session::load_models(&config)?;
        let recognizer = config.build_recognizer()?;
        let synthesizer = config.build_synthesizer()?;
        Ok(Self { config, recognizer, synthesizer })
    }

    /// [`Self::new`] with the voice settings (`OTBOR_STT`, `OTBOR_TTS`, `OTBOR_VAD_MODEL`, ...)
    /// read through `get`: the tests and the load tool, which give their own.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, VoiceError> {
        Self::new(VoiceConfig::from_vars(get)?)
    }
}

fn say(lang: Lang, ru: &str, en: &str) -> String {
    lang.pick(ru, en)
}

/// The interview engine as the voice pipeline asks it: through the interview functions of the
/// API, reporting each step to the page as it happens.
struct ApiInterviewer {
    ctx: SessionContext,
    events: EventsOut,
    /// The question waiting for an answer, to say again when asked.
    question: std::sync::Mutex<Option<String>>,
    /// "Хм, дайте подумать": held, and put before the answer that follows.
    held: std::sync::Mutex<Vec<String>>,
}

impl ApiInterviewer {
    fn lang(&self) -> Lang {
        self.ctx.interview.vacancy.language
    }

    fn closing(&self) -> Reply {
        Reply {
            text: say(self.lang(), "Спасибо! Интервью завершено, ответы переданы команде. Всего доброго!", "Thank you! The interview is over and your answers are with the team. Goodbye!"),
            finished: true,
            progress: None,
        }
    }

    /// The reply that the events describe: the next question, or the closing words.
    fn reply_of(&self, events: &[ServerEvent]) -> Reply {
        let progress = events.iter().find_map(|e| match e {
            ServerEvent::Progress { done, planned } => Some(Progress { answered: *done, total: *planned }),
            _ => None,
        });
        if events.contains(&ServerEvent::Finished) {
            return Reply { progress, ..self.closing() };
        }
        match events.iter().find_map(|e| match e {
            ServerEvent::Question { text, .. } => Some(text.clone()),
            _ => None,
        }) {
            Some(text) => Reply { text, finished: false, progress },
            // A refusal (a notice): say it, and go on listening.
            None => Reply {
                text: events
                    .iter()
                    .find_map(|e| match e {
                        ServerEvent::Notice { text } => Some(text.clone()),
                        _ => None,
                    })
                    .unwrap_or_default(),
                finished: false,
                progress,
            },
        }
    }

    async fn send_all(&self, events: Vec<ServerEvent>) {
        if let Some(q) = events.iter().find_map(|e| match e {
            ServerEvent::Question { text, .. } => Some(text.clone()),
            _ => None,
        }) {
            *self.question.lock().expect("question lock") = Some(q);
        }
        for e in events {
            self.events.send(e).await;
        }
    }
}

#[async_trait]
impl Interviewer for ApiInterviewer {
    async fn opening(&self) -> Result<Reply, VoiceError> {
        let events = status_events(&self.ctx.interview);
        let reply = self.reply_of(&events);
        self.send_all(events).await;
        Ok(reply)
    }

    async fn answer(&self, answer: &str, heard: Option<&Heard>) -> Result<Reply, VoiceError> {
        if answer.trim().is_empty() {
            let text = say(self.lang(), "Простите, я не расслышал. Повторите, пожалуйста, или напишите ответ в чате.", "Sorry, I did not catch that. Please say it again, or type your answer in the chat.");
            self.events.send(ServerEvent::Notice { text: text.clone() }).await;
            return Ok(Reply { text, finished: false, progress: None });
        }
        let lang = self.lang();
        // Not answers: thinking aloud, a request to hear the question again, a "да" over a
        // question whose asking part was never heard (listening.rs).
        if listening::is_hesitation(answer) {
            tracing::info!(session = %self.ctx.session_id, "the candidate is thinking aloud; the turn is held");
            self.held.lock().expect("held lock").push(answer.trim().to_owned());
            self.events.send(ServerEvent::State { state: AiState::Listening }).await;
            return Ok(Reply { text: String::new(), finished: false, progress: None });
        }
        let question = self.question.lock().expect("question lock").clone();
        let again = match (question, heard) {
            (Some(q), _) if listening::asks_to_repeat(answer) => Some(listening::repeat_question(lang, &q)),
            (_, Some(h)) => listening::unheard_rest(h, answer),
            _ => None,
        };
        if let Some(text) = again {
            tracing::info!(session = %self.ctx.session_id, cut_short = heard.is_some(), "the question is said again instead of recording the turn");
            self.events.send(ServerEvent::Notice { text: text.clone() }).await;
            return Ok(Reply { text, finished: false, progress: None });
        }
        if let Some(h) = heard {
            tracing::info!(session = %self.ctx.session_id, heard_chars = h.heard_chars, played_ms = h.played_ms, "the candidate answered before the question was over");
        }
        let held = std::mem::take(&mut *self.held.lock().expect("held lock"));
        let answer = held.into_iter().chain([answer.trim().to_owned()]).collect::<Vec<_>>().join(" ");
        let heard_text = heard.map(Heard::heard_text).filter(|h| !h.trim().is_empty());
        let events = heard_answer_events(&self.ctx, &answer, heard_text.as_deref()).await;
        let reply = self.reply_of(&events);
        self.send_all(events).await;
        Ok(reply)
    }
}

#[async_trait]
impl Conversation for VoiceConversation {
    async fn run(&self, io: MediaIo, ctx: SessionContext) {
        let MediaIo { mut audio_in, audio_out, mut events_in, events_out } = io;
        let lang = ctx.interview.vacancy.language;
        let models = match otbor_voice::session::load_models(&self.config) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "voice models failed to load; the session goes on in the chat panel");
                events_out.send(ServerEvent::Notice { text: say(lang, "Голосовой режим сейчас недоступен: отвечайте в чате справа.", "Voice is not available right now: please answer in the chat on the right.") }).await;
                return crate::TypedConversation.run(MediaIo { audio_in, audio_out, events_in, events_out }, ctx).await;
            }
        };
        let interviewer = Arc::new(ApiInterviewer { ctx: ctx.clone(), events: events_out.clone(), question: Default::default(), held: Default::default() });
        let parts = otbor_voice::session::Parts {
            vad: models.0,
            turn: models.1,
            recognizer: self.recognizer.clone(),
            synthesizer: self.synthesizer.clone(),
            interviewer,
        };
        // The pipeline's stages run in this span: their logs and timing events name the
        // session (the load tool, otbor-voice-load, times the stages by these events).
        let span = tracing::info_span!("voice", session = %ctx.session_id, application = %ctx.application_id);
        let (mut pipeline, _ledger) = match span.in_scope(|| otbor_voice::session::spawn(&self.config, parts)) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "the voice pipeline did not start");
                return;
            }
        };
        pipeline.send(Frame::Start);
        let mut bot_speaking = false;
        let mut finished = ctx.interview.chat.as_ref().is_some_and(|c| c.finished);
        let mut last_activity = Instant::now();
        let mut silence_checks = 0u8;
        loop {
            let quiet_for = SILENCE_CHECK.saturating_sub(last_activity.elapsed());
            tokio::select! {
                packet = audio_in.recv() => match packet {
                    Some(p) => { pipeline.send(Frame::InputOpus(p.payload)); }
                    None => break,
                },
                event = events_in.recv() => match event {
                    Some(ClientEvent::Text { text }) => {
                        last_activity = Instant::now();
                        if bot_speaking {
                            pipeline.send(Frame::Interruption);
                        }
                        events_out.send(ServerEvent::State { state: AiState::Thinking }).await;
                        pipeline.send(Frame::Transcription(text));
                    }
                    Some(ClientEvent::Finish) => {
                        pipeline.send(Frame::Cancel);
                        for e in finish_events(&ctx).await {
                            events_out.send(e).await;
                        }
                        break;
                    }
                    None => break,
                },
                frame = pipeline.recv() => {
                    let Some(frame) = frame else { break };
                    match frame {
                        Frame::OutputOpus(p) => {
                            if !audio_out.send(p.packet).await {
                                break;
                            }
                        }
                        Frame::Interruption => audio_out.interrupt(),
                        Frame::BotStartedSpeaking { .. } => {
                            bot_speaking = true;
                            events_out.send(ServerEvent::State { state: AiState::Speaking }).await;
                        }
                        Frame::BotStoppedSpeaking { .. } => {
                            bot_speaking = false;
                            last_activity = Instant::now();
                            if finished {
                                break;
                            }
                            events_out.send(ServerEvent::State { state: AiState::Listening }).await;
                        }
                        Frame::UserStartedSpeaking => {
                            last_activity = Instant::now();
                            silence_checks = 0;
                        }
                        Frame::UserTurnEnded => {
                            last_activity = Instant::now();
                            events_out.send(ServerEvent::State { state: AiState::Thinking }).await;
                        }
                        Frame::Reply(r) => finished |= r.finished,
                        Frame::Error { stage, message } => tracing::warn!(stage, %message, "a voice stage failed on a frame"),
                        _ => {}
                    }
                }
                _ = tokio::time::sleep(quiet_for), if !bot_speaking && !finished => {
                    last_activity = Instant::now();
                    silence_checks += 1;
                    let text = if silence_checks == 1 {
                        say(lang, "Вы меня слышите? Если да, просто ответьте на вопрос.", "Can you hear me? If so, just answer the question.")
                    } else {
                        say(lang, "Похоже, со звуком что-то не так. Можно продолжить письменно: напишите ответ в чате справа.", "It seems something is wrong with the sound. You can go on in writing: type your answer in the chat on the right.")
                    };
                    events_out.send(ServerEvent::Notice { text: text.clone() }).await;
                    if silence_checks <= 2 {
                        pipeline.send(Frame::Reply(Reply { text, finished: false, progress: None }));
                    }
                }
            }
        }
        pipeline.abort();
    }
}
