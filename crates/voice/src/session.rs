//! The whole voice pipeline of one interview, in the order DESIGN.md gives: Opus decode (straight
//! to 16 kHz, so no resampling stage) -> VAD -> end of turn -> recognition -> interview engine ->
//! synthesis -> paced output -> Opus encode (only what is played). The media worker feeds
//! `InputOpus` frames in and takes `OutputOpus` (and the transcript and state frames for the data
//! channel) out.

use std::sync::Arc;

use crate::codec::{OpusDecode, OpusEncode};
use crate::config::VoiceConfig;
use crate::engine::{EngineStage, Interviewer};
use crate::error::VoiceError;
use crate::ledger::SpeechLedger;
use crate::output::OutputStage;
use crate::pipeline::{Pipeline, Stage};
use crate::stt::{RecognizeStage, Recognizer};
use crate::tts::{SynthesizeStage, Synthesizer};
use crate::turn::{SmartTurn, TurnModel, TurnStage};
use crate::vad::{SileroVad, SpeechModel, VAD_RATE, VadStage};

/// What a session is built from; the models carry the session's state (over ONNX sessions
/// shared by the process), the providers may be shared.
pub struct Parts {
    pub vad: Box<dyn SpeechModel>,
    pub turn: Box<dyn TurnModel>,
    pub recognizer: Arc<dyn Recognizer>,
    pub synthesizer: Arc<dyn Synthesizer>,
    pub interviewer: Arc<dyn Interviewer>,
}

/// A session's own models: Silero VAD and the end-of-turn model.
pub type Models = (Box<dyn SpeechModel>, Box<dyn TurnModel>);

/// Silero VAD and smart-turn from the configured paths: a session's own state over the models
/// loaded once per process (or, with `shared_models` off, over sessions of its own).
pub fn load_models(config: &VoiceConfig) -> Result<Models, VoiceError> {
    let vad = config
        .vad_model
        .as_ref()
        .ok_or_else(|| VoiceError::Config("OTBOR_VAD_MODEL is not set".into()))?;
    let turn = config
        .turn_model
        .as_ref()
        .ok_or_else(|| VoiceError::Config("OTBOR_TURN_MODEL is not set".into()))?;
    let (vad, turn) = if config.shared_models {
        (SileroVad::load(vad)?, SmartTurn::load(turn)?)
    } else {
        (
            SileroVad::load_private(vad)?,
            SmartTurn::load_private(turn)?,
        )
    };
    Ok((Box::new(vad), Box::new(turn)))
}

pub fn stages(
    config: &VoiceConfig,
    parts: Parts,
    ledger: &SpeechLedger,
) -> Result<Vec<Box<dyn Stage>>, VoiceError> {
    Ok(vec![
        Box::new(OpusDecode::at_rate(VAD_RATE)?),
        Box::new(VadStage::new(config.vad.clone(), parts.vad)),
        Box::new(TurnStage::new(
            config.turn.clone(),
            parts.turn,
            ledger.clone(),
        )),
        Box::new(RecognizeStage::new(parts.recognizer)),
        Box::new(EngineStage::new(parts.interviewer, ledger.clone())),
        Box::new(SynthesizeStage::new(parts.synthesizer, ledger.clone())),
        Box::new(OutputStage::new(ledger.clone())),
        Box::new(OpusEncode::with_complexity(
            config.opus_bitrate_bps,
            config.opus_complexity,
        )?),
    ])
}

/// Starts a session's pipeline; send `Frame::Start` to hear the opening question.
pub fn spawn(config: &VoiceConfig, parts: Parts) -> Result<(Pipeline, SpeechLedger), VoiceError> {
    let ledger = SpeechLedger::new();
    let stages = stages(config, parts, &ledger)?;
    Ok((Pipeline::spawn(stages), ledger))
}
