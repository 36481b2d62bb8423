//! One session's life: its tasks started (recording, conversation, event writer, speaker),
//! the loop that reacts to the connection until something ends the session, and the steps
//! that end it in order (stop talking, deliver the last events, close the connection, store
//! the recording, free the slot).

use super::events::{read_events, write_events};
use super::negotiate::Opened;
use super::rtp::read_track;
use super::speaker::speak;
use super::{EndReason, Inner};
use crate::config::WorkerConfig;
use crate::peer::PeerEvent;
use crate::protocol::{ClientEvent, CloseCode, EVENTS_LABEL, ServerEvent};
use crate::recording::{Format, Manifest, RecordingSink, TrackName, Uploader};
use crate::session::{AudioOut, EventsOut, InboundAudio, MediaIo, SessionContext};
use otbor_app::AppState;
use otbor_app::error::{AppError, LANG};
use otbor_app::interview::current;
use otbor_domain::ids::ApplicationId;
use otbor_domain::{DomainError, Lang};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use uuid::Uuid;
use webrtc::data_channel::DataChannel;
use webrtc::peer_connection::{PeerConnection, RTCPeerConnectionState};

/// Runs a session from its answered offer to its end: `stop` may end it early, `done` is
/// set once its slot is free and its recording joined.
pub(super) async fn run_session(
    inner: Arc<Inner>,
    opened: Opened,
    ctx: SessionContext,
    mut stop: watch::Receiver<Option<EndReason>>,
    done: watch::Sender<bool>,
) {
    let mut session = Session::start(inner, opened, ctx).await;
    let reason = session.until_end(&mut stop).await;
    tracing::info!(session_id = %session.id, application_id = %session.application_id, ?reason, "voice session ending");
    session.end(reason, done).await;
}

/// The data channel of the page's events, once it is open (the writer waits for it).
type EventsChannel = Arc<watch::Sender<Option<Arc<dyn DataChannel>>>>;

/// A running session: its connection, its tasks and the channels between them.
struct Session {
    id: Uuid,
    application_id: ApplicationId,
    inner: Arc<Inner>,
    token: Arc<str>,
    lang: Lang,
    pc: Arc<dyn PeerConnection>,
    /// What the peer connection reports: state changes, the page's channels and tracks.
    peer_events: mpsc::UnboundedReceiver<PeerEvent>,
    sink: RecordingSink,
    uploader: Uploader,
    audio_in: mpsc::Sender<InboundAudio>,
    events_in: mpsc::Sender<ClientEvent>,
    events_out: mpsc::Sender<ServerEvent>,
    channel: EventsChannel,
    conversation: JoinHandle<()>,
    writer: JoinHandle<()>,
    speaker: JoinHandle<()>,
    /// The readers of the page's tracks and of its events channel.
    media: JoinSet<()>,
}

impl Session {
    /// Starts the recording, the conversation, the event writer and the speaker.
    async fn start(inner: Arc<Inner>, opened: Opened, ctx: SessionContext) -> Self {
        let Opened {
            session_id,
            pc,
            events: peer_events,
            voice,
            payload_type,
            ..
        } = opened;
        let config = &inner.config;
        let application_id = ctx.application_id;
        let lang = ctx.lang;
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
        let conversation =
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
        Self {
            id: session_id,
            application_id,
            inner,
            token,
            lang,
            pc,
            peer_events,
            sink,
            uploader,
            audio_in: audio_in_tx,
            events_in: events_in_tx,
            events_out: events_out_tx,
            channel,
            conversation,
            writer,
            speaker,
            media: JoinSet::new(),
        }
    }

    /// Follows the connection, starts a reader for each channel and track the page opens,
    /// and returns what ended the session.
    async fn until_end(&mut self, stop: &mut watch::Receiver<Option<EndReason>>) -> EndReason {
        let session_id = self.id;
        let mut liveness = Liveness::new(&self.inner.config);
        let mut ticker = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                event = self.peer_events.recv() => match event {
                    None => return EndReason::ConnectionLost,
                    Some(PeerEvent::State(state)) => {
                        tracing::debug!(%session_id, ?state, "connection state");
                        if let Some(reason) = liveness.on_state(state) {
                            return reason;
                        }
                    }
                    Some(PeerEvent::DataChannel(dc)) => {
                        if dc.label().await.is_ok_and(|l| l == EVENTS_LABEL) {
                            self.media.spawn(read_events(dc, self.events_in.clone(), self.events_out.downgrade(), self.channel.clone(), self.lang));
                        } else {
                            tracing::debug!(%session_id, "ignoring a data channel with another label");
                        }
                    }
                    Some(PeerEvent::Track(track)) => {
                        self.media.spawn(read_track(track, self.sink.clone(), self.audio_in.clone()));
                    }
                },
                changed = stop.changed() => match changed {
                    Ok(()) => if let Some(r) = *stop.borrow() { return r },
                    Err(_) => return EndReason::Shutdown,
                },
                _ = &mut self.conversation => return EndReason::ConversationOver,
                _ = ticker.tick() => {
                    if let Some(reason) = liveness.on_tick(&self.inner.config, &self.inner.api, &self.token).await {
                        return reason;
                    }
                }
            }
        }
    }

    /// Ends the session in order, so that the page hears why and the recording is whole,
    /// frees its slot, joins the recording and sets `done`.
    async fn end(self, reason: EndReason, done: watch::Sender<bool>) {
        let Session {
            id: session_id,
            application_id,
            inner,
            lang,
            pc,
            sink,
            uploader,
            audio_in,
            events_in,
            events_out,
            channel,
            conversation,
            writer,
            speaker,
            media,
            ..
        } = self;
        stop_conversation(conversation, reason).await;
        drop(audio_in);
        drop(events_in);
        deliver_last_events(events_out, writer, &channel, reason, lang).await;
        close_connection(session_id, &pc, speaker, media).await;
        let manifest = store_recording(session_id, sink, uploader, &inner.api).await;
        inner.release(application_id, session_id);
        // The slot is free while the segments are joined; `done` waits for the file.
        if let Some(m) = manifest {
            crate::assemble::finish_session(&inner.api, m).await;
        }
        done.send_replace(true);
    }
}

