//! The live sessions of one worker: admission (capacity, one session per interview, the newer
//! browser takes over), opening a session from an offer, and each session's life until it
//! ends (conversation over, connection lost, taken over, link expired, shutdown), after which
//! its recordings are complete and its slot is free.

use crate::config::WorkerConfig;
use crate::error::RtcError;
use crate::peer::{self, PeerEvent};
use crate::protocol::{ClientEvent, CloseCode, EVENTS_LABEL, ServerEvent};
use crate::recording::{Format, RecordingSink, TrackName, TrackRecorder, Uploader, Wish};
use crate::sdp::{OfferError, check_offer};
use crate::session::{
    AudioOut, Conversation, EventsOut, InboundAudio, MediaIo, OutboundFrame, SessionContext,
};
use otbor_app::AppState;
use otbor_app::error::{AppError, LANG};
use otbor_app::interview::{current, start_interview};
use otbor_app::recordings::MarkKind;
use otbor_domain::ids::ApplicationId;
use otbor_domain::interview::Channel;
use otbor_domain::secret::TokenHash;
use otbor_domain::{DomainError, Lang};
use rtc::media::Sample;
use rtc::media::io::sample_builder::SampleBuilder;
use rtc::media_stream::MediaStreamTrack;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp::packetizer::Depacketizer;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use uuid::Uuid;
use webrtc::data_channel::{DataChannel, DataChannelEvent, RTCDataChannelState};
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{PeerConnection, RTCPeerConnectionState, RTCSessionDescription};

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

struct Inner {
    api: AppState,
    config: WorkerConfig,
    conversation: Arc<dyn Conversation>,
    registry: Mutex<Registry>,
    port_cursor: AtomicUsize,
    /// Set by `shutdown`: new offers are refused as if full.
    closing: AtomicBool,
}

#[derive(Default)]
struct Registry {
    live: HashMap<ApplicationId, Live>,
    /// Offers admitted and still being answered.
    pending: usize,
}

struct Live {
    id: Uuid,
    stop: watch::Sender<Option<EndReason>>,
    done: watch::Receiver<bool>,
}

