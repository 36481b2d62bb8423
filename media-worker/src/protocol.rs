//! The data channel protocol (label `events`): JSON text messages between the worker and the
//! candidate's page, as agreed with the web app. Keep the shapes exactly.

use serde::{Deserialize, Serialize};

/// The label of the data channel the browser creates.
pub const EVENTS_LABEL: &str = "events";

/// The longest client message read; longer ones are answered with a notice.
pub const MAX_CLIENT_MESSAGE: usize = 16 * 1024;

/// What the AI is doing, for the candidate's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AiState {
    Listening,
    Thinking,
    Speaking,
}

/// Why the worker closed the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseCode {
    /// A newer browser (tab, device) took the interview over.
    TakenOver,
    /// The invite link expired.
    Expired,
    Error,
}

/// Worker -> page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    State {
        state: AiState,
    },
    /// The question being asked; `number` is its turn number in the transcript.
    Question {
        number: u32,
        text: String,
    },
    /// The candidate's answer as recognised or typed.
    Answer {
        number: u32,
        text: String,
    },
    Progress {
        done: u32,
        planned: u32,
    },
    Notice {
        text: String,
    },
    Finished,
    Closed {
        code: CloseCode,
        message: String,
    },
}

impl ServerEvent {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("server events always serialise")
    }
}

/// Page -> worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientEvent {
    /// A typed answer; it counts like a spoken one.
    Text { text: String },
    /// The candidate ends the interview.
    Finish,
}

/// Why a client message was not understood, in both languages.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    pub ru: String,
    pub en: String,
}

impl ClientEvent {
    /// Parses one data channel message; binary, oversized or unknown messages are refused
    /// with a reason the page can show.
    pub fn parse(is_text: bool, data: &[u8]) -> Result<Self, Unreadable> {
        if !is_text {
            return Err(Unreadable {
                ru: "двоичные сообщения не поддерживаются; ожидается JSON".into(),
                en: "binary messages are not supported; JSON text is expected".into(),
            });
        }
        if data.len() > MAX_CLIENT_MESSAGE {
            return Err(Unreadable {
                ru: format!("сообщение слишком длинное (больше {MAX_CLIENT_MESSAGE} байт)"),
                en: format!("the message is too long (over {MAX_CLIENT_MESSAGE} bytes)"),
            });
        }
        serde_json::from_slice(data).map_err(|e| Unreadable {
            ru: format!("непонятное сообщение (ожидается {{\"type\":\"text\",\"text\":\"...\"}} или {{\"type\":\"finish\"}}): {e}"),
            en: format!("message not understood (expected {{\"type\":\"text\",\"text\":\"...\"}} or {{\"type\":\"finish\"}}): {e}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_events_have_the_agreed_shapes() {
        let cases = [
            (
                ServerEvent::State {
                    state: AiState::Listening,
                },
                json!({"type": "state", "state": "listening"}),
            ),
            (
                ServerEvent::Question {
                    number: 1,
                    text: "Q".into(),
                },
                json!({"type": "question", "number": 1, "text": "Q"}),
            ),
            (
                ServerEvent::Answer {
                    number: 2,
                    text: "A".into(),
                },
                json!({"type": "answer", "number": 2, "text": "A"}),
            ),
            (
                ServerEvent::Progress {
                    done: 1,
                    planned: 4,
                },
                json!({"type": "progress", "done": 1, "planned": 4}),
            ),
            (
                ServerEvent::Notice { text: "n".into() },
                json!({"type": "notice", "text": "n"}),
            ),
            (ServerEvent::Finished, json!({"type": "finished"})),
            (
                ServerEvent::Closed {
                    code: CloseCode::TakenOver,
                    message: "m".into(),
                },
                json!({"type": "closed", "code": "taken_over", "message": "m"}),
            ),
        ];
        for (event, expected) in cases {
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&event.to_json()).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn client_events_parse_and_garbage_is_refused_with_a_reason() {
        assert_eq!(
            ClientEvent::parse(true, br#"{"type":"text","text":"hi"}"#),
            Ok(ClientEvent::Text { text: "hi".into() })
        );
        assert_eq!(
            ClientEvent::parse(true, br#"{"type":"finish"}"#),
            Ok(ClientEvent::Finish)
        );
        for bad in [
            &b"not json"[..],
            br#"{"type":"dance"}"#,
            br#"{"type":"text"}"#,
            br#"{"type":"text","text":1}"#,
            b"\xff\xfe",
        ] {
            let e = ClientEvent::parse(true, bad).unwrap_err();
            assert!(e.en.contains("not understood"), "{e:?}");
        }
        assert!(ClientEvent::parse(false, b"{}").is_err());
        assert!(
            ClientEvent::parse(true, &vec![b' '; MAX_CLIENT_MESSAGE + 1])
                .unwrap_err()
                .en
                .contains("too long")
        );
    }
}
