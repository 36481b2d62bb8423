//! Stages and the runner that connects them, as in pipecat's frame processors: each stage
//! receives frames and pushes frames downstream; every link between two stages is a
//! two-priority queue in which system frames overtake queued data frames (an interruption is
//! not stuck behind seconds of audio). A stage that paces its output (the audio output) asks
//! for a timer through `deadline` instead of sleeping inside `process`.

use async_trait::async_trait;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::Instrument;

use crate::error::VoiceError;
use crate::frame::Frame;

/// The sending half of a link: system frames and data frames go into separate queues.
#[derive(Clone, Debug)]
pub struct LinkSender {
    system: mpsc::UnboundedSender<Frame>,
    data: mpsc::UnboundedSender<Frame>,
}

/// The receiving half: always drains the system queue first.
#[derive(Debug)]
pub struct LinkReceiver {
    system: mpsc::UnboundedReceiver<Frame>,
    data: mpsc::UnboundedReceiver<Frame>,
}

/// A two-priority queue between two stages.
pub fn link() -> (LinkSender, LinkReceiver) {
    let (system_tx, system_rx) = mpsc::unbounded_channel();
    let (data_tx, data_rx) = mpsc::unbounded_channel();
    (
        LinkSender {
            system: system_tx,
            data: data_tx,
        },
        LinkReceiver {
            system: system_rx,
            data: data_rx,
        },
    )
}

impl LinkSender {
    /// Queues a frame; returns false when the receiving side is gone.
    pub fn send(&self, frame: Frame) -> bool {
        let queue = if frame.is_system() {
            &self.system
        } else {
            &self.data
        };
        queue.send(frame).is_ok()
    }
}

impl LinkReceiver {
    /// The next frame, system frames first; `None` once both senders are gone and drained.
    pub async fn recv(&mut self) -> Option<Frame> {
        tokio::select! {
            biased;
            Some(frame) = self.system.recv() => Some(frame),
            Some(frame) = self.data.recv() => Some(frame),
            else => None,
        }
    }

    /// A frame if one is queued now (system first), without waiting.
    pub fn try_recv(&mut self) -> Option<Frame> {
        self.system
            .try_recv()
            .or_else(|_| self.data.try_recv())
            .ok()
    }

    /// Drops every queued data frame and returns how many were dropped (system frames stay).
    pub fn drain_data(&mut self) -> usize {
        let mut n = 0;
        while self.data.try_recv().is_ok() {
            n += 1;
        }
        n
    }
}

/// Where a stage pushes its frames: straight into the next link, so that a stage that
/// produces several frames (speech synthesis, sentence by sentence) lets the first ones leave
/// before it has finished.
#[derive(Clone, Debug)]
pub struct Emitter {
    tx: LinkSender,
}

impl Emitter {
    pub fn new(tx: LinkSender) -> Self {
        Self { tx }
    }

    pub fn push(&mut self, frame: Frame) {
        if !self.tx.send(frame) {
            tracing::trace!("downstream is gone; frame dropped");
        }
    }
}

/// One processing step. Frames a stage does not handle must be pushed on unchanged.
#[async_trait]
pub trait Stage: Send {
    fn name(&self) -> &'static str;

    async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError>;

    /// When the stage next wants `on_deadline` called (a pacing timer), if ever.
    fn deadline(&self) -> Option<Instant> {
        None
    }

    async fn on_deadline(&mut self, _out: &mut Emitter) -> Result<(), VoiceError> {
        Ok(())
    }
}

