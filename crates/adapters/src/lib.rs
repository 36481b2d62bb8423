//! The backends of the ports and the one place where they are chosen: `wiring::build` reads
//! the settings at start-up and hands back the ports as trait objects.

pub mod local_files;
pub mod settings;
pub mod sqlite;
pub mod wiring;

pub use settings::Settings;
pub use wiring::Ports;
