//! Interview recordings for staff: the list with chapters and a short-lived link, the file
//! through that link (streamed from disk with Range requests on one machine, a redirect to a
//! presigned URL of the recordings bucket in the cloud), refusals, and the scheduled deletion
//! after the retention period. The recordings are stored here as the media worker stores them
//! (files in the recordings store and an index entry), without a call.

use crate::helpers::*;
use axum::body::Bytes;
use otbor_adapters::settings::FilesBackend;
use otbor_domain::ports::FileKey;
use serde_json::{Value, json};

/// The app of the run's shape; on DynamoDB (the cloud shape) recordings get their own
/// bucket apart from the uploads, as `OTBOR_RECORDINGS_BUCKET` gives them in the cloud.
async fn spawn_recordings_app() -> TestApp {
    spawn_app_with(|s| {
        if std::env::var("OTBOR_TEST_STORE").as_deref() == Ok("dynamodb") {
            s.aws.recordings_bucket = Some(format!("otbor-rec-{}", uuid::Uuid::new_v4().simple()));
        }
    })
    .await
}

/// Recordings in a bucket of their own on moto, whatever the run's records store.
async fn spawn_app_with_a_recordings_bucket() -> TestApp {
    let endpoint = std::env::var("OTBOR_TEST_AWS_ENDPOINT").expect("OTBOR_TEST_AWS_ENDPOINT: start moto with scripts/moto.sh");
    spawn_app_with(|s| {
        s.aws.endpoint_url = Some(endpoint);
        s.aws.region = "us-east-1".into();
        s.aws.create_resources = true;
        s.aws.recordings_bucket = Some(format!("otbor-rec-{}", uuid::Uuid::new_v4().simple()));
    })
    .await
}

/// Recordings in the local directory, as on one machine, whatever the run's records store.
async fn spawn_app_with_local_recordings() -> TestApp {
    spawn_app_with(|s| {
        s.files = FilesBackend::Local;
        s.aws.recordings_bucket = None;
    })
    .await
}

/// The bytes of a recording's joined file, `len` long.
fn webm_of(len: u32) -> Bytes {
    (0..len).map(|i| (i % 251) as u8).collect::<Vec<u8>>().into()
}

/// A recorded session of `application` as the worker leaves it: two segments, the manifest,
/// the joined file and the index entry. Returns the joined file's bytes.
async fn store_recording(app: &TestApp, application: &str, session: &str, started_at: chrono::DateTime<chrono::Utc>) -> Bytes {
    store_recording_of(app, application, session, started_at, webm_of(5000)).await
}

async fn store_recording_of(app: &TestApp, application: &str, session: &str, started_at: chrono::DateTime<chrono::Utc>, webm: Bytes) -> Bytes {
    let st = &app.built.state;
    let prefix = format!("recordings/{application}/{session}");
    let put = |key: String, body: Bytes, kind: &'static str| async move {
        st.recordings.put(&FileKey::parse(&key).unwrap(), body, kind).await.unwrap();
    };
    put(format!("{prefix}/candidate-audio-00000.ogg"), Bytes::from_static(b"OggS..."), "audio/ogg").await;
    put(format!("{prefix}/candidate-video-00000.ivf"), Bytes::from_static(b"DKIF..."), "video/x-ivf").await;
    put(format!("{prefix}/recording.webm"), webm.clone(), "video/webm").await;
    let assembled = json!({"key": format!("{prefix}/recording.webm"), "duration_ms": 61_000, "bytes": webm.len(), "content_type": "video/webm"});
    let marks = json!([
        {"kind": "question", "number": 1, "text": "Вопрос один", "at_ms": 1_500},
        {"kind": "answer", "number": 2, "text": "Ответ один", "at_ms": 9_000},
        {"kind": "question", "number": 3, "text": "Вопрос два", "at_ms": 20_000},
    ]);
    let manifest = json!({
        "application_id": application, "session_id": session, "started_at": started_at, "ended_at": started_at,
        "segments": [
            {"track": "candidate-audio", "seq": 0, "key": format!("{prefix}/candidate-audio-00000.ogg"), "format": "ogg_opus", "start_ms": 0, "duration_ms": 5000, "bytes": 7, "starts_with_keyframe": true},
            {"track": "candidate-video", "seq": 0, "key": format!("{prefix}/candidate-video-00000.ivf"), "format": "ivf_vp8", "start_ms": 0, "duration_ms": 5000, "bytes": 7, "starts_with_keyframe": true},
        ],
        "marks": marks, "assembled": assembled,
    });
    put(format!("{prefix}/manifest.json"), serde_json::to_vec(&manifest).unwrap().into(), "application/json").await;
    let entry = json!({"application_id": application, "session_id": session, "started_at": started_at, "ended_at": started_at,
        "duration_ms": 61_000, "marks": marks, "assembled": assembled});
    st.records.put_entry(&prefix, &entry).await.unwrap();
    webm
}

