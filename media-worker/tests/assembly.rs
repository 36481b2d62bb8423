//! A whole session's recording joined into one WebM when it ends: a `webrtc` peer speaks,
//! films and answers a question on loopback; ffprobe reads the joined file (needs ffmpeg,
//! installed by scripts/media-setup.sh).

mod harness;

use harness::*;
use std::time::Duration;

fn probe(body: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recording.webm");
    std::fs::write(&path, body).unwrap();
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_streams",
            "-show_entries",
            "format=duration",
            "-of",
            "json",
        ])
        .arg(&path)
        .output()
        .expect("ffprobe runs (scripts/media-setup.sh installs ffmpeg)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The newest session's manifest of `application` once it names the joined file.
async fn joined_manifest(h: &Harness, application: otbor_domain::ids::ApplicationId) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + PATIENCE * 2;
    loop {
        if let Some(m) = h.manifests(application).pop()
            && !m["assembled"].is_null()
        {
            return m;
        }
        assert!(tokio::time::Instant::now() < deadline, "no joined recording: {:?}", h.manifests(application));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_a_session_ends_its_segments_become_one_webm_with_chapters_listed_for_staff() {
    let h = harness(2).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    let question = browser.next("question").await;
    // 2.5 s of speech and video with 1 s segments, then a typed answer.
    tokio::join!(browser.speak(125), browser.film(63));
    browser
        .send(r#"{"type":"text","text":"Пишу на Rust четыре года."}"#)
        .await;
    browser.next("answer").await;
    browser.close().await;

    // The joined file is recorded in the manifest once the session is over.
    let manifest = joined_manifest(&h, invite.application_id).await;
    let session = manifest["session_id"].as_str().unwrap();
    let assembled = &manifest["assembled"];
    let key = assembled["key"].as_str().unwrap();
    assert_eq!(
        key,
        format!(
            "recordings/{}/{session}/recording.webm",
            invite.application_id
        )
    );
    let body = h.file(key).await;
    assert_eq!(body.len() as u64, assembled["bytes"].as_u64().unwrap());

    let info = probe(&body);
    let streams = info["streams"].as_array().unwrap();
    let codec = |kind: &str| {
        streams
            .iter()
            .find(|s| s["codec_type"] == kind)
            .map(|s| s["codec_name"].clone())
    };
    assert_eq!(codec("audio"), Some("opus".into()), "{info}");
    assert_eq!(codec("video"), Some("vp8".into()), "{info}");
    let duration: f64 = info["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let expected = assembled["duration_ms"].as_u64().unwrap() as f64 / 1000.0;
    let recorded_end = segments(&manifest, "candidate-audio")
        .iter()
        .map(|s| s["start_ms"].as_u64().unwrap() + s["duration_ms"].as_u64().unwrap())
        .max()
        .unwrap() as f64
        / 1000.0;
    assert!(
        (duration - expected).abs() <= 0.5,
        "the file lasts {duration} s, the segments {expected} s"
    );
    assert!(
        duration + 0.5 >= recorded_end,
        "the candidate's voice until {recorded_end} s is in the file of {duration} s"
    );

    // The question and the answer are marked when they went to the page.
    let marks = manifest["marks"].as_array().unwrap();
    let kinds: Vec<&str> = marks.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(&kinds[..2], ["question", "answer"], "{marks:?}");
    assert_eq!(marks[0]["number"], question["number"]);
    assert!(marks[0]["at_ms"].as_u64() < marks[1]["at_ms"].as_u64());

    // Listed for staff in the records index, with the file.
    let entry = h
        .state
        .records
        .get_entry(&format!("recordings/{}/{session}", invite.application_id))
        .await
        .unwrap()
        .expect("an index entry");
    assert_eq!(entry["assembled"]["key"], key);
    assert!(!entry["ended_at"].is_null());
    assert_eq!(entry["marks"].as_array().unwrap().len(), marks.len());
}

/// A worker stopped while joining (a restart gives it seconds; a join may take minutes): the
/// next worker to start joins the recording from its stored manifest and lists the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_left_unjoined_is_joined_when_a_worker_starts() {
    use otbor_domain::ports::FileKey;
    let h = harness(2).await;
    let invite = h.consented_invite().await;
    let mut browser = Browser::new().await;
    h.connect(&browser, &invite.token).await;
    browser.next("question").await;
    tokio::join!(browser.speak(100), browser.film(50));
    browser.close().await;
    let manifest = joined_manifest(&h, invite.application_id).await;

    // As if the worker had stopped while joining: no file, and neither the manifest nor the
    // index names one.
    let session = manifest["session_id"].as_str().unwrap();
    let prefix = format!("recordings/{}/{session}", invite.application_id);
    let files = &h.state.recordings;
    files.delete(&FileKey::parse(&format!("{prefix}/recording.webm")).unwrap()).await.unwrap();
    let mut unjoined = manifest.clone();
    unjoined["assembled"] = serde_json::Value::Null;
    let body = bytes::Bytes::from(serde_json::to_vec(&unjoined).unwrap());
    files.put(&FileKey::parse(&format!("{prefix}/manifest.json")).unwrap(), body, "application/json").await.unwrap();
    let mut entry = h.state.records.get_entry(&prefix).await.unwrap().unwrap();
    entry["assembled"] = serde_json::Value::Null;
    h.state.records.put_entry(&prefix, &entry).await.unwrap();

    assert_eq!(otbor_media_worker::assemble::recover(&h.state).await, 1);
    let entry = h.state.records.get_entry(&prefix).await.unwrap().unwrap();
    let key = entry["assembled"]["key"].as_str().expect("the file is listed again");
    let info = probe(&h.file(key).await);
    assert!(info["streams"].as_array().unwrap().iter().any(|s| s["codec_name"] == "vp8"), "{info}");
    assert_eq!(otbor_media_worker::assemble::recover(&h.state).await, 0, "nothing is left to join");
}
