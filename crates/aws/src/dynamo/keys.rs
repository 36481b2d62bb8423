//! The layout of the single DynamoDB table: which key each entity lives under and which
//! attributes its item carries.
//!
//! | item | pk | sk | other attributes |
//! |---|---|---|---|
//! | user | `USER#<id>` | `USER` | `type`, `created`, `doc` |
//! | email -> user | `USER_EMAIL#<email>` | `USER_EMAIL` | `user_id` |
//! | session | `SESSION#<token hash>` | `SESSION` | `doc` |
//! | candidate | `CAND#<id>` | `CAND` | `type`, `created`, `doc`, `version` |
//! | vacancy | `VAC#<id>` | `VAC` | `type`, `created`, `doc`, `version` |
//! | application | `APP#<id>` | `APP` | `type`, `created`, `doc`, `version` |
//! | history entry | `APP#<id>` | `HIST#<version it produced, 10 digits>` | `doc` |
//! | candidate x vacancy | `APP_PAIR#<candidate>#<vacancy>` | `APP_PAIR` | `application_id` |
//! | invite | `INVITE#<token hash>` | `INVITE` | `doc`, `version` |
//! | interview | `APP#<application id>` | `INTERVIEW` | `doc`, `version` |
//! | evaluation | `APP#<application id>` | `EVALUATION` | `doc` |
//! | upload | `UPLOAD#<id>` | `UPLOAD` | `type`, `created`, `doc`, `version` |
//! | match, by candidate | `MATCH_C#<candidate>` | `<vacancy>` | `doc` |
//! | match, by vacancy | `MATCH_V#<vacancy>` | `<candidate>` | `doc` (the same document) |
//! | notification | `NOTE#<idempotency key>` | `NOTE` | `type`, `created`, `doc` |
//! | entry (preferences, templates, codes...) | `ENTRY` | `<key>` | `doc` |
//!
//! The GSI `by_type` (`type`, `created` = RFC 3339 time + `#` + id) lists the entities of a
//! type. Finding a candidate by email or phone scans the candidates through it rather than
//! keeping lookup items: a candidate's contacts change with every edit and every resume, and
//! lookup items would have to move with them in a transaction on each of those writes, for a
//! lookup that runs once per uploaded resume. Each match is stored twice, once in its
//! candidate's partition and once in its vacancy's, so that either side is one query; the
//! stores write and delete the two together. History entries are keyed by the version their transition produced rather than by
//! their time: that is the order in which the writes won, whatever the writers' clocks say,
//! and it makes two writers of the same version collide on the same key.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::HashMap;
use std::fmt::Display;

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) const PK: &str = "pk";
pub(crate) const SK: &str = "sk";
pub(crate) const TYPE: &str = "type";
pub(crate) const CREATED: &str = "created";
pub(crate) const DOC: &str = "doc";
pub(crate) const VERSION: &str = "version";
pub(crate) const BY_TYPE: &str = "by_type";

/// The entities listed through the `by_type` index.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Listed {
    User,
    Candidate,
    Vacancy,
    Application,
    Upload,
    Notification,
}

impl Listed {
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Listed::User => "USER",
            Listed::Candidate => "CANDIDATE",
            Listed::Vacancy => "VACANCY",
            Listed::Application => "APPLICATION",
            Listed::Upload => "UPLOAD",
            Listed::Notification => "NOTIFICATION",
        }
    }
    pub(crate) fn sk(self) -> &'static str {
        match self {
            Listed::User => "USER",
            Listed::Candidate => "CAND",
            Listed::Vacancy => "VAC",
            Listed::Application => "APP",
            Listed::Upload => "UPLOAD",
            Listed::Notification => "NOTE",
        }
    }
    pub(crate) fn pk(self, id: impl Display) -> String {
        format!("{}#{id}", self.sk())
    }
    pub(crate) fn key(self, id: impl Display) -> Key {
        Key {
            pk: self.pk(id),
            sk: self.sk().to_owned(),
        }
    }
}

/// The primary key of one item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub(crate) fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }
    pub(crate) fn to_item(&self) -> Item {
        HashMap::from([
            (PK.to_owned(), AttributeValue::S(self.pk.clone())),
            (SK.to_owned(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

pub(crate) fn user_email(email: &str) -> Key {
    Key::new(format!("USER_EMAIL#{email}"), "USER_EMAIL")
}

pub(crate) fn session(token_hash: &str) -> Key {
    Key::new(format!("SESSION#{token_hash}"), "SESSION")
}

pub(crate) fn invite(token_hash: &str) -> Key {
    Key::new(format!("INVITE#{token_hash}"), "INVITE")
}

pub(crate) fn app_pair(candidate: impl Display, vacancy: impl Display) -> Key {
    Key::new(format!("APP_PAIR#{candidate}#{vacancy}"), "APP_PAIR")
}

pub(crate) fn candidate_matches(candidate: impl Display) -> String {
    format!("MATCH_C#{candidate}")
}

pub(crate) fn vacancy_matches(vacancy: impl Display) -> String {
    format!("MATCH_V#{vacancy}")
}

/// The two items of one match: in its candidate's partition and in its vacancy's.
pub(crate) fn match_twins(candidate: impl Display, vacancy: impl Display) -> [Key; 2] {
    [
        Key::new(candidate_matches(&candidate), vacancy.to_string()),
        Key::new(vacancy_matches(&vacancy), candidate.to_string()),
    ]
}

pub(crate) const HISTORY_PREFIX: &str = "HIST#";

pub(crate) fn history(application: impl Display, version: u64) -> Key {
    Key::new(
        Listed::Application.pk(application),
        format!("{HISTORY_PREFIX}{version:010}"),
    )
}

/// Fixed-width UTC time first, so that the index's string order is the creation order.
pub(crate) fn created(at: DateTime<Utc>, id: impl Display) -> String {
    format!("{}#{id}", at.to_rfc3339_opts(SecondsFormat::Micros, true))
}

pub(crate) fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// The interview of an application: in the application's partition.
pub(crate) fn interview(application: impl Display) -> Key {
    Key::new(format!("APP#{application}"), "INTERVIEW")
}

/// The evaluation of an application: in the application's partition.
pub(crate) fn evaluation(application: impl Display) -> Key {
    Key::new(format!("APP#{application}"), "EVALUATION")
}

/// The partition of the notify store's small documents; few and small, read by key.
pub(crate) const ENTRIES: &str = "ENTRY";

pub(crate) fn entry(key: &str) -> Key {
    Key::new(ENTRIES, key)
}
