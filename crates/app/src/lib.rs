//! The use cases of Otbor, apart from every transport: the HTTP API, the Lambda functions,
//! the media worker, the Telegram bot and the job workers all call these functions, which
//! take the ports they need and return an [`AppError`].

pub mod documents;
pub mod error;
pub mod evaluation;
pub mod intake;
pub mod interview;
pub mod login;
pub mod notices;
pub mod notify;
pub mod passwords;
pub mod profile;
pub mod recordings;
pub mod refine;
pub mod state;
pub mod telegram;
pub mod telegram_codes;
pub mod users;

pub use error::{AppError, AppResult, What};
pub use state::{AppConfig, AppState};
