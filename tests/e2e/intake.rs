//! Resume intake end to end: upload -> "resume uploaded" job -> extraction in the isolated
//! helper -> profile -> de-duplication -> matching, with the dev data set's files and ground
//! truth; broken files end as failed uploads with their reason, and nothing else is lost.

use crate::helpers::*;
use otbor::worker::Worker;
use serde_json::{Value, json};

pub fn dev(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dev").join(path)
}

fn ground_truth(id: &str) -> Value {
    let all: Value = serde_json::from_str(&std::fs::read_to_string(dev("resumes.json")).unwrap()).unwrap();
    all["resumes"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone()
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap() {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "md" => "text/markdown",
        _ => "text/plain",
    }
}

/// Asks for an upload URL, sends the file, and returns the upload's id.
pub async fn upload(app: &TestApp, c: &Client, path: &std::path::Path, vacancy: Option<&Value>) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let ticket = c
        .post("/api/uploads", json!({"file_name": name, "content_type": content_type(name), "size": bytes.len(), "vacancy_id": vacancy.map(|v| &v["id"])}))
        .await
        .expect(201);
    let resp = reqwest::Client::new()
        .put(format!("{}{}", app.base, ticket["url"].as_str().unwrap()))
        .header("content-type", content_type(name))
        .body(bytes)
        .send()
        .await
        .unwrap();
    answer(resp).await.expect(200);
    ticket["upload"]["id"].as_str().unwrap().to_string()
}

/// Runs queued jobs until none has been left for a while, as the workers of `otbor serve`
/// would (SQS may answer an empty receive while messages wait, so one empty answer is not
/// enough).
pub async fn drain(app: &TestApp) {
    let w = Worker { queue: app.built.ports.jobs.clone(), handlers: otbor::app::handlers(&app.built.state), ready: None };
    let (mut n, mut idle) = (0, 0);
    while idle < 5 {
        if w.run_one().await.unwrap() {
            n += 1;
            idle = 0;
            assert!(n < 500, "the queue does not drain");
        } else {
            idle += 1;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    assert!(app.built.ports.jobs.dead_letters(10).await.unwrap().is_empty(), "no job was parked");
}

async fn python_vacancy(manager: &Client) -> Value {
    manager
        .post(
            "/api/vacancies",
            json!({"title": "Python-разработчик", "language": "ru", "min_experience_years": 3,
                   "requirements": [
                       {"text": "Python", "kind": "must", "weight": 8, "min_years": 3},
                       {"text": "PostgreSQL", "kind": "must", "weight": 5},
                       {"text": "Docker", "kind": "nice", "weight": 3}]}),
        )
        .await
        .expect(201)
}

#[tokio::test]
async fn an_uploaded_resume_becomes_a_candidate_with_a_sourced_profile_and_matches() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;
    let v = python_vacancy(&manager).await;
    drain(&app).await;
    let truth = ground_truth("dev-r001");
    let up = upload(&app, &recruiter, &dev(truth["file"].as_str().unwrap()), Some(&v)).await;
    drain(&app).await;

    let done = recruiter.get(&format!("/api/uploads/{up}")).await.expect(200);
    assert_eq!(done["status"]["state"], "done", "{done}");
    let cid = done["candidate_id"].as_str().unwrap();
    let c = recruiter.get(&format!("/api/candidates/{cid}")).await.expect(200);
    crate::contract::assert_conforms("CandidateView", &c);
    assert_eq!(c["email"], truth["email"]);
    assert_eq!(c["phone"], truth["phone"]);
    assert_eq!(c["resume_files"].as_array().unwrap().len(), 1);
    let profile = &c["profile"]["profile"];
    let text = profile["text"].as_str().unwrap();
    // Every sourced field points at the text it was read from.
    let email_span = &profile["email"]["span"];
    let (s, e) = (email_span["start"].as_u64().unwrap() as usize, email_span["end"].as_u64().unwrap() as usize);
    assert!(text[s..e].to_lowercase().contains(truth["email"].as_str().unwrap()), "span {s}..{e} of the email");
    let skills: Vec<&str> = profile["skills"].as_array().unwrap().iter().map(|s| s["value"].as_str().unwrap()).collect();
    assert!(skills.iter().any(|s| s.contains("Python")), "{skills:?}");

    // The upload from the vacancy page assigned the candidate to it.
    let apps = recruiter.get(&format!("/api/applications?candidate_id={cid}")).await.expect(200);
    assert_eq!(apps["items"][0]["vacancy_id"], v["id"]);
    // Matching: the vacancy is suitable for the candidate, and the candidate recommended.
    let matches = recruiter.get(&format!("/api/candidates/{cid}/matches")).await.expect(200);
    crate::contract::assert_conforms("MatchList", &matches);
    let m = &matches["items"][0];
    assert!(m["detail"]["verdicts"].as_array().is_some_and(|v| !v.is_empty()), "{m}");
    assert_eq!(m["vacancy_id"], v["id"]);
    assert_eq!(m["applied"], true);
    assert!(m["score"].as_u64().unwrap() >= 50, "a strong fit scores high: {m}");
    let recs = manager.get(&format!("/api/vacancies/{}/recommendations", id(&v))).await.expect(200);
    assert_eq!(recs["items"][0]["candidate_id"], json!(cid));
    // The original is downloadable as it was sent.
    let original = reqwest::Client::new().get(format!("{}/api/candidates/{cid}/files/0", app.base));
    let bytes = recruiter.http.execute(original.build().unwrap()).await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), std::fs::read(dev(truth["file"].as_str().unwrap())).unwrap().as_slice());
}

