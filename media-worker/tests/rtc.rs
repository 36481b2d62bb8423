//! The media worker end to end on loopback: a `webrtc` peer plays the candidate's browser
//! against the signalling router, the worker and the interview on SQLite.

mod harness;

use harness::*;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_is_answered_and_the_first_question_arrives_over_the_data_channel() {
    let h = harness(4).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.wait_connected().await;
    let question = browser.next("question").await;
    assert!(
        question["text"].as_str().is_some_and(|t| !t.is_empty()),
        "{question}"
    );
    assert!(question["number"].as_u64().is_some_and(|n| n >= 1));
    // The interview is on the voice channel and the application moved on.
    let record = h
        .state
        .records
        .get_interview(invite.application_id)
        .await
        .unwrap()
        .expect("interview started");
    assert_eq!(record.channel, otbor_domain::interview::Channel::Voice);
    let app = h
        .state
        .records
        .get_application(invite.application_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.status, otbor_domain::application::Status::InInterview);
    assert_eq!(h.worker.active_sessions(), 1);
    browser.close().await;
    h.wait_sessions(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_answer_over_the_data_channel_advances_the_interview_in_the_store() {
    let h = harness(4).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    let first = browser.next("question").await;
    let turns_before = h.interview_state(invite.application_id).await["turns"]
        .as_array()
        .unwrap()
        .len();

    let text = "Пишу на Rust четыре года: сервисы на tokio и axum, PostgreSQL через sqlx.";
    browser
        .send(&json!({"type": "text", "text": text}).to_string())
        .await;
    let answer = browser.next("answer").await;
    assert_eq!(answer["text"], text);
    assert!(answer["number"].as_u64().unwrap() > first["number"].as_u64().unwrap());
    let progress = browser.next("progress").await;
    assert!(progress["planned"].as_u64().unwrap() >= 1);
    let next = browser.next("question").await;
    assert!(
        next["number"].as_u64().unwrap() > answer["number"].as_u64().unwrap(),
        "{next}"
    );

    let state = h.interview_state(invite.application_id).await;
    let turns = state["turns"].as_array().unwrap();
    assert!(
        turns.len() >= turns_before + 2,
        "the answer and the next question are stored"
    );
    assert!(
        turns.iter().any(|t| t["text"] == text),
        "the typed answer is in the stored transcript"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finishing_over_the_data_channel_ends_the_interview_and_queues_the_evaluation() {
    let h = harness(4).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    browser.send(r#"{"type":"finish"}"#).await;
    browser.next("finished").await;
    let record = h
        .state
        .records
        .get_interview(invite.application_id)
        .await
        .unwrap()
        .unwrap();
    assert!(record.finished);
    let app = h
        .state
        .records
        .get_application(invite.application_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.status, otbor_domain::application::Status::Evaluation);
    // The conversation is over: the session ends by itself and frees its slot.
    h.wait_sessions(0).await;
    // A finished interview is not reopened.
    let again = Browser::new().await;
    assert_eq!(
        h.offer(&invite.token, &again.offer_sdp).await.error(409),
        "interview_finished"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_on_the_data_channel_gets_a_notice_and_the_session_goes_on() {
    let h = harness(4).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    for garbage in [
        "not json",
        r#"{"type":"dance"}"#,
        r#"{"type":"text","text":42}"#,
        "{}",
    ] {
        browser.send(garbage).await;
        let notice = browser.next("notice").await;
        assert!(
            notice["text"].as_str().unwrap().contains("not understood"),
            "{notice}"
        );
    }
    // An empty answer is refused with the API's own words; the interview did not move.
    browser.send(r#"{"type":"text","text":"   "}"#).await;
    browser.next("notice").await;
    browser
        .send(r#"{"type":"text","text":"Да, конечно."}"#)
        .await;
    assert_eq!(browser.next("answer").await["text"], "Да, конечно.");
    assert_eq!(h.worker.active_sessions(), 1);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_candidates_audio_and_video_are_recorded_to_the_file_store_in_segments() {
    let h = harness(4).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    // 2.5 s of speech and video with 1 s segments.
    tokio::join!(browser.speak(125), browser.film(63));
    // Segments reach the store during the call, not only at its end.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while h
        .manifests(invite.application_id)
        .first()
        .is_none_or(|m| segments(m, "candidate-audio").len() < 2)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no audio segments during the call"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(h.worker.active_sessions(), 1, "the call is still on");
    browser.close().await;

    let manifest = h
        .manifest(invite.application_id, "candidate-audio", 2)
        .await;
    let prefix = format!(
        "recordings/{}/{}/",
        invite.application_id,
        manifest["session_id"].as_str().unwrap()
    );
    let audio = segments(&manifest, "candidate-audio");
    for (i, s) in audio.iter().enumerate() {
        assert_eq!(s["seq"], i as u64);
        let key = s["key"].as_str().unwrap();
        assert_eq!(key, format!("{prefix}candidate-audio-{i:05}.ogg"));
        let body = h.file(key).await;
        assert_eq!(&body[..4], b"OggS");
        assert_eq!(&body[28..36], b"OpusHead");
        assert_eq!(body.len() as u64, s["bytes"].as_u64().unwrap());
    }
    let total_ms: u64 = audio
        .iter()
        .map(|s| s["duration_ms"].as_u64().unwrap())
        .sum();
    assert!(
        (2000..=2700).contains(&total_ms),
        "2.5 s recorded, not {total_ms} ms"
    );
    assert!(
        audio
            .windows(2)
            .all(|w| w[0]["start_ms"].as_u64() < w[1]["start_ms"].as_u64())
    );

    let video = segments(&manifest, "candidate-video");
    assert!(video.len() >= 2, "{manifest}");
    assert_eq!(video[0]["starts_with_keyframe"], true);
    let first = h.file(video[0]["key"].as_str().unwrap()).await;
    assert_eq!(&first[..4], b"DKIF");
    assert_eq!(&first[8..12], b"VP80");
    assert_eq!(
        u16::from_le_bytes([first[12], first[13]]),
        320,
        "the width comes from the key frame"
    );
    let mut frames = 0;
    for s in &video {
        let body = h.file(s["key"].as_str().unwrap()).await;
        frames += u32::from_le_bytes(body[24..28].try_into().unwrap());
    }
    // All 63 frames but those waiting in the reorder buffer when the call ended.
    assert!((55..=63).contains(&frames), "{frames} frames recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_sdp_is_refused_with_422_saying_what_is_wrong() {
    let h = harness(4).await;
    let invite = h.consented_invite().await;
    let browser = Browser::new().await;
    let cases = [
        (
            "v=0\r\nthis is not sdp\r\n".to_string(),
            "could not be parsed",
        ),
        (String::new(), "empty"),
        (
            "v=0\r\n".to_string() + &"a=x\r\n".repeat(8_000),
            "too large",
        ),
        (
            browser.offer_sdp.replace("a=fingerprint", "a=fingerprinz"),
            "fingerprint",
        ),
        (
            browser.offer_sdp.replace("a=ice-ufrag", "a=ice-ufrog"),
            "ice-ufrag",
        ),
    ];
    for (sdp, says) in cases {
        let reply = h.offer(&invite.token, &sdp).await;
        assert_eq!(reply.error(422), "bad_sdp");
        assert!(
            reply.message().contains(says),
            "{} should say {says}",
            reply.message()
        );
        assert_eq!(reply.body["error"]["field"], "sdp");
    }
    // A body beyond the signalling limit is refused before it is read.
    let huge = h.offer(&invite.token, &"a".repeat(100_000)).await;
    assert_eq!(huge.error(413), "too_large");
    // The wrong type, and a missing field.
    let answer = h
        .request(
            "POST",
            &format!("/api/interview/{}/rtc/offer", invite.token),
            Some(json!({"type": "answer", "sdp": browser.offer_sdp})),
        )
        .await;
    assert_eq!(answer.error(422), "bad_sdp");
    let missing = h
        .request(
            "POST",
            &format!("/api/interview/{}/rtc/offer", invite.token),
            Some(json!({"type": "offer"})),
        )
        .await;
    assert_eq!(missing.status, 400, "{}", missing.body);
    // Nothing was opened and the worker still answers a good offer.
    assert_eq!(h.worker.active_sessions(), 0);
    h.connect(&browser, &invite.token).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_without_audio_is_refused_with_422() {
    let h = harness(4).await;
    let invite = h.consented_invite().await;
    let no_microphone = Browser::with(false, true, true).await;
    let reply = h.offer(&invite.token, &no_microphone.offer_sdp).await;
    assert_eq!(reply.error(422), "no_audio");
    assert!(
        reply.message().contains("microphone"),
        "{}",
        reply.message()
    );
    assert_eq!(h.worker.active_sessions(), 0);
    // Refused before the interview started: the application is untouched.
    assert!(
        h.state
            .records
            .get_interview(invite.application_id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_expired_and_unconsented_links_are_refused_as_the_api_does() {
    let h = harness(4).await;
    let browser = Browser::new().await;
    let unknown = "ab".repeat(32);
    assert_eq!(
        h.offer(&unknown, &browser.offer_sdp).await.error(404),
        "not_found"
    );
    assert_eq!(
        h.offer("not-a-token", &browser.offer_sdp).await.error(404),
        "not_found"
    );
    assert_eq!(
        h.request("GET", &format!("/api/interview/{unknown}/rtc/config"), None)
            .await
            .error(404),
        "not_found"
    );
    let expired = h.invite(true, chrono::Duration::seconds(-1)).await;
    assert_eq!(
        h.offer(&expired.token, &browser.offer_sdp).await.error(410),
        "expired"
    );
    let unconsented = h.invite(false, chrono::Duration::days(7)).await;
    assert_eq!(
        h.offer(&unconsented.token, &browser.offer_sdp)
            .await
            .error(422),
        "validation"
    );
    assert_eq!(h.worker.active_sessions(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_gets_the_configured_ice_servers_with_a_valid_link() {
    let mut config = test_config(4);
    config.ice_servers = vec![
        otbor_media_worker::IceServer {
            urls: vec!["stun:stun.example.ru:3478".into()],
            username: None,
            credential: None,
            secret: None,
        },
        otbor_media_worker::IceServer {
            urls: vec!["turn:turn.example.ru:3478?transport=udp".into()],
            username: Some("otbor".into()),
            credential: Some("s3cret".to_string().into()),
            secret: None,
        },
    ];
    let h = harness_with(config, Arc::new(otbor_media_worker::TypedConversation)).await;
    let invite = h.consented_invite().await;
    let reply = h
        .request(
            "GET",
            &format!("/api/interview/{}/rtc/config", invite.token),
            None,
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body,
        json!({"ice_servers": [
            {"urls": ["stun:stun.example.ru:3478"]},
            {"urls": ["turn:turn.example.ru:3478?transport=udp"], "username": "otbor", "credential": "s3cret"}
        ]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_turn_secret_each_browser_gets_time_limited_credentials_that_the_turn_server_can_check() {
    let mut config = test_config(4);
    config.ice_servers = vec![otbor_media_worker::IceServer {
        urls: vec!["turn:turn.example.ru:3478?transport=udp".into()],
        username: None,
        credential: None,
        secret: Some("north-secret".to_string().into()),
    }];
    config.turn_ttl = std::time::Duration::from_secs(3600);
    let h = harness_with(config, Arc::new(otbor_media_worker::TypedConversation)).await;
    let (first, second) = (h.consented_invite().await, h.consented_invite().await);
    let config_of = |token: String| {
        let h = &h;
        async move {
            let reply = h
                .request("GET", &format!("/api/interview/{token}/rtc/config"), None)
                .await;
            assert_eq!(reply.status, 200);
            let server = reply.body["ice_servers"][0].clone();
            (
                server["username"].as_str().unwrap().to_string(),
                server["credential"].as_str().unwrap().to_string(),
            )
        }
    };
    let (username, credential) = config_of(first.token.clone()).await;
    let (expires, who) = username.split_once(':').expect("<expiry>:<who>");
    let left = expires.parse::<i64>().unwrap() - chrono::Utc::now().timestamp();
    assert!((3590..=3600).contains(&left), "valid for the configured hour: {left} s");
    assert_eq!(who.len(), 16);
    assert!(!username.contains(&first.token), "the link itself is not in the username");
    assert_eq!(
        credential,
        otbor_media_worker::turn::password_for("north-secret", &username),
        "base64(HMAC-SHA1(secret, username)), as coturn's use-auth-secret checks"
    );
    let (other, _) = config_of(second.token.clone()).await;
    assert_ne!(other.split_once(':').unwrap().1, who, "each interview its own");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_sessions_than_capacity_get_503_with_retry_after_and_a_freed_slot_is_reused() {
    let h = harness(1).await;
    let (first, second) = (h.consented_invite().await, h.consented_invite().await);
    let a = Browser::new().await;
    h.connect(&a, &first.token).await;
    let b = Browser::new().await;
    let reply = h.offer(&second.token, &b.offer_sdp).await;
    assert_eq!(reply.error(503), "busy");
    assert_eq!(reply.headers.get("retry-after").unwrap(), "15");
    assert!(
        reply.message().contains("chat"),
        "the message suggests the chat: {}",
        reply.message()
    );
    // The refused candidate's interview was not started.
    assert!(
        h.state
            .records
            .get_interview(second.application_id)
            .await
            .unwrap()
            .is_none()
    );
    a.close().await;
    h.wait_sessions(0).await;
    h.connect(&b, &second.token).await;
    assert_eq!(h.worker.active_sessions(), 1);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_browser_takes_over_and_the_first_is_told_it_was_taken_over() {
    // Capacity 1: taking over one's own interview needs no second slot.
    let h = harness(1).await;
    let invite = h.consented_invite().await;
    let mut first = Browser::new().await;
    h.connect(&first, &invite.token).await;
    let asked = first.next("question").await;
    let mut second = Browser::new().await;
    h.connect(&second, &invite.token).await;
    let closed = first.next("closed").await;
    assert_eq!(closed["code"], "taken_over");
    assert!(closed["message"].as_str().is_some_and(|m| !m.is_empty()));
    // The newer browser goes on at the same question.
    assert_eq!(second.next("question").await, asked);
    h.wait_sessions(1).await;
    let mut state = first.state.clone();
    tokio::time::timeout(
        PATIENCE,
        state.wait_for(|s| *s != webrtc::peer_connection::RTCPeerConnectionState::Connected),
    )
    .await
    .expect("the first browser is disconnected")
    .unwrap();
    second
        .send(r#"{"type":"text","text":"Продолжаю со второго устройства."}"#)
        .await;
    second.next("answer").await;
    second.close().await;
    first.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_dropped_connection_a_new_offer_resumes_at_the_same_question() {
    let h = harness(2).await;
    let invite = h.consented_invite().await;
    let mut before = Browser::new().await;
    h.connect(&before, &invite.token).await;
    before.next("question").await;
    before
        .send(r#"{"type":"text","text":"Три года на Rust."}"#)
        .await;
    before.next("answer").await;
    let waiting = before.next("question").await;
    before.close().await;
    h.wait_sessions(0).await;

    let mut after = Browser::new().await;
    h.connect(&after, &invite.token).await;
    assert_eq!(after.next("question").await, waiting);
    // One interview, not two: the record was resumed.
    let record = h
        .state
        .records
        .get_interview(invite.application_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!record.finished);
    after.close().await;
    h.wait_sessions(0).await;
    assert_eq!(
        h.manifests(invite.application_id).len(),
        2,
        "each session keeps its own recording"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_never_connects_is_dropped_and_frees_its_slot() {
    let mut config = test_config(1);
    config.connect_timeout = Duration::from_secs(1);
    let h = harness_with(config, Arc::new(otbor_media_worker::TypedConversation)).await;
    let invite = h.consented_invite().await;
    let browser = Browser::new().await;
    // The answer is never applied: ICE never starts.
    assert_eq!(h.offer(&invite.token, &browser.offer_sdp).await.status, 200);
    assert_eq!(h.worker.active_sessions(), 1);
    h.wait_sessions(0).await;
    let manifest = h
        .manifest(invite.application_id, "candidate-audio", 0)
        .await;
    assert!(manifest["segments"].as_array().unwrap().is_empty());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_rtp_crashes_nothing_and_recording_goes_on() {
    let h = harness(2).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    browser.speak(20).await;
    browser.send_garbage(300).await;
    browser.speak(60).await;
    // Still alive: the data channel answers, and audio after the garbage is recorded.
    browser
        .send(r#"{"type":"text","text":"Всё ещё здесь."}"#)
        .await;
    browser.next("answer").await;
    assert_eq!(h.worker.active_sessions(), 1);
    browser.close().await;
    let manifest = h
        .manifest(invite.application_id, "candidate-audio", 1)
        .await;
    let recorded: u64 = segments(&manifest, "candidate-audio")
        .iter()
        .map(|s| s["bytes"].as_u64().unwrap())
        .sum();
    assert!(recorded > 0);
}

/// Speaks a fixed number of frames when the session opens, then listens until it ends.
struct Speaker {
    frames: usize,
}

#[async_trait::async_trait]
impl otbor_media_worker::Conversation for Speaker {
    async fn run(&self, io: otbor_media_worker::MediaIo, _ctx: otbor_media_worker::SessionContext) {
        let otbor_media_worker::MediaIo {
            mut audio_in,
            audio_out,
            mut events_in,
            events_out,
        } = io;
        events_out
            .send(otbor_media_worker::protocol::ServerEvent::State {
                state: otbor_media_worker::protocol::AiState::Speaking,
            })
            .await;
        for _ in 0..self.frames {
            assert!(
                audio_out
                    .send(bytes::Bytes::from_static(&OPUS_SILENCE))
                    .await
            );
        }
        events_out
            .send(otbor_media_worker::protocol::ServerEvent::State {
                state: otbor_media_worker::protocol::AiState::Listening,
            })
            .await;
        loop {
            tokio::select! {
                a = audio_in.recv() => if a.is_none() { break },
                e = events_in.recv() => if e.is_none() { break },
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conversations_voice_reaches_the_browser_in_real_time_and_is_recorded() {
    let h = harness_with(test_config(2), Arc::new(Speaker { frames: 100 })).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    assert_eq!(browser.next("state").await["state"], "speaking");
    let started = tokio::time::Instant::now();
    assert_eq!(browser.next("state").await["state"], "listening");
    // 100 frames of 20 ms are paced: about two seconds, not a burst.
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1500), "sent in {took:?}");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while browser
        .inbound_audio
        .load(std::sync::atomic::Ordering::SeqCst)
        < 50
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the browser heard {} packets",
            browser
                .inbound_audio
                .load(std::sync::atomic::Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    browser.close().await;
    let manifest = h.manifest(invite.application_id, "ai-audio", 1).await;
    let ms: u64 = segments(&manifest, "ai-audio")
        .iter()
        .map(|s| s["duration_ms"].as_u64().unwrap())
        .sum();
    assert!(
        (1800..=2300).contains(&ms),
        "the AI's 2 s are recorded, not {ms} ms"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_that_expires_during_the_call_closes_the_session_with_expired() {
    let mut config = test_config(2);
    config.link_check = Duration::from_millis(300);
    let h = harness_with(config, Arc::new(otbor_media_worker::TypedConversation)).await;
    let invite = h.invite(true, chrono::Duration::seconds(3)).await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    let closed = browser.next("closed").await;
    assert_eq!(closed["code"], "expired");
    h.wait_sessions(0).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_the_worker_down_tells_the_candidate_and_keeps_the_recording() {
    let h = harness(2).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    browser.speak(30).await;
    h.worker.shutdown(PATIENCE).await;
    let closed = browser.next("closed").await;
    assert_eq!(closed["code"], "error");
    assert!(
        closed["message"]
            .as_str()
            .unwrap()
            .contains("same question"),
        "{closed}"
    );
    assert_eq!(h.worker.active_sessions(), 0);
    // `shutdown` returned after the uploads: the manifest is complete already.
    let manifest = h
        .manifests(invite.application_id)
        .pop()
        .expect("a manifest");
    assert!(
        !manifest["ended_at"].is_null() && !segments(&manifest, "candidate-audio").is_empty(),
        "{manifest}"
    );
    browser.close().await;
}

/// Talks without end until the candidate types something, then stops at once (barge-in).
struct Talker;

#[async_trait::async_trait]
impl otbor_media_worker::Conversation for Talker {
    async fn run(&self, io: otbor_media_worker::MediaIo, _ctx: otbor_media_worker::SessionContext) {
        let otbor_media_worker::MediaIo {
            audio_in: _a,
            audio_out,
            mut events_in,
            events_out: _e,
        } = io;
        let voice = audio_out.clone();
        let talking = tokio::spawn(async move {
            while voice.send(bytes::Bytes::from_static(&OPUS_SILENCE)).await {}
        });
        if events_in.recv().await.is_some() {
            talking.abort();
            audio_out.interrupt();
        }
        while events_in.recv().await.is_some() {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interruption_stops_the_voice_at_once() {
    let h = harness_with(test_config(2), Arc::new(Talker)).await;
    let invite = h.consented_invite().await;
    let browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    let heard = || browser.inbound_audio.load(Ordering::SeqCst);
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while heard() < 25 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the browser heard {} packets",
            heard()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let at_interrupt = heard();
    browser.send(r#"{"type":"text","text":"Подождите"}"#).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let soon_after = heard();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(heard(), soon_after, "no audio after the interruption");
    // What still came: the message's trip and at most the frames already on their way.
    assert!(
        soon_after - at_interrupt <= 8,
        "{} packets after the interruption",
        soon_after - at_interrupt
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_uses_the_configured_port_and_a_used_up_range_gets_503() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = test_config(4);
    config.udp_ports = Some(port..=port);
    let h = harness_with(config, Arc::new(otbor_media_worker::TypedConversation)).await;
    let (first, second) = (h.consented_invite().await, h.consented_invite().await);
    let a = Browser::new().await;
    let reply = h.offer(&first.token, &a.offer_sdp).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let sdp = reply.body["sdp"].as_str().unwrap();
    assert!(
        sdp.lines()
            .any(|l| l.starts_with("a=candidate") && l.contains(&format!(" {port} typ host"))),
        "{sdp}"
    );
    a.accept(sdp).await;
    a.wait_connected().await;
    let b = Browser::new().await;
    assert_eq!(
        h.offer(&second.token, &b.offer_sdp).await.error(503),
        "busy"
    );
    a.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_sends_h264_is_recorded_as_annex_b() {
    let h = harness(2).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::build(true, Camera::H264, true).await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    tokio::join!(browser.speak(75), browser.film(38));
    browser.close().await;
    let manifest = h
        .manifest(invite.application_id, "candidate-video", 1)
        .await;
    let video = segments(&manifest, "candidate-video");
    assert_eq!(video[0]["format"], "annex_b_h264");
    assert_eq!(video[0]["starts_with_keyframe"], true);
    let key = video[0]["key"].as_str().unwrap();
    assert!(key.ends_with("candidate-video-00000.h264"), "{key}");
    let body = h.file(key).await;
    assert!(body.starts_with(&[0, 0, 0, 1]), "Annex B start code first");
    let nal_types: Vec<u8> = body
        .windows(4)
        .filter(|w| w[..3] == [0, 0, 1])
        .map(|w| w[3] & 0x1f)
        .collect();
    assert!(
        nal_types.contains(&7) && nal_types.contains(&5) && nal_types.contains(&1),
        "SPS, IDR and P slices: {nal_types:?}"
    );
}
