//! The audio pipeline of the voice interview, independent of the WebRTC transport: frames pass
//! through small stages (Opus decode, resampling, Silero VAD, semantic end of turn, speech
//! recognition, the interview engine, speech synthesis, Opus encode, paced output) in the
//! manner of pipecat, so that each stage is tested alone with frames in and frames out and the
//! media worker only wires a transport to both ends.

pub mod codec;
pub mod config;
pub mod engine;
pub mod error;
pub mod features;
pub mod frame;
pub mod ledger;
pub mod onnx;
pub mod output;
pub mod pipeline;
pub mod providers;
pub mod resample;
pub mod session;
pub mod stt;
pub mod testing;
pub mod tts;
pub mod turn;
pub mod vad;
/// WAV and LPCM, shared with the paid speech providers.
pub use otbor_providers::speech::wav;

pub use error::VoiceError;
pub use frame::{Audio, Frame};
pub use pipeline::{Emitter, Pipeline, Stage};
