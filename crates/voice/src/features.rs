//! Whisper-style log-mel features of the last 8 s of 16 kHz audio, the input of the smart-turn
//! v3 model. A faithful port of pipecat's numpy `_whisper_features.py` (itself vendored from
//! transformers' `WhisperFeatureExtractor`): waveform normalisation, reflect-padded STFT
//! (n_fft 400, hop 160, periodic Hann), Slaney mel filterbank (80 bands, 0-8 kHz), log10,
//! dynamic-range clamp of 8 and (x + 4) / 4. A test compares it with the Python original.

use std::sync::{Arc, OnceLock};

use realfft::{RealFftPlanner, RealToComplex};

pub const SAMPLE_RATE: usize = 16_000;
pub const N_FFT: usize = 400;
pub const HOP: usize = 160;
pub const N_MELS: usize = 80;
/// 8 s of audio.
pub const N_SAMPLES: usize = SAMPLE_RATE * 8;
/// Frames kept (the trailing frame of the 801 is dropped, as in the reference).
pub const N_FRAMES: usize = N_SAMPLES / HOP;
const N_BINS: usize = N_FFT / 2 + 1;
const MEL_FLOOR: f64 = 1e-10;
const NORM_VARIANCE_EPS: f32 = 1e-7;

fn hertz_to_mel_slaney(freq: f64) -> f64 {
    let min_log_hertz = 1000.0;
    let min_log_mel = 15.0;
    let logstep = 27.0 / 6.4f64.ln();
    if freq >= min_log_hertz {
        min_log_mel + (freq / min_log_hertz).ln() * logstep
    } else {
        3.0 * freq / 200.0
    }
}

fn mel_to_hertz_slaney(mel: f64) -> f64 {
    let min_log_hertz = 1000.0;
    let min_log_mel = 15.0;
    let logstep = 6.4f64.ln() / 27.0;
    if mel >= min_log_mel {
        min_log_hertz * (logstep * (mel - min_log_mel)).exp()
    } else {
        200.0 * mel / 3.0
    }
}

/// numpy.linspace.
fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let step = (stop - start) / (num - 1) as f64;
    (0..num)
        .map(|i| {
            if i == num - 1 {
                stop
            } else {
                start + i as f64 * step
            }
        })
        .collect()
}

/// One triangular filter: its first non-zero bin and weights.
struct MelFilter {
    first_bin: usize,
    weights: Vec<f64>,
}

struct Tables {
    window: Vec<f64>,
    filters: Vec<MelFilter>,
    fft: Arc<dyn RealToComplex<f64>>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // Periodic Hann: numpy.hanning(N + 1)[:-1].
        let window = (0..N_FFT)
            .map(|n| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64).cos())
            .collect();
        let mel_min = hertz_to_mel_slaney(0.0);
        let mel_max = hertz_to_mel_slaney(SAMPLE_RATE as f64 / 2.0);
        let filter_freqs: Vec<f64> = linspace(mel_min, mel_max, N_MELS + 2)
            .into_iter()
            .map(mel_to_hertz_slaney)
            .collect();
        let fft_freqs = linspace(0.0, (SAMPLE_RATE / 2) as f64, N_BINS);
        let filters = (0..N_MELS)
            .map(|m| {
                let enorm = 2.0 / (filter_freqs[m + 2] - filter_freqs[m]);
                let dense: Vec<f64> = fft_freqs
                    .iter()
                    .map(|&f| {
                        let down = -(filter_freqs[m] - f) / (filter_freqs[m + 1] - filter_freqs[m]);
                        let up =
                            (filter_freqs[m + 2] - f) / (filter_freqs[m + 2] - filter_freqs[m + 1]);
                        0f64.max(down.min(up)) * enorm
                    })
                    .collect();
                let first = dense.iter().position(|&w| w > 0.0).unwrap_or(0);
                let last = dense.iter().rposition(|&w| w > 0.0).unwrap_or(0);
                MelFilter {
                    first_bin: first,
                    weights: dense[first..=last.max(first)].to_vec(),
                }
            })
            .collect();
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(N_FFT);
        Tables {
            window,
            filters,
            fft,
        }
    })
}