/// A slot held by an offer being answered; given back if the offer fails.
struct Admission {
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
        let previous = {
            let mut reg = inner.registry.lock().expect("registry lock");
            reg.live.insert(
                application_id,
                Live {
                    id: session_id,
                    stop: stop_tx,
                    done: done_rx,
                },
            )
        };
        drop(admission);
        if let Some(old) = previous {
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

    /// Holds a slot for an offer, or refuses when full. Taking over an interview's session
    /// needs no new slot.
    fn admit(&self, application_id: ApplicationId) -> Result<Admission, RtcError> {
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

    async fn open(&self, session_id: Uuid, sdp: &str) -> Result<Opened, RtcError> {
        let config = &self.inner.config;
        let built = peer::build(config, &self.inner.port_cursor)
            .await
            .map_err(|e| {
                if e.is::<peer::NoFreePort>() {
                    RtcError::Busy {
                        retry_after: config.retry_after,
                    }
                } else {
                    RtcError::Internal(e)
                }
            })?;
        let pc = built.pc.clone();
        let result = negotiate(&pc, sdp, built.gathered, config.gather_timeout).await;
        match result {
            Ok((answer, voice, payload_type)) => Ok(Opened {
                session_id,
                pc,
                events: built.events,
                answer,
                voice,
                payload_type,
            }),
            Err(e) => {
                let _ = pc.close().await;
                Err(e)
            }
        }
    }
}

struct Opened {
    session_id: Uuid,
    pc: Arc<dyn PeerConnection>,
    events: mpsc::UnboundedReceiver<PeerEvent>,
    answer: String,
    voice: Arc<TrackLocalStaticSample>,
    payload_type: u8,
}

/// Applies the offer, adds the AI's voice, and returns the answer with every candidate
/// gathered (no trickle), or what was gathered when the timeout passed.
async fn negotiate(
    pc: &Arc<dyn PeerConnection>,
    sdp: &str,
    mut gathered: watch::Receiver<bool>,
    gather_timeout: Duration,
) -> Result<(String, Arc<TrackLocalStaticSample>, u8), RtcError> {
    let bad = |e: webrtc::error::Error| {
        OfferError::malformed(format!("не принято: {e}"), format!("not accepted: {e}"))
    };
    let offer = RTCSessionDescription::offer(sdp.to_string()).map_err(bad)?;
    pc.set_remote_description(offer).await.map_err(bad)?;
    let ssrc: u32 = rand::random();
    let voice = Arc::new(
        TrackLocalStaticSample::new(
            std::time::Instant::now(),
            MediaStreamTrack::new(
                "otbor".to_owned(),
                "ai-voice".to_owned(),
                "ai-voice".to_owned(),
                RtpCodecKind::Audio,
                vec![RTCRtpEncodingParameters {
                    rtp_coding_parameters: RTCRtpCodingParameters {
                        ssrc: Some(ssrc),
                        ..Default::default()
                    },
                    codec: peer::opus(),
                    ..Default::default()
                }],
            ),
        )
        .map_err(|e| RtcError::Internal(anyhow::anyhow!("voice track: {e}")))?,
    );
    let sender = pc
        .add_track(voice.clone() as Arc<dyn TrackLocal>)
        .await
        .map_err(|e| RtcError::Internal(anyhow::anyhow!("add voice track: {e}")))?;
    let answer = pc.create_answer(None).await.map_err(bad)?;
    pc.set_local_description(answer)
        .await
        .map_err(|e| RtcError::Internal(anyhow::anyhow!("set local description: {e}")))?;
    if tokio::time::timeout(gather_timeout, gathered.wait_for(|g| *g))
        .await
        .is_err()
    {
        tracing::warn!(
            timeout_ms = gather_timeout.as_millis() as u64,
            "ICE gathering not complete; answering with the candidates so far"
        );
    }
    let local = pc.local_description().await.ok_or_else(|| {
        RtcError::Internal(anyhow::anyhow!("no local description after answering"))
    })?;
    let payload_type = sender
        .get_parameters()
        .await
        .ok()
        .and_then(|p| p.rtp_parameters.codecs.first().map(|c| c.payload_type))
        .unwrap_or(111);
    Ok((local.sdp, voice, payload_type))
}

/// The words for the page when the worker closes a session it can still reach.
fn closing(reason: EndReason, lang: Lang) -> Option<ServerEvent> {
    let (code, ru, en) = match reason {
        EndReason::TakenOver => (
            CloseCode::TakenOver,
            "интервью открыто в другой вкладке или на другом устройстве; здесь оно закрыто",
            "the interview was opened in another tab or on another device; it is closed here",
        ),
        EndReason::Expired => (
            CloseCode::Expired,
            "срок действия ссылки на интервью истёк",
            "the interview link has expired",
        ),
        EndReason::Shutdown => (
            CloseCode::Error,
            "сервер перезапускается; подключитесь снова через минуту, интервью продолжится с того же вопроса",
            "the server is restarting; reconnect in a minute and the interview continues at the same question",
        ),
        EndReason::ConversationOver | EndReason::ConnectionLost | EndReason::ConnectTimeout => {
            return None;
        }
    };
    Some(ServerEvent::Closed {
        code,
        message: lang.pick(ru, en),
    })
}

async fn run_session(
    inner: Arc<Inner>,
    opened: Opened,
    ctx: SessionContext,
    mut stop: watch::Receiver<Option<EndReason>>,
    done: watch::Sender<bool>,
) {
    let Opened {
        session_id,
        pc,
        mut events,
        voice,
        payload_type,
        ..
    } = opened;
    let config = &inner.config;
    let lang = ctx.lang;
    let application_id = ctx.application_id;
    let token = ctx.token.clone();
    let (sink, uploader) = Uploader::start(
        inner.api.recordings.clone(),
        application_id.to_string(),
        session_id.to_string(),
        inner.api.clock.now(),
        config.segment,
    );
    crate::assemble::register(&inner.api, &uploader.manifest()).await;

    let (audio_in_tx, audio_in) = mpsc::channel::<InboundAudio>(256);
    let (events_in_tx, events_in) = mpsc::channel::<ClientEvent>(32);
    let (events_out_tx, events_out_rx) = mpsc::channel::<ServerEvent>(256);
    let (audio_out, audio_out_rx) = AudioOut::new();
    let generation = audio_out.generation.clone();
    let io = MediaIo {
        audio_in,
        audio_out,
        events_in,
        events_out: EventsOut {
            tx: events_out_tx.clone(),
        },
    };
    let conversation = inner.conversation.clone();
    let mut conversation =
        tokio::spawn(LANG.scope(lang, async move { conversation.run(io, ctx).await }));

    let channel = Arc::new(watch::channel::<Option<Arc<dyn DataChannel>>>(None).0);
    let writer = tokio::spawn(write_events(
        events_out_rx,
        channel.subscribe(),
        sink.clone(),
    ));
    let speaker = tokio::spawn(speak(
        voice,
        payload_type,
        audio_out_rx,
        generation,
        sink.recorder(TrackName::AiAudio, Format::OggOpus),
    ));
    let mut media = JoinSet::new();

    let connect_deadline = Instant::now() + config.connect_timeout;
    let mut connected = false;
    let mut disconnected_at: Option<Instant> = None;
    let mut next_link_check = Instant::now() + config.link_check;
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    let reason = loop {
        tokio::select! {
            event = events.recv() => match event {
                None => break EndReason::ConnectionLost,
                Some(PeerEvent::State(state)) => {
                    tracing::debug!(%session_id, ?state, "connection state");
                    match state {
                        RTCPeerConnectionState::Connected => {
                            connected = true;
                            disconnected_at = None;
                        }
                        RTCPeerConnectionState::Disconnected => {
                            disconnected_at.get_or_insert_with(Instant::now);
                        }
                        RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed => break EndReason::ConnectionLost,
                        _ => {}
                    }
                }
                Some(PeerEvent::DataChannel(dc)) => {
                    if dc.label().await.is_ok_and(|l| l == EVENTS_LABEL) {
                        media.spawn(read_events(dc, events_in_tx.clone(), events_out_tx.downgrade(), channel.clone(), lang));
                    } else {
                        tracing::debug!(%session_id, "ignoring a data channel with another label");
                    }
                }
                Some(PeerEvent::Track(track)) => {
                    media.spawn(read_track(track, sink.clone(), audio_in_tx.clone()));
                }
            },
            changed = stop.changed() => match changed {
                Ok(()) => if let Some(r) = *stop.borrow() { break r },
                Err(_) => break EndReason::Shutdown,
            },
            _ = &mut conversation => break EndReason::ConversationOver,
            _ = ticker.tick() => {
                let now = Instant::now();
                if !connected && now >= connect_deadline {
                    break EndReason::ConnectTimeout;
                }
                if disconnected_at.is_some_and(|t| now - t >= config.disconnect_grace) {
                    break EndReason::ConnectionLost;
                }
                if now >= next_link_check {
                    next_link_check = now + config.link_check;
                    if let Err(AppError::Gone | AppError::Domain(DomainError::InviteExpired)) = current(&inner.api, &token).await {
                        break EndReason::Expired;
                    }
                }
            }
        }
    };
    tracing::info!(%session_id, %application_id, ?reason, "voice session ending");

    // The conversation stops first, so that nothing new is said or sent.
    if reason != EndReason::ConversationOver {
        conversation.abort();
        let _ = conversation.await;
    }
    drop(audio_in_tx);
    drop(events_in_tx);
    if let Some(event) = closing(reason, lang) {
        let _ = events_out_tx.send(event).await;
    }
    drop(events_out_tx);
    // Deliver what is queued (the last answer, `finished`, `closed`) before closing.
    let mut writer = writer;
    if tokio::time::timeout(Duration::from_secs(2), &mut writer)
        .await
        .is_err()
    {
        writer.abort();
    }
    let open_channel = channel.borrow().clone();
    if let Some(dc) = open_channel {
        let until = Instant::now() + Duration::from_secs(1);
        while Instant::now() < until && dc.outstanding_bytes().await.unwrap_or(0) > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // A moment for the last SCTP chunk to be acknowledged after it left.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    channel.send_replace(None);
    if let Err(e) = pc.close().await {
        tracing::debug!(%session_id, error = %e, "closing the peer connection");
    }
    // Closing ends every track; their recorders upload the last segments.
    let mut speaker = speaker;
    if tokio::time::timeout(Duration::from_secs(2), &mut speaker)
        .await
        .is_err()
    {
        speaker.abort();
    }
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while media.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(%session_id, "media tasks did not end after close");
        media.shutdown().await;
    }
    sink.end(inner.api.clock.now());
    drop(sink);
    let manifest = uploader.finish(Duration::from_secs(60)).await;
    match &manifest {
        Some(m) => tracing::info!(%session_id, segments = m.segments.len(), "recording stored"),
        None => tracing::error!(%session_id, "recording uploads did not finish in time"),
    }
    {
        let mut reg = inner.registry.lock().expect("registry lock");
        if reg
            .live
            .get(&application_id)
            .is_some_and(|l| l.id == session_id)
        {
            reg.live.remove(&application_id);
        }
    }
    // The slot is free while the segments are joined; `done` waits for the file.
    if let Some(m) = manifest {
        crate::assemble::finish_session(&inner.api, m).await;
    }
    done.send_replace(true);
}

/// Sends server events over the data channel once it is open, in order, and marks in the
/// recording when each question and answer went out (the chapters).
async fn write_events(
    mut rx: mpsc::Receiver<ServerEvent>,
    mut channel: watch::Receiver<Option<Arc<dyn DataChannel>>>,
    sink: RecordingSink,
) {
    while let Some(event) = rx.recv().await {
        let dc = match channel.wait_for(Option::is_some).await {
            Ok(dc) => dc.clone().expect("waited for it"),
            Err(_) => return,
        };
        if let Err(e) = dc.send_text(&event.to_json()).await {
            tracing::debug!(error = %e, "data channel send failed");
        }
        match &event {
            ServerEvent::Question { number, text } => sink.mark(MarkKind::Question, *number, text),
            ServerEvent::Answer { number, text } => sink.mark(MarkKind::Answer, *number, text),
            _ => {}
        }
    }
}

/// Reads the page's messages; publishes the channel to the writer once it is open.
async fn read_events(
    dc: Arc<dyn DataChannel>,
    events_in: mpsc::Sender<ClientEvent>,
    events_out: mpsc::WeakSender<ServerEvent>,
    channel: Arc<watch::Sender<Option<Arc<dyn DataChannel>>>>,
    lang: Lang,
) {
    let notice = |text: String| {
        if let Some(tx) = events_out.upgrade() {
            let _ = tx.try_send(ServerEvent::Notice { text });
        }
    };
    if dc
        .ready_state()
        .await
        .is_ok_and(|s| s == RTCDataChannelState::Open)
    {
        channel.send_replace(Some(dc.clone()));
    }
    while let Some(event) = dc.poll().await {
        match event {
            DataChannelEvent::OnOpen => {
                channel.send_replace(Some(dc.clone()));
            }
            DataChannelEvent::OnMessage(msg) => {
                match ClientEvent::parse(msg.is_string, &msg.data) {
                    Ok(e) => {
                        if events_in.try_send(e).is_err() {
                            notice(lang.pick(
                                "слишком много сообщений подряд; подождите ответа",
                                "too many messages at once; wait for the answer",
                            ));
                        }
                    }
                    Err(u) => notice(lang.pick(u.ru, u.en)),
                }
            }
            DataChannelEvent::OnClose => break,
            _ => {}
        }
    }
}

/// Reads one of the candidate's tracks: records it, and passes Opus audio to the
/// conversation. Ends when the track or the connection ends.
async fn read_track(
    track: Arc<dyn TrackRemote>,
    sink: RecordingSink,
    audio_in: mpsc::Sender<InboundAudio>,
) {
    let ssrc = track.ssrcs().await.first().copied().unwrap_or(0);
    let mime = track
        .codec(ssrc)
        .await
        .map(|c| c.mime_type.to_ascii_lowercase())
        .unwrap_or_default();
    match mime.as_str() {
        "audio/opus" => {
            read_opus(
                track,
                sink.recorder(TrackName::CandidateAudio, Format::OggOpus),
                audio_in,
            )
            .await
        }
        "video/vp8" => {
            let builder =
                SampleBuilder::new(256, rtc::rtp::codec::vp8::Vp8Packet::default(), 90000);
            read_video(
                track,
                ssrc,
                builder,
                sink.recorder(TrackName::CandidateVideo, Format::IvfVp8),
            )
            .await;
        }
        "video/h264" => {
            let builder =
                SampleBuilder::new(256, rtc::rtp::codec::h264::H264Packet::default(), 90000);
            read_video(
                track,
                ssrc,
                builder,
                sink.recorder(TrackName::CandidateVideo, Format::AnnexBH264),
            )
            .await;
        }
        other => {
            tracing::warn!(
                mime = other,
                "a track of a codec we do not record; reading it to the end"
            );
            while track.poll().await.is_some() {}
        }
    }
}

async fn read_opus(
    track: Arc<dyn TrackRemote>,
    mut recorder: TrackRecorder,
    audio_in: mpsc::Sender<InboundAudio>,
) {
    let mut ticker = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            event = track.poll() => match event {
                Some(TrackRemoteEvent::OnRtpPacket(p)) => {
                    recorder.push_audio(Instant::now(), &p.payload, p.header.timestamp);
                    // A conversation that falls behind loses audio rather than stalling the
                    // recording.
                    let _ = audio_in.try_send(InboundAudio {
                        payload: p.payload.clone(),
                        rtp_timestamp: p.header.timestamp,
                        sequence_number: p.header.sequence_number,
                    });
                }
                Some(TrackRemoteEvent::OnEnded) | None => break,
                Some(_) => {}
            },
            _ = ticker.tick() => recorder.tick(Instant::now()),
        }
    }
    recorder.finish();
}