async fn an_application(app: &TestApp) -> (Client, String) {
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "Rust-разработчик").await;
    let c = candidate(&manager, "Иван Петров").await;
    let a = application(&manager, &c, &v).await;
    (manager, id(&a).to_string())
}

async fn raw(url: &str, range: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(url).header("accept-language", "en");
    if let Some(r) = range {
        req = req.header("range", r);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn staff_list_an_applications_recordings_with_chapters_and_watch_them_through_a_short_lived_link() {
    let app = spawn_recordings_app().await;
    let (manager, application) = an_application(&app).await;
    let (recruiter, _) = app.user("recruiter").await;
    let path = format!("/api/applications/{application}/recordings");
    let empty = manager.get(&path).await.expect(200);
    assert_eq!(empty["recordings"], json!([]));
    assert_eq!(empty["retention_days"], 90);

    let now = chrono::Utc::now();
    let webm = store_recording(&app, &application, "0190a000-0000-7000-8000-000000000002", now).await;
    store_recording(&app, &application, "0190a000-0000-7000-8000-000000000001", now - chrono::Duration::hours(1)).await;
    // A session where nothing was recorded (the browser never connected) is not listed.
    let empty_session = format!("recordings/{application}/0190a000-0000-7000-8000-000000000009");
    let nothing = json!({"application_id": application, "session_id": "0190a000-0000-7000-8000-000000000009", "started_at": now, "ended_at": now, "duration_ms": 0, "marks": []});
    app.built.state.records.put_entry(&empty_session, &nothing).await.unwrap();
    let list = recruiter.get(&path).await.expect(200);
    let recordings = list["recordings"].as_array().unwrap();
    assert_eq!(recordings.len(), 2);
    assert_eq!(recordings[0]["session_id"], "0190a000-0000-7000-8000-000000000001", "oldest first");
    let r = &recordings[1];
    assert_eq!(r["duration_ms"], 61_000);
    assert_eq!(r["content_type"], "video/webm");
    let chapters = r["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), 2, "{r}");
    assert_eq!((chapters[0]["number"].clone(), chapters[0]["start_ms"].clone()), (json!(1), json!(1_500)));
    assert_eq!(chapters[0]["question"], "Вопрос один", "no interview record: the words marked by the worker");
    assert_eq!((chapters[0]["answer"].clone(), chapters[0]["answer_ms"].clone()), (json!("Ответ один"), json!(9_000)));
    assert_eq!((chapters[1]["number"].clone(), chapters[1]["answer"].clone()), (json!(3), Value::Null));

    // The link works without a cookie, for `<video src>` (which follows a redirect to S3).
    let url = format!("{}{}", app.base, r["url"].as_str().unwrap());
    assert!(r["url_expires_at"].is_string());
    let whole = raw(&url, None).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "video/webm");
    assert_eq!(whole.bytes().await.unwrap(), webm);

    // Seeking: a range is 206 with its part of the file.
    let part = raw(&url, Some("bytes=100-199")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 100-199/{}", webm.len()));
    assert_eq!(part.bytes().await.unwrap(), webm.slice(100..200));
    let tail = raw(&url, Some("bytes=4990-")).await;
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap(), webm.slice(4990..));
}

/// Where the link sends a player: to `Location` if it redirects, else nowhere.
async fn redirect_of(url: &str) -> (u16, Option<String>, reqwest::header::HeaderMap) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client.get(url).send().await.unwrap();
    let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    (resp.status().as_u16(), location, resp.headers().clone())
}

#[tokio::test]
async fn on_one_machine_the_file_is_streamed_from_disk_with_ranges_and_never_redirected() {
    let app = spawn_app_with_local_recordings().await;
    let (manager, application) = an_application(&app).await;
    let session = "0190a000-0000-7000-8000-000000000011";
    // Larger than one read buffer of the file server, so that the answer comes in pieces.
    let webm = store_recording_of(&app, &application, session, chrono::Utc::now(), webm_of(300_000)).await;
    let list = manager.get(&format!("/api/applications/{application}/recordings")).await.expect(200);
    let url = format!("{}{}", app.base, list["recordings"][0]["url"].as_str().unwrap());

    let (status, location, headers) = redirect_of(&url).await;
    assert_eq!((status, location), (200, None), "the local store has no presigned URLs");
    assert_eq!(headers["content-type"], "video/webm");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-length"], webm.len().to_string());

    let whole = raw(&url, None).await;
    assert_eq!(whole.bytes().await.unwrap(), webm);
    let part = raw(&url, Some("bytes=200000-200099")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 200000-200099/{}", webm.len()));
    assert_eq!(part.headers()["content-type"], "video/webm");
    assert_eq!(part.bytes().await.unwrap(), webm.slice(200_000..200_100));
    let last = raw(&url, Some("bytes=-10")).await;
    assert_eq!(last.status(), 206);
    assert_eq!(last.bytes().await.unwrap(), webm.slice(webm.len() - 10..));
    let beyond = raw(&url, Some("bytes=900000-")).await;
    assert_eq!(beyond.status(), 416);
    assert_eq!(beyond.headers()["content-range"], format!("bytes */{}", webm.len()));
    // Several ranges at once are not served piecemeal: the whole file is (RFC 9110 allows it).
    let several = raw(&url, Some("bytes=0-1,5-6")).await;
    assert_eq!(several.status(), 200);
    assert_eq!(several.bytes().await.unwrap().len(), webm.len());
}

#[tokio::test]
async fn in_the_cloud_the_link_redirects_to_a_presigned_url_of_the_recordings_bucket_which_serves_ranges() {
    let app = spawn_app_with_a_recordings_bucket().await;
    let (manager, application) = an_application(&app).await;
    let session = "0190a000-0000-7000-8000-000000000012";
    let webm = store_recording(&app, &application, session, chrono::Utc::now()).await;
    let key = FileKey::parse(&format!("recordings/{application}/{session}/recording.webm")).unwrap();
    assert_eq!(app.built.state.files.size(&key).await.unwrap(), None, "recordings are not in the main file store");

    let list = manager.get(&format!("/api/applications/{application}/recordings")).await.expect(200);
    let url = format!("{}{}", app.base, list["recordings"][0]["url"].as_str().unwrap());
    let (status, location, headers) = redirect_of(&url).await;
    assert_eq!(status, 307);
    assert_eq!(headers["cache-control"], "private, no-store", "each request gets a fresh presigned URL");
    let presigned = location.expect("a Location");
    let endpoint = std::env::var("OTBOR_TEST_AWS_ENDPOINT").unwrap();
    assert!(presigned.starts_with(&endpoint), "{presigned}");
    assert!(presigned.contains("X-Amz-Signature=") && presigned.contains("X-Amz-Expires=900"), "{presigned}");

    // The presigned URL itself, as the browser's `<video>` fetches it: no cookie, no link.
    let whole = raw(&presigned, None).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "video/webm", "the type the media worker stored it with");
    assert_eq!(whole.bytes().await.unwrap(), webm);
    let part = raw(&presigned, Some("bytes=100-199")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], format!("bytes 100-199/{}", webm.len()));
    assert_eq!(part.bytes().await.unwrap(), webm.slice(100..200));

    // A recording whose file is gone is 404 from the API, not a redirect to nothing.
    app.built.state.recordings.delete(&key).await.unwrap();
    assert_eq!(app.anonymous().get(list["recordings"][0]["url"].as_str().unwrap()).await.error(404), "not_found");
}

