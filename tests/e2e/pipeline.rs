//! Vacancies, candidates and applications moving through the pipeline.

use crate::helpers::*;
use futures::future::join_all;
use serde_json::{Value, json};

const LEGAL: [(&str, &str); 8] = [
    ("awaiting_response", "in_interview"),
    ("in_interview", "evaluation"),
    ("evaluation", "awaiting_manager_decision"),
    ("awaiting_manager_decision", "accepted"),
    ("awaiting_response", "rejected"),
    ("in_interview", "rejected"),
    ("evaluation", "rejected"),
    ("awaiting_manager_decision", "rejected"),
];
const ALL: [&str; 6] = ["awaiting_response", "in_interview", "evaluation", "awaiting_manager_decision", "accepted", "rejected"];

async fn move_to(c: &Client, app: &Value, to: &str, reason: Option<&str>) -> Answer {
    c.post(&format!("/api/applications/{}/transitions", id(app)), json!({"to": to, "reason": reason})).await
}

#[tokio::test]
async fn an_application_moves_through_every_status_and_the_history_says_who_when_and_why() {
    let app = spawn_app().await;
    let (manager, manager_user) = app.user("manager").await;
    let (recruiter, recruiter_user) = app.user("recruiter").await;
    let v = vacancy(&manager, "Backend-разработчик").await;
    let c = candidate(&recruiter, "Иван Петров").await;
    let a = application(&recruiter, &c, &v).await;
    assert_eq!(a["status"], "awaiting_response");
    assert_eq!(a["candidate_name"], "Иван Петров");
    for to in ["in_interview", "evaluation", "awaiting_manager_decision"] {
        assert_eq!(move_to(&recruiter, &a, to, None).await.expect(200)["status"], to);
    }
    assert_eq!(move_to(&manager, &a, "accepted", Some("Сильный кандидат")).await.expect(200)["status"], "accepted");
    let h = recruiter.get(&format!("/api/applications/{}/history", id(&a))).await.expect(200);
    let items = h["items"].as_array().unwrap();
    let path: Vec<(&Value, &str)> = items.iter().map(|e| (&e["from"], e["to"].as_str().unwrap())).collect();
    assert_eq!(path.len(), 5);
    assert_eq!(path[0], (&Value::Null, "awaiting_response"));
    assert_eq!(items[4]["from"], "awaiting_manager_decision");
    assert_eq!(items[4]["actor"]["id"], manager_user["id"]);
    assert_eq!(items[4]["actor"]["kind"], "user");
    assert_eq!(items[4]["reason"], "Сильный кандидат");
    assert_eq!(items[1]["actor"]["id"], recruiter_user["id"]);
    assert!(items.iter().all(|e| e["at"].as_str().is_some()));
}

