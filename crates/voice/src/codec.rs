//! Opus both ways at 48 kHz mono, as WebRTC carries it: packets from the transport become PCM,
//! and the bot's speech becomes 20 ms packets. The pure-Rust port of libopus keeps the build
//! free of a C toolchain and cmake.

use async_trait::async_trait;
use bytes::Bytes;
use opus_rs::{Application, OpusDecoder, OpusEncoder};

use crate::error::VoiceError;
use crate::frame::{Audio, Frame, SpeechPacket};
use crate::pipeline::{Emitter, Stage};

pub const OPUS_RATE: u32 = 48_000;
/// Samples in one 20 ms packet at 48 kHz.
pub const PACKET_SAMPLES: usize = 960;
/// The longest Opus frame is 120 ms.
const MAX_FRAME_SAMPLES: usize = 5_760;

/// Decodes Opus packets to 48 kHz PCM.
pub struct Decoder {
    inner: OpusDecoder,
    buf: Vec<f32>,
}

impl Decoder {
    pub fn new() -> Result<Self, VoiceError> {
        Ok(Self {
            inner: OpusDecoder::new(OPUS_RATE as i32, 1)
                .map_err(|e| VoiceError::Codec(e.into()))?,
            buf: vec![0.0; MAX_FRAME_SAMPLES],
        })
    }

    pub fn decode(&mut self, packet: &[u8]) -> Result<Vec<i16>, VoiceError> {
        let n = self
            .inner
            .decode(packet, MAX_FRAME_SAMPLES, &mut self.buf)
            .map_err(|e| {
                VoiceError::Codec(format!(
                    "cannot decode a packet of {} bytes: {e}",
                    packet.len()
                ))
            })?;
        Ok(self.buf[..n]
            .iter()
            .map(|&s| {
                (s * 32768.0)
                    .round()
                    .clamp(i16::MIN as f32, i16::MAX as f32) as i16
            })
            .collect())
    }
}

/// Encodes 48 kHz PCM into 20 ms packets.
pub struct Encoder {
    inner: OpusEncoder,
    buf: Vec<u8>,
}

impl Encoder {
    pub fn new(bitrate_bps: i32) -> Result<Self, VoiceError> {
        let mut inner = OpusEncoder::new(OPUS_RATE as i32, 1, Application::Voip)
            .map_err(|e| VoiceError::Codec(e.into()))?;
        inner.bitrate_bps = bitrate_bps;
        Ok(Self {
            inner,
            buf: vec![0; 4_000],
        })
    }

    /// Encodes exactly one 20 ms frame (960 samples).
    pub fn encode_packet(&mut self, pcm: &[i16]) -> Result<Bytes, VoiceError> {
        debug_assert_eq!(pcm.len(), PACKET_SAMPLES);
        let n = self
            .inner
            .encode_i16(pcm, PACKET_SAMPLES, &mut self.buf)
            .map_err(|e| VoiceError::Codec(format!("cannot encode: {e}")))?;
        Ok(Bytes::copy_from_slice(&self.buf[..n]))
    }

    /// Splits a clip into 20 ms packets, padding the last one with silence.
    pub fn encode_clip(&mut self, pcm: &[i16]) -> Result<Vec<Bytes>, VoiceError> {
        let mut packets = Vec::with_capacity(pcm.len().div_ceil(PACKET_SAMPLES));
        for chunk in pcm.chunks(PACKET_SAMPLES) {
            if chunk.len() == PACKET_SAMPLES {
                packets.push(self.encode_packet(chunk)?);
            } else {
                let mut padded = chunk.to_vec();
                padded.resize(PACKET_SAMPLES, 0);
                packets.push(self.encode_packet(&padded)?);
            }
        }
        Ok(packets)
    }
}

/// `InputOpus` -> `InputAudio` (48 kHz).
pub struct OpusDecode {
    decoder: Decoder,
}

impl OpusDecode {
    pub fn new() -> Result<Self, VoiceError> {
        Ok(Self {
            decoder: Decoder::new()?,
        })
    }
}

#[async_trait]
impl Stage for OpusDecode {
    fn name(&self) -> &'static str {
        "opus-decode"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::InputOpus(packet) => {
                let pcm = self.decoder.decode(&packet)?;
                out.push(Frame::InputAudio(Audio::new(pcm, OPUS_RATE)));
            }
            other => out.push(other),
        }
        Ok(())
    }
}

/// `OutputAudio` (48 kHz) -> one `OutputOpus` per 20 ms.
pub struct OpusEncode {
    encoder: Encoder,
}

