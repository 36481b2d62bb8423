//! The candidates: each a `webrtc` peer on loopback (like the browser of the tests) that
//! signals over HTTP, sends its microphone as a browser does (a 20 ms Opus packet every 20 ms,
//! silence between answers), waits for the question's audio, answers with espeak-ng speech
//! and measures, on the monotonic clock shared with the worker process:
//! - the end of its own speech -> the first AI audio packet received (voice turn latency);
//! - on barge-in rounds, the onset of its speech over the question -> the last AI packet
//!   before the AI falls silent.

use super::monotonic_ns;
use bytes::Bytes;
use otbor_voice::codec::Encoder;
use otbor_voice::resample::Resampler;
use rtc::media::Sample;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::MIME_TYPE_OPUS;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use webrtc::data_channel::DataChannelEvent;
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCIceGatheringState, RTCPeerConnectionState, RTCSessionDescription, SettingEngineBuilder,
};

const FRAME_NS: u64 = 20_000_000;
/// A sample above this is voice (espeak's clips start and end with near-silence).
const VOICED: u16 = 300;

/// The candidate's spoken answer: 20 ms Opus packets and where the voice starts and ends.
pub struct Clip {
    pub packets: Vec<Bytes>,
    pub silence: Bytes,
    /// Offsets of the first and last voiced sample from the start of the clip.
    pub voice_start_ns: u64,
    pub voice_end_ns: u64,
}

impl Clip {
    /// espeak-ng speaks `text` (Russian), at 48 kHz, encoded at 64 kbit/s like a browser.
    pub fn espeak(text: &str) -> anyhow::Result<Clip> {
        let out = std::process::Command::new("espeak-ng")
            .args(["-v", "ru", "--stdout", text])
            .output()
            .map_err(|e| anyhow::anyhow!("espeak-ng: {e}"))?;
        anyhow::ensure!(out.status.success(), "espeak-ng failed");
        let audio = otbor_voice::wav::parse(&out.stdout)?;
        let pcm = Resampler::new(audio.sample_rate, 48_000)?.process(&audio.samples);
        let first = pcm
            .iter()
            .position(|s| s.unsigned_abs() > VOICED)
            .unwrap_or(0);
        let last = pcm
            .iter()
            .rposition(|s| s.unsigned_abs() > VOICED)
            .unwrap_or(0);
        let mut enc = Encoder::new(64_000)?;
        let packets = enc.encode_clip(&pcm)?;
        let silence = enc.encode_clip(&[0; 960])?.remove(0);
        Ok(Clip {
            packets,
            silence,
            voice_start_ns: first as u64 * 1_000_000_000 / 48_000,
            voice_end_ns: last as u64 * 1_000_000_000 / 48_000,
        })
    }

    pub fn voiced_ms(&self) -> u64 {
        (self.voice_end_ns - self.voice_start_ns) / 1_000_000
    }
}

/// One answer and what was heard after it.
#[derive(Clone, Debug)]
pub struct Turn {
    pub speech_start_ns: u64,
    pub speech_end_ns: u64,
    /// The first AI packet after the end of the speech.
    pub reply_rx_ns: u64,
    /// The answer was given over the question (a barge-in round).
    #[allow(dead_code)]
    pub barge_in: bool,
    /// AI audio arrived while the candidate was still speaking (the turn was taken early):
    /// not a clean measurement.
    pub overlapped: bool,
}

#[derive(Clone, Debug)]
pub struct BargeIn {
    pub onset_ns: u64,
    /// The last AI packet before silence.
    pub stop_ns: u64,
}

#[derive(Debug, Default)]
pub struct SessionResult {
    pub app: String,
    pub turns: Vec<Turn>,
    pub barge_ins: Vec<BargeIn>,
    /// Barge-in rounds where the question had already ended before the candidate spoke.
    pub barge_missed: usize,
    pub error: Option<String>,
}

struct Handler {
    gathered: watch::Sender<bool>,
    state: watch::Sender<RTCPeerConnectionState>,
    ai_audio: mpsc::UnboundedSender<u64>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            self.gathered.send_replace(true);
        }
    }
    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        self.state.send_replace(state);
    }
    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let tx = self.ai_audio.clone();
        tokio::spawn(async move {
            while let Some(e) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(_) = e {
                    let _ = tx.send(monotonic_ns());
                }
            }
        });
    }
}