#[tokio::test]
async fn every_illegal_move_is_refused_with_409_and_changes_nothing() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "Тестировщик").await;
    // One application parked in each status, moved there legally.
    let route: [&[&str]; 6] = [
        &[],
        &["in_interview"],
        &["in_interview", "evaluation"],
        &["in_interview", "evaluation", "awaiting_manager_decision"],
        &["in_interview", "evaluation", "awaiting_manager_decision", "accepted"],
        &["rejected"],
    ];
    for (from, steps) in ALL.iter().zip(route) {
        let c = candidate(&manager, &format!("Кандидат {from}")).await;
        let a = application(&manager, &c, &v).await;
        for s in steps {
            move_to(&manager, &a, s, Some("причина")).await.expect(200);
        }
        for to in ALL {
            if LEGAL.contains(&(from, to)) {
                continue;
            }
            let answer = move_to(&manager, &a, to, Some("причина")).await;
            assert_eq!(answer.error(409), "invalid_transition", "{from} -> {to}");
        }
        let now = manager.get(&format!("/api/applications?candidate_id={}", id(&c))).await.expect(200);
        assert_eq!(now["items"][0]["status"], *from);
    }
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_the_final_decision_is_the_vacancy_managers() {
    let app = spawn_app().await;
    let (owner, _) = app.user("manager").await;
    let (other_manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;
    let v = vacancy(&owner, "Аналитик").await;
    let c = candidate(&recruiter, "Мария Смирнова").await;
    let a = application(&recruiter, &c, &v).await;
    let no_reason = move_to(&recruiter, &a, "rejected", None).await;
    assert_eq!(no_reason.body["error"]["field"], "reason");
    no_reason.error(422);
    for to in ["in_interview", "evaluation", "awaiting_manager_decision"] {
        move_to(&recruiter, &a, to, None).await.expect(200);
    }
    assert_eq!(move_to(&recruiter, &a, "accepted", None).await.error(403), "forbidden");
    assert_eq!(move_to(&other_manager, &a, "accepted", None).await.error(403), "forbidden");
    assert_eq!(move_to(&owner, &a, "rejected", Some("Выбрали другого")).await.expect(200)["status"], "rejected");
}

#[tokio::test]
async fn of_two_concurrent_transitions_exactly_one_succeeds_and_the_other_gets_409() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;
    let v = vacancy(&manager, "Конкурентная вакансия").await;
    for round in 0..5 {
        let c = candidate(&recruiter, &format!("Гонка {round}")).await;
        let a = application(&recruiter, &c, &v).await;
        // Both saw the application at version 1; whoever writes second must not win.
        let path = format!("/api/applications/{}/transitions", id(&a));
        let answers = join_all([
            recruiter.post(&path, json!({"to": "in_interview", "expected_version": a["version"]})),
            manager.post(&path, json!({"to": "rejected", "reason": "не подходит", "expected_version": a["version"]})),
        ])
        .await;
        let mut statuses: Vec<u16> = answers.iter().map(|x| x.status.as_u16()).collect();
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}: {:?}", answers.iter().map(|a| &a.body).collect::<Vec<_>>());
        let h = recruiter.get(&format!("/api/applications/{}/history", id(&a))).await.expect(200);
        assert_eq!(h["items"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_stale_expected_version_gets_409_conflict() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "V").await;
    let c = candidate(&manager, "Ольга").await;
    let a = application(&manager, &c, &v).await;
    move_to(&manager, &a, "in_interview", None).await.expect(200);
    let stale = manager
        .post(&format!("/api/applications/{}/transitions", id(&a)), json!({"to": "evaluation", "expected_version": a["version"]}))
        .await;
    assert_eq!(stale.error(409), "conflict");
}

#[tokio::test]
async fn the_vacancy_list_counts_applications_per_status_and_the_conversion_between_stages() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "Воронка").await;
    let mut apps = Vec::new();
    for i in 0..4 {
        let c = candidate(&manager, &format!("Кандидат {i}")).await;
        apps.push(application(&manager, &c, &v).await);
    }
    // Two reach the interview, one of those is rejected there; one goes on to evaluation.
    move_to(&manager, &apps[0], "in_interview", None).await.expect(200);
    move_to(&manager, &apps[0], "evaluation", None).await.expect(200);
    move_to(&manager, &apps[1], "in_interview", None).await.expect(200);
    move_to(&manager, &apps[1], "rejected", Some("нет")).await.expect(200);
    let list = manager.get("/api/vacancies").await.expect(200);
    let mine = list["items"].as_array().unwrap().iter().find(|x| x["id"] == v["id"]).unwrap().clone();
    let s = &mine["stats"];
    assert_eq!(s["total"], 4);
    assert_eq!(s["counts"], json!({"awaiting_response": 2, "in_interview": 0, "evaluation": 1, "awaiting_manager_decision": 0, "accepted": 0, "rejected": 1}));
    let rates: Vec<Value> = s["funnel"].as_array().unwrap().iter().map(|f| f["rate"].clone()).collect();
    assert_eq!(rates, [json!(0.5), json!(0.5), json!(0.0), Value::Null]);
}

