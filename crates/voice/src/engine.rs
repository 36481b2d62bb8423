//! The interview engine as seen from the voice pipeline: a narrow `Interviewer` port that takes
//! the candidate's recognised answer (and, after a barge-in, what they had heard of the
//! question) and gives the interviewer's next words. The lead wires the real interview engine
//! behind it; the voice pipeline only needs this much.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::VoiceError;
use crate::frame::{Frame, Heard, Reply};
use crate::ledger::SpeechLedger;
use crate::pipeline::{Emitter, Stage};

#[async_trait]
pub trait Interviewer: Send + Sync {
    /// The opening words (greeting and first question).
    async fn opening(&self) -> Result<Reply, VoiceError>;

    /// The next words after the candidate's `answer`. `heard` is set when the candidate cut the
    /// previous question short: only that part of it was heard.
    async fn answer(&self, answer: &str, heard: Option<&Heard>) -> Result<Reply, VoiceError>;
}

pub struct EngineStage {
    interviewer: Arc<dyn Interviewer>,
    ledger: SpeechLedger,
    finished: bool,
}

impl EngineStage {
    pub fn new(interviewer: Arc<dyn Interviewer>, ledger: SpeechLedger) -> Self {
        Self {
            interviewer,
            ledger,
            finished: false,
        }
    }
}

#[async_trait]
impl Stage for EngineStage {
    fn name(&self) -> &'static str {
        "engine"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::Start => {
                out.push(Frame::Start);
                let reply = self.interviewer.opening().await?;
                self.finished = reply.finished;
                out.push(Frame::Reply(reply));
            }
            Frame::Transcription(text) => {
                out.push(Frame::Transcription(text.clone()));
                if self.finished {
                    return Ok(());
                }
                let heard = self.ledger.take_heard();
                tracing::debug!("asking the interviewer for the next words");
                let reply = self.interviewer.answer(&text, heard.as_ref()).await?;
                tracing::debug!("the interviewer replied");
                self.finished = reply.finished;
                out.push(Frame::Reply(reply));
            }
            other => out.push(other),
        }
        Ok(())
    }
}

/// A scripted interviewer for tests and benchmarks: asks its questions in order and records
/// the answers (with what had been heard).
pub struct ScriptedInterviewer {
    questions: Vec<String>,
    log: std::sync::Mutex<Vec<(String, Option<String>)>>,
}

impl ScriptedInterviewer {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(questions: I) -> Self {
        Self {
            questions: questions.into_iter().map(Into::into).collect(),
            log: Default::default(),
        }
    }

    /// The answers received, each with the heard part of the question if it was cut short.
    pub fn answers(&self) -> Vec<(String, Option<String>)> {
        self.log.lock().expect("log lock").clone()
    }

    fn reply(&self, index: usize) -> Reply {
        let total = self.questions.len() as u32;
        match self.questions.get(index) {
            Some(q) => Reply {
                text: q.clone(),
                finished: false,
                progress: Some(crate::frame::Progress {
                    answered: index as u32,
                    total,
                }),
            },
            None => Reply {
                text: "Спасибо, интервью окончено.".into(),
                finished: true,
                progress: Some(crate::frame::Progress {
                    answered: total,
                    total,
                }),
            },
        }
    }
}

#[async_trait]
impl Interviewer for ScriptedInterviewer {
    async fn opening(&self) -> Result<Reply, VoiceError> {
        Ok(self.reply(0))
    }

    async fn answer(&self, answer: &str, heard: Option<&Heard>) -> Result<Reply, VoiceError> {
        let mut log = self.log.lock().expect("log lock");
        log.push((answer.to_owned(), heard.map(Heard::heard_text)));
        Ok(self.reply(log.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::harness;

    #[tokio::test]
    async fn the_session_opens_with_the_first_question() {
        let interviewer = Arc::new(ScriptedInterviewer::new(["Расскажите о себе."]));
        let mut stage = EngineStage::new(interviewer, SpeechLedger::new());
        let out = harness::run(&mut stage, vec![Frame::Start]).await;
        assert!(
            matches!(&out[1], Frame::Reply(r) if r.text == "Расскажите о себе." && !r.finished)
        );
    }

    #[tokio::test]
    async fn an_answer_gets_the_next_question_and_the_last_one_finishes() {
        let interviewer = Arc::new(ScriptedInterviewer::new(["Первый?", "Второй?"]));
        let mut stage = EngineStage::new(interviewer.clone(), SpeechLedger::new());
        let out = harness::run(
            &mut stage,
            vec![
                Frame::Transcription("ответ один".into()),
                Frame::Transcription("ответ два".into()),
                Frame::Transcription("лишний".into()),
            ],
        )
        .await;
        let replies: Vec<&Reply> = out
            .iter()
            .filter_map(|f| match f {
                Frame::Reply(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(replies.len(), 2, "nothing is asked after the end");
        assert_eq!(replies[0].text, "Второй?");
        assert!(replies[1].finished);
        assert_eq!(interviewer.answers().len(), 2);
    }

    #[tokio::test]
    async fn after_a_barge_in_the_engine_learns_what_was_heard_of_the_question() {
        let interviewer = Arc::new(ScriptedInterviewer::new(["Первый?", "Второй?"]));
        let ledger = SpeechLedger::new();
        ledger.record_heard(Heard {
            utterance: 1,
            reply: "Расскажите о проекте подробно.".into(),
            heard_chars: 20,
            played_ms: 900,
        });
        let mut stage = EngineStage::new(interviewer.clone(), ledger.clone());
        harness::run(
            &mut stage,
            vec![
                Frame::Transcription("перебил".into()),
                Frame::Transcription("дальше".into()),
            ],
        )
        .await;
        let answers = interviewer.answers();
        assert_eq!(
            answers[0],
            ("перебил".into(), Some("Расскажите о проекте".into()))
        );
        assert_eq!(answers[1].1, None, "the heard part is used once");
    }
}