/// Runs one stage over a link until `End` or `Cancel` has passed through it or its input is
/// closed. A failure on one frame becomes an `Error` frame; the stage goes on.
pub async fn run_stage(mut stage: Box<dyn Stage>, mut input: LinkReceiver, mut out: Emitter) {
    loop {
        let deadline = stage.deadline();
        let frame = tokio::select! {
            biased;
            frame = input.recv() => match frame {
                Some(frame) => frame,
                None => break,
            },
            _ = sleep_until_opt(deadline), if deadline.is_some() => {
                if let Err(e) = stage.on_deadline(&mut out).await {
                    report(&mut out, stage.name(), e);
                }
                continue;
            }
        };
        let last = matches!(frame, Frame::End | Frame::Cancel);
        if matches!(frame, Frame::Cancel) {
            input.drain_data();
        }
        if let Err(e) = stage.process(frame, &mut out).await {
            report(&mut out, stage.name(), e);
        }
        if last {
            break;
        }
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn report(out: &mut Emitter, stage: &'static str, error: VoiceError) {
    tracing::warn!(stage, error = %error, "stage failed on a frame");
    out.push(Frame::Error {
        stage,
        message: error.to_string(),
    });
}

/// Stages chained by two-priority links, each on its own task.
pub struct Pipeline {
    input: LinkSender,
    output: LinkReceiver,
    tasks: Vec<JoinHandle<()>>,
}

impl Pipeline {
    pub fn spawn(stages: Vec<Box<dyn Stage>>) -> Self {
        let (input, mut rx) = link();
        let mut tasks = Vec::with_capacity(stages.len());
        for stage in stages {
            let (tx, next_rx) = link();
            // Each stage runs in the caller's span (a session's), so that its logs and timing
            // events say which session they belong to.
            tasks.push(tokio::spawn(
                run_stage(stage, rx, Emitter::new(tx)).in_current_span(),
            ));
            rx = next_rx;
        }
        Self {
            input,
            output: rx,
            tasks,
        }
    }

    /// Feeds a frame into the first stage.
    pub fn send(&self, frame: Frame) -> bool {
        self.input.send(frame)
    }

    /// A clone of the input, for a transport task.
    pub fn sender(&self) -> LinkSender {
        self.input.clone()
    }

    /// The next frame out of the last stage.
    pub async fn recv(&mut self) -> Option<Frame> {
        self.output.recv().await
    }

    /// Waits until every stage has stopped (after `End` or `Cancel`).
    pub async fn join(self) {
        drop(self.input);
        for task in self.tasks {
            let _ = task.await;
        }
    }

    pub fn abort(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Test and benchmark helper: runs one stage alone, frames in, frames out.
pub mod harness {
    use super::*;

    /// Feeds `frames` to the stage one by one, waits for each to be processed, and returns
    /// everything the stage pushed (timers are not run).
    pub async fn run<S: Stage + ?Sized>(stage: &mut S, frames: Vec<Frame>) -> Vec<Frame> {
        let (tx, mut rx) = link();
        let mut out = Emitter::new(tx);
        for frame in frames {
            stage.process(frame, &mut out).await.expect("stage failed");
        }
        drop(out);
        let mut got = Vec::new();
        while let Some(frame) = rx.recv().await {
            got.push(frame);
        }
        got
    }

    pub fn kinds(frames: &[Frame]) -> Vec<&'static str> {
        frames.iter().map(Frame::kind).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Audio;

    fn audio(n: i16) -> Frame {
        Frame::InputAudio(Audio::new(vec![n; 10], 16_000))
    }

    #[tokio::test]
    async fn an_interruption_overtakes_queued_audio() {
        let (tx, mut rx) = link();
        for n in 0..3 {
            tx.send(audio(n));
        }
        tx.send(Frame::Interruption);
        assert_eq!(rx.recv().await, Some(Frame::Interruption));
        assert_eq!(rx.recv().await, Some(audio(0)));
        assert_eq!(rx.recv().await, Some(audio(1)));
        assert_eq!(rx.recv().await, Some(audio(2)));
    }

    #[tokio::test]
    async fn data_frames_keep_their_order() {
        let (tx, mut rx) = link();
        tx.send(Frame::Transcription("a".into()));
        tx.send(Frame::UserTurnEnded);
        tx.send(Frame::Transcription("b".into()));
        drop(tx);
        let mut got = Vec::new();
        while let Some(f) = rx.recv().await {
            got.push(f);
        }
        assert_eq!(
            got,
            vec![
                Frame::Transcription("a".into()),
                Frame::UserTurnEnded,
                Frame::Transcription("b".into())
            ]
        );
    }

    /// Records the order in which it sees frames, and holds every audio frame until released,
    /// so that frames pile up in its input queue.
    struct Gate {
        seen: std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>,
        release: std::sync::Arc<tokio::sync::Semaphore>,
    }

    #[async_trait]
    impl Stage for Gate {
        fn name(&self) -> &'static str {
            "gate"
        }
        async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
            self.seen.lock().unwrap().push(frame.kind());
            if matches!(frame, Frame::InputAudio(_)) {
                self.release.acquire().await.unwrap().forget();
            }
            out.push(frame);
            Ok(())
        }
    }

    #[tokio::test]
    async fn in_a_running_pipeline_an_interruption_passes_audio_waiting_for_a_busy_stage() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let release = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
        let mut pipeline = Pipeline::spawn(vec![Box::new(Gate {
            seen: seen.clone(),
            release: release.clone(),
        })]);
        for n in 0..3 {
            pipeline.send(audio(n));
        }
        // Wait until the stage is stuck on the first audio frame with two more queued.
        while seen.lock().unwrap().is_empty() {
            tokio::task::yield_now().await;
        }
        pipeline.send(Frame::Interruption);
        pipeline.send(Frame::End);
        release.add_permits(3);
        let mut out = Vec::new();
        while let Some(f) = pipeline.recv().await {
            out.push(f.kind());
        }
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                "InputAudio",
                "Interruption",
                "InputAudio",
                "InputAudio",
                "End"
            ]
        );
        // Downstream the interruption overtakes again whatever audio is still queued there.
        assert_eq!(out.len(), 5);
        assert_eq!(out.last(), Some(&"End"));
        let interruption = out.iter().position(|k| *k == "Interruption").unwrap();
        assert!(interruption <= 1, "{out:?}");
    }

    struct Failing;

    #[async_trait]
    impl Stage for Failing {
        fn name(&self) -> &'static str {
            "failing"
        }
        async fn process(&mut self, frame: Frame, out: &mut Emitter) -> Result<(), VoiceError> {
            if matches!(frame, Frame::Transcription(_)) {
                return Err(VoiceError::Audio("broken".into()));
            }
            out.push(frame);
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_stage_that_fails_on_one_frame_reports_it_and_goes_on() {
        let mut pipeline = Pipeline::spawn(vec![Box::new(Failing)]);
        pipeline.send(Frame::Transcription("x".into()));
        pipeline.send(Frame::UserTurnEnded);
        pipeline.send(Frame::End);
        let mut out = Vec::new();
        while let Some(f) = pipeline.recv().await {
            out.push(f);
        }
        assert!(
            matches!(&out[0], Frame::Error { stage: "failing", message } if message.contains("broken"))
        );
        assert_eq!(out[1..], [Frame::UserTurnEnded, Frame::End]);
    }
}
