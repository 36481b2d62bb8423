//! End of the candidate's turn, as the best voice agents do it: after a short VAD silence a
//! semantic model (smart-turn v3, Whisper features of the last 8 s) says whether the speaker
//! has finished or is only pausing ("хм, дайте подумать..."), so a finished answer is taken
//! after ~200 ms instead of a second; a longer silence ends the turn regardless. This stage
//! also turns candidate speech over the bot's into an `Interruption` (barge-in), at the VAD's
//! early onset rather than at the start of the turn. The model's ONNX session is shared by the
//! whole process (it keeps no state between calls).

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use ort::value::Tensor;

use crate::error::VoiceError;
use crate::features::{self, N_FRAMES, N_MELS};
use crate::frame::Frame;
use crate::ledger::SpeechLedger;
use crate::onnx::SessionPool;
use crate::pipeline::{Emitter, Stage};
use crate::vad::VAD_RATE;

/// The probability that the speaker has finished their turn, from 16 kHz audio of the turn.
/// A trait so that tests of the state machine can script the answers.
pub trait TurnModel: Send + 'static {
    fn completion(&mut self, audio: &[i16]) -> Result<f32, VoiceError>;
}

/// smart-turn v3 (`smart-turn-v3.2-cpu.onnx` from the `pipecat-ai` wheel).
pub struct SmartTurn {
    session: Arc<SessionPool>,
}

impl SmartTurn {
    /// Over the process's shared sessions of the model at `path`.
    pub fn load(path: &Path) -> Result<Self, VoiceError> {
        Ok(Self {
            session: crate::onnx::shared("smart-turn", path)?,
        })
    }

    /// With a session of its own (`OTBOR_VOICE_SHARED_MODELS=0`).
    pub fn load_private(path: &Path) -> Result<Self, VoiceError> {
        Ok(Self {
            session: Arc::new(SessionPool::load("smart-turn", path, 1)?),
        })
    }
}

