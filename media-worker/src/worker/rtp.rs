//! The readers of the candidate's RTP tracks: the microphone recorded and passed on to the
//! conversation, the camera (VP8 or H.264) recorded, asking for a key frame when the
//! recorder needs one.

use crate::recording::{Format, RecordingSink, TrackName, TrackRecorder, Wish};
use crate::session::InboundAudio;
use rtc::media::io::sample_builder::SampleBuilder;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp::packetizer::Depacketizer;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};

/// Reads one of the candidate's tracks: records it, and passes Opus audio to the
/// conversation. Ends when the track or the connection ends.
pub(super) async fn read_track(
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
