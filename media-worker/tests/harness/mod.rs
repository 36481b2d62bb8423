//! `Harness`: the API state on SQLite in a fresh directory, an interview invite, the worker
//! with its signalling router on loopback; `Browser`: a `webrtc` peer that plays the
//! candidate's page (microphone, camera, the `events` data channel).

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use otbor_app::{AppConfig, AppState};
use otbor_domain::application::{Actor, Application};
use otbor_domain::candidate::{Candidate, CandidateFields};
use otbor_domain::ids::ApplicationId;
use otbor_domain::invite::{Invite, InviteKind};
use otbor_domain::user::{Role, User};
use otbor_domain::vacancy::{Requirement, RequirementKind, Vacancy, VacancyFields};
use otbor_media_worker::{Conversation, TypedConversation, Worker, WorkerConfig};
use rtc::media::Sample;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::{
    MIME_TYPE_H264, MIME_TYPE_OPUS, MIME_TYPE_VP8,
};
use rtc::rtp_transceiver::rtp_sender::RTCRtpCodecParameters;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tower::ServiceExt;
use webrtc::data_channel::{DataChannel, DataChannelEvent};
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCIceGatheringState, RTCPeerConnectionState, RTCSessionDescription, SettingEngineBuilder,
};
use webrtc::rtp_transceiver::RtpSender;

/// How long a test waits for anything that should happen.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// An Opus packet of 20 ms of silence (CELT, fullband).
pub const OPUS_SILENCE: [u8; 3] = [0xf8, 0xff, 0xfe];

pub struct Harness {
    pub worker: Worker,
    pub router: Router,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

pub struct TestInvite {
    pub token: String,
    pub application_id: ApplicationId,
}

/// The worker settings of the tests: loopback only, no mDNS, short segments and grace.
pub fn test_config(capacity: usize) -> WorkerConfig {
    WorkerConfig {
        capacity,
        bind_ip: "127.0.0.1".parse().unwrap(),
        include_loopback: true,
        disable_mdns: true,
        gather_timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(20),
        disconnect_grace: Duration::from_secs(2),
        segment: Duration::from_secs(1),
        retry_after: Duration::from_secs(15),
        ..WorkerConfig::default()
    }
}

pub async fn harness(capacity: usize) -> Harness {
    harness_with(test_config(capacity), Arc::new(TypedConversation)).await
}

pub async fn harness_with(config: WorkerConfig, conversation: Arc<dyn Conversation>) -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().display().to_string();
    let settings = otbor_adapters::Settings::from_lookup(|k| {
        (k == "OTBOR_DATA_DIR").then(|| data_dir.clone())
    })
    .expect("settings");
    let ports = otbor_adapters::wiring::build(&settings)
        .await
        .expect("ports");
    let state = AppState {
        records: ports.records,
        files: ports.files,
        recordings: ports.recordings,
        jobs: ports.jobs,
        clock: ports.clock,
        config: Arc::new(AppConfig::default()),
        llm: None,
        channels: Arc::new(
            otbor_notify::Channels::from_vars(|_| None).expect("no notification channels"),
        ),
    };
    let worker = Worker::new(state.clone(), config, conversation);
    // Mounted as `otbor serve` mounts it: next to the whole API.
    let router = otbor_api::router(state.clone()).merge(otbor_media_worker::router(worker.clone()));
    Harness {
        worker,
        router,
        state,
        _dir: dir,
    }
}