/// The last 8 s of `audio`, or all of it zero-padded on the left to 8 s, as float in [-1, 1]
/// (pipecat's `truncate_audio_to_last_n_seconds`).
pub fn last_eight_seconds(audio: &[i16]) -> Vec<f32> {
    let tail = &audio[audio.len().saturating_sub(N_SAMPLES)..];
    let mut out = vec![0f32; N_SAMPLES - tail.len()];
    out.extend(tail.iter().map(|&s| s as f32 / 32768.0));
    out
}

/// Log-mel features, `[N_MELS][N_FRAMES]` row-major (mel band-major), from 16 kHz float
/// audio; shorter input is zero-padded at the end and longer input truncated, as in the
/// reference.
pub fn log_mel(audio: &[f32]) -> Vec<f32> {
    let t = tables();
    let mut x = vec![0f32; N_SAMPLES];
    let n = audio.len().min(N_SAMPLES);
    x[..n].copy_from_slice(&audio[..n]);

    // Zero-mean unit-variance normalisation of the (padded) waveform, in float32 as the
    // reference does; the sums are accumulated in f64 (numpy's pairwise float32 sums are
    // as exact to within the test tolerance).
    let mean = (x.iter().map(|&v| v as f64).sum::<f64>() / N_SAMPLES as f64) as f32;
    let var =
        (x.iter().map(|&v| ((v - mean) as f64).powi(2)).sum::<f64>() / N_SAMPLES as f64) as f32;
    let scale = (var + NORM_VARIANCE_EPS).sqrt();
    for v in &mut x {
        *v = (*v - mean) / scale;
    }

    // Reflect padding by N_FFT / 2 on both sides (numpy "reflect": the edge is not repeated).
    let pad = N_FFT / 2;
    let mut padded = Vec::with_capacity(N_SAMPLES + 2 * pad);
    padded.extend((1..=pad).rev().map(|i| x[i] as f64));
    padded.extend(x.iter().map(|&v| v as f64));
    padded.extend((0..pad).map(|i| x[N_SAMPLES - 2 - i] as f64));

    let frames_total = (padded.len() - N_FFT) / HOP + 1; // 801
    let mut mel = vec![0f64; N_MELS * N_FRAMES];
    let mut frame = t.fft.make_input_vec();
    let mut spectrum = t.fft.make_output_vec();
    let mut scratch = t.fft.make_scratch_vec();
    let mut power = vec![0f64; N_BINS];
    for f in 0..frames_total.min(N_FRAMES) {
        let start = f * HOP;
        for (i, v) in frame.iter_mut().enumerate() {
            *v = padded[start + i] * t.window[i];
        }
        t.fft
            .process_with_scratch(&mut frame, &mut spectrum, &mut scratch)
            .expect("buffers sized by the planner");
        for (p, c) in power.iter_mut().zip(&spectrum) {
            *p = c.re * c.re + c.im * c.im;
        }
        for (m, filter) in t.filters.iter().enumerate() {
            let s: f64 = filter
                .weights
                .iter()
                .zip(&power[filter.first_bin..])
                .map(|(w, p)| w * p)
                .sum();
            mel[m * N_FRAMES + f] = s.max(MEL_FLOOR).log10();
        }
    }
    let max = mel.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    mel.iter()
        .map(|&v| ((v.max(max - 8.0) + 4.0) / 4.0) as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mel_filterbank_is_slaney_normalised_and_covers_the_band() {
        let t = tables();
        assert_eq!(t.filters.len(), N_MELS);
        // Slaney normalisation: each triangle has an area of 1 over frequency in Hz; sampled
        // in bins of 40 Hz, sum(weights) * 40 comes close to 1 for the wider filters.
        for m in [40, 60, 79] {
            let area = t.filters[m].weights.iter().sum::<f64>() * 40.0;
            assert!((area - 1.0).abs() < 0.1, "filter {m}: area {area}");
        }
        assert!(t.filters[N_MELS - 1].first_bin + t.filters[N_MELS - 1].weights.len() <= N_BINS);
    }

    #[test]
    fn silence_gives_the_floor_everywhere_and_the_right_shape() {
        let f = log_mel(&vec![0.0; N_SAMPLES]);
        assert_eq!(f.len(), N_MELS * N_FRAMES);
        let expected = ((MEL_FLOOR.log10() + 4.0) / 4.0) as f32; // -1.5
        assert!(f.iter().all(|&v| (v - expected).abs() < 1e-6));
    }

    #[test]
    fn a_tone_lights_up_the_band_that_holds_its_frequency() {
        let audio: Vec<f32> = (0..N_SAMPLES)
            .map(|i| 0.3 * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 16_000.0).sin())
            .collect();
        let f = log_mel(&audio);
        let band_mean =
            |m: usize| f[m * N_FRAMES..(m + 1) * N_FRAMES].iter().sum::<f32>() / N_FRAMES as f32;
        let loudest = (0..N_MELS)
            .max_by(|&a, &b| band_mean(a).total_cmp(&band_mean(b)))
            .unwrap();
        let filter = &tables().filters[loudest];
        let lo = filter.first_bin as f64 * 40.0;
        let hi = (filter.first_bin + filter.weights.len()) as f64 * 40.0;
        assert!(
            lo <= 1000.0 && 1000.0 <= hi,
            "band {loudest} covers {lo}-{hi} Hz"
        );
    }

    #[test]
    fn short_audio_is_padded_on_the_left_to_eight_seconds() {
        let x = last_eight_seconds(&[1000; 16_000]);
        assert_eq!(x.len(), N_SAMPLES);
        assert_eq!(x[N_SAMPLES - 16_001], 0.0);
        assert_eq!(x[N_SAMPLES - 1], 1000.0 / 32768.0);
        let long = last_eight_seconds(&vec![7; N_SAMPLES + 5]);
        assert_eq!(long.len(), N_SAMPLES);
    }

    /// Compares with pipecat's numpy original, run in the media venv.
    #[test]
    fn the_features_match_pipecats_python_original() {
        let (Some(py), Some(module)) = (
            crate::testing::media_var("OTBOR_MEDIA_PYTHON"),
            crate::testing::media_var("OTBOR_TURN_FEATURES_PY"),
        ) else {
            return;
        };
        // A deterministic test signal: a rising chirp, a burst of noise, and silence; 3 s,
        // padded on the left to 8 s as the turn model does.
        let mut seed = 12345u64;
        let audio: Vec<i16> = (0..48_000)
            .map(|i| {
                let t = i as f64 / 16_000.0;
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let noise = ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 2000.0;
                let chirp = 8000.0 * (2.0 * std::f64::consts::PI * (200.0 + 600.0 * t) * t).sin();
                let v = if t < 1.5 {
                    chirp
                } else if t < 2.5 {
                    noise
                } else {
                    0.0
                };
                v as i16
            })
            .collect();
        let input = last_eight_seconds(&audio);
        let dir = std::env::temp_dir().join(format!("otbor-voice-features-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let in_path = dir.join("in.f32");
        let out_path = dir.join("out.f32");
        std::fs::write(
            &in_path,
            input
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>(),
        )
        .unwrap();
        let script = r#"
import importlib.util, sys, numpy as np
spec = importlib.util.spec_from_file_location("wf", sys.argv[1])
wf = importlib.util.module_from_spec(spec); spec.loader.exec_module(wf)
x = np.fromfile(sys.argv[2], dtype="<f4")
f = wf.compute_whisper_log_mel_features(x, do_normalize=True)
assert f.shape == (80, 800), f.shape
f.astype("<f4").tofile(sys.argv[3])
"#;
        let status = std::process::Command::new(&py)
            .args(["-c", script])
            .arg(&module)
            .arg(&in_path)
            .arg(&out_path)
            .status()
            .expect("run the Python reference");
        assert!(status.success(), "the Python reference failed");
        let expected: Vec<f32> = std::fs::read(&out_path)
            .unwrap()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let got = log_mel(&input);
        assert_eq!(got.len(), expected.len());
        let max_diff = got
            .iter()
            .zip(&expected)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            max_diff < 1e-4,
            "largest difference from the Python original: {max_diff}"
        );
    }
}
