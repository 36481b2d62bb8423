//! The voice interview through the whole stack: a `webrtc` client plays spoken answers
//! (espeak-ng, Opus) into the media worker, whose voice pipeline (Silero VAD, smart-turn,
//! recognition, the interview engine, espeak-ng synthesis) asks the questions aloud; the
//! answers reach the same interview record as the chat, and finishing queues the
//! evaluation, which then runs. Recognition is the zero-delay fake (`OTBOR_STT=fake`): the
//! machine has no Russian recogniser that understands synthetic speech (TOOLING.md).

mod harness;

use bytes::Bytes;
use harness::*;
use otbor_media_worker::VoiceConversation;
use otbor_voice::codec::Encoder;
use otbor_voice::resample::Resampler;
use otbor_voice::testing::media_var;
use std::sync::Arc;

const SPOKEN: &str = "Я пишу на Rust пять лет и сам проектировал сервис платежей";

/// Speech as the browser would send it: espeak-ng at 48 kHz, 20 ms Opus packets, then a second
/// of silence so that the turn can end.
fn spoken_packets(text: &str) -> Vec<Bytes> {
    let out = std::process::Command::new("espeak-ng").args(["-v", "ru", "--stdout", text]).output().expect("espeak-ng");
    let audio = otbor_voice::wav::parse(&out.stdout).expect("espeak's WAV");
    let pcm = Resampler::new(audio.sample_rate, 48_000).unwrap().process(&audio.samples);
    let mut enc = Encoder::new(64_000).unwrap();
    let mut packets = enc.encode_clip(&pcm).unwrap();
    let silence = enc.encode_clip(&[0; 960]).unwrap().remove(0);
    packets.extend(std::iter::repeat_n(silence, 60));
    packets
}

fn voice_vars() -> Option<impl Fn(&str) -> Option<String>> {
    let vad = media_var("OTBOR_VAD_MODEL")?;
    let turn = media_var("OTBOR_TURN_MODEL")?;
    media_var("ORT_DYLIB_PATH")?;
    Some(move |k: &str| match k {
        "OTBOR_VAD_MODEL" => Some(vad.clone()),
        "OTBOR_TURN_MODEL" => Some(turn.clone()),
        "OTBOR_STT" => Some("fake".into()),
        "OTBOR_STT_FAKE_TEXT" => Some(SPOKEN.into()),
        _ => None,
    })
}

/// A consented candidate connected to a worker with the voice pipeline; `None` without the
/// voice models.
async fn voice_call() -> Option<(Harness, TestInvite, Browser)> {
    let conversation = VoiceConversation::from_vars(voice_vars()?).expect("the voice pipeline loads");
    let h = harness_with(test_config(2), Arc::new(conversation)).await;
    let invite = h.consented_invite().await;
    let browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    Some((h, invite, browser))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spoken_interview_reaches_the_evaluation_through_the_voice_pipeline() {
    let Some((h, invite, mut browser)) = voice_call().await else { return };
    let first = browser.next("question").await;
    assert_eq!(browser.next("state").await["state"], "speaking", "the question is asked aloud");
    let answer = spoken_packets(SPOKEN);

    // The candidate answers as soon as the question starts (barge-in), three times over.
    let mut last_question = first["text"].as_str().unwrap().to_string();
    for round in 0..3 {
        browser.speak_packets(&answer).await;
        let recognised = browser.next("answer").await;
        assert_eq!(recognised["text"], SPOKEN, "round {round}: the recognised answer is recorded as the candidate's turn");
        let next = browser.next("question").await;
        let text = next["text"].as_str().unwrap().to_string();
        assert_ne!(text, last_question, "round {round}: the engine moved on");
        last_question = text;
    }
    let heard = browser.inbound_audio.load(std::sync::atomic::Ordering::SeqCst);
    assert!(heard > 50, "the browser heard the AI's voice ({heard} packets)");

    browser.send(r#"{"type":"finish"}"#).await;
    browser.next("finished").await;
    let st = &h.state;
    let record = st.records.get_interview(invite.application_id).await.unwrap().unwrap();
    assert!(record.finished);
    assert_eq!(record.channel, otbor_domain::interview::Channel::Voice);
    let turns = h.interview_state(invite.application_id).await;
    let spoken_turns = turns["turns"].as_array().unwrap().iter().filter(|t| t["speaker"] == "candidate" && t["text"] == SPOKEN).count();
    // A pause inside a spoken answer may end the turn early (smart-turn judges it finished),
    // and then the rest is a second answer; every recognised turn is recorded.
    assert!(spoken_turns >= 3, "{turns}");
    // The answers began while the questions were being spoken: the transcript keeps, with the
    // candidate's turn, how much of the question had been heard.
    let cut_short: Vec<&str> = turns["turns"].as_array().unwrap().iter().filter_map(|t| t["heard"].as_str()).collect();
    assert!(!cut_short.is_empty(), "{turns}");
    assert!(cut_short.iter().all(|h| !h.is_empty()), "{cut_short:?}");

    otbor_app::evaluation::evaluate_interview(st, otbor_domain::jobs::EvaluateInterview { application_id: invite.application_id }).await.unwrap();
    let app = st.records.get_application(invite.application_id).await.unwrap().unwrap();
    assert_eq!(app.status, otbor_domain::application::Status::AwaitingManagerDecision);
    assert!(st.records.get_evaluation(invite.application_id).await.unwrap().is_some());
}

/// "Хм, дайте подумать" holds the turn and joins the answer that follows; "повторите" gets the
/// question again; neither is recorded as an answer of its own (`listening.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thinking_aloud_and_asking_again_are_not_answers() {
    let Some((h, invite, mut browser)) = voice_call().await else { return };
    let first = browser.next("question").await;
    let question = first["text"].as_str().unwrap().to_string();

    browser.send(r#"{"type":"text","text":"Повторите, пожалуйста"}"#).await;
    let again = browser.next("notice").await;
    assert!(again["text"].as_str().unwrap().ends_with(&question), "the question is said again: {again}");

    browser.send(r#"{"type":"text","text":"Хм, дайте подумать."}"#).await;
    browser.send(r#"{"type":"text","text":"Я пишу на Rust пять лет."}"#).await;
    let answer = browser.next("answer").await;
    assert_eq!(answer["text"], "Хм, дайте подумать. Я пишу на Rust пять лет.");
    browser.next("question").await;

    let turns = h.interview_state(invite.application_id).await;
    let candidate: Vec<&serde_json::Value> = turns["turns"].as_array().unwrap().iter().filter(|t| t["speaker"] == "candidate").collect();
    assert_eq!(candidate.len(), 1, "one answer recorded: {turns}");
}
