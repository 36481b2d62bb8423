//! The local Whisper recogniser on synthetic speech (`make whisper`): espeak-ng English is
//! recognised well and its Russian poorly (TOOLING.md), so these tests check the wiring (model
//! loading, 16 kHz samples, language, the blocking pool, one inference at a time) and print the
//! latency per segment, not the accuracy. They need the cargo feature `whisper` and
//! `eval "$(scripts/whisper-setup.sh)"`; without the model they fail on CI or with
//! OTBOR_REQUIRE_MEDIA=1 and skip with a message otherwise.
#![cfg(feature = "whisper")]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use otbor_voice::Audio;
use otbor_voice::providers::espeak::Espeak;
use otbor_voice::providers::whisper::{WhisperConfig, WhisperLanguage, WhisperRecognizer};
use otbor_voice::resample::Resampler;
use otbor_voice::stt::Recognizer;
use otbor_voice::testing::{media_program, media_var};
use otbor_voice::tts::Synthesizer;

fn model() -> Option<PathBuf> {
    let model = media_var("OTBOR_WHISPER_MODEL");
    if !media_program("espeak-ng") {
        return None;
    }
    model.map(PathBuf::from)
}

fn threads() -> usize {
    std::env::var("OTBOR_WHISPER_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn whisper(model: PathBuf, language: &str) -> WhisperRecognizer {
    WhisperRecognizer::load(&WhisperConfig {
        model,
        language: WhisperLanguage::parse(language).unwrap(),
        threads: threads(),
    })
    .unwrap()
}

/// espeak-ng speech at the pipeline's 16 kHz, as a VAD segment would carry it.
async fn speech(voice: &str, text: &str) -> Audio {
    let espeak = Espeak {
        voice: voice.into(),
        ..Espeak::default()
    };
    let audio = espeak.synthesize(text).await.unwrap();
    Resampler::convert(&audio, 16_000).unwrap()
}

/// Transcribes and prints how long it took against how long the speech is.
async fn timed(w: &WhisperRecognizer, label: &str, segment: &Audio) -> String {
    let started = Instant::now();
    let text = w.transcribe(segment).await.unwrap();
    eprintln!(
        "whisper {label}: {} ms of audio in {} ms (threads={}): {text:?}",
        segment.duration_ms(),
        started.elapsed().as_millis(),
        threads()
    );
    text
}

fn words(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

#[tokio::test]
async fn english_speech_is_transcribed_with_its_key_words_in_english_and_by_detection() {
    let Some(model) = model() else { return };
    let segment = speech(
        "en",
        "Hello, my name is John. I have been a software engineer for five years.",
    )
    .await;
    for language in ["en", "auto"] {
        let w = whisper(model.clone(), language);
        // The first inference also warms CTranslate2's buffers: measure the second.
        timed(&w, &format!("english ({language}, cold)"), &segment).await;
        let text = words(&timed(&w, &format!("english ({language})"), &segment).await);
        for key in ["name", "john", "software", "engineer", "years"] {
            assert!(text.contains(key), "{key:?} missing from {text:?}");
        }
    }
}

#[tokio::test]
async fn russian_speech_gives_some_text_with_the_default_language() {
    let Some(model) = model() else { return };
    let w = whisper(model, "ru");
    for sentence in [
        "Добрый день. Меня зовут Иван, я бэкенд-разработчик.",
        "Я пять лет писал на Rust и работал с PostgreSQL.",
        "Да.",
    ] {
        let segment = speech("ru", sentence).await;
        let text = timed(&w, "russian", &segment).await;
        assert!(
            !text.trim().is_empty(),
            "nothing recognised in {sentence:?}"
        );
    }
}

#[tokio::test]
async fn a_short_quiet_segment_gives_text_or_nothing_but_no_error() {
    let Some(model) = model() else { return };
    let w = whisper(model, "ru");
    // 300 ms of faint noise, as a click that passed the VAD would be.
    let mut seed = 7u32;
    let noise: Vec<i16> = (0..4_800)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 16) as i16) / 256
        })
        .collect();
    timed(&w, "faint noise", &Audio::new(noise, 16_000)).await;
    timed(&w, "silence", &Audio::new(vec![0; 4_800], 16_000)).await;
    assert_eq!(
        w.transcribe(&Audio::new(Vec::new(), 16_000)).await.unwrap(),
        ""
    );
}

#[tokio::test]
async fn segments_from_several_sessions_at_once_are_all_transcribed_one_after_another() {
    let Some(model) = model() else { return };
    let w = Arc::new(whisper(model, "en"));
    let segment = speech("en", "I would like to work on your team.").await;
    timed(&w, "warm-up", &segment).await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let (w, segment) = (Arc::clone(&w), segment.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                let text = w.transcribe(&segment).await.unwrap();
                (t.elapsed().as_millis(), text)
            })
        })
        .collect();
    for task in tasks {
        let (ms, text) = task.await.unwrap();
        eprintln!("whisper concurrent: done after {ms} ms: {text:?}");
        assert!(words(&text).contains("team"), "{text:?}");
    }
    eprintln!(
        "whisper: 3 concurrent segments in {} ms",
        started.elapsed().as_millis()
    );
}

#[tokio::test]
async fn a_segment_at_another_rate_or_an_unknown_language_is_refused() {
    let Some(model) = model() else { return };
    let w = whisper(model.clone(), "ru");
    assert!(
        w.transcribe(&Audio::new(vec![0; 8_000], 8_000))
            .await
            .is_err()
    );
    let unknown = WhisperRecognizer::load(&WhisperConfig {
        model,
        language: WhisperLanguage::parse("xx").unwrap(),
        threads: 1,
    });
    assert!(unknown.is_err());
}
