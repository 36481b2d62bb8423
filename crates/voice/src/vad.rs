//! Voice activity detection: Silero VAD (ONNX, through `ort`) gives a speech probability per
//! 32 ms chunk of 16 kHz audio; a small state machine with start/stop thresholds and minimum
//! durations turns those into "the candidate started / stopped speaking" and cuts out the
//! speech segments, the only audio ever sent to speech recognition. A shorter run of confident
//! speech is announced on its own as the onset that may stop the bot (barge-in) before it is a
//! turn. Every stream keeps its own recurrent state; the ONNX session itself is shared by the
//! whole process. Inference runs on the blocking pool so the async runtime never waits on the
//! model.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use ort::value::Tensor;

use crate::error::VoiceError;
use crate::frame::{Audio, Frame};
use crate::onnx::SessionPool;
use crate::pipeline::{Emitter, Stage};

pub const VAD_RATE: u32 = 16_000;
/// Silero's chunk at 16 kHz: 512 samples (32 ms).
pub const CHUNK: usize = 512;
/// Silero v5+ wants the last 64 samples of the previous chunk in front of each chunk.
const CONTEXT: usize = 64;

/// The probability that a chunk holds speech. A trait so that the state machine can be tested
/// with scripted probabilities.
pub trait SpeechModel: Send + 'static {
    fn probability(&mut self, chunk: &[f32]) -> Result<f32, VoiceError>;
    fn reset(&mut self);
}

/// Silero VAD (`silero_vad.onnx` from the PyPI `silero-vad` package): one stream's state over
/// a session that may serve many streams (in v5 the recurrent state is an input and an output
/// of the model, so the session itself holds none).
pub struct SileroVad {
    session: Arc<SessionPool>,
    state: Vec<f32>,
    context: Vec<f32>,
}

impl SileroVad {
    /// A stream over the process's shared sessions of the model at `path`.
    pub fn load(path: &Path) -> Result<Self, VoiceError> {
        Ok(Self::over(crate::onnx::shared("silero-vad", path)?))
    }

    /// A stream with a session of its own (`OTBOR_VOICE_SHARED_MODELS=0`).
    pub fn load_private(path: &Path) -> Result<Self, VoiceError> {
        Ok(Self::over(Arc::new(SessionPool::load(
            "silero-vad",
            path,
            1,
        )?)))
    }

    fn over(session: Arc<SessionPool>) -> Self {
        Self {
            session,
            state: vec![0.0; 2 * 128],
            context: vec![0.0; CONTEXT],
        }
    }
}

impl SpeechModel for SileroVad {
    fn probability(&mut self, chunk: &[f32]) -> Result<f32, VoiceError> {
        let wrap = |source| VoiceError::Model {
            model: "silero-vad",
            source,
        };
        let mut input = Vec::with_capacity(CONTEXT + CHUNK);
        input.extend_from_slice(&self.context);
        input.extend_from_slice(chunk);
        self.context
            .copy_from_slice(&input[input.len() - CONTEXT..]);
        let input = Tensor::from_array(([1usize, CONTEXT + CHUNK], input)).map_err(wrap)?;
        let state = Tensor::from_array(([2usize, 1, 128], self.state.clone())).map_err(wrap)?;
        let sr = Tensor::from_array(((), vec![VAD_RATE as i64])).map_err(wrap)?;
        let own_state = &mut self.state;
        self.session.with(|session| {
            let outputs = session
                .run(ort::inputs!["input" => input, "state" => state, "sr" => sr])
                .map_err(wrap)?;
            let (_, prob) = outputs["output"]
                .try_extract_tensor::<f32>()
                .map_err(wrap)?;
            let (_, new_state) = outputs["stateN"]
                .try_extract_tensor::<f32>()
                .map_err(wrap)?;
            if new_state.len() != own_state.len() || prob.is_empty() {
                return Err(VoiceError::ModelOutput {
                    model: "silero-vad",
                    message: format!(
                        "unexpected output sizes {} and {}",
                        prob.len(),
                        new_state.len()
                    ),
                });
            }
            own_state.copy_from_slice(new_state);
            Ok(prob[0])
        })
    }

    fn reset(&mut self) {
        self.state.fill(0.0);
        self.context.fill(0.0);
    }
}

/// Confident speech that stops the bot: three chunks (96 ms) at 0.8 or more. On espeak speech
/// Silero gives 0.90 on the first chunk of the voice and 0.99 after; on bursts of noise
/// (150 and 300 ms, a 30 ms click) it stayed under 0.2.
pub const BARGE_IN_MS_DEFAULT: u32 = 96;
pub const BARGE_IN_THRESHOLD_DEFAULT: f32 = 0.8;

