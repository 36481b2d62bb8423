//! What the stages share about the bot's speech: whether it is speaking (so that candidate
//! speech counts as barge-in), an interruption counter (so that synthesis of an interrupted
//! reply stops), and what was heard of the last interrupted reply (for the interview engine).
//! A shared record instead of upstream frames keeps the pipeline one-directional.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::frame::Heard;

#[derive(Clone, Default, Debug)]
pub struct SpeechLedger {
    inner: Arc<Inner>,
}

#[derive(Default, Debug)]
struct Inner {
    bot_speaking: AtomicBool,
    interruptions: AtomicU64,
    heard: Mutex<Option<Heard>>,
}

impl SpeechLedger {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn bot_speaking(&self) -> bool {
        self.inner.bot_speaking.load(Ordering::Acquire)
    }

    pub fn set_bot_speaking(&self, speaking: bool) {
        self.inner.bot_speaking.store(speaking, Ordering::Release);
    }

    /// Counts an interruption; returns the new count.
    pub fn interrupt(&self) -> u64 {
        self.inner.interruptions.fetch_add(1, Ordering::AcqRel) + 1
    }

    pub fn interruptions(&self) -> u64 {
        self.inner.interruptions.load(Ordering::Acquire)
    }

    pub fn record_heard(&self, heard: Heard) {
        *self.inner.heard.lock().expect("ledger lock") = Some(heard);
    }

    /// What was heard of the last interrupted reply, once.
    pub fn take_heard(&self) -> Option<Heard> {
        self.inner.heard.lock().expect("ledger lock").take()
    }
}
