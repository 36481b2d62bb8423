//! The bot's audio leaving at the pace it is played: each synthesised sentence is cut into
//! 20 ms chunks and one chunk leaves every 20 ms (to the encoder, then the transport), so that
//! the queue of unplayed speech stays here, where an interruption can drop it at once, rather
//! than in the transport; so that what has been played (hence heard) is known, sentence by
//! sentence and chunk by chunk; and so that only speech that is played is ever encoded.

use std::collections::VecDeque;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::codec::{OPUS_RATE, PACKET_SAMPLES};
use crate::error::VoiceError;
use crate::frame::{Frame, Heard, SpeechAudio, SpeechChunk, Spoken};
use crate::ledger::SpeechLedger;
use crate::pipeline::{Emitter, Stage};

pub const PACKET_DURATION: Duration = Duration::from_millis(20);

/// Where the last chunk played sits in its reply.
struct Played {
    spoken: Spoken,
    index: u32,
    count: u32,
}

pub struct OutputStage {
    ledger: SpeechLedger,
    queue: VecDeque<SpeechChunk>,
    next_send: Option<Instant>,
    /// The utterance being played and the last chunk played of it.
    playing: Option<Played>,
    played_packets: u64,
    /// Packets of utterances up to this one are dropped (they were interrupted).
    dropped_up_to: Option<u64>,
    /// Interruptions counted in the ledger that this stage has acted on.
    seen_interruptions: u64,
    /// Of those, how many were acted on before their `Interruption` frame arrived.
    handled_early: usize,
}

impl OutputStage {
    pub fn new(ledger: SpeechLedger) -> Self {
        Self {
            ledger,
            queue: VecDeque::new(),
            next_send: None,
            playing: None,
            played_packets: 0,
            dropped_up_to: None,
            seen_interruptions: 0,
            handled_early: 0,
        }
    }

    /// What of the playing reply has been heard: the sentences before the current one, and
    /// the played share of the current one, cut back to the last whole word.
    fn heard(&self) -> Option<Heard> {
        let last = self.playing.as_ref()?;
        let s = &last.spoken;
        let share = (last.index + 1) as f64 / last.count.max(1) as f64;
        let within = (s.sentence_chars as f64 * share).floor() as usize;
        let sentence: Vec<char> = s
            .reply
            .chars()
            .skip(s.sentence_start)
            .take(s.sentence_chars)
            .collect();
        let within = if within >= sentence.len() {
            sentence.len()
        } else {
            // Back to the end of the last complete word.
            sentence[..within]
                .iter()
                .rposition(|c| c.is_whitespace())
                .map(|i| {
                    let mut end = i;
                    while end > 0 && sentence[end - 1].is_whitespace() {
                        end -= 1;
                    }
                    end
                })
                .unwrap_or(0)
        };
        Some(Heard {
            utterance: s.utterance,
            reply: s.reply.clone(),
            heard_chars: s.sentence_start + within,
            played_ms: self.played_packets * PACKET_DURATION.as_millis() as u64,
        })
    }

    /// Drops the queued speech and records what was heard of the reply being played.
    fn interrupt(&mut self, out: &mut Emitter) {
        if let Some(heard) = self.heard() {
            self.dropped_up_to = Some(heard.utterance);
            self.ledger.record_heard(heard.clone());
            out.push(Frame::BotInterrupted(heard));
        }
        if let Some(newest) = self.queue.back() {
            let u = newest.spoken.utterance;
            self.dropped_up_to = Some(self.dropped_up_to.map_or(u, |d| d.max(u)));
        }
        self.queue.clear();
        self.stop_speaking(out);
    }

    /// The turn stage counts an interruption in the ledger when it emits the frame; acting on
    /// the count, before the frame has made its way through the stages between (which may be
    /// busy recognising or synthesising), keeps barge-in fast whatever they are doing.
    fn check_ledger(&mut self, out: &mut Emitter) {
        let n = self.ledger.interruptions();
        if n > self.seen_interruptions {
            self.handled_early += (n - self.seen_interruptions) as usize;
            self.seen_interruptions = n;
            self.interrupt(out);
        }
    }

    fn stop_speaking(&mut self, out: &mut Emitter) {
        if let Some(last) = self.playing.take() {
            self.ledger.set_bot_speaking(false);
            out.push(Frame::BotStoppedSpeaking {
                utterance: last.spoken.utterance,
            });
        }
        self.played_packets = 0;
        self.next_send = None;
    }

    /// Queues a sentence as 20 ms chunks, the last one padded with silence.
    fn enqueue(&mut self, speech: SpeechAudio) -> Result<(), VoiceError> {
        if speech.audio.sample_rate != OPUS_RATE {
            return Err(VoiceError::Audio(format!(
                "speech at {} Hz reached the output (48 kHz expected)",
                speech.audio.sample_rate
            )));
        }
        let samples = &speech.audio.samples;
        let count = samples.len().div_ceil(PACKET_SAMPLES) as u32;
        for (index, part) in samples.chunks(PACKET_SAMPLES).enumerate() {
            let mut chunk = part.to_vec();
            chunk.resize(PACKET_SAMPLES, 0);
            self.queue.push_back(SpeechChunk {
                spoken: speech.spoken.clone(),
                index: index as u32,
                count,
                samples: chunk,
            });
        }
        Ok(())
    }
}

