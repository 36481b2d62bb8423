//! The local Whisper recogniser (`OTBOR_STT=whisper`, cargo feature `whisper`): Whisper base in
//! CTranslate2 format (`scripts/whisper-setup.sh`), run in this process through ct2rs, offline
//! and free. Inference is CPU work of about a second a segment (2 cores), so it runs on
//! tokio's blocking pool, one segment at a time (see `WhisperRecognizer`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use ct2rs::{ComputeType, Config, Whisper, WhisperOptions};
use otbor_domain::speech::{Audio, Recognizer, SpeechError};
use tokio::sync::Semaphore;

use crate::error::VoiceError;

const MODEL: &str = "whisper";
/// The only rate Whisper's features are computed at; the pipeline's segments are 16 kHz.
const SAMPLE_RATE: u32 = 16_000;

/// The language Whisper is told to transcribe in, or `Auto` to let it detect the language
/// of each segment (one more encoder pass; unreliable on a second of speech).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhisperLanguage {
    Auto,
    /// An ISO 639-1 code Whisper knows (`ru`, `en`, ...): checked against the model's tokens
    /// when it loads.
    Code(String),
}

impl WhisperLanguage {
    /// `auto`, or a code of two or three lowercase letters (`ru`, `en`, `haw`).
    pub fn parse(value: &str) -> Result<Self, VoiceError> {
        let v = value.trim().to_ascii_lowercase();
        if v == "auto" {
            return Ok(Self::Auto);
        }
        if (2..=3).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_lowercase()) {
            return Ok(Self::Code(v));
        }
        Err(VoiceError::Config(format!(
            "OTBOR_WHISPER_LANGUAGE={value:?}: use a language code such as ru or en, or auto"
        )))
    }

    fn code(&self) -> Option<&str> {
        match self {
            Self::Auto => None,
            Self::Code(c) => Some(c),
        }
    }
}

impl Default for WhisperLanguage {
    fn default() -> Self {
        Self::Code("ru".into())
    }
}

#[derive(Clone, Debug)]
pub struct WhisperConfig {
    /// The CTranslate2 model directory (`OTBOR_WHISPER_MODEL`).
    pub model: PathBuf,
    pub language: WhisperLanguage,
    /// CPU threads of one inference (`OTBOR_WHISPER_THREADS`).
    pub threads: usize,
}

/// Whisper loaded once and shared by every session of the worker.
///
/// One inference runs at a time: CTranslate2 gives a model one replica on the CPU, and
/// `threads` threads inside it; a second inference started alongside would only compete for
/// the same cores and delay both. A semaphore (not a lock held on a blocking thread) makes
/// segments wait their turn asynchronously, in order of arrival, so a queue of sessions does
/// not fill tokio's blocking pool with parked threads. The wait is logged with each segment.
pub struct WhisperRecognizer {
    whisper: Arc<Whisper>,
    language: WhisperLanguage,
    turn: Semaphore,
}

impl WhisperRecognizer {
    /// Loads the model (about a second for Whisper base) and checks the language against it.
    pub fn load(config: &WhisperConfig) -> Result<Self, VoiceError> {
        check_language(&config.model, &config.language)?;
        let ct2 = Config {
            // Weights stored as float16 are quantised to int8 on load where the CPU backend
            // (ruy) supports it, else float32: the fastest type CTranslate2 has here.
            compute_type: ComputeType::AUTO,
            num_threads_per_replica: config.threads.max(1),
            ..Config::default()
        };
        let started = Instant::now();
        let whisper = Whisper::new(&config.model, ct2).map_err(|e| VoiceError::ModelOutput {
            model: MODEL,
            message: format!("cannot load {}: {e:#}", config.model.display()),
        })?;
        if whisper.sampling_rate() != SAMPLE_RATE as usize {
            return Err(VoiceError::ModelOutput {
                model: MODEL,
                message: format!(
                    "preprocessor_config.json says {} Hz; the pipeline sends {SAMPLE_RATE} Hz",
                    whisper.sampling_rate()
                ),
            });
        }
        tracing::info!(
            model = %config.model.display(),
            language = config.language.code().unwrap_or("auto"),
            threads = config.threads,
            took_ms = started.elapsed().as_millis() as u64,
            "whisper loaded"
        );
        Ok(Self {
            whisper: Arc::new(whisper),
            language: config.language.clone(),
            turn: Semaphore::new(1),
        })
    }
}

