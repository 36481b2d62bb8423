//! The paid AI services behind the ports of `otbor-domain`, with one HTTP client and one copy
//! of each vendor's authentication: the language models behind [`LanguageModel`] (YandexGPT,
//! GigaChat and any OpenAI-compatible endpoint: vLLM, Ollama, OpenAI), and the speech services
//! behind [`speech::Recognizer`] and [`speech::Synthesizer`] (Yandex SpeechKit, SaluteSpeech,
//! OpenAI-compatible) in [`speech`].
//!
//! Every language-model call asks for one JSON object that must match a JSON Schema; the answer is validated
//! here (never trusted because the provider "supports structured output"), and a reply that
//! does not parse or does not match gets one corrective retry and then becomes
//! [`LlmError::InvalidOutput`]. Untrusted text (resumes, candidates' answers) travels only
//! inside a data block with a random boundary, and the system prompt says that the block is
//! data, never instructions (DESIGN.md, "AI, honestly").
//!
//! Transport failures are retried with exponential backoff and jitter (429 honours
//! `Retry-After`), within a per-request timeout and an overall deadline; 400/401/403 are not
//! retried. When a call fails for good, the caller falls back to the offline engine for that
//! step: [`build`] returns `None` when no model is configured at all.
//!
//! Speech calls are made once, within a timeout, and never retried here: a live interview
//! cannot wait for a retry loop.
//!
//! Secrets are [`secrecy::SecretString`]s: they do not print in `Debug` and are never put in a
//! tracing field; neither is the candidate's text.
//!
//! The `testing` feature adds wire-compatible fake servers for the three APIs and an
//! in-process `CannedModel`, for this crate's tests and the rest of the workspace's.

mod config;
mod engine;
mod gigachat;
mod http;
mod openai;
mod prompt;
mod sber;
mod schema;
pub mod speech;
mod yandex;

#[cfg(feature = "testing")]
pub mod testing;

pub use config::{ProviderConfig, build};
pub use gigachat::{GigaChat, GigaChatConfig, GigaChatOutputMode};
pub use http::{RetryPolicy, TlsConfig};
pub use openai::{OpenAiCompatible, OpenAiConfig};
/// The port, declared in `otbor-domain`; re-exported under the names it had here.
pub use otbor_domain::llm::{JsonAnswer, JsonRequest, LanguageModel, LlmError, Redacted, Usage};
pub use yandex::{YandexAuth, YandexGpt, YandexGptConfig};