impl Harness {
    /// A personal invite for a new candidate on a new vacancy; consented if asked.
    pub async fn invite(&self, consent: bool, ttl: chrono::Duration) -> TestInvite {
        let r = &self.state.records;
        let now = self.state.clock.now();
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let manager = User::new(
            &format!("m-{unique}@test.local"),
            "Менеджер",
            Role::Manager,
            "not-a-hash".into(),
            now,
        )
        .unwrap();
        r.insert_user(&manager).await.unwrap();
        let fields = VacancyFields {
            title: Some("Rust-разработчик".into()),
            description: Some("Бэкенд на Rust".into()),
            requirements: Some(vec![
                Requirement {
                    text: "Rust".into(),
                    kind: RequirementKind::Must,
                    weight: 8,
                    min_years: Some(2),
                },
                Requirement {
                    text: "PostgreSQL".into(),
                    kind: RequirementKind::Must,
                    weight: 5,
                    min_years: None,
                },
            ]),
            ..VacancyFields::default()
        };
        let vacancy = Vacancy::new(&fields, manager.id, now).unwrap();
        r.insert_vacancy(&vacancy).await.unwrap();
        let candidate = Candidate::new(
            &CandidateFields {
                full_name: Some("Иван Петров".into()),
                email: Some(format!("{unique}@example.ru")),
                phone: None,
                location: None,
                source: None,
            },
            now,
        )
        .unwrap();
        r.insert_candidate(&candidate).await.unwrap();
        let actor = Actor::User {
            id: manager.id,
            role: Role::Manager,
            name: manager.name.clone(),
        };
        let (app, first) = Application::new(candidate.id, vacancy.id, &actor, now);
        r.insert_application(&app, &first).await.unwrap();
        let (mut invite, token) = Invite::new(
            InviteKind::Personal,
            vacancy.id,
            Some((candidate.id, app.id)),
            manager.id,
            now,
            ttl,
        );
        if consent {
            invite.consent((candidate.id, app.id), now);
        }
        r.insert_invite(&invite).await.unwrap();
        TestInvite {
            token,
            application_id: app.id,
        }
    }

    pub async fn consented_invite(&self) -> TestInvite {
        self.invite(true, chrono::Duration::days(7)).await
    }

    pub async fn request(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("accept-language", "en");
        let body = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let resp = self
            .router
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Posts an offer for `token`.
    pub async fn offer(&self, token: &str, sdp: &str) -> Reply {
        self.request(
            "POST",
            &format!("/api/interview/{token}/rtc/offer"),
            Some(serde_json::json!({"type": "offer", "sdp": sdp})),
        )
        .await
    }

    /// Connects `browser` for `token` and asserts the answer.
    pub async fn connect(&self, browser: &Browser, token: &str) {
        let reply = self.offer(token, &browser.offer_sdp).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.body["type"], "answer");
        browser.accept(reply.body["sdp"].as_str().unwrap()).await;
    }

