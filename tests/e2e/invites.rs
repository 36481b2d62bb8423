//! Invite links: a token opens its own interview and nothing else; it expires; an open link
//! creates the candidate and the application when they consent.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_personal_invite_opens_only_its_own_interview() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;
    let v = vacancy(&manager, "Backend-разработчик (Rust)").await;
    let c1 = candidate(&recruiter, "Анна Белова").await;
    let c2 = candidate(&recruiter, "Кира Орлова").await;
    let i1 = recruiter.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c1["id"]})).await.expect(201);
    let i2 = recruiter.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c2["id"]})).await.expect(201);
    let t1 = i1["token"].as_str().unwrap();
    assert_eq!(t1.len(), 64, "256 random bits, hex");
    assert_eq!(i1["url"], format!("/i/{t1}"));
    assert_eq!(i1["invite"]["kind"], "personal");
    // The invite assigned the candidate to the vacancy.
    let apps = recruiter.get(&format!("/api/applications?candidate_id={}", id(&c1))).await.expect(200);
    assert_eq!(apps["items"][0]["id"], i1["invite"]["application_id"]);

    let anon = app.anonymous();
    let page = anon.get(&format!("/api/interview/{t1}")).await.expect(200);
    assert_eq!(page["candidate_name"], "Анна Белова");
    assert_eq!(page["vacancy"]["title"], "Backend-разработчик (Rust)");
    assert_eq!(page["consent_given"], false);
    assert_eq!(page["status"], "awaiting_response");
    let t2 = i2["token"].as_str().unwrap();
    assert_eq!(anon.get(&format!("/api/interview/{t2}")).await.expect(200)["candidate_name"], "Кира Орлова");
    // A token that is one character off opens nothing.
    let mut wrong = t1.to_string();
    wrong.replace_range(0..1, if t1.starts_with('a') { "b" } else { "a" });
    assert_eq!(anon.get(&format!("/api/interview/{wrong}")).await.error(404), "not_found");
    assert_eq!(anon.get("/api/interview/not-a-token").await.error(404), "not_found");
    // Consent is recorded and idempotent.
    let consented = anon.post(&format!("/api/interview/{t1}/consent"), json!({"consent": true})).await.expect(200);
    assert_eq!(consented["consent_given"], true);
    anon.post(&format!("/api/interview/{t1}/consent"), json!({"consent": true})).await.expect(200);
    assert_eq!(anon.post(&format!("/api/interview/{t2}/consent"), json!({"consent": false})).await.error(422), "validation");
}

#[tokio::test]
async fn an_open_link_gives_each_person_who_consents_a_candidate_an_application_and_a_link_of_their_own() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "Data Analyst").await;
    let inv = manager.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({})).await.expect(201);
    assert_eq!(inv["invite"]["kind"], "open");
    assert!(inv["invite"]["application_id"].is_null());
    let t = inv["token"].as_str().unwrap();
    let anon = app.anonymous();
    let missing = anon.post(&format!("/api/interview/{t}/consent"), json!({"consent": true})).await;
    assert_eq!(missing.body["error"]["field"], "full_name");
    missing.error(422);
    let no_contact = anon.post(&format!("/api/interview/{t}/consent"), json!({"consent": true, "full_name": "Сергей Лебедев"})).await;
    assert_eq!(no_contact.error(422), "validation");
    let first = anon
        .post(&format!("/api/interview/{t}/consent"), json!({"consent": true, "full_name": "Сергей Лебедев", "phone": "+7 916 000-11-22"}))
        .await
        .expect(200);
    assert_eq!(first["candidate_name"], "Сергей Лебедев");
    assert_eq!(first["status"], "awaiting_response");
    let own = first["personal_token"].as_str().expect("the person gets a link of their own").to_string();
    assert_ne!(own, t);

    // The open link shows the next person a blank form, never the first person's details,
    // and cannot be used to answer as them.
    let blank = anon.get(&format!("/api/interview/{t}")).await.expect(200);
    assert!(blank["candidate_name"].is_null(), "{blank}");
    assert_eq!(blank["consent_given"], false);
    assert!(blank["chat"].is_null());
    assert_eq!(anon.post(&format!("/api/interview/{t}/start"), json!({})).await.error(422), "validation");

    // The first person's interview goes on at their own link.
    let started = anon.post(&format!("/api/interview/{own}/start"), json!({})).await.expect(200);
    assert_eq!(started["candidate_name"], "Сергей Лебедев");
    assert!(started["chat"]["question"].is_string());

    let second = anon.post(&format!("/api/interview/{t}/consent"), json!({"consent": true, "full_name": "Ольга Петрова", "phone": "+79160001123"})).await.expect(200);
    assert_eq!(second["candidate_name"], "Ольга Петрова", "a second person is a second candidate");
    assert!(second["chat"].is_null(), "and sees no one else's interview");
    assert_ne!(second["personal_token"], first["personal_token"]);

    let list = manager.get(&format!("/api/applications?vacancy_id={}", id(&v))).await.expect(200);
    assert_eq!(list["total"], 2);
    let h = manager.get(&format!("/api/applications/{}/history", list["items"][0]["id"].as_str().unwrap())).await.expect(200);
    assert_eq!(h["items"][0]["actor"]["kind"], "candidate");
}

#[tokio::test]
async fn closing_a_vacancy_closes_its_links() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;
    let v = vacancy(&manager, "Closing").await;
    let c = recruiter.post("/api/candidates", json!({"full_name": "Анна Морозова", "email": "anna.closing@example.ru"})).await.expect(201);
    let inv = recruiter.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": c["id"], "send": false})).await.expect(201);
    let t = inv["token"].as_str().unwrap();
    let anon = app.anonymous();
    anon.post(&format!("/api/interview/{t}/consent"), json!({"consent": true})).await.expect(200);
    manager.post(&format!("/api/vacancies/{}/close", id(&v)), json!({})).await.expect(200);
    let shown = anon.get(&format!("/api/interview/{t}")).await.expect(200);
    assert_eq!(shown["vacancy_closed"], true);
    assert_eq!(anon.post(&format!("/api/interview/{t}/start"), json!({})).await.error(409), "vacancy_closed");
}

#[tokio::test]
async fn an_expired_invite_is_refused_with_410() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "V").await;
    let inv = manager.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({})).await.expect(201);
    let t = inv["token"].as_str().unwrap();
    // Move the invite's expiry into the past through the store, as time passing would.
    let records = &app.built.state.records;
    let mut stored = records.invite_by_token(&otbor_domain::secret::TokenHash::of(t)).await.unwrap().unwrap();
    let expected = stored.version;
    stored.expires_at = chrono::Utc::now() - chrono::Duration::minutes(1);
    stored.version += 1;
    records.update_invite(&stored, expected).await.unwrap();
    let anon = app.anonymous();
    assert_eq!(anon.get(&format!("/api/interview/{t}")).await.error(410), "expired");
    assert_eq!(anon.post(&format!("/api/interview/{t}/consent"), json!({"consent": true})).await.error(410), "expired");
}

#[tokio::test]
async fn invites_for_a_closed_vacancy_or_a_missing_candidate_are_refused() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "V").await;
    let missing = manager.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({"candidate_id": uuid::Uuid::new_v4()})).await;
    assert_eq!(missing.error(404), "not_found");
    manager.post(&format!("/api/vacancies/{}/close", id(&v)), json!({})).await.expect(200);
    assert_eq!(manager.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({})).await.error(409), "vacancy_closed");
}
