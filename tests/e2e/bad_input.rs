//! Garbage in: every malformed request gets a 4xx with the agreed error shape naming the
//! problem, never a 5xx.

use crate::helpers::*;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn raw(c: &Client, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Answer {
    let mut req = c.http.request(method, format!("{}{path}", c.base)).header("accept-language", "en");
    if let Some(t) = &c.csrf {
        req = req.header("x-csrf-token", t);
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    answer(req.body(body).send().await.unwrap()).await
}

#[tokio::test]
async fn each_kind_of_garbage_gets_a_4xx_that_names_the_problem() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let json_ct = Some("application/json");

    let malformed = raw(&admin, Method::POST, "/api/candidates", json_ct, b"{\"full_name\": ".to_vec()).await;
    assert_eq!(malformed.error(400), "bad_json");

    let wrong_type = raw(&admin, Method::POST, "/api/vacancies", json_ct, br#"{"title": 42}"#.to_vec()).await;
    assert_eq!(wrong_type.body["error"]["field"], "title");
    assert_eq!(wrong_type.error(400), "validation");

    let unknown_enum = admin.post("/api/users", json!({"email": "a@b.ru", "name": "A", "role": "superuser", "password": "password-123"})).await;
    assert_eq!(unknown_enum.body["error"]["field"], "role");
    assert!(unknown_enum.body["error"]["message"].as_str().unwrap().contains("superuser"));
    unknown_enum.error(400);

    let nested = admin.post("/api/vacancies", json!({"title": "T", "requirements": [{"text": "Rust", "kind": "sometimes", "weight": 3}]})).await;
    assert_eq!(nested.body["error"]["field"], "requirements[0].kind");

    let missing = admin.post("/api/users", json!({"email": "a@b.ru"})).await;
    assert!(missing.body["error"]["message"].as_str().unwrap().contains("missing field"), "{}", missing.body);
    missing.error(400);

    let out_of_range = admin.post("/api/vacancies", json!({"title": "T", "requirements": [{"text": "Rust", "kind": "must", "weight": 11}]})).await;
    assert_eq!(out_of_range.body["error"]["field"], "requirements.weight");
    out_of_range.error(422);

    let oversize = raw(&admin, Method::POST, "/api/candidates", json_ct, format!("{{\"full_name\": \"{}\"}}", "я".repeat(1_200_000)).into_bytes()).await;
    assert_eq!(oversize.error(413), "too_large");

    let not_json = raw(&admin, Method::POST, "/api/candidates", Some("text/plain"), b"full_name=Ivan".to_vec()).await;
    assert_eq!(not_json.error(415), "unsupported_media_type");

    let bad_id = admin.get("/api/candidates/123").await;
    assert_eq!(bad_id.body["error"]["field"], "id");
    assert_eq!(bad_id.error(400), "invalid_id");
    assert_eq!(admin.get(&format!("/api/vacancies/{}", uuid::Uuid::new_v4())).await.error(404), "not_found");
    assert_eq!(admin.get("/api/no/such/route").await.error(404), "not_found");
    assert_eq!(admin.get("/api/candidates?per_page=1000").await.error(422), "validation");
    assert_eq!(admin.get("/api/candidates?page=abc").await.error(400), "bad_query");
    assert_eq!(admin.get("/api/applications?status=hired").await.error(422), "validation");
    let unknown_field = admin.post("/api/applications", json!({"candidate_id": uuid::Uuid::new_v4(), "vacancy_id": uuid::Uuid::new_v4(), "hired": true})).await;
    assert!(unknown_field.body["error"]["message"].as_str().unwrap().contains("hired"));
    unknown_field.error(400);
    let wrong_method = admin.send(Method::DELETE, "/api/candidates", None).await;
    assert!(wrong_method.status.is_client_error());

    // Bodies that are not JSON answer in the same shape: a vacancy file without a multipart
    // boundary, and a file larger than any upload may be.
    let no_boundary = raw(&admin, Method::POST, "/api/vacancies/import", Some("multipart/form-data"), b"title".to_vec()).await;
    assert_eq!(no_boundary.body["error"]["field"], "file");
    assert_eq!(no_boundary.error(400), "bad_multipart");
    let ticket = admin.post("/api/uploads", json!({"file_name": "big.pdf", "content_type": "application/pdf", "size": 1000})).await.expect(201);
    let put_path = ticket["url"].as_str().unwrap().trim_start_matches(&app.base).to_string();
    let too_big = raw(&admin, Method::PUT, &put_path, Some("application/pdf"), vec![b'x'; otbor_domain::upload::MAX_UPLOAD_BYTES as usize + 4096]).await;
    assert_eq!(too_big.error(413), "too_large");
}

/// Random JSON values of every shape, with strings that include Cyrillic and control chars.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "\\PC{0,40}".prop_map(Value::String),
        prop_oneof![Just("must"), Just("recruiter"), Just("rejected"), Just("+79161234567"), Just("a@b.ru")].prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::hash_map(
                prop_oneof![
                    Just("title".to_string()), Just("full_name".to_string()), Just("email".to_string()), Just("phone".to_string()),
                    Just("role".to_string()), Just("requirements".to_string()), Just("to".to_string()), Just("reason".to_string()),
                    Just("candidate_id".to_string()), Just("vacancy_id".to_string()), Just("kind".to_string()), Just("weight".to_string()),
                    Just("password".to_string()), Just("consent".to_string()), "[a-z_]{1,8}",
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn random_bodies_at_every_json_route_never_get_a_5xx() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (app, admin, vacancy_id, application_id, token) = rt.block_on(async {
        let app = spawn_app().await;
        let admin = app.admin().await;
        let v = vacancy(&admin, "Fuzz").await;
        let c = candidate(&admin, "Fuzz Candidate").await;
        let a = application(&admin, &c, &v).await;
        let inv = admin.post(&format!("/api/vacancies/{}/invites", id(&v)), json!({})).await.expect(201);
        (app, admin, id(&v).to_string(), id(&a).to_string(), inv["token"].as_str().unwrap().to_string())
    });
    let routes: Vec<(Method, String)> = vec![
        (Method::POST, "/api/auth/login".into()),
        (Method::POST, "/api/users".into()),
        (Method::POST, "/api/vacancies".into()),
        (Method::PATCH, format!("/api/vacancies/{vacancy_id}")),
        (Method::POST, format!("/api/vacancies/{vacancy_id}/invites")),
        (Method::POST, "/api/candidates".into()),
        (Method::POST, "/api/applications".into()),
        (Method::POST, format!("/api/applications/{application_id}/transitions")),
        (Method::POST, format!("/api/interview/{token}/consent")),
    ];
    let config = ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(body in any_json(), route in 0..routes.len())| {
        let (method, path) = &routes[route];
        let answer = rt.block_on(admin.send(method.clone(), path, Some(body.clone())));
        prop_assert!(answer.status.as_u16() < 500, "{method} {path} with {body} -> {} {}", answer.status, answer.body);
        if answer.status.is_client_error() {
            prop_assert!(answer.body["error"]["code"].is_string() && answer.body["error"]["message"].is_string(), "{}", answer.body);
        }
    });
    drop(app);
}