    /// Waits until the worker has exactly `n` live sessions.
    pub async fn wait_sessions(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while self.worker.active_sessions() != n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {n} sessions, have {}",
                self.worker.active_sessions()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The interview record's state (turns etc.) as stored.
    pub async fn interview_state(&self, application: ApplicationId) -> Value {
        self.state
            .records
            .get_interview(application)
            .await
            .unwrap()
            .expect("an interview record")
            .state
    }

    /// The recording manifest of the only session of `application`, once it lists `ended_at`
    /// and at least `min_segments` segments of `track`.
    pub async fn manifest(
        &self,
        application: ApplicationId,
        track: &str,
        min_segments: usize,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(m) = self.manifests(application).pop()
                && !m["ended_at"].is_null()
                && segments(&m, track).len() >= min_segments
            {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no complete manifest with {min_segments} {track} segments"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The recording manifests of `application`'s sessions as stored now, oldest first
    /// (session ids are time-ordered).
    pub fn manifests(&self, application: ApplicationId) -> Vec<Value> {
        // The port cannot list files; the local adapter keeps them under `files/blobs/{key}`.
        let root = self
            ._dir
            .path()
            .join("files")
            .join("blobs")
            .join("recordings")
            .join(application.to_string());
        let mut dirs: Vec<_> = std::fs::read_dir(&root)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        dirs.sort();
        dirs.iter()
            .filter_map(|d| std::fs::read(d.join("manifest.json")).ok())
            .map(|b| serde_json::from_slice(&b).expect("the manifest is JSON"))
            .collect()
    }

    pub async fn file(&self, key: &str) -> bytes::Bytes {
        self.state
            .recordings
            .get(&otbor_domain::ports::FileKey::parse(key).unwrap())
            .await
            .expect("stored file")
            .body
    }
}

/// The segments of `track` in a manifest.
pub fn segments<'a>(m: &'a Value, track: &str) -> Vec<&'a Value> {
    m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["track"] == track)
        .collect()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// Asserts an error in the agreed shape and returns its code.
    #[track_caller]
    pub fn error(&self, status: u16) -> String {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        let message = self.body["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "no message in {}", self.body);
        self.body["error"]["code"]
            .as_str()
            .expect("error code")
            .to_string()
    }

    pub fn message(&self) -> String {
        self.body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

struct BrowserHandler {
    gathered: watch::Sender<bool>,
    state: watch::Sender<RTCPeerConnectionState>,
    inbound_audio: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for BrowserHandler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            self.gathered.send_replace(true);
        }
    }
    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        self.state.send_replace(state);
    }
    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let count = self.inbound_audio.clone();
        tokio::spawn(async move {
            while let Some(e) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(_) = e {
                    count.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
}

/// A candidate's browser: microphone (Opus), optionally a camera (VP8), the `events` channel.
pub struct Browser {
    pub pc: Arc<dyn PeerConnection>,
    pub offer_sdp: String,
    pub dc: Option<Arc<dyn DataChannel>>,
    events: mpsc::UnboundedReceiver<Value>,
    mic: Option<(Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>)>,
    camera: Option<(Arc<TrackLocalStaticSample>, Arc<dyn RtpSender>)>,
    camera_kind: Camera,
    pub state: watch::Receiver<RTCPeerConnectionState>,
    pub inbound_audio: Arc<AtomicUsize>,
}

/// What the browser's camera sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Camera {
    None,
    Vp8,
    /// A browser that offers H.264 only (Safari-like).
    H264,
}

const H264_FMTP: &str = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";

fn local_track(
    kind: RtpCodecKind,
    mime: &str,
    clock_rate: u32,
    channels: u16,
) -> Arc<TrackLocalStaticSample> {
    let fmtp = if mime == MIME_TYPE_H264 {
        H264_FMTP
    } else {
        ""
    };
    Arc::new(
        TrackLocalStaticSample::new(
            std::time::Instant::now(),
            MediaStreamTrack::new(
                "browser".into(),
                format!("{kind}"),
                format!("{kind}"),
                kind,
                vec![RTCRtpEncodingParameters {
                    rtp_coding_parameters: RTCRtpCodingParameters {
                        ssrc: Some(rand::random()),
                        ..Default::default()
                    },
                    codec: RTCRtpCodec {
                        mime_type: mime.into(),
                        clock_rate,
                        channels,
                        sdp_fmtp_line: fmtp.into(),
                        rtcp_feedback: vec![],
                    },
                    ..Default::default()
                }],
            ),
        )
        .unwrap(),
    )
}

impl Browser {
    /// A browser with a microphone, a camera and the events channel.
    pub async fn new() -> Browser {
        Self::with(true, true, true).await
    }

    pub async fn with(microphone: bool, camera: bool, events: bool) -> Browser {
        Self::build(
            microphone,
            if camera { Camera::Vp8 } else { Camera::None },
            events,
        )
        .await
    }

    pub async fn build(microphone: bool, camera: Camera, events: bool) -> Browser {
        let mut media = MediaEngine::default();
        if camera == Camera::H264 {
            let codec = |mime: &str, clock_rate, channels, fmtp: &str, payload_type| {
                RTCRtpCodecParameters {
                    rtp_codec: RTCRtpCodec {
                        mime_type: mime.into(),
                        clock_rate,
                        channels,
                        sdp_fmtp_line: fmtp.into(),
                        rtcp_feedback: vec![],
                    },
                    payload_type,
                }
            };
            media
                .register_codec(
                    codec(MIME_TYPE_OPUS, 48000, 2, "minptime=10;useinbandfec=1", 111),
                    RtpCodecKind::Audio,
                )
                .unwrap();
            media
                .register_codec(
                    codec(MIME_TYPE_H264, 90000, 0, H264_FMTP, 125),
                    RtpCodecKind::Video,
                )
                .unwrap();
        } else {
            media.register_default_codecs().unwrap();
        }
        let settings = SettingEngineBuilder::new()
            .with_include_loopback_candidate(true)
            .with_multicast_dns_mode(rtc::ice::mdns::MulticastDnsMode::Disabled)
            .build();
        let (gathered_tx, mut gathered) = watch::channel(false);
        let (state_tx, state) = watch::channel(RTCPeerConnectionState::New);
        let inbound_audio = Arc::new(AtomicUsize::new(0));
        let pc: Arc<dyn PeerConnection> = Arc::new(
            PeerConnectionBuilder::new()
                .with_media_engine(media)
                .with_setting_engine(settings)
                .with_handler(Arc::new(BrowserHandler {
                    gathered: gathered_tx,
                    state: state_tx,
                    inbound_audio: inbound_audio.clone(),
                }))
                .with_udp_addrs(vec!["127.0.0.1:0".to_string()])
                .build()
                .await
                .unwrap(),
        );
        let mic = if microphone {
            let t = local_track(RtpCodecKind::Audio, MIME_TYPE_OPUS, 48000, 2);
            let sender = pc
                .add_track(t.clone() as Arc<dyn TrackLocal>)
                .await
                .unwrap();
            Some((t, sender))
        } else {
            None
        };
        let camera_kind = camera;
        let camera = if camera != Camera::None {
            let mime = if camera == Camera::H264 {
                MIME_TYPE_H264
            } else {
                MIME_TYPE_VP8
            };
            let t = local_track(RtpCodecKind::Video, mime, 90000, 0);
            let sender = pc
                .add_track(t.clone() as Arc<dyn TrackLocal>)
                .await
                .unwrap();
            Some((t, sender))
        } else {
            None
        };
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let dc = if events {
            let dc = pc.create_data_channel("events", None).await.unwrap();
            let reader = dc.clone();
            tokio::spawn(async move {
                while let Some(e) = reader.poll().await {
                    if let DataChannelEvent::OnMessage(m) = e {
                        let v: Value =
                            serde_json::from_slice(&m.data).expect("server events are JSON");
                        let _ = events_tx.send(v);
                    }
                }
            });
            Some(dc)
        } else {
            None
        };
        let offer = pc.create_offer(None).await.unwrap();
        pc.set_local_description(offer).await.unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(5), gathered.wait_for(|g| *g)).await;
        let offer_sdp = pc.local_description().await.unwrap().sdp;
        Browser {
            pc,
            offer_sdp,
            dc,
            events: events_rx,
            mic,
            camera,
            camera_kind,
            state,
            inbound_audio,
        }
    }

    pub async fn accept(&self, answer: &str) {
        self.pc
            .set_remote_description(RTCSessionDescription::answer(answer.to_string()).unwrap())
            .await
            .unwrap();
    }

    /// The next server event of type `kind`; other events before it are skipped.
    pub async fn next(&mut self, kind: &str) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let e = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .unwrap_or_else(|_| panic!("no `{kind}` event in time"))
                .unwrap_or_else(|| panic!("the events channel ended before a `{kind}` event"));
            if e["type"] == kind {
                return e;
            }
        }
    }

    /// Sends a text message over the events channel (once it is open).
    pub async fn send(&self, text: &str) {
        let dc = self.dc.as_ref().expect("an events channel");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if dc.send_text(text).await.is_ok() {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "could not send over the events channel"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_connected(&self) {
        let mut s = self.state.clone();
        tokio::time::timeout(
            PATIENCE,
            s.wait_for(|s| *s == RTCPeerConnectionState::Connected),
        )
        .await
        .expect("connected in time")
        .unwrap();
    }

    /// Speaks into the microphone: `frames` Opus packets of 20 ms, in real time.
    pub async fn speak(&self, frames: usize) {
        let silence = vec![bytes::Bytes::from_static(&OPUS_SILENCE); frames];
        self.speak_packets(&silence).await;
    }

    /// Plays these 20 ms Opus packets into the microphone, in real time.
    pub async fn speak_packets(&self, packets: &[bytes::Bytes]) {
        let (track, sender) = self.mic.as_ref().expect("a microphone");
        let pt = sender
            .get_parameters()
            .await
            .unwrap()
            .rtp_parameters
            .codecs
            .first()
            .map(|c| c.payload_type)
            .unwrap_or(111);
        let ssrc = *track.ssrcs().await.first().unwrap();
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for packet in packets {
            tick.tick().await;
            let sample = Sample {
                data: packet.clone(),
                duration: Duration::from_millis(20),
                ..Sample::new(std::time::Instant::now())
            };
            track
                .sample_writer(ssrc, pt)
                .write_sample(&sample)
                .await
                .unwrap();
        }
    }

    /// Films: `frames` frames at 25 per second, a key frame every 25 (the recorder does not
    /// decode, so the frames are headers and filler).
    pub async fn film(&self, frames: usize) {
        let (track, sender) = self.camera.as_ref().expect("a camera");
        let pt = sender
            .get_parameters()
            .await
            .unwrap()
            .rtp_parameters
            .codecs
            .first()
            .map(|c| c.payload_type)
            .unwrap_or(96);
        let ssrc = *track.ssrcs().await.first().unwrap();
        let mut tick = tokio::time::interval(Duration::from_millis(40));
        for i in 0..frames {
            tick.tick().await;
            let key = i % 25 == 0;
            let mut frame = match (self.camera_kind, key) {
                // VP8: a key frame of 320x240, or an inter frame.
                (Camera::Vp8, true) => {
                    vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]
                }
                (Camera::Vp8, false) => vec![0x11, 0x02, 0x00],
                // H.264 Annex B: SPS, PPS and an IDR slice, or a non-IDR slice.
                (_, true) => vec![
                    0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1f, 0x5a, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80,
                    0, 0, 0, 1, 0x65, 0x88,
                ],
                (_, false) => vec![0, 0, 0, 1, 0x41, 0x9a],
            };
            frame.resize(frame.len() + 1500, 0x5a); // two RTP packets per frame
            let sample = Sample {
                data: frame.into(),
                duration: Duration::from_millis(40),
                ..Sample::new(std::time::Instant::now())
            };
            track
                .sample_writer(ssrc, pt)
                .write_sample(&sample)
                .await
                .unwrap();
        }
    }

    /// Sends `n` RTP packets of random bytes with random timestamps and sequence numbers on
    /// the microphone and the camera, as a broken or hostile sender would.
    pub async fn send_garbage(&self, n: usize) {
        for (track, sender) in self.mic.iter().chain(self.camera.iter()) {
            let pt = sender
                .get_parameters()
                .await
                .unwrap()
                .rtp_parameters
                .codecs
                .first()
                .map(|c| c.payload_type)
                .unwrap_or(111);
            let ssrc = *track.ssrcs().await.first().unwrap();
            for _ in 0..n {
                let len = rand::random_range(0..1100usize);
                let payload: Vec<u8> = (0..len).map(|_| rand::random()).collect();
                let packet = rtc::rtp::Packet {
                    header: rtc::rtp::Header {
                        version: 2,
                        marker: rand::random(),
                        payload_type: pt,
                        sequence_number: rand::random(),
                        timestamp: rand::random(),
                        ssrc,
                        ..Default::default()
                    },
                    payload: payload.into(),
                };
                let _ = track.write_rtp(packet).await;
            }
        }
    }

    pub async fn close(&self) {
        let _ = self.pc.close().await;
    }
}