impl TurnModel for SmartTurn {
    fn completion(&mut self, audio: &[i16]) -> Result<f32, VoiceError> {
        let wrap = |source| VoiceError::Model {
            model: "smart-turn",
            source,
        };
        let feats = features::log_mel(&features::last_eight_seconds(audio));
        let input = Tensor::from_array(([1usize, N_MELS, N_FRAMES], feats)).map_err(wrap)?;
        self.session.with(|session| {
            let outputs = session
                .run(ort::inputs!["input_features" => input])
                .map_err(wrap)?;
            let (_, out) = outputs[0].try_extract_tensor::<f32>().map_err(wrap)?;
            // The exported model ends in a sigmoid: its output is already a probability
            // (pipecat's local_smart_turn_v3.py compares it with 0.5 directly).
            out.first().copied().ok_or(VoiceError::ModelOutput {
                model: "smart-turn",
                message: "empty output".into(),
            })
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TurnParams {
    /// At or above this the turn is complete.
    pub completion_threshold: f32,
    /// Silence after the VAD stop that ends the turn whatever the model said.
    pub fallback_silence_ms: u32,
    /// Audio before the VAD's start announcement included in the model's input (the start is
    /// announced only after the VAD's minimum speech duration).
    pub lookback_ms: u32,
}

impl Default for TurnParams {
    fn default() -> Self {
        Self {
            completion_threshold: 0.5,
            fallback_silence_ms: 1_600,
            lookback_ms: 700,
        }
    }
}

/// Why a turn ended, for logs and latency breakdowns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnEnd {
    Model,
    Fallback,
}

pub struct TurnStage {
    params: TurnParams,
    model: Option<Box<dyn TurnModel>>,
    ledger: SpeechLedger,
    /// The turn's audio (capped to the model's 8 s), or the look-back between turns.
    audio: Vec<i16>,
    in_turn: bool,
    speaking: bool,
    silence: usize,
    last_end: Option<TurnEnd>,
    /// Audio seen, in samples, and where in it an onset interrupted the bot: the start of the
    /// same stretch of speech, which follows within ONSET_TO_START_MS, does not interrupt again.
    position: usize,
    barged_at: Option<usize>,
}

/// The longest the VAD's start follows the onset of the same speech (start_ms less
/// barge_in_ms, with room to spare).
const ONSET_TO_START_MS: u32 = 500;

fn samples(ms: u32) -> usize {
    VAD_RATE as usize * ms as usize / 1000
}

impl TurnStage {
    pub fn new(params: TurnParams, model: Box<dyn TurnModel>, ledger: SpeechLedger) -> Self {
        Self {
            params,
            model: Some(model),
            ledger,
            audio: Vec::new(),
            in_turn: false,
            speaking: false,
            silence: 0,
            last_end: None,
            position: 0,
            barged_at: None,
        }
    }

    fn interrupt_bot(&mut self, out: &mut Emitter) {
        self.ledger.interrupt();
        out.push(Frame::Interruption);
    }

    pub fn last_end(&self) -> Option<TurnEnd> {
        self.last_end
    }

    fn end_turn(&mut self, why: TurnEnd, out: &mut Emitter) {
        tracing::debug!(?why, "the candidate's turn ended");
        self.in_turn = false;
        self.speaking = false;
        self.silence = 0;
        self.audio.clear();
        self.last_end = Some(why);
        out.push(Frame::UserTurnEnded);
    }

    async fn completion(&mut self) -> Result<f32, VoiceError> {
        let mut model = self.model.take().ok_or(VoiceError::Worker("smart-turn"))?;
        let keep = samples(8_000);
        let audio = self.audio[self.audio.len().saturating_sub(keep)..].to_vec();
        let (model, result) = tokio::task::spawn_blocking(move || {
            let r = model.completion(&audio);
            (model, r)
        })
        .await
        .map_err(|_| VoiceError::Worker("smart-turn"))?;
        self.model = Some(model);
        result
    }
}

#[async_trait]
impl Stage for TurnStage {
    fn name(&self) -> &'static str {
        "turn"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::InputAudio(audio) => {
                let n = audio.samples.len();
                self.position += n;
                self.audio.extend_from_slice(&audio.samples);
                // Between turns only the look-back is kept; during a turn up to 16 s, trimmed
                // to the model's 8 s now and then rather than on every frame.
                let (cap, keep) = if self.in_turn {
                    (samples(16_000), samples(8_000))
                } else {
                    let l = samples(self.params.lookback_ms);
                    (l, l)
                };
                if self.audio.len() > cap {
                    self.audio.drain(..self.audio.len() - keep);
                }
                out.push(Frame::InputAudio(audio));
                if self.in_turn && !self.speaking {
                    self.silence += n;
                    if self.silence >= samples(self.params.fallback_silence_ms) {
                        self.end_turn(TurnEnd::Fallback, out);
                    }
                }
            }
            other => self.on_event(other, out).await?,
        }
        Ok(())
    }
}

impl TurnStage {
    async fn on_event(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::UserSpeechOnset => {
                if self.ledger.bot_speaking() {
                    tracing::debug!("the candidate speaks over the bot; interrupting");
                    self.interrupt_bot(out);
                    self.barged_at = Some(self.position);
                }
                out.push(Frame::UserSpeechOnset);
            }
            Frame::UserStartedSpeaking => {
                let onset_interrupted = self
                    .barged_at
                    .take()
                    .is_some_and(|at| self.position - at <= samples(ONSET_TO_START_MS));
                if self.ledger.bot_speaking() && !onset_interrupted {
                    self.interrupt_bot(out);
                }
                self.in_turn = true;
                self.speaking = true;
                self.silence = 0;
                out.push(Frame::UserStartedSpeaking);
            }
            Frame::UserStoppedSpeaking => {
                out.push(Frame::UserStoppedSpeaking);
                if !self.in_turn {
                    return Ok(());
                }
                self.speaking = false;
                self.silence = 0;
                tracing::debug!("the candidate paused; asking the end-of-turn model");
                let p = match self.completion().await {
                    Ok(p) => p,
                    Err(e) => {
                        // Without the model the fallback silence still ends the turn.
                        tracing::warn!(error = %e, "end-of-turn model failed; waiting for the fallback silence");
                        return Ok(());
                    }
                };
                tracing::debug!(probability = p, "end-of-turn model");
                if p >= self.params.completion_threshold {
                    self.end_turn(TurnEnd::Model, out);
                }
            }
            other => out.push(other),
        }
        Ok(())
    }
}

