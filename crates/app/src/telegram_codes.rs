//! One-time codes of the Telegram bot's `/start` deep links: a staff member's, to link their
//! account, and a candidate's, from the invitation, to take the interview in the bot.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use otbor_domain::ids::{CandidateId, UserId};
use otbor_domain::invite::Invite;
use otbor_domain::secret::TokenHash;
use serde::{Deserialize, Serialize};

/// How long a staff member's link code works.
pub const STAFF_CODE_MINUTES: i64 = 15;

/// What a one-time `/start` code stands for.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Code {
    Staff { user_id: UserId, expires_at: DateTime<Utc> },
    Candidate { candidate_id: CandidateId, invite: TokenHash, expires_at: DateTime<Utc> },
}

fn code_key(code: &str) -> String {
    format!("tgcode/{code}")
}

/// 32 hex characters: within Telegram's 64-character `start` parameter.
fn new_code() -> String {
    otbor_domain::secret::new_token()[..32].to_string()
}

/// A code for the invitation's "take it in Telegram" link, valid as long as the invite.
pub async fn candidate_code(st: &AppState, invite: &Invite, candidate: CandidateId) -> AppResult<String> {
    let code = new_code();
    let doc = Code::Candidate { candidate_id: candidate, invite: invite.token_hash.clone(), expires_at: invite.expires_at };
    st.records.put_entry(&code_key(&code), &serde_json::to_value(doc).map_err(|e| AppError::Internal(e.into()))?).await?;
    Ok(code)
}

/// A one-time `/start` code that ties `user`'s Telegram to the bot, and until when it works.
pub async fn staff_code(st: &AppState, user: UserId) -> AppResult<(String, DateTime<Utc>)> {
    let code = new_code();
    let expires_at = st.clock.now() + chrono::Duration::minutes(STAFF_CODE_MINUTES);
    let doc = Code::Staff { user_id: user, expires_at };
    st.records.put_entry(&code_key(&code), &serde_json::to_value(doc).map_err(|e| AppError::Internal(e.into()))?).await?;
    Ok((code, expires_at))
}

/// What `code` stands for, once: the code is used up by reading it.
pub async fn redeem(st: &AppState, code: &str) -> AppResult<Option<Code>> {
    let valid_shape = code.len() == 32 && code.bytes().all(|b| b.is_ascii_hexdigit());
    let doc = if valid_shape { st.records.take_entry(&code_key(code)).await? } else { None };
    Ok(doc.and_then(|d| serde_json::from_value::<Code>(d).ok()))
}