#[async_trait]
impl Stage for OutputStage {
    fn name(&self) -> &'static str {
        "output"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::OutputAudio(speech) => {
                if self
                    .dropped_up_to
                    .is_some_and(|u| speech.spoken.utterance <= u)
                {
                    return Ok(()); // the rest of an interrupted reply
                }
                self.enqueue(speech)?;
                if self.next_send.is_none() && !self.queue.is_empty() {
                    self.next_send = Some(Instant::now());
                }
            }
            Frame::Interruption => {
                if self.handled_early > 0 {
                    // Already acted on through the ledger; only pass the frame on.
                    self.handled_early -= 1;
                } else {
                    if self.ledger.interruptions() > self.seen_interruptions {
                        self.seen_interruptions += 1;
                    }
                    self.interrupt(out);
                }
                out.push(Frame::Interruption);
            }
            Frame::Cancel => {
                self.queue.clear();
                self.stop_speaking(out);
                out.push(Frame::Cancel);
            }
            other => out.push(other),
        }
        Ok(())
    }

    fn deadline(&self) -> Option<Instant> {
        self.next_send
    }

    async fn on_deadline(&mut self, out: &mut Emitter) -> Result<(), VoiceError> {
        self.check_ledger(out);
        let Some(chunk) = self.queue.pop_front() else {
            self.stop_speaking(out);
            return Ok(());
        };
        let new_utterance =
            self.playing.as_ref().map(|p| p.spoken.utterance) != Some(chunk.spoken.utterance);
        if new_utterance {
            if let Some(prev) = self.playing.take() {
                out.push(Frame::BotStoppedSpeaking {
                    utterance: prev.spoken.utterance,
                });
            }
            self.played_packets = 0;
            self.ledger.set_bot_speaking(true);
            out.push(Frame::BotStartedSpeaking {
                utterance: chunk.spoken.utterance,
            });
        }
        self.played_packets += 1;
        self.playing = Some(Played {
            spoken: chunk.spoken.clone(),
            index: chunk.index,
            count: chunk.count,
        });
        out.push(Frame::OutputPcm(chunk));
        // Keep to the schedule, but never try to catch up on a backlog after a stall.
        let now = Instant::now();
        let next = self.next_send.unwrap_or(now) + PACKET_DURATION;
        self.next_send = Some(if next < now { now } else { next });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Audio;
    use crate::pipeline::{Pipeline, harness};
    use std::sync::Arc;

    const REPLY: &str = "Расскажите о себе. Какой у вас опыт работы с Rust?";

    /// The two sentences of REPLY: 200 ms (10 chunks) for the first, 400 ms for the second.
    fn packets(utterance: u64) -> Vec<Frame> {
        let reply: Arc<str> = REPLY.into();
        let first = "Расскажите о себе. ".chars().count();
        let second = REPLY.chars().count() - first;
        [(0, first, 10), (first, second, 20)]
            .into_iter()
            .map(|(start, chars, count)| {
                Frame::OutputAudio(SpeechAudio {
                    spoken: Spoken {
                        utterance,
                        reply: reply.clone(),
                        sentence_start: start,
                        sentence_chars: chars,
                    },
                    audio: Audio::new(vec![100; count * PACKET_SAMPLES], OPUS_RATE),
                })
            })
            .collect()
    }

    fn played(frames: &[Frame]) -> usize {
        frames
            .iter()
            .filter(|f| matches!(f, Frame::OutputPcm(_)))
            .count()
    }

    #[tokio::test]
    async fn a_sentence_is_cut_into_numbered_20_ms_chunks_the_last_padded_with_silence() {
        let mut stage = OutputStage::new(SpeechLedger::new());
        let spoken = Spoken {
            utterance: 7,
            reply: "Добрый день.".into(),
            sentence_start: 0,
            sentence_chars: 12,
        };
        let audio = Audio::new(vec![500; PACKET_SAMPLES * 5 / 2], OPUS_RATE);
        let out = harness::run(
            &mut stage,
            vec![Frame::OutputAudio(SpeechAudio {
                spoken: spoken.clone(),
                audio,
            })],
        )
        .await;
        // The harness runs no timers: nothing has been played yet.
        assert!(out.is_empty());
        let chunks: Vec<SpeechChunk> = stage.queue.iter().cloned().collect();
        assert_eq!(chunks.len(), 3);
        for (i, c) in chunks.iter().enumerate() {
            assert_eq!((c.index, c.count, &c.spoken), (i as u32, 3, &spoken));
            assert_eq!(c.samples.len(), PACKET_SAMPLES);
        }
        assert!(
            chunks[2].samples[..PACKET_SAMPLES / 2]
                .iter()
                .all(|&s| s == 500)
        );
        assert!(
            chunks[2].samples[PACKET_SAMPLES / 2..]
                .iter()
                .all(|&s| s == 0)
        );
    }

    async fn collect_for(pipeline: &mut Pipeline, ms: u64) -> Vec<Frame> {
        let mut got = Vec::new();
        let until = Instant::now() + Duration::from_millis(ms);
        while let Ok(Some(f)) = tokio::time::timeout_at(until, pipeline.recv()).await {
            got.push(f);
        }
        got
    }

    #[tokio::test(start_paused = true)]
    async fn packets_leave_one_every_20_ms_between_started_and_stopped_speaking() {
        let ledger = SpeechLedger::new();
        let mut p = Pipeline::spawn(vec![Box::new(OutputStage::new(ledger.clone()))]);
        let start = Instant::now();
        for f in packets(1) {
            p.send(f);
        }
        let mut times = Vec::new();
        let mut kinds = Vec::new();
        let until = start + Duration::from_millis(1_000);
        while let Ok(Some(f)) = tokio::time::timeout_at(until, p.recv()).await {
            if matches!(f, Frame::OutputPcm(_)) {
                times.push((Instant::now() - start).as_millis());
                if times.len() == 5 {
                    assert!(ledger.bot_speaking());
                }
            }
            kinds.push(f.kind());
        }
        assert_eq!(kinds.first(), Some(&"BotStartedSpeaking"));
        assert_eq!(kinds.last(), Some(&"BotStoppedSpeaking"));
        assert_eq!(times.len(), 30);
        assert_eq!(times[0], 0);
        assert_eq!(times[29], 29 * 20);
        assert!(!ledger.bot_speaking());
    }

    #[tokio::test(start_paused = true)]
    async fn an_interruption_drops_the_queued_speech_at_once_and_records_what_was_heard() {
        let ledger = SpeechLedger::new();
        let mut p = Pipeline::spawn(vec![Box::new(OutputStage::new(ledger.clone()))]);
        for f in packets(1) {
            p.send(f);
        }
        // 10 packets of the first sentence and 10 of the 20 of the second: 400 ms.
        let before = collect_for(&mut p, 390).await;
        assert_eq!(played(&before), 20);
        p.send(Frame::Interruption);
        let after = collect_for(&mut p, 1_000).await;
        assert!(
            after.iter().all(|f| !matches!(f, Frame::OutputPcm(_))),
            "audio after the interruption"
        );
        let heard = after
            .iter()
            .find_map(|f| match f {
                Frame::BotInterrupted(h) => Some(h.clone()),
                _ => None,
            })
            .expect("BotInterrupted");
        // Half the second sentence ("Какой у вас опыт работы с Rust?" is 31 characters; 15
        // of them end inside "опыт", cut back to the last whole word).
        assert_eq!(heard.heard_text(), "Расскажите о себе. Какой у вас");
        assert_eq!(heard.played_ms, 400);
        assert!(
            after
                .iter()
                .any(|f| matches!(f, Frame::BotStoppedSpeaking { utterance: 1 }))
        );
        assert_eq!(ledger.take_heard(), Some(heard));
        assert!(!ledger.bot_speaking());
    }

    #[tokio::test(start_paused = true)]
    async fn an_interruption_counted_in_the_ledger_stops_the_audio_before_its_frame_arrives() {
        let ledger = SpeechLedger::new();
        let mut p = Pipeline::spawn(vec![Box::new(OutputStage::new(ledger.clone()))]);
        for f in packets(1) {
            p.send(f);
        }
        collect_for(&mut p, 190).await;
        // The turn stage counted the interruption; its frame is still stuck upstream.
        ledger.interrupt();
        let after = collect_for(&mut p, 1_000).await;
        let kinds: Vec<_> = after.iter().map(Frame::kind).collect();
        assert_eq!(kinds, ["BotInterrupted", "BotStoppedSpeaking"], "{kinds:?}");
        // When the frame does arrive it is passed on, and does not interrupt a second time.
        p.send(Frame::Interruption);
        for f in packets(2) {
            p.send(f);
        }
        let later = collect_for(&mut p, 1_000).await;
        assert_eq!(later[0], Frame::Interruption);
        assert_eq!(played(&later), 30);
        assert!(!later.iter().any(|f| matches!(f, Frame::BotInterrupted(_))));
    }

    #[tokio::test(start_paused = true)]
    async fn late_packets_of_an_interrupted_reply_are_dropped_but_the_next_reply_plays() {
        let ledger = SpeechLedger::new();
        let mut p = Pipeline::spawn(vec![Box::new(OutputStage::new(ledger))]);
        let mut first = packets(1);
        let late = first.split_off(1);
        for f in first {
            p.send(f);
        }
        collect_for(&mut p, 100).await;
        p.send(Frame::Interruption);
        for f in late {
            p.send(f);
        }
        for f in packets(2) {
            p.send(f);
        }
        let after = collect_for(&mut p, 2_000).await;
        let played: Vec<u64> = after
            .iter()
            .filter_map(|f| match f {
                Frame::OutputPcm(s) => Some(s.spoken.utterance),
                _ => None,
            })
            .collect();
        assert_eq!(played, vec![2; 30]);
    }
}
