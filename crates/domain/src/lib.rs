//! The domain of Otbor: who the people are, what a vacancy and an application are, which
//! status changes are legal and who may make them, and the ports the outside world plugs into.
//! Nothing here performs I/O; adapters implement the traits in [`ports`], the language-model
//! providers the one in [`llm`], and the speech engines those in [`speech`].

pub mod application;
pub mod candidate;
pub mod error;
pub mod ids;
pub mod interview;
pub mod jobs;
pub mod lang;
pub mod invite;
pub mod llm;
pub mod notify;
pub mod permissions;
pub mod ports;
pub mod query;
pub mod secret;
pub mod status;
pub mod setting;
pub mod speech;
pub mod upload;
pub mod user;
pub mod vacancy;
pub mod values;

pub use error::{DomainError, Lang, Reason};
