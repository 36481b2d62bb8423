//! The media worker of the voice and video interview: WebRTC transport and HTTP signalling,
//! one session per interview with a configured capacity, segment-by-segment recording to the
//! file store, and the seam ([`session`]) where the conversation logic plugs in.
//!
//! In one process, `otbor serve` mounts it next to the API:
//!
//! ```ignore
//! let worker = otbor_media_worker::Worker::new(state.clone(), WorkerConfig::from_lookup(|k| std::env::var(k).ok())?, Arc::new(TypedConversation));
//! let router = otbor_api::router(state).merge(otbor_media_worker::router(worker.clone()));
//! // on shutdown: worker.shutdown(Duration::from_secs(10)).await;
//! ```

pub mod assemble;
pub mod config;
pub mod conversation;
pub mod error;
pub mod listening;
mod peer;
pub mod protocol;
pub mod recording;
pub mod sdp;
pub mod session;
pub mod signalling;
pub mod turn;
pub mod voice;
pub mod worker;

pub use config::{IceServer, WorkerConfig};
pub use conversation::TypedConversation;
pub use error::RtcError;
pub use session::{AudioOut, Conversation, EventsOut, InboundAudio, MediaIo, SessionContext};
pub use signalling::{openapi, router};
pub use voice::VoiceConversation;
pub use worker::{EndReason, Worker};