#[derive(Clone, Debug, PartialEq)]
pub struct VadParams {
    /// A chunk at or above this probability counts as speech while quiet.
    pub start_threshold: f32,
    /// While speaking, a chunk below this counts as silence (hysteresis).
    pub stop_threshold: f32,
    /// Speech must last this long before "started speaking" (a cough is not a turn).
    pub start_ms: u32,
    /// Speech at or above `barge_in_threshold` for this long is announced as an onset, which
    /// stops the bot if it is speaking; 0, or not less than `start_ms`, leaves barge-in to the
    /// start of the turn.
    pub barge_in_ms: u32,
    /// The probability every chunk of the onset must reach: stricter than the start threshold,
    /// so that a cough or a click does not cut the bot off.
    pub barge_in_threshold: f32,
    /// Silence must last this long before "stopped speaking"; short, because the end-of-turn
    /// model then decides whether the candidate has finished.
    pub stop_ms: u32,
    /// Audio kept from before the confirmed start, so the first syllable is not cut off.
    pub pre_roll_ms: u32,
    /// A segment is cut here even without a pause (recognisers limit one request's length).
    pub max_segment_ms: u32,
}

impl Default for VadParams {
    fn default() -> Self {
        Self {
            start_threshold: 0.5,
            stop_threshold: 0.35,
            start_ms: 200,
            barge_in_ms: BARGE_IN_MS_DEFAULT,
            barge_in_threshold: BARGE_IN_THRESHOLD_DEFAULT,
            stop_ms: 200,
            pre_roll_ms: 300,
            max_segment_ms: 25_000,
        }
    }
}

/// `InputAudio` (16 kHz) in; the same audio out in 32 ms chunks, with `UserStartedSpeaking`,
/// `UserSegment` and `UserStoppedSpeaking` in their places between them.
pub struct VadStage {
    params: VadParams,
    model: Option<Box<dyn SpeechModel>>,
    pending: Vec<i16>,
    speaking: bool,
    /// Consecutive speech (while quiet) or silence (while speaking) in samples.
    run: usize,
    /// Consecutive confident speech while quiet, in samples, and whether this run's onset has
    /// been announced.
    confident: usize,
    onset_sent: bool,
    pre_roll: VecDeque<i16>,
    segment: Vec<i16>,
}

fn ms_to_samples(ms: u32) -> usize {
    VAD_RATE as usize * ms as usize / 1000
}

impl VadStage {
    pub fn new(params: VadParams, model: Box<dyn SpeechModel>) -> Self {
        Self {
            params,
            model: Some(model),
            pending: Vec::new(),
            speaking: false,
            run: 0,
            confident: 0,
            onset_sent: false,
            pre_roll: VecDeque::new(),
            segment: Vec::new(),
        }
    }

    /// Runs the model over whole chunks on the blocking pool.
    async fn probabilities(&mut self, chunks: Vec<Vec<f32>>) -> Result<Vec<f32>, VoiceError> {
        let mut model = self.model.take().ok_or(VoiceError::Worker("silero-vad"))?;
        let (model, result) = tokio::task::spawn_blocking(move || {
            let result: Result<Vec<f32>, VoiceError> =
                chunks.iter().map(|c| model.probability(c)).collect();
            (model, result)
        })
        .await
        .map_err(|_| VoiceError::Worker("silero-vad"))?;
        self.model = Some(model);
        result
    }

    fn on_chunk(&mut self, chunk: &[i16], p: f32, out: &mut Emitter) {
        out.push(Frame::InputAudio(Audio::new(chunk.to_vec(), VAD_RATE)));
        if !self.speaking {
            self.pre_roll.extend(chunk);
            let keep = ms_to_samples(self.params.pre_roll_ms)
                + ms_to_samples(self.params.start_ms)
                + CHUNK;
            while self.pre_roll.len() > keep {
                self.pre_roll.pop_front();
            }
            if p >= self.params.barge_in_threshold {
                self.confident += chunk.len();
            } else {
                self.confident = 0;
            }
            let barge_in =
                self.params.barge_in_ms > 0 && self.params.barge_in_ms < self.params.start_ms;
            if barge_in
                && !self.onset_sent
                && self.confident >= ms_to_samples(self.params.barge_in_ms)
            {
                self.onset_sent = true;
                out.push(Frame::UserSpeechOnset);
            }
            if p >= self.params.start_threshold {
                self.run += chunk.len();
                if self.run >= ms_to_samples(self.params.start_ms) {
                    self.speaking = true;
                    self.run = 0;
                    self.confident = 0;
                    self.onset_sent = false;
                    self.segment = self.pre_roll.drain(..).collect();
                    out.push(Frame::UserStartedSpeaking);
                }
            } else {
                self.run = 0;
                self.onset_sent = false;
            }
        } else {
            self.segment.extend_from_slice(chunk);
            if p < self.params.stop_threshold {
                self.run += chunk.len();
                if self.run >= ms_to_samples(self.params.stop_ms) {
                    self.speaking = false;
                    self.run = 0;
                    let segment = std::mem::take(&mut self.segment);
                    out.push(Frame::UserSegment(Audio::new(segment, VAD_RATE)));
                    out.push(Frame::UserStoppedSpeaking);
                }
            } else {
                self.run = 0;
                if self.segment.len() >= ms_to_samples(self.params.max_segment_ms) {
                    // Still speaking: hand over what we have and go on with a new segment.
                    let segment = std::mem::take(&mut self.segment);
                    out.push(Frame::UserSegment(Audio::new(segment, VAD_RATE)));
                }
            }
        }
    }
}