/// A language the model has no token for would fail on every segment; refuse it at start.
fn check_language(model: &Path, language: &WhisperLanguage) -> Result<(), VoiceError> {
    let Some(code) = language.code() else {
        return Ok(());
    };
    let path = model.join("tokenizer.json");
    let tokens = std::fs::read_to_string(&path).map_err(|source| VoiceError::Io {
        what: format!(
            "cannot read {} (run `eval \"$(scripts/whisper-setup.sh)\"`)",
            path.display()
        ),
        source,
    })?;
    if !tokens.contains(&format!("\"<|{code}|>\"")) {
        return Err(VoiceError::Config(format!(
            "OTBOR_WHISPER_LANGUAGE={code:?}: the Whisper model has no such language"
        )));
    }
    Ok(())
}

/// How Whisper decodes a segment of `audio_ms`. Greedy search: a VAD segment is a sentence or
/// two, and beam search would add decoder passes to every turn's latency for little gain. ct2rs
/// applies no no-speech or log-probability threshold (those are faster-whisper's, the ones that
/// drop short segments): it is not asked for the no-speech probability, and whatever Whisper
/// decodes is kept, so a one-word answer ("да") is not lost.
fn options(audio_ms: u64) -> WhisperOptions {
    WhisperOptions {
        beam_size: 1,
        return_no_speech_prob: false,
        max_length: max_tokens(audio_ms),
        ..WhisperOptions::default()
    }
}

/// Whisper sometimes loops on synthetic or unclear speech ("мотостостост..."), and every token
/// is a decoder pass: a bound by the segment's length (15 tokens a second is about twice fast
/// Russian speech) keeps a loop from costing seconds. 448 is the model's own limit.
fn max_tokens(audio_ms: u64) -> usize {
    (16 + audio_ms as usize * 15 / 1_000).min(448)
}

#[async_trait]
impl Recognizer for WhisperRecognizer {
    fn name(&self) -> &'static str {
        "whisper"
    }

    async fn transcribe(&self, segment: &Audio) -> Result<String, SpeechError> {
        if segment.sample_rate != SAMPLE_RATE {
            return Err(SpeechError::Audio(format!(
                "whisper needs {SAMPLE_RATE} Hz segments, got {} Hz",
                segment.sample_rate
            )));
        }
        if segment.samples.is_empty() {
            return Ok(String::new());
        }
        let samples: Vec<f32> = segment
            .samples
            .iter()
            .map(|&s| f32::from(s) / 32_768.0)
            .collect();
        let queued = Instant::now();
        let _permit = self.turn.acquire().await.map_err(|_| stopped())?;
        let waited_ms = queued.elapsed().as_millis() as u64;
        let whisper = Arc::clone(&self.whisper);
        let audio_ms = segment.duration_ms();
        let language = self.language.code().map(str::to_owned);
        let started = Instant::now();
        let texts = tokio::task::spawn_blocking(move || {
            whisper.generate(&samples, language.as_deref(), false, &options(audio_ms))
        })
        .await
        .map_err(|_| stopped())?
        .map_err(|e| SpeechError::Engine {
            engine: MODEL,
            message: format!("{e:#}"),
        })?;
        let text = texts
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        tracing::debug!(
            audio_ms,
            waited_ms,
            took_ms = started.elapsed().as_millis() as u64,
            chars = text.chars().count(),
            "whisper transcribed a segment"
        );
        Ok(text)
    }
}

/// The semaphore closed or the blocking task died: the recogniser is gone.
fn stopped() -> SpeechError {
    SpeechError::Engine {
        engine: MODEL,
        message: "the worker stopped".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_auto_or_a_short_lowercase_code() {
        assert_eq!(
            WhisperLanguage::parse("auto").unwrap(),
            WhisperLanguage::Auto
        );
        assert_eq!(
            WhisperLanguage::parse(" RU ").unwrap(),
            WhisperLanguage::Code("ru".into())
        );
        assert!(WhisperLanguage::parse("russian").is_err());
        assert!(WhisperLanguage::parse("r").is_err());
        assert!(WhisperLanguage::parse("<|ru|>").is_err());
    }

    #[test]
    fn a_loop_is_cut_in_proportion_to_the_segment_within_the_models_limit() {
        assert_eq!(max_tokens(0), 16);
        assert_eq!(max_tokens(3_400), 67);
        assert_eq!(max_tokens(60_000), 448);
    }
}
