//! Email over SMTP with lettre: STARTTLS or TLS and authentication from the URL, a plain-text
//! and an HTML part, and a `List-Unsubscribe` header for candidates. A permanent SMTP reply
//! (5xx: no such mailbox, address refused) is a bounce; anything else is retried.

use crate::{SendError, templates::Rendered};
use lettre::message::header::{self, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Clone)]
pub struct Email {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// `List-Unsubscribe`, which mail clients show as an "unsubscribe" button.
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_string()))
    }
    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

impl Email {
    /// `url` as lettre reads it: `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://…:465` (TLS), or `smtp://host:25` (plain, for a local relay).
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("OTBOR_SMTP_URL is not a valid SMTP URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("OTBOR_SMTP_FROM `{from}` is not an address: {e}"))?;
        Ok(Self { transport, from })
    }

    pub fn message(&self, to: &str, msg: &Rendered, unsubscribe: Option<&str>) -> Result<Message, SendError> {
        let to: Mailbox = to.parse().map_err(|e| SendError::Permanent(format!("the address `{to}` is not valid: {e}")))?;
        let mut b = Message::builder().from(self.from.clone()).to(to).subject(msg.subject.clone());
        if let Some(url) = unsubscribe {
            b = b.header(ListUnsubscribe(url.to_string()));
        }
        b.multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(msg.text.clone()))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(msg.html.clone())),
        )
        .map_err(|e| SendError::Permanent(format!("the message could not be built: {e}")))
    }

    pub async fn send(&self, to: &str, msg: &Rendered, unsubscribe: Option<&str>) -> Result<String, SendError> {
        let message = self.message(to, msg, unsubscribe)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(response.message().collect::<Vec<_>>().join(" ")),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(format!("the mail server refused the message: {e}"))),
            Err(e) => Err(SendError::Transient(format!("the mail server could not be reached or failed: {e}"))),
        }
    }
}
