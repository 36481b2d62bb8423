//! Answering an offer: the peer connection built on a free port, the offer applied, the AI's
//! voice track added, and the answer returned once ICE gathering is complete (no trickle).

use super::Worker;
use crate::error::RtcError;
use crate::peer::{self, PeerEvent};
use crate::sdp::OfferError;
use rtc::media_stream::MediaStreamTrack;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::peer_connection::{PeerConnection, RTCSessionDescription};

impl Worker {
    /// Builds the peer connection (or refuses: no free port) and answers the offer on it;
    /// the connection is closed again if the answer fails.
    pub(super) async fn open(&self, session_id: Uuid, sdp: &str) -> Result<Opened, RtcError> {
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

/// A peer connection that has answered an offer, before its session starts.
pub(super) struct Opened {
    pub(super) session_id: Uuid,
    pub(super) pc: Arc<dyn PeerConnection>,
    pub(super) events: mpsc::UnboundedReceiver<PeerEvent>,
    pub(super) answer: String,
    pub(super) voice: Arc<TrackLocalStaticSample>,
    pub(super) payload_type: u8,
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
