//! Speech recognition behind one trait (the port [`Recognizer`], declared in `otbor-domain`),
//! and the stage that uses it: each VAD segment is transcribed as soon as it is cut (while the
//! end-of-turn decision is still being made), and the texts of a turn's segments are joined
//! into one `Transcription` when the turn ends.
//! Silence never reaches a recogniser: only `UserSegment` audio is sent.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::VoiceError;
use crate::frame::Frame;
use crate::pipeline::{Emitter, Stage};

pub use otbor_domain::speech::Recognizer;

pub struct RecognizeStage {
    recognizer: Arc<dyn Recognizer>,
    /// Segments shorter than this are not sent (clicks that passed the VAD).
    min_segment_ms: u64,
    texts: Vec<String>,
}

impl RecognizeStage {
    pub fn new(recognizer: Arc<dyn Recognizer>) -> Self {
        Self {
            recognizer,
            min_segment_ms: 250,
            texts: Vec::new(),
        }
    }
}

#[async_trait]
impl Stage for RecognizeStage {
    fn name(&self) -> &'static str {
        "stt"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::UserSegment(segment) => {
                if segment.duration_ms() < self.min_segment_ms {
                    return Ok(());
                }
                let started = std::time::Instant::now();
                let text = self.recognizer.transcribe(&segment).await?;
                tracing::debug!(
                    recognizer = self.recognizer.name(),
                    audio_ms = segment.duration_ms(),
                    took_ms = started.elapsed().as_millis() as u64,
                    "segment recognised"
                );
                let text = text.trim();
                if !text.is_empty() {
                    self.texts.push(text.to_owned());
                }
            }
            Frame::UserTurnEnded => {
                let text = std::mem::take(&mut self.texts).join(" ");
                out.push(Frame::UserTurnEnded);
                if !text.is_empty() {
                    out.push(Frame::Transcription(text));
                }
            }
            Frame::InputAudio(_) => {} // recognised only as segments
            other => out.push(other),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Audio;
    use crate::pipeline::harness;
    use crate::providers::fake::FakeRecognizer;

    fn segment(ms: u32) -> Frame {
        Frame::UserSegment(Audio::new(vec![100; 16 * ms as usize], 16_000))
    }

    #[tokio::test]
    async fn the_segments_of_a_turn_become_one_transcription_when_the_turn_ends() {
        let fake = FakeRecognizer::script(["Я пять лет", "писал на Rust."], "");
        let mut stage = RecognizeStage::new(Arc::new(fake.clone()));
        let out = harness::run(
            &mut stage,
            vec![segment(800), segment(600), Frame::UserTurnEnded],
        )
        .await;
        assert_eq!(
            out,
            vec![
                Frame::UserTurnEnded,
                Frame::Transcription("Я пять лет писал на Rust.".into())
            ]
        );
        assert_eq!(fake.received().len(), 2);
    }

    #[tokio::test]
    async fn plain_audio_and_tiny_segments_are_never_sent_to_the_recogniser() {
        let fake = FakeRecognizer::always("x");
        let mut stage = RecognizeStage::new(Arc::new(fake.clone()));
        let out = harness::run(
            &mut stage,
            vec![
                Frame::InputAudio(Audio::new(vec![0; 16_000], 16_000)),
                segment(100),
                Frame::UserTurnEnded,
            ],
        )
        .await;
        assert!(fake.received().is_empty());
        assert_eq!(out, vec![Frame::UserTurnEnded]);
    }
}