/// Scripted answers for tests: the completion probabilities to return, in order (the last one
/// repeats), and how many times the model was asked.
pub struct ScriptedTurnModel {
    pub answers: Vec<f32>,
    pub calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl TurnModel for ScriptedTurnModel {
    fn completion(&mut self, _audio: &[i16]) -> Result<f32, VoiceError> {
        let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(*self.answers.get(n).or(self.answers.last()).unwrap_or(&1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Audio;
    use crate::pipeline::harness;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn stage(answers: Vec<f32>, ledger: SpeechLedger) -> (TurnStage, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let model = ScriptedTurnModel {
            answers,
            calls: calls.clone(),
        };
        (
            TurnStage::new(TurnParams::default(), Box::new(model), ledger),
            calls,
        )
    }

    fn audio(ms: u32) -> Vec<Frame> {
        (0..ms / 20)
            .map(|_| Frame::InputAudio(Audio::new(vec![0; 320], VAD_RATE)))
            .collect()
    }

    fn speech_then_pause(pause_ms: u32) -> Vec<Frame> {
        let mut frames = vec![Frame::UserStartedSpeaking];
        frames.extend(audio(1000));
        frames.push(Frame::UserStoppedSpeaking);
        frames.extend(audio(pause_ms));
        frames
    }

    fn ended(out: &[Frame]) -> usize {
        out.iter()
            .filter(|f| matches!(f, Frame::UserTurnEnded))
            .count()
    }

    #[tokio::test]
    async fn a_finished_sentence_ends_the_turn_as_soon_as_the_vad_stops() {
        let (mut turn, calls) = stage(vec![0.9], SpeechLedger::new());
        let out = harness::run(&mut turn, speech_then_pause(0)).await;
        assert_eq!(harness::kinds(&out).last(), Some(&"UserTurnEnded"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(turn.last_end(), Some(TurnEnd::Model));
    }

    #[tokio::test]
    async fn a_thinking_pause_does_not_end_the_turn_before_the_fallback_silence() {
        let (mut turn, _) = stage(vec![0.1], SpeechLedger::new());
        let out = harness::run(&mut turn, speech_then_pause(1_500)).await;
        assert_eq!(ended(&out), 0);
    }

    #[tokio::test]
    async fn the_fallback_silence_ends_the_turn_whatever_the_model_says() {
        let (mut turn, _) = stage(vec![0.1], SpeechLedger::new());
        let out = harness::run(&mut turn, speech_then_pause(1_700)).await;
        assert_eq!(ended(&out), 1);
        assert_eq!(turn.last_end(), Some(TurnEnd::Fallback));
    }

    #[tokio::test]
    async fn speaking_again_after_a_thinking_pause_continues_the_same_turn() {
        let (mut turn, calls) = stage(vec![0.1, 0.8], SpeechLedger::new());
        let mut frames = speech_then_pause(1_200);
        frames.extend(speech_then_pause(100));
        let out = harness::run(&mut turn, frames).await;
        assert_eq!(
            ended(&out),
            1,
            "one turn, ended by the model the second time"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // The silence of the first pause does not count towards the fallback after the second.
        assert_eq!(turn.last_end(), Some(TurnEnd::Model));
    }

    #[tokio::test]
    async fn candidate_speech_while_the_bot_speaks_is_an_interruption() {
        let ledger = SpeechLedger::new();
        ledger.set_bot_speaking(true);
        let (mut turn, _) = stage(vec![0.9], ledger.clone());
        let out = harness::run(&mut turn, vec![Frame::UserStartedSpeaking]).await;
        assert_eq!(
            harness::kinds(&out),
            ["Interruption", "UserStartedSpeaking"]
        );
        assert_eq!(ledger.interruptions(), 1);
    }

    #[tokio::test]
    async fn a_speech_onset_over_the_bot_interrupts_it_and_the_turn_start_that_follows_does_not_again()
     {
        let ledger = SpeechLedger::new();
        ledger.set_bot_speaking(true);
        let (mut turn, _) = stage(vec![0.9], ledger.clone());
        let mut frames = vec![Frame::UserSpeechOnset];
        frames.extend(audio(100));
        frames.push(Frame::UserStartedSpeaking);
        let out = harness::run(&mut turn, frames).await;
        let events: Vec<_> = harness::kinds(&out)
            .into_iter()
            .filter(|k| *k != "InputAudio")
            .collect();
        assert_eq!(
            events,
            ["Interruption", "UserSpeechOnset", "UserStartedSpeaking"]
        );
        assert_eq!(ledger.interruptions(), 1);
    }

    #[tokio::test]
    async fn a_speech_onset_while_the_bot_is_silent_interrupts_nothing_and_starts_no_turn() {
        let (mut turn, calls) = stage(vec![0.9], SpeechLedger::new());
        let mut frames = vec![Frame::UserSpeechOnset];
        frames.extend(audio(2_000));
        let out = harness::run(&mut turn, frames).await;
        assert_eq!(ended(&out), 0);
        assert!(!out.iter().any(|f| matches!(f, Frame::Interruption)));
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn an_old_onset_does_not_keep_a_later_start_over_the_bot_from_interrupting() {
        let ledger = SpeechLedger::new();
        ledger.set_bot_speaking(true);
        let (mut turn, _) = stage(vec![0.9], ledger.clone());
        // An onset that stopped the bot but was no turn; the bot speaks again (the line check)
        // and the candidate talks over it without a confident onset.
        let mut frames = vec![Frame::UserSpeechOnset];
        frames.extend(audio(3_000));
        frames.push(Frame::UserStartedSpeaking);
        let out = harness::run(&mut turn, frames).await;
        let interruptions = out
            .iter()
            .filter(|f| matches!(f, Frame::Interruption))
            .count();
        assert_eq!(interruptions, 2);
    }

    #[tokio::test]
    async fn candidate_speech_while_the_bot_is_silent_interrupts_nothing() {
        let (mut turn, _) = stage(vec![0.9], SpeechLedger::new());
        let out = harness::run(&mut turn, vec![Frame::UserStartedSpeaking]).await;
        assert_eq!(harness::kinds(&out), ["UserStartedSpeaking"]);
    }
}