#[tokio::test]
async fn lists_paginate_filter_and_search_by_name() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v1 = vacancy(&manager, "Rust-разработчик").await;
    let v2 = vacancy(&manager, "Бухгалтер").await;
    let names = ["Иван Петров", "Пётр Иванов", "Мария Смирнова", "Анна Иванова", "Борис Сидоров"];
    let mut cs = Vec::new();
    for n in names {
        cs.push(candidate(&manager, n).await);
    }
    application(&manager, &cs[0], &v1).await;
    let a = application(&manager, &cs[1], &v1).await;
    application(&manager, &cs[2], &v2).await;
    move_to(&manager, &a, "in_interview", None).await.expect(200);

    let search = manager.get("/api/candidates?q=%D0%98%D0%92%D0%90%D0%9D&sort=name").await.expect(200); // "ИВАН"
    let found: Vec<&str> = search["items"].as_array().unwrap().iter().map(|c| c["full_name"].as_str().unwrap()).collect();
    assert_eq!(found, ["Анна Иванова", "Иван Петров", "Пётр Иванов"]);
    let page = manager.get("/api/candidates?per_page=2&page=3").await.expect(200);
    assert_eq!((page["total"].as_u64(), page["items"].as_array().unwrap().len()), (Some(5), 1));
    let by_vacancy = manager.get(&format!("/api/candidates?vacancy_id={}", id(&v1))).await.expect(200);
    assert_eq!(by_vacancy["total"], 2);
    let interviewing = manager.get(&format!("/api/candidates?vacancy_id={}&status=in_interview", id(&v1))).await.expect(200);
    assert_eq!(interviewing["items"][0]["full_name"], "Пётр Иванов");
    assert_eq!(interviewing["total"], 1);
    let apps = manager.get(&format!("/api/applications?vacancy_id={}&q=%D0%BF%D0%B5%D1%82%D1%80", id(&v1))).await.expect(200); // "петр"
    assert_eq!(apps["total"], 1);
    assert_eq!(apps["items"][0]["candidate_name"], "Иван Петров");
    let vacancies = manager.get("/api/vacancies?q=rust").await.expect(200);
    assert_eq!(vacancies["total"], 1);
    manager.post(&format!("/api/vacancies/{}/close", id(&v2)), json!({})).await.expect(200);
    assert_eq!(manager.get("/api/vacancies").await.expect(200)["total"], 1);
    assert_eq!(manager.get("/api/vacancies?state=closed").await.expect(200)["items"][0]["id"], v2["id"]);
    assert_eq!(manager.get("/api/vacancies?state=all").await.expect(200)["total"], 2);
    let closed = manager.post("/api/applications", json!({"candidate_id": cs[3]["id"], "vacancy_id": v2["id"]})).await;
    assert_eq!(closed.error(409), "vacancy_closed");
}

#[tokio::test]
async fn candidates_are_edited_with_validated_contacts() {
    let app = spawn_app().await;
    let (recruiter, _) = app.user("recruiter").await;
    let c = candidate(&recruiter, "Дмитрий Волков").await;
    let path = format!("/api/candidates/{}", id(&c));
    let edited = recruiter.patch(&path, json!({"phone": "8 (916) 123-45-67", "location": "Казань"})).await.expect(200);
    assert_eq!(edited["phone"], "+79161234567");
    assert_eq!(edited["location"], "Казань");
    let bad = recruiter.patch(&path, json!({"email": "not-an-email"})).await;
    assert_eq!(bad.body["error"]["field"], "email");
    bad.error(422);
    assert_eq!(recruiter.get(&path).await.expect(200)["email"], c["email"]);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let doc = app.anonymous().get("/api/openapi.json").await.expect(200);
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/health", "/api/auth/login", "/api/auth/logout", "/api/auth/me", "/api/users", "/api/vacancies",
        "/api/vacancies/{id}", "/api/vacancies/{id}/close", "/api/vacancies/{id}/invites", "/api/candidates",
        "/api/candidates/{id}", "/api/applications", "/api/applications/{id}/transitions",
        "/api/applications/{id}/history", "/api/interview/{token}", "/api/interview/{token}/consent",
    ] {
        assert!(paths.contains_key(p), "{p} is missing from the OpenAPI document");
    }
    // Query parameters are documented as such, path parameters only where the path has them.
    for (path, ops) in paths {
        for op in ops.as_object().unwrap().values() {
            for prm in op["parameters"].as_array().into_iter().flatten() {
                let name = prm["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                assert_eq!(prm["in"] == "path", in_path, "{path}: parameter {name} is documented `in: {}`", prm["in"]);
            }
        }
    }
}
