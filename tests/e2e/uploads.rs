//! Upload URLs: bound to one file's type and size, expiring, single-use; a stored file is
//! recorded and queued for intake.

use crate::helpers::*;
use serde_json::json;

async fn put(app: &TestApp, url: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let resp = reqwest::Client::new()
        .put(format!("{}{url}", app.base))
        .header("content-type", content_type)
        .header("accept-language", "en")
        .body(body)
        .send()
        .await
        .unwrap();
    answer(resp).await
}

#[tokio::test]
async fn a_resume_is_sent_to_its_upload_url_once_and_queued_for_intake() {
    let app = spawn_app().await;
    let (recruiter, _) = app.user("recruiter").await;
    let body = "Иван Петров\nivan@example.ru\n+7 916 123-45-67\nPython, PostgreSQL".as_bytes().to_vec();
    let ticket = recruiter
        .post("/api/uploads", json!({"file_name": "Резюме Петров.txt", "content_type": "text/plain", "size": body.len()}))
        .await
        .expect(201);
    assert_eq!(ticket["method"], "PUT");
    assert_eq!(ticket["upload"]["status"]["state"], "pending");
    let url = ticket["url"].as_str().unwrap();

    // The wrong type, the wrong size and a forged token are refused; nothing is stored.
    assert_eq!(put(&app, url, "application/pdf", body.clone()).await.error(422), "wrong_content_type");
    assert_eq!(put(&app, url, "text/plain", b"short".to_vec()).await.error(422), "wrong_size");
    let forged = url.split("token=").next().unwrap().to_string() + "token=" + &"0".repeat(64);
    assert_eq!(put(&app, &forged, "text/plain", body.clone()).await.error(403), "bad_upload_token");

    let stored = put(&app, url, "text/plain; charset=utf-8", body.clone()).await.expect(200);
    assert_eq!(stored["status"]["state"], "uploaded");
    assert_eq!(put(&app, url, "text/plain", body.clone()).await.error(409), "already_uploaded");

    let listed = recruiter.get("/api/uploads?mine=true").await.expect(200);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["file_name"], "Резюме Петров.txt");
    // The file is in the file store and an intake job is waiting.
    let jobs = app.built.ports.jobs.receive(10, std::time::Duration::from_secs(30)).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].message.kind, "resume.ingest");
    assert_eq!(jobs[0].message.payload["upload_id"], ticket["upload"]["id"]);
}

#[tokio::test]
async fn files_of_other_kinds_or_too_large_get_no_upload_url() {
    let app = spawn_app().await;
    let (recruiter, _) = app.user("recruiter").await;
    let photo = recruiter.post("/api/uploads", json!({"file_name": "me.jpg", "content_type": "image/jpeg", "size": 1000})).await;
    assert_eq!(photo.body["error"]["field"], "content_type");
    photo.error(422);
    let huge = recruiter.post("/api/uploads", json!({"file_name": "cv.pdf", "content_type": "application/pdf", "size": 11 * 1024 * 1024})).await;
    assert_eq!(huge.body["error"]["field"], "size");
    huge.error(422);
    assert_eq!(app.anonymous().post("/api/uploads", json!({"file_name": "cv.pdf", "content_type": "application/pdf", "size": 1})).await.error(401), "unauthenticated");
}