#[tokio::test]
async fn the_same_person_uploaded_twice_and_a_job_delivered_twice_stay_one_candidate() {
    let app = spawn_app().await;
    let (recruiter, _) = app.user("recruiter").await;
    let truth = ground_truth("dev-r002");
    let path = dev(truth["file"].as_str().unwrap());
    let first = upload(&app, &recruiter, &path, None).await;
    // The same "resume uploaded" event delivered a second time.
    app.built
        .ports
        .jobs
        .enqueue(&otbor_domain::jobs::IngestResume { upload_id: first.parse().unwrap() }.message())
        .await
        .unwrap();
    drain(&app).await;
    let second = upload(&app, &recruiter, &path, None).await;
    drain(&app).await;
    let a = recruiter.get(&format!("/api/uploads/{first}")).await.expect(200);
    let b = recruiter.get(&format!("/api/uploads/{second}")).await.expect(200);
    assert_eq!(a["candidate_id"], b["candidate_id"]);
    assert_eq!(a["status"]["updated_existing"], false);
    assert_eq!(b["status"]["updated_existing"], true, "the recruiter sees it was an update");
    assert_eq!(recruiter.get("/api/candidates").await.expect(200)["total"], 1);
    let c = recruiter.get(&format!("/api/candidates/{}", a["candidate_id"].as_str().unwrap())).await.expect(200);
    assert_eq!(c["resume_files"].as_array().unwrap().len(), 2, "a new resume version");
}

#[tokio::test]
async fn broken_files_are_recorded_as_failed_with_their_reason_and_the_batch_goes_on() {
    let app = spawn_app().await;
    let (recruiter, _) = app.user("recruiter").await;
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dev("bad_inputs.json")).unwrap()).unwrap();
    let mut expected = Vec::new();
    for item in manifest["items"].as_array().unwrap() {
        let file = item["file"].as_str().unwrap();
        if std::fs::metadata(dev(file)).unwrap().len() == 0 {
            continue; // An empty file gets no upload URL at all (tested in uploads.rs).
        }
        let up = upload(&app, &recruiter, &dev(file), None).await;
        expected.push((up, item.clone()));
    }
    // A good resume in the same batch.
    let good = upload(&app, &recruiter, &dev(ground_truth("dev-r003")["file"].as_str().unwrap()), None).await;
    drain(&app).await;
    let mut wrong = Vec::new();
    for (up, item) in &expected {
        let u = recruiter.get(&format!("/api/uploads/{up}")).await.expect(200);
        let state = u["status"]["state"].as_str().unwrap();
        let ok = match item["expected"].as_str().unwrap() {
            "error" => state == "failed" && u["status"]["code"] == item["expected_error_code"] && u["error"].as_str().is_some_and(|m| !m.is_empty()),
            "parse" => state == "done",
            _ => state == "done" || (state == "failed" && u["error"].as_str().is_some_and(|m| !m.is_empty())),
        };
        if !ok {
            wrong.push(format!("{}: expected {} {}, got {u}", item["file"], item["expected"], item["expected_error_code"]));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(recruiter.get(&format!("/api/uploads/{good}")).await.expect(200)["status"]["state"], "done");
}

#[tokio::test]
async fn a_vacancy_file_becomes_a_draft_the_manager_can_save() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;
    for file in ["vacancies/dev-v01_python_backend_developer.md", "vacancies/dev-v01_python_backend_developer.docx", "vacancies/dev-v06_accountant.pdf"] {
        let bytes = std::fs::read(dev(file)).unwrap();
        let name = file.rsplit('/').next().unwrap().to_string();
        let form = |bytes: Vec<u8>| {
            reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.clone()).mime_str(content_type(&name)).unwrap())
        };
        let req = manager.http.post(format!("{}/api/vacancies/import", app.base)).header("x-csrf-token", manager.csrf.clone().unwrap());
        let draft = answer(req.multipart(form(bytes.clone())).send().await.unwrap()).await.expect(200);
        assert!(!draft["title"].as_str().unwrap().is_empty(), "{file}: {draft}");
        let reqs = draft["requirements"].as_array().unwrap();
        assert!(reqs.iter().any(|r| r["kind"] == "must"), "{file}: {draft}");
        // The draft is a valid vacancy as it stands.
        manager.post("/api/vacancies", draft.clone()).await.expect(201);
        // Recruiters do not create vacancies, from files either.
        let r = recruiter.http.post(format!("{}/api/vacancies/import", app.base)).header("x-csrf-token", recruiter.csrf.clone().unwrap());
        assert_eq!(answer(r.multipart(form(bytes)).send().await.unwrap()).await.error(403), "forbidden");
    }
}
