//! The permission matrix: every staff route, as every role, on someone else's objects.
//! Columns: anonymous, a candidate holding an invite token, recruiter, a manager who does
//! not own the vacancy, the vacancy's own manager, admin.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

const WHO: [&str; 6] = ["anonymous", "candidate", "recruiter", "other_manager", "owner", "admin"];

struct Row {
    method: Method,
    path: &'static str,
    body: fn(&Objects) -> Option<Value>,
    expect: [u16; 6],
}

/// Objects made fresh for each caller, so that one caller's success cannot change the next
/// caller's answer. `{V}` is a vacancy of the owner, `{C}` a candidate, `{A}` an application
/// awaiting response, `{D}` one awaiting the manager's decision, `{X}` a vacancy to close.
struct Objects {
    v: String,
    c: String,
    a: String,
    d: String,
    x: String,
    free_candidate: String,
}

fn row(method: Method, path: &'static str, body: fn(&Objects) -> Option<Value>, expect: [u16; 6]) -> Row {
    Row { method, path, body, expect }
}

fn none(_: &Objects) -> Option<Value> {
    None
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_design_says() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (owner, _) = app.user("manager").await;
    let (other_manager, _) = app.user("manager").await;
    let (recruiter, _) = app.user("recruiter").await;

    let rows = vec![
        row(Method::GET, "/api/users", none, [401, 401, 403, 403, 403, 200]),
        row(Method::POST, "/api/users", |_| Some(json!({"email": format!("{}@t.local", uuid::Uuid::new_v4().simple()), "name": "N", "role": "recruiter", "password": "password-123"})), [401, 401, 403, 403, 403, 201]),
        row(Method::GET, "/api/vacancies", none, [401, 401, 200, 200, 200, 200]),
        row(Method::POST, "/api/vacancies", |_| Some(json!({"title": "Новая"})), [401, 401, 403, 201, 201, 201]),
        row(Method::GET, "/api/vacancies/{V}", none, [401, 401, 200, 200, 200, 200]),
        row(Method::PATCH, "/api/vacancies/{V}", |_| Some(json!({"description": "Правка"})), [401, 401, 403, 403, 200, 200]),
        row(Method::POST, "/api/vacancies/{X}/close", |_| Some(json!({})), [401, 401, 403, 403, 200, 200]),
        row(Method::POST, "/api/vacancies/{V}/invites", |o| Some(json!({"candidate_id": o.c})), [401, 401, 201, 201, 201, 201]),
        row(Method::POST, "/api/vacancies/{V}/invites", |_| Some(json!({})), [401, 401, 201, 201, 201, 201]),
        row(Method::GET, "/api/candidates", none, [401, 401, 200, 200, 200, 200]),
        row(Method::POST, "/api/candidates", |_| Some(json!({"full_name": "Новый Кандидат"})), [401, 401, 201, 201, 201, 201]),
        row(Method::GET, "/api/candidates/{C}", none, [401, 401, 200, 200, 200, 200]),
        row(Method::PATCH, "/api/candidates/{C}", |_| Some(json!({"location": "Тверь"})), [401, 401, 200, 200, 200, 200]),
        row(Method::GET, "/api/applications", none, [401, 401, 200, 200, 200, 200]),
        row(Method::POST, "/api/applications", |o| Some(json!({"candidate_id": o.free_candidate, "vacancy_id": o.v})), [401, 401, 201, 201, 201, 201]),
        row(Method::POST, "/api/applications/{A}/transitions", |_| Some(json!({"to": "in_interview"})), [401, 401, 200, 200, 200, 200]),
        row(Method::POST, "/api/applications/{D}/transitions", |_| Some(json!({"to": "accepted"})), [401, 401, 403, 403, 200, 200]),
        row(Method::GET, "/api/applications/{A}/history", none, [401, 401, 200, 200, 200, 200]),
        row(Method::GET, "/api/auth/me", none, [401, 401, 200, 200, 200, 200]),
    ];

    let mut failures = Vec::new();
    for (w, who) in WHO.iter().enumerate() {
        let o = objects(&owner, &admin).await;
        let caller = match *who {
            "anonymous" => app.anonymous(),
            "candidate" => candidate_client(&app, &owner, &o).await,
            "recruiter" => clone(&recruiter),
            "other_manager" => clone(&other_manager),
            "owner" => clone(&owner),
            _ => clone(&admin),
        };
        for r in &rows {
            let path = r.path.replace("{V}", &o.v).replace("{C}", &o.c).replace("{A}", &o.a).replace("{D}", &o.d).replace("{X}", &o.x);
            let answer = caller.send(r.method.clone(), &path, (r.body)(&o)).await;
            let got = answer.status.as_u16();
            if got != r.expect[w] {
                failures.push(format!("{who} {} {}: expected {}, got {got} {}", r.method, r.path, r.expect[w], answer.body));
            }
            if got >= 400 {
                assert!(answer.body["error"]["message"].is_string(), "{who} {} {}: no error shape", r.method, r.path);
            }
        }
    }
    assert!(failures.is_empty(), "permission matrix violations:\n{}", failures.join("\n"));
}

fn clone(c: &Client) -> Client {
    Client { http: c.http.clone(), base: c.base.clone(), csrf: c.csrf.clone(), lang: c.lang }
}

async fn objects(owner: &Client, admin: &Client) -> Objects {
    let v = vacancy(owner, "Чужая вакансия").await;
    let x = vacancy(owner, "Вакансия под закрытие").await;
    let c = candidate(admin, "Чужой Кандидат").await;
    let a = application(admin, &c, &v).await;
    let c2 = candidate(admin, "Финалист").await;
    let d = application(admin, &c2, &v).await;
    for to in ["in_interview", "evaluation", "awaiting_manager_decision"] {
        admin.post(&format!("/api/applications/{}/transitions", id(&d)), json!({"to": to})).await.expect(200);
    }
    let free = candidate(admin, "Свободный Кандидат").await;
    Objects { v: id(&v).into(), c: id(&c).into(), a: id(&a).into(), d: id(&d).into(), x: id(&x).into(), free_candidate: id(&free).into() }
}

/// A candidate's browser: it holds only an invite token, which it also tries as a session.
async fn candidate_client(app: &TestApp, owner: &Client, o: &Objects) -> Client {
    let invite = owner.post(&format!("/api/vacancies/{}/invites", o.v), json!({"candidate_id": o.c})).await.expect(201);
    let token = invite["token"].as_str().unwrap().to_string();
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(&format!("otbor_session={token}; Path=/"), &app.base.parse().unwrap());
    let http = reqwest::Client::builder().cookie_provider(jar).build().unwrap();
    Client { http, base: app.base.clone(), csrf: Some(token), lang: "en" }
}