/// What the session knows of its connection, for the connect timeout, the grace after a
/// disconnect, and the periodic check that the invite link is still valid.
struct Liveness {
    connect_deadline: Instant,
    connected: bool,
    disconnected_at: Option<Instant>,
    next_link_check: Instant,
}

impl Liveness {
    fn new(config: &WorkerConfig) -> Self {
        Self {
            connect_deadline: Instant::now() + config.connect_timeout,
            connected: false,
            disconnected_at: None,
            next_link_check: Instant::now() + config.link_check,
        }
    }

    /// Follows a connection state change: the session ends when the connection fails or
    /// closes.
    fn on_state(&mut self, state: RTCPeerConnectionState) -> Option<EndReason> {
        match state {
            RTCPeerConnectionState::Connected => {
                self.connected = true;
                self.disconnected_at = None;
            }
            RTCPeerConnectionState::Disconnected => {
                self.disconnected_at.get_or_insert_with(Instant::now);
            }
            RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed => {
                return Some(EndReason::ConnectionLost);
            }
            _ => {}
        }
        None
    }

    /// On each tick, ends the session if the browser never connected, stayed disconnected
    /// past the grace, or its link expired.
    async fn on_tick(
        &mut self,
        config: &WorkerConfig,
        api: &AppState,
        token: &str,
    ) -> Option<EndReason> {
        let now = Instant::now();
        if !self.connected && now >= self.connect_deadline {
            return Some(EndReason::ConnectTimeout);
        }
        if self
            .disconnected_at
            .is_some_and(|t| now - t >= config.disconnect_grace)
        {
            return Some(EndReason::ConnectionLost);
        }
        if now >= self.next_link_check {
            self.next_link_check = now + config.link_check;
            if let Err(AppError::Gone | AppError::Domain(DomainError::InviteExpired)) =
                current(api, token).await
            {
                return Some(EndReason::Expired);
            }
        }
        None
    }
}

/// The conversation stops first, so that nothing new is said or sent.
async fn stop_conversation(conversation: JoinHandle<()>, reason: EndReason) {
    if reason != EndReason::ConversationOver {
        conversation.abort();
        let _ = conversation.await;
    }
}

/// Tells the page why the session ends (when it can still hear it) and delivers what is
/// queued (the last answer, `finished`, `closed`) before the channel is closed.
async fn deliver_last_events(
    events_out: mpsc::Sender<ServerEvent>,
    mut writer: JoinHandle<()>,
    channel: &EventsChannel,
    reason: EndReason,
    lang: Lang,
) {
    if let Some(event) = closing(reason, lang) {
        let _ = events_out.send(event).await;
    }
    drop(events_out);
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
}

/// Closes the peer connection, which ends every track; their recorders and the speaker's
/// upload the last segments.
async fn close_connection(
    session_id: Uuid,
    pc: &Arc<dyn PeerConnection>,
    mut speaker: JoinHandle<()>,
    mut media: JoinSet<()>,
) {
    if let Err(e) = pc.close().await {
        tracing::debug!(%session_id, error = %e, "closing the peer connection");
    }
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
}

/// Marks the end of the recording and waits for its last uploads.
async fn store_recording(
    session_id: Uuid,
    sink: RecordingSink,
    uploader: Uploader,
    api: &AppState,
) -> Option<Manifest> {
    sink.end(api.clock.now());
    drop(sink);
    let manifest = uploader.finish(Duration::from_secs(60)).await;
    match &manifest {
        Some(m) => tracing::info!(%session_id, segments = m.segments.len(), "recording stored"),
        None => tracing::error!(%session_id, "recording uploads did not finish in time"),
    }
    manifest
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