/// Ask the microphone to play the clip once; it reports the wall times of the voice's onset
/// and end (a packet sent at `t` holds the 20 ms captured before `t`).
struct Speak {
    onset: oneshot::Sender<u64>,
    end: oneshot::Sender<u64>,
}

/// Sends a packet every 20 ms until `stop`: the clip when asked, silence otherwise.
async fn microphone(
    track: Arc<TrackLocalStaticSample>,
    ssrc: u32,
    pt: u8,
    clip: Arc<Clip>,
    mut commands: mpsc::UnboundedReceiver<Speak>,
    stop: Arc<AtomicBool>,
) {
    let onset_pkt = (clip.voice_start_ns / FRAME_NS) as usize;
    let end_pkt = ((clip.voice_end_ns / FRAME_NS) as usize).min(clip.packets.len() - 1);
    struct Playing {
        i: usize,
        onset: Option<oneshot::Sender<u64>>,
        end: Option<oneshot::Sender<u64>>,
    }
    let mut playing: Option<Playing> = None;
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    while !stop.load(Ordering::Relaxed) {
        tick.tick().await;
        if playing.is_none()
            && let Ok(Speak { onset, end }) = commands.try_recv()
        {
            playing = Some(Playing {
                i: 0,
                onset: Some(onset),
                end: Some(end),
            });
        }
        let data = match &playing {
            Some(p) => clip.packets[p.i].clone(),
            None => clip.silence.clone(),
        };
        let sample = Sample {
            data,
            duration: Duration::from_millis(20),
            ..Sample::new(std::time::Instant::now())
        };
        if track
            .sample_writer(ssrc, pt)
            .write_sample(&sample)
            .await
            .is_err()
        {
            break;
        }
        let sent = monotonic_ns();
        if let Some(p) = &mut playing {
            let i = p.i as u64;
            // The capture of packet i ended at `sent`; clip time t is at sent - (20(i+1) - t).
            let at = |t_ns: u64| sent - ((i + 1) * FRAME_NS - t_ns);
            if p.i == onset_pkt
                && let Some(o) = p.onset.take()
            {
                let _ = o.send(at(clip.voice_start_ns));
            }
            if p.i == end_pkt
                && let Some(e) = p.end.take()
            {
                let _ = e.send(at(clip.voice_end_ns));
            }
            p.i += 1;
            if p.i >= clip.packets.len() {
                playing = None;
            }
        }
    }
}

fn mic_track() -> Arc<TrackLocalStaticSample> {
    Arc::new(
        TrackLocalStaticSample::new(
            std::time::Instant::now(),
            MediaStreamTrack::new(
                "candidate".into(),
                "audio".into(),
                "audio".into(),
                RtpCodecKind::Audio,
                vec![RTCRtpEncodingParameters {
                    rtp_coding_parameters: RTCRtpCodingParameters {
                        ssrc: Some(rand::random()),
                        ..Default::default()
                    },
                    codec: RTCRtpCodec {
                        mime_type: MIME_TYPE_OPUS.into(),
                        clock_rate: 48000,
                        channels: 2,
                        sdp_fmtp_line: "minptime=10;useinbandfec=1".into(),
                        rtcp_feedback: vec![],
                    },
                    ..Default::default()
                }],
            ),
        )
        .expect("a local audio track"),
    )
}

#[derive(Clone)]
pub struct CandidatePlan {
    pub port: u16,
    pub rounds: usize,
    /// Every this many rounds the candidate talks over the question (0: never).
    pub barge_every: usize,
    pub clip: Arc<Clip>,
    pub http: reqwest::Client,
}

/// Signals that the candidate has heard the first question / finished its rounds.
pub struct Progress {
    pub started: mpsc::UnboundedSender<()>,
    pub finished: mpsc::UnboundedSender<()>,
    /// Stay connected (listening, sending silence) until this turns true.
    pub release: watch::Receiver<bool>,
}

