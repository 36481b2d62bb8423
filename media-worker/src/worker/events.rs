//! The events data channel of a session: server events go out in order once the page has
//! opened it (each question and answer marked in the recording), the page's messages come in.

use crate::protocol::{ClientEvent, ServerEvent};
use crate::recording::RecordingSink;
use otbor_app::recordings::MarkKind;
use otbor_domain::Lang;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use webrtc::data_channel::{DataChannel, DataChannelEvent, RTCDataChannelState};

/// Sends server events over the data channel once it is open, in order, and marks in the
/// recording when each question and answer went out (the chapters).
pub(super) async fn write_events(
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
pub(super) async fn read_events(
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
