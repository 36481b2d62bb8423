//! Notifications: which events tell whom, on which channels, and the record of each message
//! sent (or refused), so that a duplicate event sends one message and a person can see what
//! went out, when and whether it arrived.

use crate::ids::{CandidateId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What happened, and so which message goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// To the candidate: the interview link.
    Invitation,
    /// To the candidate: the link is unused and expires within a day.
    InviteReminder,
    /// To the candidate: the interview is done, thank you.
    InterviewThanks,
    /// To the candidate: the manager decided.
    Decision,
    /// To the recruiter who invited: a candidate finished the interview.
    InterviewFinished,
    /// To the uploader: a resume could not be read.
    UploadFailed,
    /// To the uploader: a new candidate fits an open vacancy well.
    StrongMatch,
    /// To the vacancy's manager: a candidate awaits their decision.
    AwaitingDecision,
    /// To a manager: what waits for them today.
    DailyDigest,
}

/// Who an event kind is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Candidate,
    Staff,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::Invitation,
        EventKind::InviteReminder,
        EventKind::InterviewThanks,
        EventKind::Decision,
        EventKind::InterviewFinished,
        EventKind::UploadFailed,
        EventKind::StrongMatch,
        EventKind::AwaitingDecision,
        EventKind::DailyDigest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Invitation => "invitation",
            EventKind::InviteReminder => "invite_reminder",
            EventKind::InterviewThanks => "interview_thanks",
            EventKind::Decision => "decision",
            EventKind::InterviewFinished => "interview_finished",
            EventKind::UploadFailed => "upload_failed",
            EventKind::StrongMatch => "strong_match",
            EventKind::AwaitingDecision => "awaiting_decision",
            EventKind::DailyDigest => "daily_digest",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn audience(self) -> Audience {
        match self {
            EventKind::Invitation | EventKind::InviteReminder | EventKind::InterviewThanks | EventKind::Decision => Audience::Candidate,
            _ => Audience::Staff,
        }
    }
}

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Email,
    Telegram,
    /// Kept for an admin to read in the web app: where messages land when no real channel is
    /// configured, so a demo shows everything it would have sent.
    Outbox,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Email => "email",
            ChannelKind::Telegram => "telegram",
            ChannelKind::Outbox => "outbox",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    Candidate(CandidateId),
    User(UserId),
}

impl Recipient {
    pub fn key(&self) -> String {
        match self {
            Recipient::Candidate(id) => format!("c-{id}"),
            Recipient::User(id) => format!("u-{id}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Being sent; a retry picks it up.
    Sending,
    Sent,
    /// Will not be sent: the reason says why (a bounce, a blocked bot, a missing variable).
    Failed,
    /// Not sent on purpose: the address unsubscribed or bounced earlier.
    Suppressed,
}

/// One message to one recipient on one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotificationRecord {
    /// The idempotency key: the event's key, the recipient and the channel. A second
    /// delivery of the same event finds it and sends nothing.
    pub key: String,
    pub event: EventKind,
    pub recipient: Recipient,
    /// The candidate this message is about (for the per-candidate log).
    pub candidate_id: Option<CandidateId>,
    pub channel: ChannelKind,
    /// The email address or the Telegram chat.
    pub address: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub status: DeliveryStatus,
    pub error: Option<String>,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The channels a staff member wants for each event kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Preferences {
    /// Event kinds missing here use [`Preferences::default_channels`].
    pub channels: std::collections::BTreeMap<EventKind, Vec<ChannelKind>>,
}

impl Preferences {
    pub fn default_channels() -> Vec<ChannelKind> {
        vec![ChannelKind::Email, ChannelKind::Telegram]
    }
    pub fn channels_for(&self, event: EventKind) -> Vec<ChannelKind> {
        self.channels.get(&event).cloned().unwrap_or_else(Self::default_channels)
    }
}