#[async_trait]
impl Stage for VadStage {
    fn name(&self) -> &'static str {
        "vad"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::InputAudio(audio) => {
                if audio.sample_rate != VAD_RATE {
                    return Err(VoiceError::Audio(format!(
                        "VAD needs 16 kHz audio, got {} Hz",
                        audio.sample_rate
                    )));
                }
                self.pending.extend_from_slice(&audio.samples);
                let whole = self.pending.len() / CHUNK * CHUNK;
                if whole == 0 {
                    return Ok(());
                }
                let samples: Vec<i16> = self.pending.drain(..whole).collect();
                let chunks: Vec<Vec<f32>> = samples
                    .chunks(CHUNK)
                    .map(|c| c.iter().map(|&s| s as f32 / 32768.0).collect())
                    .collect();
                let probs = self.probabilities(chunks).await?;
                for (chunk, p) in samples.chunks(CHUNK).zip(probs) {
                    self.on_chunk(chunk, p, out);
                }
            }
            Frame::End | Frame::Cancel => {
                if self.speaking && matches!(frame, Frame::End) {
                    let segment = std::mem::take(&mut self.segment);
                    out.push(Frame::UserSegment(Audio::new(segment, VAD_RATE)));
                    out.push(Frame::UserStoppedSpeaking);
                }
                self.speaking = false;
                out.push(frame);
            }
            other => out.push(other),
        }
        Ok(())
    }
}

/// Scripted probabilities for tests: the chunk's mean absolute amplitude above a level is
/// "speech" (probability 0.9), otherwise 0.05.
pub struct LoudnessModel {
    pub level: f32,
}

