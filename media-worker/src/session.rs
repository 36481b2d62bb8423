//! The seam between the transport and the conversation logic: per session the transport hands a
//! [`Conversation`] a [`MediaIo`] (Opus in and out, events in and out) and a [`SessionContext`].
//! The voice pipeline (crate `otbor-voice`) implements `Conversation`; nothing here knows it.

use crate::protocol::{ClientEvent, ServerEvent};
use bytes::Bytes;
use otbor_app::AppState;
use otbor_app::interview::InterviewView;
use otbor_domain::Lang;
use otbor_domain::ids::ApplicationId;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;
use uuid::Uuid;

/// One Opus packet from the candidate, as it arrived (no reordering, no jitter buffer).
#[derive(Clone, Debug)]
pub struct InboundAudio {
    pub payload: Bytes,
    /// 48 kHz RTP clock.
    pub rtp_timestamp: u32,
    pub sequence_number: u16,
}

/// How many outbound frames may wait for the wire: 2 x 20 ms. Everything else waits in the
/// producer, so an interruption drops at most this much.
pub const AUDIO_OUT_QUEUE: usize = 2;

/// The AI's voice towards the candidate: Opus packets of 20 ms each.
///
/// The transport writes each frame as it arrives, paced at real time (a producer that runs
/// ahead waits in [`AudioOut::send`]). [`AudioOut::interrupt`] (barge-in) drops whatever was
/// sent before it and has not reached the wire yet.
#[derive(Clone)]
pub struct AudioOut {
    pub(crate) tx: mpsc::Sender<OutboundFrame>,
    pub(crate) generation: Arc<AtomicU64>,
}

pub(crate) struct OutboundFrame {
    pub payload: Bytes,
    pub generation: u64,
}

impl AudioOut {
    pub(crate) fn new() -> (Self, mpsc::Receiver<OutboundFrame>) {
        let (tx, rx) = mpsc::channel(AUDIO_OUT_QUEUE);
        (
            Self {
                tx,
                generation: Arc::new(AtomicU64::new(0)),
            },
            rx,
        )
    }

    /// Queues one 20 ms Opus packet; waits while the queue is full. `false` once the session
    /// has ended.
    pub async fn send(&self, opus_20ms: Bytes) -> bool {
        let generation = self.generation.load(Ordering::SeqCst);
        self.tx
            .send(OutboundFrame {
                payload: opus_20ms,
                generation,
            })
            .await
            .is_ok()
    }

    /// Stops the AI's audio at once: frames queued before this call are dropped.
    pub fn interrupt(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether the session is over (nothing will be played any more).
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// Events towards the candidate's page (the data channel). Events sent before the page's
/// channel opens are delivered once it does.
#[derive(Clone)]
pub struct EventsOut {
    pub(crate) tx: mpsc::Sender<ServerEvent>,
}

impl EventsOut {
    /// `false` once the session has ended.
    pub async fn send(&self, event: ServerEvent) -> bool {
        self.tx.send(event).await.is_ok()
    }
}

/// The media and events of one session, as the conversation logic sees them.
pub struct MediaIo {
    /// The candidate's voice; ends when the session ends.
    pub audio_in: mpsc::Receiver<InboundAudio>,
    pub audio_out: AudioOut,
    /// Messages from the page, already parsed (malformed ones were answered with a notice).
    pub events_in: mpsc::Receiver<ClientEvent>,
    pub events_out: EventsOut,
}

/// Who the session is for and how to reach the interview.
#[derive(Clone)]
pub struct SessionContext {
    pub session_id: Uuid,
    pub application_id: ApplicationId,
    /// The invite token of the link, to call the interview functions (`answer`, `finish`).
    /// A secret: never log it.
    pub token: Arc<str>,
    pub api: AppState,
    /// The language of the candidate's page (from the offer's `Accept-Language`).
    pub lang: Lang,
    /// The interview as it stood when the session opened (started or resumed).
    pub interview: Arc<InterviewView>,
}

impl std::fmt::Debug for SessionContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionContext")
            .field("session_id", &self.session_id)
            .field("application_id", &self.application_id)
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

/// The conversation logic of a session, chosen once at start-up. `run` returns when the
/// conversation is over (the interview finished, or the session's channels closed); the
/// transport then ends the session.
#[async_trait::async_trait]
pub trait Conversation: Send + Sync + 'static {
    async fn run(&self, io: MediaIo, ctx: SessionContext);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_interruption_marks_every_frame_queued_before_it_as_stale() {
        let (out, mut rx) = AudioOut::new();
        assert!(out.send(Bytes::from_static(b"a")).await);
        assert!(out.send(Bytes::from_static(b"b")).await);
        out.interrupt();
        let sender = out.clone();
        let late = tokio::spawn(async move { sender.send(Bytes::from_static(b"c")).await });
        let current = |f: &OutboundFrame| f.generation >= out.generation.load(Ordering::SeqCst);
        let (a, b) = (rx.recv().await.unwrap(), rx.recv().await.unwrap());
        assert!(
            !current(&a) && !current(&b),
            "queued before the interruption: dropped"
        );
        let c = rx.recv().await.unwrap();
        assert!(late.await.unwrap());
        assert!(current(&c) && c.payload == "c", "sent after it: played");
        drop(rx);
        assert!(
            !out.send(Bytes::from_static(b"d")).await && out.is_closed(),
            "the session is over"
        );
    }
}