#[tokio::test]
async fn expired_recordings_are_deleted_from_the_recordings_bucket() {
    let app = spawn_app_with_a_recordings_bucket().await;
    let (_, application) = an_application(&app).await;
    let st = &app.built.state;
    let old = "0190a000-0000-7000-8000-000000000013";
    let new = "0190a000-0000-7000-8000-000000000014";
    store_recording(&app, &application, old, chrono::Utc::now() - chrono::Duration::days(91)).await;
    store_recording(&app, &application, new, chrono::Utc::now()).await;
    assert_eq!(otbor_app::recordings::delete_expired(st).await.unwrap(), 1);
    for name in ["candidate-audio-00000.ogg", "candidate-video-00000.ivf", "recording.webm", "manifest.json"] {
        let gone = FileKey::parse(&format!("recordings/{application}/{old}/{name}")).unwrap();
        assert_eq!(st.recordings.size(&gone).await.unwrap(), None, "{name} deleted from the bucket");
        let kept = FileKey::parse(&format!("recordings/{application}/{new}/{name}")).unwrap();
        assert!(st.recordings.size(&kept).await.unwrap().is_some(), "{name} kept");
    }
}

#[tokio::test]
async fn recordings_are_refused_without_a_login_a_valid_link_or_an_application() {
    let app = spawn_recordings_app().await;
    let (manager, application) = an_application(&app).await;
    let path = format!("/api/applications/{application}/recordings");
    assert_eq!(app.anonymous().get(&path).await.error(401), "unauthenticated");
    assert_eq!(manager.get("/api/applications/0190a000-0000-7000-8000-00000000dead/recordings").await.error(404), "not_found");

    let session = "0190a000-0000-7000-8000-000000000003";
    store_recording(&app, &application, session, chrono::Utc::now()).await;
    let url = manager.get(&path).await.expect(200)["recordings"][0]["url"].as_str().unwrap().to_string();
    let anon = app.anonymous();
    let file = format!("/api/recordings/{application}/{session}/file");
    assert_eq!(anon.get(&file).await.error(401), "unauthenticated", "no token");
    assert_eq!(anon.get(&format!("{file}?token=forged")).await.error(403), "bad_recording_link");
    // A link opens only its own recording.
    let token = url.split("token=").nth(1).unwrap();
    let other = "0190a000-0000-7000-8000-000000000004";
    store_recording(&app, &application, other, chrono::Utc::now()).await;
    assert_eq!(anon.get(&format!("/api/recordings/{application}/{other}/file?token={token}")).await.error(403), "bad_recording_link");
    // An expired link is refused.
    let hash = otbor_domain::secret::TokenHash::of(token);
    let key = format!("recording-link/{}", hash.as_str());
    app.built
        .state
        .records
        .put_entry(&key, &json!({"application_id": application, "session_id": session, "expires_at": chrono::Utc::now() - chrono::Duration::seconds(1)}))
        .await
        .unwrap();
    assert_eq!(anon.get(&url).await.error(403), "bad_recording_link");
    // A recording whose file is gone is 404.
    let url = manager.get(&path).await.expect(200)["recordings"][0]["url"].as_str().unwrap().to_string();
    app.built.state.recordings.delete(&FileKey::parse(&format!("recordings/{application}/{session}/recording.webm")).unwrap()).await.unwrap();
    assert_eq!(anon.get(&url).await.error(404), "not_found");
}

