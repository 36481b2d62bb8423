//! The speaker of a session: the AI's voice sent to the page in real time, and recorded.

use crate::recording::TrackRecorder;
use crate::session::OutboundFrame;
use rtc::media::Sample;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;

/// Plays the AI's voice: each 20 ms frame goes out when due (real time), frames from before
/// an interruption are dropped, and everything played is recorded.
pub(super) async fn speak(
    voice: Arc<TrackLocalStaticSample>,
    payload_type: u8,
    mut frames: mpsc::Receiver<OutboundFrame>,
    generation: Arc<AtomicU64>,
    mut recorder: TrackRecorder,
) {
    const FRAME: Duration = Duration::from_millis(20);
    let ssrc = voice.ssrcs().await.first().copied().unwrap_or(0);
    let start = Instant::now();
    let mut next_due = start;
    let mut last_ts: Option<u32> = None;
    let mut ticker = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            frame = frames.recv() => {
                let Some(frame) = frame else { break };
                if frame.generation < generation.load(Ordering::SeqCst) {
                    continue;
                }
                let now = Instant::now();
                if next_due > now {
                    tokio::time::sleep_until(next_due).await;
                    if frame.generation < generation.load(Ordering::SeqCst) {
                        continue;
                    }
                } else if now - next_due > FRAME * 3 {
                    // After a pause the clock restarts instead of bursting to catch up.
                    next_due = now;
                }
                next_due += FRAME;
                let sample = Sample { data: frame.payload.clone(), duration: FRAME, ..Sample::new(std::time::Instant::now()) };
                if let Err(e) = voice.sample_writer(ssrc, payload_type).write_sample(&sample).await {
                    tracing::trace!(error = %e, "voice frame not sent");
                }
                // A 48 kHz clock that follows wall time across pauses, for the recording.
                let wall = ((Instant::now() - start).as_millis() as u64 * 48) as u32;
                let ts = last_ts.map_or(wall, |l| wall.max(l.wrapping_add(960)));
                last_ts = Some(ts);
                recorder.push_audio(Instant::now(), &frame.payload, ts);
            }
            _ = ticker.tick() => recorder.tick(Instant::now()),
        }
    }
    recorder.finish();
}
