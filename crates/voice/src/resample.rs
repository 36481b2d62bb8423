//! Sample-rate conversion: 48 kHz from WebRTC down to the 16 kHz that VAD, smart-turn and the
//! recognisers expect, and synthesiser output (22.05, 24 kHz, ...) up to the 48 kHz of Opus.
//! A streaming rational polyphase filter (windowed sinc, Kaiser window) so that frames of any
//! size can be fed one after another without clicks at their edges, and tones above the new
//! Nyquist frequency are removed rather than folded back into speech.

use async_trait::async_trait;

use crate::error::VoiceError;
use crate::frame::{Audio, Frame};
use crate::pipeline::{Emitter, Stage};

/// Stopband attenuation aimed at, in dB.
const ATTENUATION_DB: f64 = 80.0;
/// Passband edge as a fraction of the lower Nyquist frequency; the transition band ends at
/// that Nyquist frequency, so nothing above it survives.
const PASSBAND: f64 = 0.85;

pub struct Resampler {
    from: u32,
    to: u32,
    up: usize,
    down: usize,
    taps: usize,
    /// `up` phases of `taps` coefficients each, phase-major.
    phases: Vec<f32>,
    history: Vec<f32>,
    /// Absolute input index of `history[0]`.
    history_start: u64,
    /// Input samples seen so far.
    consumed: u64,
    /// Position of the next output sample on the upsampled time line.
    next_t: u64,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Zeroth-order modified Bessel function of the first kind (for the Kaiser window).
fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let half = x / 2.0;
    for k in 1..64 {
        term *= (half / k as f64) * (half / k as f64);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

impl Resampler {
    pub fn new(from: u32, to: u32) -> Result<Self, VoiceError> {
        if from == 0 || to == 0 {
            return Err(VoiceError::Audio(format!(
                "cannot resample {from} Hz to {to} Hz"
            )));
        }
        let g = gcd(from as u64, to as u64);
        let up = (to as u64 / g) as usize;
        let down = (from as u64 / g) as usize;
        if up > 4096 {
            return Err(VoiceError::Audio(format!(
                "resampling {from} Hz to {to} Hz needs {up} filter phases"
            )));
        }
        // Design on the upsampled time line (rate from*up).
        let fs_up = from as f64 * up as f64;
        let nyquist = from.min(to) as f64 / 2.0;
        let pass = nyquist * PASSBAND;
        let cutoff = (pass + nyquist) / 2.0; // -6 dB point, mid transition
        let transition = nyquist - pass;
        let beta = 0.1102 * (ATTENUATION_DB - 8.7);
        let delta_omega = 2.0 * std::f64::consts::PI * transition / fs_up;
        let n = ((ATTENUATION_DB - 7.95) / (2.285 * delta_omega)).ceil() as usize + 1;
        let taps = n.div_ceil(up).max(1);
        let len = taps * up;
        let centre = (len - 1) as f64 / 2.0;
        let fc = cutoff / fs_up; // cycles per upsampled sample
        let i0_beta = bessel_i0(beta);
        let mut proto = vec![0f64; len];
        for (i, h) in proto.iter_mut().enumerate() {
            let x = i as f64 - centre;
            let sinc = if x == 0.0 {
                2.0 * fc
            } else {
                (2.0 * std::f64::consts::PI * fc * x).sin() / (std::f64::consts::PI * x)
            };
            let r = x / (centre.max(1.0));
            let w = bessel_i0(beta * (1.0 - r * r).max(0.0).sqrt()) / i0_beta;
            // Gain `up` makes up for the zeros that upsampling inserts.
            *h = sinc * w * up as f64;
        }
        let mut phases = vec![0f32; len];
        for p in 0..up {
            for k in 0..taps {
                phases[p * taps + k] = proto[p + k * up] as f32;
            }
        }
        Ok(Self {
            from,
            to,
            up,
            down,
            taps,
            phases,
            history: Vec::new(),
            history_start: 0,
            consumed: 0,
            next_t: 0,
        })
    }

    pub fn from_rate(&self) -> u32 {
        self.from
    }

    pub fn to_rate(&self) -> u32 {
        self.to
    }

    /// Feeds input samples and returns the output samples they complete.
    pub fn process(&mut self, input: &[i16]) -> Vec<i16> {
        if self.from == self.to {
            return input.to_vec();
        }
        self.history.extend(input.iter().map(|&s| s as f32));
        self.consumed += input.len() as u64;
        let mut out = Vec::with_capacity(input.len() * self.up / self.down + 1);
        let up = self.up as u64;
        loop {
            let i = self.next_t / up; // newest input sample this output needs
            if i >= self.consumed {
                break;
            }
            let phase = (self.next_t % up) as usize;
            let coeffs = &self.phases[phase * self.taps..(phase + 1) * self.taps];
            // The taps reach back from the newest input sample as far as the stream goes (the
            // history always keeps what the next output needs): one loop over two slices, with
            // no index checks, summed in the same order as ever, so the output stays the same
            // to the bit.
            let newest = (i - self.history_start) as usize;
            let window = &self.history[newest + 1 - (newest + 1).min(self.taps)..=newest];
            let mut acc = 0f32;
            for (c, x) in coeffs.iter().zip(window.iter().rev()) {
                acc += c * x;
            }
            out.push(acc.round().clamp(i16::MIN as f32, i16::MAX as f32) as i16);
            self.next_t += self.down as u64;
        }
        // Keep only the samples that future outputs can still reach.
        let needed_from = (self.next_t / up).saturating_sub(self.taps as u64);
        if needed_from > self.history_start {
            let drop = ((needed_from - self.history_start) as usize).min(self.history.len());
            self.history.drain(..drop);
            self.history_start += drop as u64;
        }
        out
    }

    /// The samples still inside the filter (its delay), pushed out with silence.
    pub fn flush(&mut self) -> Vec<i16> {
        if self.from == self.to {
            return Vec::new();
        }
        let delay_in = self.taps / 2 + 1;
        self.process(&vec![0; delay_in])
    }

    /// Resamples a whole clip (with the filter's tail).
    pub fn convert(audio: &Audio, to: u32) -> Result<Audio, VoiceError> {
        if audio.sample_rate == to {
            return Ok(audio.clone());
        }
        let mut r = Self::new(audio.sample_rate, to)?;
        let mut samples = r.process(&audio.samples);
        samples.extend(r.flush());
        Ok(Audio::new(samples, to))
    }
}

/// Converts every `InputAudio` frame to one rate (16 kHz for the recognition side).
pub struct Resample {
    to: u32,
    resampler: Option<Resampler>,
}

impl Resample {
    pub fn new(to: u32) -> Self {
        Self {
            to,
            resampler: None,
        }
    }
}

#[async_trait]
impl Stage for Resample {
    fn name(&self) -> &'static str {
        "resample"
    }

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
        match frame {
            Frame::InputAudio(audio) if audio.sample_rate != self.to => {
                if self.resampler.as_ref().map(Resampler::from_rate) != Some(audio.sample_rate) {
                    self.resampler = Some(Resampler::new(audio.sample_rate, self.to)?);
                }
                let r = self.resampler.as_mut().expect("set above");
                let samples = r.process(&audio.samples);
                if !samples.is_empty() {
                    out.push(Frame::InputAudio(Audio::new(samples, self.to)));
                }
            }
            other => out.push(other),
        }
        Ok(())
    }
}