async fn read_video<D: Depacketizer>(
    track: Arc<dyn TrackRemote>,
    ssrc: u32,
    mut builder: SampleBuilder<D>,
    mut recorder: TrackRecorder,
) {
    let pli = |track: Arc<dyn TrackRemote>| async move {
        let _ = track
            .write_rtcp(vec![Box::new(PictureLossIndication {
                sender_ssrc: 0,
                media_ssrc: ssrc,
            })])
            .await;
    };
    pli(track.clone()).await;
    let mut ticker = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            event = track.poll() => match event {
                Some(TrackRemoteEvent::OnRtpPacket(p)) => {
                    builder.push(std::time::Instant::now(), p);
                    while let Some(sample) = builder.pop(std::time::Instant::now()) {
                        if recorder.push_video(Instant::now(), &sample.data, sample.packet_timestamp) == Wish::KeyFrame {
                            pli(track.clone()).await;
                        }
                    }
                }
                Some(TrackRemoteEvent::OnEnded) | None => break,
                Some(_) => {}
            },
            _ = ticker.tick() => recorder.tick(Instant::now()),
        }
    }
    recorder.finish();
}

/// Plays the AI's voice: each 20 ms frame goes out when due (real time), frames from before
/// an interruption are dropped, and everything played is recorded.
async fn speak(
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
