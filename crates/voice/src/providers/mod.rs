//! The local speech engines behind the `Recognizer` and `Synthesizer` ports: an espeak-ng
//! synthesiser, a zero-delay fake recogniser and a local Whisper model (cargo feature
//! `whisper`). The paid services (Yandex SpeechKit, SaluteSpeech, any OpenAI-compatible
//! endpoint) live in `otbor_providers::speech`, beside the language models; `crate::config`
//! chooses among all of them.

pub mod espeak;
pub mod fake;
#[cfg(feature = "whisper")]
pub mod whisper;