impl SpeechModel for LoudnessModel {
    fn probability(&mut self, chunk: &[f32]) -> Result<f32, VoiceError> {
        let mean = chunk.iter().map(|s| s.abs()).sum::<f32>() / chunk.len().max(1) as f32;
        Ok(if mean > self.level { 0.9 } else { 0.05 })
    }
    fn reset(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::harness;
    use crate::resample::signal::sine;

    fn silence(ms: u32) -> Vec<i16> {
        vec![0; ms_to_samples(ms)]
    }

    fn tone(ms: u32) -> Vec<i16> {
        sine(220.0, VAD_RATE, ms, 6_000.0)
    }

    fn stage() -> VadStage {
        VadStage::new(
            VadParams::default(),
            Box::new(LoudnessModel { level: 0.01 }),
        )
    }

    fn frames(parts: &[Vec<i16>]) -> Vec<Frame> {
        let all: Vec<i16> = parts.concat();
        all.chunks(320)
            .map(|c| Frame::InputAudio(Audio::new(c.to_vec(), VAD_RATE)))
            .collect()
    }

    #[tokio::test]
    async fn speech_between_silences_gives_one_start_one_segment_and_one_stop() {
        let mut vad = stage();
        let out = harness::run(
            &mut vad,
            frames(&[silence(1000), tone(1000), silence(1000)]),
        )
        .await;
        let events: Vec<_> = harness::kinds(&out)
            .into_iter()
            .filter(|k| *k != "InputAudio")
            .collect();
        assert_eq!(
            events,
            [
                "UserSpeechOnset",
                "UserStartedSpeaking",
                "UserSegment",
                "UserStoppedSpeaking"
            ]
        );
        let segment = out.iter().find_map(|f| match f {
            Frame::UserSegment(a) => Some(a.clone()),
            _ => None,
        });
        let ms = segment.unwrap().duration_ms();
        // The speech (1000 ms), pre-roll (up to 300 ms before the start decision) and the
        // 200 ms of silence that ended it, at chunk granularity: never the surrounding seconds.
        assert!((1200..=1800).contains(&ms), "segment of {ms} ms");
    }

    #[tokio::test]
    async fn the_start_is_announced_only_after_the_minimum_speech_duration() {
        let mut vad = stage();
        let out = harness::run(&mut vad, frames(&[silence(320), tone(1000)])).await;
        let audio_before_start: usize = out
            .iter()
            .take_while(|f| !matches!(f, Frame::UserStartedSpeaking))
            .filter_map(|f| match f {
                Frame::InputAudio(a) => Some(a.samples.len()),
                _ => None,
            })
            .sum();
        // 320 ms of silence plus at least 200 ms (start_ms) of speech, at 32 ms granularity.
        let ms = audio_before_start * 1000 / VAD_RATE as usize;
        assert!((520..=576).contains(&ms), "started after {ms} ms");
    }

    fn audio_before(out: &[Frame], event: &str) -> usize {
        let samples: usize = out
            .iter()
            .take_while(|f| f.kind() != event)
            .filter_map(|f| match f {
                Frame::InputAudio(a) => Some(a.samples.len()),
                _ => None,
            })
            .sum();
        samples * 1000 / VAD_RATE as usize
    }

    #[tokio::test]
    async fn confident_speech_is_announced_as_an_onset_after_the_barge_in_duration_then_as_a_start()
    {
        let mut vad = stage();
        let out = harness::run(&mut vad, frames(&[silence(320), tone(1000)])).await;
        // 320 ms of silence, then 96 ms (barge_in_ms) and 200 ms (start_ms) of speech, at 32 ms
        // granularity.
        let onset = audio_before(&out, "UserSpeechOnset");
        let start = audio_before(&out, "UserStartedSpeaking");
        assert!((416..=448).contains(&onset), "onset after {onset} ms");
        assert!((520..=576).contains(&start), "started after {start} ms");
        let onsets = out
            .iter()
            .filter(|f| matches!(f, Frame::UserSpeechOnset))
            .count();
        assert_eq!(onsets, 1);
    }

    #[tokio::test]
    async fn a_click_shorter_than_the_start_duration_is_no_turn() {
        let mut vad = stage();
        let out = harness::run(&mut vad, frames(&[silence(500), tone(100), silence(1000)])).await;
        assert!(
            out.iter()
                .all(|f| matches!(f, Frame::InputAudio(_) | Frame::UserSpeechOnset))
        );
    }

    #[tokio::test]
    async fn a_click_shorter_than_the_barge_in_duration_is_nothing_at_all() {
        let mut vad = stage();
        let out = harness::run(&mut vad, frames(&[silence(500), tone(40), silence(1000)])).await;
        assert!(out.iter().all(|f| matches!(f, Frame::InputAudio(_))));
    }

    /// Loud chunks score `p`, quiet ones 0.05.
    struct Unsure {
        p: f32,
    }

    impl SpeechModel for Unsure {
        fn probability(&mut self, chunk: &[f32]) -> Result<f32, VoiceError> {
            let loud = chunk.iter().any(|s| s.abs() > 0.01);
            Ok(if loud { self.p } else { 0.05 })
        }
        fn reset(&mut self) {}
    }

    #[tokio::test]
    async fn speech_below_the_barge_in_threshold_starts_a_turn_without_an_onset() {
        let mut vad = VadStage::new(VadParams::default(), Box::new(Unsure { p: 0.6 }));
        let out = harness::run(&mut vad, frames(&[silence(320), tone(1000), silence(500)])).await;
        let events: Vec<_> = harness::kinds(&out)
            .into_iter()
            .filter(|k| *k != "InputAudio")
            .collect();
        assert_eq!(
            events,
            ["UserStartedSpeaking", "UserSegment", "UserStoppedSpeaking"]
        );
    }

    #[tokio::test]
    async fn with_barge_in_off_the_start_alone_is_announced() {
        let params = VadParams {
            barge_in_ms: 0,
            ..VadParams::default()
        };
        let mut vad = VadStage::new(params, Box::new(LoudnessModel { level: 0.01 }));
        let out = harness::run(&mut vad, frames(&[silence(320), tone(1000)])).await;
        assert!(!out.iter().any(|f| matches!(f, Frame::UserSpeechOnset)));
        assert!(out.iter().any(|f| matches!(f, Frame::UserStartedSpeaking)));
    }

    #[tokio::test]
    async fn a_pause_shorter_than_the_stop_duration_does_not_split_the_speech() {
        let mut vad = stage();
        let out = harness::run(
            &mut vad,
            frames(&[
                silence(300),
                tone(600),
                silence(100),
                tone(600),
                silence(500),
            ]),
        )
        .await;
        let segments = out
            .iter()
            .filter(|f| matches!(f, Frame::UserSegment(_)))
            .count();
        assert_eq!(segments, 1);
    }

    #[tokio::test]
    async fn all_audio_passes_through_in_order() {
        let mut vad = stage();
        let input: Vec<i16> = [silence(200), tone(700), silence(700)].concat();
        let out = harness::run(&mut vad, frames(std::slice::from_ref(&input))).await;
        let passed: Vec<i16> = out
            .iter()
            .filter_map(|f| match f {
                Frame::InputAudio(a) => Some(a.samples.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        let whole = input.len() / CHUNK * CHUNK;
        assert_eq!(passed, input[..whole]);
    }
}
