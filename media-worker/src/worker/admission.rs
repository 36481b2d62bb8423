//! Admission of sessions: a slot per offer while it is answered, at most `capacity` sessions
//! live or pending, one live session per interview (a newer browser takes it over without a
//! new slot), and the slot given back when the session ends.

use super::{EndReason, Inner, Worker};
use crate::error::RtcError;
use otbor_domain::ids::ApplicationId;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::watch;
use uuid::Uuid;

/// The sessions of a worker: the live ones by interview, and the offers still being answered.
#[derive(Default)]
pub(super) struct Registry {
    pub(super) live: HashMap<ApplicationId, Live>,
    /// Offers admitted and still being answered.
    pub(super) pending: usize,
}

/// A live session as the registry sees it: how to stop it and how to know it is done.
pub(super) struct Live {
    pub(super) id: Uuid,
    pub(super) stop: watch::Sender<Option<EndReason>>,
    pub(super) done: watch::Receiver<bool>,
}

/// A slot held by an offer being answered; given back if the offer fails.
pub(super) struct Admission {
    inner: Arc<Inner>,
    counted: bool,
}

impl Drop for Admission {
    fn drop(&mut self) {
        if self.counted {
            self.inner.registry.lock().expect("registry lock").pending -= 1;
        }
    }
}

impl Admission {
    /// The offer is answered: its session becomes the interview's live one and the pending
    /// slot is given back. Returns the session it takes over, if any.
    pub(super) fn enter(self, application_id: ApplicationId, live: Live) -> Option<Live> {
        let previous = self
            .inner
            .registry
            .lock()
            .expect("registry lock")
            .live
            .insert(application_id, live);
        // The pending slot goes back only now, so that the session is counted throughout.
        drop(self);
        previous
    }
}

impl Worker {
    /// Holds a slot for an offer, or refuses when full. Taking over an interview's session
    /// needs no new slot.
    pub(super) fn admit(&self, application_id: ApplicationId) -> Result<Admission, RtcError> {
        if self.inner.closing.load(Ordering::SeqCst) {
            return Err(RtcError::Busy {
                retry_after: self.inner.config.retry_after,
            });
        }
        let mut reg = self.inner.registry.lock().expect("registry lock");
        if reg.live.contains_key(&application_id) {
            return Ok(Admission {
                inner: self.inner.clone(),
                counted: false,
            });
        }
        if reg.live.len() + reg.pending >= self.inner.config.capacity {
            return Err(RtcError::Busy {
                retry_after: self.inner.config.retry_after,
            });
        }
        reg.pending += 1;
        Ok(Admission {
            inner: self.inner.clone(),
            counted: true,
        })
    }
}

impl Inner {
    /// Frees the interview's slot when its session ends, unless a newer session has taken
    /// the interview over.
    pub(super) fn release(&self, application_id: ApplicationId, session_id: Uuid) {
        let mut reg = self.registry.lock().expect("registry lock");
        if reg
            .live
            .get(&application_id)
            .is_some_and(|l| l.id == session_id)
        {
            reg.live.remove(&application_id);
        }
    }
}
