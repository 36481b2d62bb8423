//! Speech recognition and synthesis providers behind the `Recognizer` and `Synthesizer`
//! traits: a local espeak-ng synthesiser, a zero-delay fake recogniser, a local Whisper model
//! (cargo feature `whisper`), and the paid services (Yandex SpeechKit, SaluteSpeech, any
//! OpenAI-compatible endpoint), each of which only ever receives VAD segments or reply text.

pub mod espeak;
pub mod fake;
pub mod http;
pub mod openai;
pub mod salute;
#[cfg(feature = "whisper")]
pub mod whisper;
pub mod yandex;