impl OpusEncode {
    pub fn new(bitrate_bps: i32) -> Result<Self, VoiceError> {
        Ok(Self {
            encoder: Encoder::new(bitrate_bps)?,
        })
    }
}

#[async_trait]
impl Stage for OpusEncode {
    fn name(&self) -> &'static str {
        "opus-encode"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::OutputAudio(speech) => {
                if speech.audio.sample_rate != OPUS_RATE {
                    return Err(VoiceError::Audio(format!(
                        "speech at {} Hz reached the encoder (48 kHz expected)",
                        speech.audio.sample_rate
                    )));
                }
                let packets = self.encoder.encode_clip(&speech.audio.samples)?;
                let count = packets.len() as u32;
                tracing::debug!(
                    utterance = speech.spoken.utterance,
                    packets = count,
                    "sentence encoded"
                );
                for (index, packet) in packets.into_iter().enumerate() {
                    out.push(Frame::OutputOpus(SpeechPacket {
                        spoken: speech.spoken.clone(),
                        index: index as u32,
                        count,
                        packet,
                    }));
                }
            }
            other => out.push(other),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{SpeechAudio, Spoken};
    use crate::pipeline::harness;
    use crate::resample::signal::{sine, tone_amplitude};

    #[test]
    fn a_tone_survives_an_opus_round_trip_at_its_pitch() {
        let input = sine(440.0, OPUS_RATE, 600, 8_000.0);
        let mut enc = Encoder::new(32_000).unwrap();
        let mut dec = Decoder::new().unwrap();
        let mut decoded = Vec::new();
        for packet in enc.encode_clip(&input).unwrap() {
            assert!(
                packet.len() < 400,
                "a 20 ms packet of {} bytes",
                packet.len()
            );
            decoded.extend(dec.decode(&packet).unwrap());
        }
        assert_eq!(decoded.len(), input.len());
        let steady = &decoded[decoded.len() / 3..];
        let a440 = tone_amplitude(steady, OPUS_RATE, 440.0);
        assert!(a440 > 6_000.0 && a440 < 10_000.0, "440 Hz amplitude {a440}");
        assert!(tone_amplitude(steady, OPUS_RATE, 1_000.0) < 500.0);
    }

    #[test]
    fn garbage_is_a_codec_error_not_a_panic() {
        let mut dec = Decoder::new().unwrap();
        let result = dec.decode(&[0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03]);
        // Opus may conceal or reject nonsense; it must not bring the stage down.
        if let Ok(pcm) = result {
            assert!(pcm.len() <= MAX_FRAME_SAMPLES);
        }
    }

    #[tokio::test]
    async fn the_decode_stage_turns_packets_into_48_khz_pcm_and_passes_other_frames() {
        let mut enc = Encoder::new(32_000).unwrap();
        let packets = enc
            .encode_clip(&sine(300.0, OPUS_RATE, 60, 5_000.0))
            .unwrap();
        let mut stage = OpusDecode::new().unwrap();
        let mut frames: Vec<Frame> = packets.into_iter().map(Frame::InputOpus).collect();
        frames.push(Frame::End);
        let out = harness::run(&mut stage, frames).await;
        assert_eq!(
            harness::kinds(&out),
            ["InputAudio", "InputAudio", "InputAudio", "End"]
        );
        for f in &out[..3] {
            let Frame::InputAudio(a) = f else {
                unreachable!()
            };
            assert_eq!(
                (a.sample_rate, a.samples.len()),
                (OPUS_RATE, PACKET_SAMPLES)
            );
        }
    }

    #[tokio::test]
    async fn the_encode_stage_cuts_a_sentence_into_numbered_20_ms_packets() {
        let spoken = Spoken {
            utterance: 7,
            reply: "Добрый день.".into(),
            sentence_start: 0,
            sentence_chars: 12,
        };
        let audio = Audio::new(sine(200.0, OPUS_RATE, 50, 4_000.0), OPUS_RATE); // 2.5 packets
        let mut stage = OpusEncode::new(32_000).unwrap();
        let out = harness::run(
            &mut stage,
            vec![Frame::OutputAudio(SpeechAudio {
                spoken: spoken.clone(),
                audio,
            })],
        )
        .await;
        assert_eq!(out.len(), 3);
        for (i, f) in out.iter().enumerate() {
            let Frame::OutputOpus(p) = f else {
                panic!("{f:?}")
            };
            assert_eq!((p.index, p.count, &p.spoken), (i as u32, 3, &spoken));
        }
    }
}
