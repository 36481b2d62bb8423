//! The live sessions of one worker: admission (capacity, one session per interview, the newer
//! browser takes over), opening a session from an offer, and each session's life until it
//! ends (conversation over, connection lost, taken over, link expired, shutdown), after which
//! its recordings are complete and its slot is free.
//!
//! This module holds the worker and its answer to an offer; the steps are beside it:
//! `admission` (slots and the registry of live sessions), `negotiate` (the SDP answer),
//! `session_loop` (a session from start to end), and the tasks a session runs: `events`
//! (the data channel), `rtp` (the candidate's tracks) and `speaker` (the AI's voice).

mod admission;
mod events;
mod negotiate;
mod rtp;
mod session_loop;
mod speaker;

use crate::config::WorkerConfig;
use crate::error::RtcError;
use crate::sdp::check_offer;
use crate::session::{Conversation, SessionContext};
use admission::{Live, Registry};
use otbor_app::AppState;
use otbor_app::error::AppError;
use otbor_app::interview::{current, start_interview};
use otbor_domain::DomainError;
use otbor_domain::interview::Channel;
use otbor_domain::secret::TokenHash;
use session_loop::run_session;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The conversation is over (the interview finished).
    ConversationOver,
    /// A newer browser opened the same interview.
    TakenOver,
    /// The invite link expired during the call.
    Expired,
    /// ICE or DTLS failed, or the connection dropped and did not come back.
    ConnectionLost,
    /// The browser never connected after the answer.
    ConnectTimeout,
    /// The worker is shutting down.
    Shutdown,
}

/// The media worker: holds the live sessions, at most `capacity` of them.
#[derive(Clone)]
pub struct Worker {
    inner: Arc<Inner>,
}

/// What the clones of a worker share.
struct Inner {
    api: AppState,
    config: WorkerConfig,
    conversation: Arc<dyn Conversation>,
    registry: Mutex<Registry>,
    port_cursor: AtomicUsize,
    /// Set by `shutdown`: new offers are refused as if full.
    closing: AtomicBool,
}

/// The answer to an offer.
pub struct Answer {
    pub session_id: Uuid,
    pub sdp: String,
}

/// A summary of a session that has ended, for tests and logs.
#[derive(Clone, Debug)]
pub struct Ended {
    pub session_id: Uuid,
    pub reason: EndReason,
}

impl Worker {
    /// The worker; started inside a Tokio runtime, it also joins, in the background, the
    /// recordings an earlier worker left unjoined ([`crate::assemble::recover`]).
    pub fn new(api: AppState, config: WorkerConfig, conversation: Arc<dyn Conversation>) -> Self {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let api = api.clone();
            runtime.spawn(async move {
                let joined = crate::assemble::recover(&api).await;
                if joined > 0 {
                    tracing::info!(joined, "recordings left unjoined by an earlier worker are joined");
                }
            });
        }
        Self {
            inner: Arc::new(Inner {
                api,
                config,
                conversation,
                registry: Mutex::new(Registry::default()),
                port_cursor: AtomicUsize::new(0),
                closing: AtomicBool::new(false),
            }),
        }
    }

    pub fn config(&self) -> &WorkerConfig {
        &self.inner.config
    }

    pub fn api(&self) -> &AppState {
        &self.inner.api
    }

    /// Sessions live now (connected or connecting).
    pub fn active_sessions(&self) -> usize {
        self.inner
            .registry
            .lock()
            .expect("registry lock")
            .live
            .len()
    }

    /// Ends every session (each is told the server is restarting) and waits, at most
    /// `limit`, until their recordings are stored.
    pub async fn shutdown(&self, limit: Duration) {
        self.inner.closing.store(true, Ordering::SeqCst);
        let waits: Vec<_> = {
            let reg = self.inner.registry.lock().expect("registry lock");
            reg.live
                .values()
                .map(|l| {
                    l.stop.send_replace(Some(EndReason::Shutdown));
                    l.done.clone()
                })
                .collect()
        };
        let all = futures::future::join_all(waits.into_iter().map(|mut d| async move {
            let _ = d.wait_for(|done| *done).await;
        }));
        let _ = tokio::time::timeout(limit, all).await;
    }

    /// Answers the candidate's offer: checks the link and the offer, admits the session
    /// (or refuses: full), starts or resumes the interview on the voice channel and opens the
    /// session. A session already open for the interview is taken over.
    #[tracing::instrument(skip_all, fields(session_id))]
    pub async fn offer(&self, token: &str, sdp: &str) -> Result<Answer, RtcError> {
        let inner = &self.inner;
        let view = current(&inner.api, token).await?;
        if !view.consent_given {
            return Err(AppError::from(DomainError::ConsentRequired).into());
        }
        if view.chat.as_ref().is_some_and(|c| c.finished) {
            return Err(AppError::InterviewFinished.into());
        }
        check_offer(sdp)?;
        let application_id = inner
            .api
            .records
            .invite_by_token(&TokenHash::of(token))
            .await?
            .and_then(|i| i.application_id)
            .ok_or_else(|| RtcError::App(DomainError::ConsentRequired.into()))?;
        let admission = self.admit(application_id)?;
        let session_id = Uuid::now_v7();
        tracing::Span::current().record("session_id", tracing::field::display(session_id));
        // The media side first: an offer the stack refuses, or no free port, must not start
        // the interview.
        let opened = self.open(session_id, sdp).await?;
        let view = match start_interview(&inner.api, token, Channel::Voice).await {
            Ok(view) => view,
            Err(e) => {
                let _ = opened.pc.close().await;
                return Err(e.into());
            }
        };
        let (stop_tx, stop_rx) = watch::channel(None);
        let (done_tx, done_rx) = watch::channel(false);
        let live = Live {
            id: session_id,
            stop: stop_tx,
            done: done_rx,
        };
        if let Some(old) = admission.enter(application_id, live) {
            tracing::info!(%application_id, old = %old.id, new = %session_id, "a newer browser takes the interview over");
            old.stop.send_replace(Some(EndReason::TakenOver));
        }
        let ctx = SessionContext {
            session_id,
            application_id,
            token: Arc::from(token),
            api: inner.api.clone(),
            lang: otbor_app::error::lang(),
            interview: Arc::new(view),
        };
        let sdp = opened.answer.clone();
        tokio::spawn(run_session(inner.clone(), opened, ctx, stop_rx, done_tx));
        tracing::info!(%application_id, %session_id, "voice session opened");
        Ok(Answer { session_id, sdp })
    }
}
