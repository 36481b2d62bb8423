//! Building one peer connection from the worker's settings: the codecs we accept (Opus, VP8,
//! H.264), ICE settings (port range, NAT 1:1 addresses, STUN, loopback, mDNS), and a handler
//! that turns the stack's callbacks into a stream of [`PeerEvent`]s for the session task.

use crate::config::WorkerConfig;
use rtc::ice::mdns::MulticastDnsMode;
use rtc::interceptor::Registry;
use rtc::peer_connection::configuration::media_engine::{
    MIME_TYPE_H264, MIME_TYPE_OPUS, MIME_TYPE_RTX, MIME_TYPE_VP8,
};
use rtc::rtp_transceiver::rtp_sender::{
    RTCPFeedback, RTCRtpCodec, RTCRtpCodecParameters, RtpCodecKind,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{mpsc, watch};
use webrtc::data_channel::DataChannel;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCIceCandidateType, RTCIceGatheringState, RTCIceServer,
    RTCPeerConnectionState, SettingEngineBuilder, register_default_interceptors,
};

/// What the stack reports about a connection, in order.
pub(crate) enum PeerEvent {
    State(RTCPeerConnectionState),
    DataChannel(Arc<dyn DataChannel>),
    Track(Arc<dyn TrackRemote>),
}

struct Handler {
    tx: mpsc::UnboundedSender<PeerEvent>,
    gathered: watch::Sender<bool>,
}

// The stack awaits these callbacks on its driver: they only forward, never wait.
#[async_trait::async_trait]
impl PeerConnectionEventHandler for Handler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            self.gathered.send_replace(true);
        }
    }
    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.tx.send(PeerEvent::State(state));
    }
    async fn on_data_channel(&self, data_channel: Arc<dyn DataChannel>) {
        let _ = self.tx.send(PeerEvent::DataChannel(data_channel));
    }
    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.tx.send(PeerEvent::Track(track));
    }
}

/// The Opus codec both ways (what browsers offer).
pub(crate) fn opus() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_OPUS.to_owned(),
        clock_rate: 48000,
        channels: 2,
        sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
        rtcp_feedback: vec![],
    }
}

/// Opus, VP8 and H.264 (constrained baseline, packetization mode 1) only: what we can record.
fn media_engine() -> webrtc::error::Result<MediaEngine> {
    let mut m = MediaEngine::default();
    m.register_codec(
        RTCRtpCodecParameters {
            rtp_codec: opus(),
            payload_type: 111,
        },
        RtpCodecKind::Audio,
    )?;
    let feedback = vec![
        RTCPFeedback {
            typ: "goog-remb".into(),
            parameter: String::new(),
        },
        RTCPFeedback {
            typ: "ccm".into(),
            parameter: "fir".into(),
        },
        RTCPFeedback {
            typ: "nack".into(),
            parameter: String::new(),
        },
        RTCPFeedback {
            typ: "nack".into(),
            parameter: "pli".into(),
        },
    ];
    let video = |mime: &str, fmtp: &str, pt: u8| RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: mime.into(),
            clock_rate: 90000,
            channels: 0,
            sdp_fmtp_line: fmtp.into(),
            rtcp_feedback: feedback.clone(),
        },
        payload_type: pt,
    };
    let rtx = |pt: u8, apt: u8| RTCRtpCodecParameters {
        rtp_codec: RTCRtpCodec {
            mime_type: MIME_TYPE_RTX.into(),
            clock_rate: 90000,
            channels: 0,
            sdp_fmtp_line: format!("apt={apt}"),
            rtcp_feedback: vec![],
        },
        payload_type: pt,
    };
    for codec in [
        video(MIME_TYPE_VP8, "", 96),
        rtx(97, 96),
        video(
            MIME_TYPE_H264,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            125,
        ),
        rtx(105, 125),
        video(
            MIME_TYPE_H264,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            102,
        ),
        rtx(103, 102),
    ] {
        m.register_codec(codec, RtpCodecKind::Video)?;
    }
    Ok(m)
}

/// The ICE servers the worker itself uses: STUN only (to learn its public address when none
/// is configured). Relaying is the browser's business; a TURN allocation per session on the
/// server side would only add a hop.
fn server_ice_servers(config: &WorkerConfig) -> Vec<RTCIceServer> {
    if !config.public_ips.is_empty() {
        return Vec::new();
    }
    config
        .ice_servers
        .iter()
        .map(|s| {
            s.urls
                .iter()
                .filter(|u| u.starts_with("stun:"))
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|urls| !urls.is_empty())
        .map(|urls| RTCIceServer {
            urls,
            ..Default::default()
        })
        .collect()
}

/// Every port of the configured range is taken: the worker is as full as its range allows.
#[derive(Debug, thiserror::Error)]
#[error("no free UDP port for media in the configured range")]
pub(crate) struct NoFreePort;

/// A built connection and what it reports.
pub(crate) struct Built {
    pub pc: Arc<dyn PeerConnection>,
    pub events: mpsc::UnboundedReceiver<PeerEvent>,
    pub gathered: watch::Receiver<bool>,
}

/// Builds a connection bound to a free port of the configured range (or an ephemeral one).
pub(crate) async fn build(config: &WorkerConfig, cursor: &AtomicUsize) -> anyhow::Result<Built> {
    let ports: Vec<u16> = match &config.udp_ports {
        None => vec![0],
        Some(range) => {
            let all: Vec<u16> = range.clone().collect();
            let start = cursor.fetch_add(1, Ordering::Relaxed) % all.len();
            // Try the whole range, starting after the last port handed out.
            all[start..].iter().chain(&all[..start]).copied().collect()
        }
    };
    let mut last_err = None;
    for port in ports {
        let (tx, events) = mpsc::unbounded_channel();
        let (gathered_tx, gathered) = watch::channel(false);
        let mut media = media_engine()?;
        let registry = register_default_interceptors(Registry::new(), &mut media)?;
        let mut settings = SettingEngineBuilder::new()
            .with_include_loopback_candidate(config.include_loopback)
            .with_multicast_dns_mode(if config.disable_mdns {
                MulticastDnsMode::Disabled
            } else {
                MulticastDnsMode::QueryOnly
            });
        if !config.public_ips.is_empty() {
            settings =
                settings.with_nat_1to1_ips(config.public_ips.clone(), RTCIceCandidateType::Host);
        }
        let rtc_config = RTCConfigurationBuilder::new()
            .with_ice_servers(server_ice_servers(config))
            .build();
        let built = PeerConnectionBuilder::new()
            .with_configuration(rtc_config)
            .with_media_engine(media)
            .with_interceptor_registry(registry)
            .with_setting_engine(settings.build())
            .with_handler(Arc::new(Handler {
                tx,
                gathered: gathered_tx,
            }))
            .with_udp_addrs(vec![std::net::SocketAddr::new(config.bind_ip, port)])
            .build()
            .await;
        match built {
            Ok(pc) => {
                return Ok(Built {
                    pc: Arc::new(pc),
                    events,
                    gathered,
                });
            }
            Err(e) => {
                tracing::debug!(port, error = %e, "cannot bind media port; trying the next");
                last_err = Some(e);
            }
        }
    }
    let last = last_err.map(|e| e.to_string()).unwrap_or_default();
    if config.udp_ports.is_some() {
        tracing::warn!(last_error = %last, "every media port of the range is taken");
        return Err(NoFreePort.into());
    }
    Err(anyhow::anyhow!("cannot bind a media socket: {last}"))
}
