//! A recogniser that answers at once with configured text: for tests and for benchmarks that
//! measure the pipeline without a recogniser's delay. It records what it was sent, so tests
//! can check that only speech segments reach recognition.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use otbor_domain::speech::{Audio, Recognizer, SpeechError};

#[derive(Clone, Default)]
pub struct FakeRecognizer {
    inner: Arc<Mutex<FakeState>>,
}

#[derive(Default)]
struct FakeState {
    answers: VecDeque<String>,
    fallback: String,
    received: Vec<Audio>,
}

impl FakeRecognizer {
    /// Answers `text` to every segment.
    pub fn always(text: impl Into<String>) -> Self {
        let f = Self::default();
        f.inner.lock().expect("fake lock").fallback = text.into();
        f
    }

    /// Answers these texts in turn, then `fallback`.
    pub fn script<I: IntoIterator<Item = S>, S: Into<String>>(
        answers: I,
        fallback: impl Into<String>,
    ) -> Self {
        let f = Self::always(fallback);
        f.inner.lock().expect("fake lock").answers = answers.into_iter().map(Into::into).collect();
        f
    }

    /// The segments received so far.
    pub fn received(&self) -> Vec<Audio> {
        self.inner.lock().expect("fake lock").received.clone()
    }
}

#[async_trait]
impl Recognizer for FakeRecognizer {
    fn name(&self) -> &'static str {
        "fake"
    }

    async fn transcribe(&self, segment: &Audio) -> Result<String, SpeechError> {
        let mut s = self.inner.lock().expect("fake lock");
        s.received.push(segment.clone());
        Ok(s.answers.pop_front().unwrap_or_else(|| s.fallback.clone()))
    }
}
