//! The one-process shape of Otbor: start-up, demo data and the in-process job workers, used
//! by the `otbor` binary and by the end-to-end tests.

pub mod app;
pub mod config;
pub mod demo;
pub mod listen;
pub mod worker;