fn ms(ns: u64) -> Duration {
    Duration::from_nanos(ns)
}

pub async fn candidate(
    plan: CandidatePlan,
    invite: super::TestInvite,
    progress: Progress,
) -> SessionResult {
    let mut result = SessionResult {
        app: invite.app.clone(),
        ..Default::default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let mut signalled = (false, false);
    let outcome = run(
        &plan,
        &invite,
        &progress,
        &mut result,
        &mut signalled,
        stop.clone(),
    )
    .await;
    if let Err(e) = outcome {
        result.error = Some(format!("{e:#}"));
        if !signalled.0 {
            let _ = progress.started.send(());
        }
        if !signalled.1 {
            let _ = progress.finished.send(());
        }
    }
    stop.store(true, Ordering::SeqCst);
    result
}

async fn run(
    plan: &CandidatePlan,
    invite: &super::TestInvite,
    progress: &Progress,
    result: &mut SessionResult,
    signalled: &mut (bool, bool),
    stop: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let mut media = MediaEngine::default();
    media.register_default_codecs()?;
    let settings = SettingEngineBuilder::new()
        .with_include_loopback_candidate(true)
        .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
        .build();
    let (gathered_tx, mut gathered) = watch::channel(false);
    let (state_tx, mut state) = watch::channel(RTCPeerConnectionState::New);
    let (ai_tx, mut ai) = mpsc::unbounded_channel::<u64>();
    let pc: Arc<dyn PeerConnection> = Arc::new(
        PeerConnectionBuilder::new()
            .with_media_engine(media)
            .with_setting_engine(settings)
            .with_handler(Arc::new(Handler {
                gathered: gathered_tx,
                state: state_tx,
                ai_audio: ai_tx,
            }))
            .with_udp_addrs(vec!["127.0.0.1:0".to_string()])
            .build()
            .await?,
    );
    let guard = Closer(pc.clone(), stop.clone());
    let track = mic_track();
    let sender = pc.add_track(track.clone() as Arc<dyn TrackLocal>).await?;
    let finished = Arc::new(AtomicBool::new(false));
    let dc = pc.create_data_channel("events", None).await?;
    {
        let finished = finished.clone();
        let dc = dc.clone();
        tokio::spawn(async move {
            while let Some(e) = dc.poll().await {
                if let DataChannelEvent::OnMessage(m) = e
                    && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&m.data)
                    && (v["type"] == "finished" || v["type"] == "closed")
                {
                    finished.store(true, Ordering::SeqCst);
                }
            }
        });
    }
    let offer = pc.create_offer(None).await?;
    pc.set_local_description(offer).await?;
    let _ = tokio::time::timeout(Duration::from_secs(5), gathered.wait_for(|g| *g)).await;
    let offer_sdp = pc
        .local_description()
        .await
        .ok_or_else(|| anyhow::anyhow!("no local description"))?
        .sdp;
    let resp = plan
        .http
        .post(format!(
            "http://127.0.0.1:{}/api/interview/{}/rtc/offer",
            plan.port, invite.token
        ))
        .header("accept-language", "ru")
        .json(&serde_json::json!({"type": "offer", "sdp": offer_sdp}))
        .send()
        .await?;
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    anyhow::ensure!(status.is_success(), "offer refused: {status} {body}");
    let answer = body["sdp"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no sdp in the answer"))?;
    pc.set_remote_description(RTCSessionDescription::answer(answer.to_string())?)
        .await?;
    tokio::time::timeout(
        Duration::from_secs(30),
        state.wait_for(|s| *s == RTCPeerConnectionState::Connected),
    )
    .await
    .map_err(|_| anyhow::anyhow!("not connected in 30 s"))??;

    let pt = sender
        .get_parameters()
        .await?
        .rtp_parameters
        .codecs
        .first()
        .map(|c| c.payload_type)
        .unwrap_or(111);
    let ssrc = *track
        .ssrcs()
        .await
        .first()
        .ok_or_else(|| anyhow::anyhow!("no ssrc"))?;
    let (mic_tx, mic_rx) = mpsc::unbounded_channel();
    tokio::spawn(microphone(
        track.clone(),
        ssrc,
        pt,
        plan.clip.clone(),
        mic_rx,
        stop.clone(),
    ));

    // The opening question.
    let mut question_start = tokio::time::timeout(Duration::from_secs(30), ai.recv())
        .await
        .map_err(|_| anyhow::anyhow!("no question audio in 30 s"))?
        .ok_or_else(|| anyhow::anyhow!("the connection ended"))?;
    let _ = progress.started.send(());
    signalled.0 = true;
    let mut last = question_start;
    let quiet = |gap_ms: u64| Duration::from_millis(gap_ms);

    for round in 0..plan.rounds {
        if finished.load(Ordering::SeqCst) {
            break;
        }
        let barge = plan.barge_every > 0 && round % plan.barge_every == plan.barge_every - 1;
        let (onset_tx, onset_rx) = oneshot::channel();
        let (end_tx, mut end_rx) = oneshot::channel();
        let mut overlapped = false;
        let onset;
        if barge {
            // Talk over the question 0.8-1.4 s into it.
            let delay = 800 + rand::random_range(0..600u64);
            let at = question_start + delay * 1_000_000;
            let now = monotonic_ns();
            if at > now {
                let deadline = tokio::time::Instant::now() + ms(at - now);
                while let Ok(Some(t)) = tokio::time::timeout_at(deadline, ai.recv()).await {
                    last = t;
                }
            }
            while let Ok(t) = ai.try_recv() {
                last = t;
            }
            let talking = monotonic_ns().saturating_sub(last) < 100_000_000;
            mic_tx.send(Speak {
                onset: onset_tx,
                end: end_tx,
            })?;
            onset = onset_rx.await?;
            // The AI stops: no packet for 300 ms.
            while let Ok(Some(t)) = tokio::time::timeout(quiet(300), ai.recv()).await {
                last = t;
            }
            if talking && last + FRAME_NS >= onset {
                result.barge_ins.push(BargeIn {
                    onset_ns: onset,
                    stop_ns: last.max(onset),
                });
            } else {
                result.barge_missed += 1;
            }
        } else {
            // The question ends (no packet for 500 ms); a short pause; the answer.
            while let Ok(Some(_)) = tokio::time::timeout(quiet(500), ai.recv()).await {}
            tokio::time::sleep(quiet(200 + rand::random_range(0..500u64))).await;
            while ai.try_recv().is_ok() {}
            mic_tx.send(Speak {
                onset: onset_tx,
                end: end_tx,
            })?;
            onset = onset_rx.await?;
        }
        // Until the end of the speech: AI audio now means the turn was taken early.
        let end = loop {
            tokio::select! {
                e = &mut end_rx => break e?,
                t = ai.recv() => match t {
                    Some(_) => overlapped = true,
                    None => anyhow::bail!("the connection ended"),
                },
            }
        };
        let reply = loop {
            match tokio::time::timeout(Duration::from_secs(20), ai.recv()).await {
                Ok(Some(t)) if t > end => break t,
                Ok(Some(_)) => overlapped = true,
                Ok(None) => anyhow::bail!("the connection ended"),
                Err(_) => anyhow::bail!("no reply audio 20 s after the answer (round {round})"),
            }
        };
        result.turns.push(Turn {
            speech_start_ns: onset,
            speech_end_ns: end,
            reply_rx_ns: reply,
            barge_in: barge,
            overlapped,
        });
        question_start = reply;
        last = reply;
    }
    let _ = progress.finished.send(());
    signalled.1 = true;
    // Listen (silence on the microphone) until every candidate of the step is done.
    let mut release = progress.release.clone();
    let _ = release.wait_for(|r| *r).await;
    drop(guard);
    Ok(())
}

/// Closes the peer connection and stops the microphone when the candidate is done.
struct Closer(Arc<dyn PeerConnection>, Arc<AtomicBool>);

impl Drop for Closer {
    fn drop(&mut self) {
        self.1.store(true, Ordering::SeqCst);
        let pc = self.0.clone();
        tokio::spawn(async move {
            let _ = pc.close().await;
        });
    }
}