/// Test helpers shared by the stage tests: tones and their measured strength.
pub mod signal {
    /// A sine of `freq` Hz, `amplitude` in PCM units.
    pub fn sine(freq: f64, rate: u32, ms: u32, amplitude: f64) -> Vec<i16> {
        let n = rate as usize * ms as usize / 1000;
        (0..n)
            .map(|i| {
                (amplitude * (2.0 * std::f64::consts::PI * freq * i as f64 / rate as f64).sin())
                    .round() as i16
            })
            .collect()
    }

    /// The amplitude of the `freq` Hz component (a single-bin DFT over the samples).
    pub fn tone_amplitude(samples: &[i16], rate: u32, freq: f64) -> f64 {
        let (mut re, mut im) = (0.0, 0.0);
        for (i, &s) in samples.iter().enumerate() {
            let ph = 2.0 * std::f64::consts::PI * freq * i as f64 / rate as f64;
            re += s as f64 * ph.cos();
            im -= s as f64 * ph.sin();
        }
        2.0 * (re * re + im * im).sqrt() / samples.len().max(1) as f64
    }

    pub fn rms(samples: &[i16]) -> f64 {
        let sum: f64 = samples.iter().map(|&s| (s as f64) * (s as f64)).sum();
        (sum / samples.len().max(1) as f64).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::signal::*;
    use super::*;

    /// Steady-state part of a resampled clip (the filter's warm-up and tail cut off).
    fn middle(s: &[i16]) -> &[i16] {
        &s[s.len() / 5..s.len() * 4 / 5]
    }

    #[test]
    fn a_one_kilohertz_tone_keeps_its_frequency_and_level_from_48_to_16_khz() {
        let input = sine(1000.0, 48_000, 500, 10_000.0);
        let out = Resampler::convert(&Audio::new(input, 48_000), 16_000).unwrap();
        assert!(
            (out.samples.len() as i64 - 8_000).abs() < 200,
            "{}",
            out.samples.len()
        );
        let m = middle(&out.samples);
        let at_1k = tone_amplitude(m, 16_000, 1000.0);
        assert!((at_1k - 10_000.0).abs() < 150.0, "1 kHz amplitude {at_1k}");
        // Nearly all the energy is at 1 kHz: a wrong rate would move the tone elsewhere.
        assert!(rms(m) > 0.98 * 10_000.0 / 2f64.sqrt(), "rms {}", rms(m));
    }

    #[test]
    fn a_tone_above_eight_kilohertz_does_not_fold_back_into_the_16_khz_signal() {
        // 10 kHz at 48 kHz would alias to 6 kHz after plain decimation by 3.
        let input = sine(10_000.0, 48_000, 500, 10_000.0);
        let out = Resampler::convert(&Audio::new(input, 48_000), 16_000).unwrap();
        let m = middle(&out.samples);
        assert!(tone_amplitude(m, 16_000, 6_000.0) < 10.0);
        assert!(rms(m) < 10.0, "rms {} (input rms ~7071)", rms(m));
    }

    #[test]
    fn feeding_frames_one_by_one_gives_the_same_samples_as_one_block() {
        let input = sine(440.0, 48_000, 300, 8_000.0);
        let mut whole = Resampler::new(48_000, 16_000).unwrap();
        let expected = whole.process(&input);
        let mut streamed = Resampler::new(48_000, 16_000).unwrap();
        let mut got = Vec::new();
        for chunk in input.chunks(960) {
            got.extend(streamed.process(chunk));
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn synthesiser_audio_at_22050_hz_is_raised_to_48_khz_with_its_pitch() {
        let input = sine(300.0, 22_050, 400, 9_000.0);
        let out = Resampler::convert(&Audio::new(input, 22_050), 48_000).unwrap();
        assert!(
            (out.samples.len() as i64 - 19_200).abs() < 300,
            "{}",
            out.samples.len()
        );
        let m = middle(&out.samples);
        assert!((tone_amplitude(m, 48_000, 300.0) - 9_000.0).abs() < 200.0);
    }

    #[tokio::test]
    async fn the_stage_turns_48_khz_frames_into_16_khz_frames() {
        let mut stage = Resample::new(16_000);
        let frames = (0..5)
            .map(|_| Frame::InputAudio(Audio::new(sine(500.0, 48_000, 20, 5000.0), 48_000)))
            .chain([Frame::UserTurnEnded])
            .collect();
        let out = crate::pipeline::harness::run(&mut stage, frames).await;
        let total: usize = out
            .iter()
            .filter_map(|f| match f {
                Frame::InputAudio(a) => {
                    assert_eq!(a.sample_rate, 16_000);
                    Some(a.samples.len())
                }
                _ => None,
            })
            .sum();
        assert_eq!(total, 5 * 320);
        assert_eq!(out.last(), Some(&Frame::UserTurnEnded));
    }
}
