//! Speech synthesis behind one trait (the port [`Synthesizer`], declared in `otbor-domain`),
//! and the stage that speaks a reply sentence by sentence, so that the first sentence is on its
//! way to the candidate while the rest is still being synthesised. An interruption stops the
//! synthesis of the rest of the reply.

use std::sync::Arc;

use async_trait::async_trait;

use crate::codec::OPUS_RATE;
use crate::error::VoiceError;
use crate::frame::{Frame, SpeechAudio, Spoken};
use crate::ledger::SpeechLedger;
use crate::pipeline::{Emitter, Stage};
use crate::resample::Resampler;

pub use otbor_domain::speech::Synthesizer;

/// Splits a reply into sentences (after . ! ? … followed by a space, and at line breaks),
/// returning each sentence with its offset in characters. The separating spaces stay with the
/// sentence before them, so the offsets add up to the whole reply.
pub fn sentences(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let ends = matches!(c, '.' | '!' | '?' | '…' | '\n')
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if ends {
            let mut end = i + 1;
            while end < chars.len() && chars[end].is_whitespace() {
                end += 1;
            }
            let s: String = chars[start..end].iter().collect();
            if !s.trim().is_empty() {
                out.push((start, s));
            }
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < chars.len() {
        let s: String = chars[start..].iter().collect();
        if !s.trim().is_empty() {
            out.push((start, s));
        }
    }
    out
}

pub struct SynthesizeStage {
    synthesizer: Arc<dyn Synthesizer>,
    ledger: SpeechLedger,
    utterance: u64,
}

impl SynthesizeStage {
    pub fn new(synthesizer: Arc<dyn Synthesizer>, ledger: SpeechLedger) -> Self {
        Self {
            synthesizer,
            ledger,
            utterance: 0,
        }
    }
}

#[async_trait]
impl Stage for SynthesizeStage {
    fn name(&self) -> &'static str {
        "tts"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        let Frame::Reply(reply) = frame else {
            out.push(frame);
            return Ok(());
        };
        self.utterance += 1;
        let interruptions = self.ledger.interruptions();
        let text: Arc<str> = reply.text.as_str().into();
        out.push(Frame::Reply(reply));
        for (start, sentence) in sentences(&text) {
            if self.ledger.interruptions() != interruptions {
                tracing::debug!(
                    utterance = self.utterance,
                    "reply interrupted; the rest is not synthesised"
                );
                break;
            }
            let audio = self.synthesizer.synthesize(sentence.trim()).await?;
            let audio = Resampler::convert(&audio, OPUS_RATE)?;
            tracing::debug!(utterance = self.utterance, start, "sentence synthesised");
            out.push(Frame::OutputAudio(SpeechAudio {
                spoken: Spoken {
                    utterance: self.utterance,
                    reply: text.clone(),
                    sentence_start: start,
                    sentence_chars: sentence.chars().count(),
                },
                audio,
            }));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Audio, Reply};
    use crate::pipeline::link;
    use otbor_domain::speech::SpeechError;
    use tokio::sync::{Semaphore, mpsc};

    #[test]
    fn a_reply_is_cut_into_sentences_whose_offsets_cover_it() {
        let text = "Спасибо! Следующий вопрос. Как вы тестируете код?";
        let s = sentences(text);
        let texts: Vec<&str> = s.iter().map(|(_, t)| t.trim()).collect();
        assert_eq!(
            texts,
            ["Спасибо!", "Следующий вопрос.", "Как вы тестируете код?"]
        );
        assert_eq!(s[1].0, "Спасибо! ".chars().count());
        let total: usize = s.iter().map(|(_, t)| t.chars().count()).sum();
        assert_eq!(total, text.chars().count());
    }

    #[test]
    fn dots_inside_numbers_and_names_do_not_cut_a_sentence() {
        let texts: Vec<String> = sentences("Версия 2.0 вышла в 2024 г.Node.js тоже.")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(texts, ["Версия 2.0 вышла в 2024 г.Node.js тоже."]);
    }

    /// Reports each call and waits for a permit before answering.
    struct Gated {
        calls: mpsc::UnboundedSender<String>,
        permits: Arc<Semaphore>,
    }

    #[async_trait]
    impl Synthesizer for Gated {
        fn name(&self) -> &'static str {
            "gated"
        }
        async fn synthesize(&self, text: &str) -> Result<Audio, SpeechError> {
            self.calls.send(text.to_owned()).unwrap();
            self.permits.acquire().await.unwrap().forget();
            Ok(Audio::new(vec![1000; 2400], 24_000))
        }
    }

    #[tokio::test]
    async fn the_first_sentence_leaves_before_the_second_is_synthesised() {
        let (calls_tx, mut calls) = mpsc::unbounded_channel();
        let permits = Arc::new(Semaphore::new(0));
        let synth = Gated {
            calls: calls_tx,
            permits: permits.clone(),
        };
        let mut stage = SynthesizeStage::new(Arc::new(synth), SpeechLedger::new());
        let (tx, mut rx) = link();
        let mut out = Emitter::new(tx);
        let reply = Reply {
            text: "Добрый день. Расскажите о себе.".into(),
            finished: false,
            progress: None,
        };
        let task = tokio::spawn(async move {
            stage.process(Frame::Reply(reply), &mut out).await.unwrap();
        });
        assert_eq!(calls.recv().await.unwrap(), "Добрый день.");
        permits.add_permits(1);
        assert_eq!(calls.recv().await.unwrap(), "Расскажите о себе.");
        // The second sentence is being synthesised (no permit yet): the first is already out.
        assert!(matches!(rx.recv().await, Some(Frame::Reply(_))));
        let Some(Frame::OutputAudio(first)) = rx.recv().await else {
            panic!("no first audio")
        };
        assert_eq!(first.spoken.sentence_start, 0);
        assert_eq!(first.audio.sample_rate, OPUS_RATE);
        assert!(rx.try_recv().is_none());
        permits.add_permits(1);
        task.await.unwrap();
        let Some(Frame::OutputAudio(second)) = rx.recv().await else {
            panic!("no second audio")
        };
        assert_eq!(
            second.spoken.sentence_start,
            "Добрый день. ".chars().count()
        );
    }

    #[tokio::test]
    async fn after_an_interruption_the_rest_of_the_reply_is_not_synthesised() {
        let (calls_tx, mut calls) = mpsc::unbounded_channel();
        let permits = Arc::new(Semaphore::new(0));
        let ledger = SpeechLedger::new();
        let synth = Gated {
            calls: calls_tx,
            permits: permits.clone(),
        };
        let mut stage = SynthesizeStage::new(Arc::new(synth), ledger.clone());
        let (tx, mut rx) = link();
        let mut out = Emitter::new(tx);
        let reply = Reply {
            text: "Раз. Два. Три.".into(),
            finished: false,
            progress: None,
        };
        let task = tokio::spawn(async move {
            stage.process(Frame::Reply(reply), &mut out).await.unwrap();
        });
        assert_eq!(calls.recv().await.unwrap(), "Раз.");
        ledger.interrupt();
        permits.add_permits(1);
        task.await.unwrap();
        let mut audio = 0;
        while let Some(f) = rx.try_recv() {
            audio += matches!(f, Frame::OutputAudio(_)) as usize;
        }
        assert_eq!(audio, 1, "only the sentence already being synthesised");
        assert!(calls.try_recv().is_err(), "no further synthesis");
    }
}