#[tokio::test]
async fn the_scheduler_deletes_recordings_older_than_the_retention_period_and_keeps_the_rest() {
    let app = spawn_recordings_app().await;
    let (manager, application) = an_application(&app).await;
    let st = &app.built.state;
    let old = "0190a000-0000-7000-8000-000000000005";
    let new = "0190a000-0000-7000-8000-000000000006";
    store_recording(&app, &application, old, chrono::Utc::now() - chrono::Duration::days(91)).await;
    store_recording(&app, &application, new, chrono::Utc::now() - chrono::Duration::days(89)).await;
    let stale_link = manager.get(&format!("/api/applications/{application}/recordings")).await.expect(200);
    assert_eq!(stale_link["recordings"].as_array().unwrap().len(), 2);

    let report = otbor_app::notices::run_schedule(st, 25).await.unwrap();
    assert_eq!(report.recordings_deleted, 1);
    for name in ["candidate-audio-00000.ogg", "candidate-video-00000.ivf", "recording.webm", "manifest.json"] {
        let gone = FileKey::parse(&format!("recordings/{application}/{old}/{name}")).unwrap();
        assert_eq!(st.recordings.size(&gone).await.unwrap(), None, "{name} deleted");
        let kept = FileKey::parse(&format!("recordings/{application}/{new}/{name}")).unwrap();
        assert!(st.recordings.size(&kept).await.unwrap().is_some(), "{name} kept");
    }
    assert!(st.records.get_entry(&format!("recordings/{application}/{old}")).await.unwrap().is_none());
    let list = manager.get(&format!("/api/applications/{application}/recordings")).await.expect(200);
    let sessions: Vec<&str> = list["recordings"].as_array().unwrap().iter().map(|r| r["session_id"].as_str().unwrap()).collect();
    assert_eq!(sessions, [new]);
    assert_eq!(otbor_app::recordings::delete_expired(st).await.unwrap(), 0, "a second run finds nothing");
}

#[tokio::test]
async fn the_retention_period_is_configurable_and_shown_on_the_consent_screen() {
    let app = spawn_app_with(|s| s.give("OTBOR_RECORDING_RETENTION_DAYS", "30")).await;
    let (manager, _) = an_application(&app).await;
    let v = vacancy(&manager, "Go-разработчик").await;
    let c = candidate(&manager, "Анна Белова").await;
    let invite = manager.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c["id"]})).await.expect(201);
    let page = app.anonymous().get(&format!("/api/interview/{}", invite["token"].as_str().unwrap())).await.expect(200);
    assert_eq!(page["recording_retention_days"], 30);
}
