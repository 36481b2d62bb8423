//! Login, sessions, CSRF and the first admin.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn health_answers_and_names_the_backend() {
    let app = spawn_app().await;
    let body = app.anonymous().get("/api/health").await.expect(200);
    assert_eq!(body["status"], "ok");
    let expected = if std::env::var("OTBOR_TEST_STORE").as_deref() == Ok("dynamodb") { "dynamodb" } else { "sqlite" };
    assert_eq!(body["backend"], expected);
}

#[tokio::test]
async fn login_sets_an_httponly_samesite_cookie_with_a_long_random_token_and_logout_ends_it() {
    let app = spawn_app().await;
    let anon = app.anonymous();
    let answer = anon.post("/api/auth/login", json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    let cookies: Vec<String> = answer.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session = cookies.iter().find(|c| c.starts_with("otbor_session=")).expect("session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    let token = session.trim_start_matches("otbor_session=").split(';').next().unwrap();
    assert!(token.len() >= 32 && token.chars().all(|c| c.is_ascii_hexdigit()), "token of at least 128 bits: {token}");
    let body = answer.expect(200);
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"].get("password_hash").is_none());

    let mut c = anon;
    c.csrf = Some(body["csrf_token"].as_str().unwrap().into());
    assert_eq!(c.get("/api/auth/me").await.expect(200)["user"]["email"], ADMIN_EMAIL);
    assert_eq!(c.post("/api/auth/logout", json!({})).await.status.as_u16(), 204);
    assert_eq!(c.get("/api/auth/me").await.error(401), "unauthenticated");

    // The old cookie, replayed by hand, no longer opens anything: the session is gone.
    let replay = reqwest::Client::new()
        .get(format!("{}/api/auth/me", app.base))
        .header("cookie", format!("otbor_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 401);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let c = app.anonymous();
    let a = c.post("/api/auth/login", json!({"email": ADMIN_EMAIL, "password": "wrong-password"})).await;
    let b = c.post("/api/auth/login", json!({"email": "nobody@test.local", "password": "wrong-password"})).await;
    assert_eq!(a.status.as_u16(), 401);
    assert_eq!(a.body, b.body);
    assert_eq!(a.body["error"]["code"], "bad_credentials");
}

#[tokio::test]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    let mut admin = app.admin().await;
    admin.csrf = Some("0".repeat(64));
    let code = admin.post("/api/users", json!({"email": "x@test.local", "name": "X", "role": "recruiter", "password": "password-123"})).await.error(403);
    assert_eq!(code, "csrf");
    admin.csrf = None;
    assert_eq!(admin.post("/api/candidates", json!({"full_name": "Иван"})).await.error(403), "csrf");
    // Reads need no token.
    admin.get("/api/candidates").await.expect(200);
}

#[tokio::test]
async fn the_admin_creates_a_manager_and_a_recruiter_who_then_log_in() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for role in ["manager", "recruiter"] {
        let email = format!("{role}@company.ru");
        let u = admin.post("/api/users", json!({"email": email, "name": "Сотрудник", "role": role, "password": "long-password"})).await.expect(201);
        assert_eq!(u["role"], role);
        let c = app.login(&email, "long-password").await;
        assert_eq!(c.get("/api/auth/me").await.expect(200)["user"]["role"], role);
    }
    let dup = admin.post("/api/users", json!({"email": "MANAGER@company.ru", "name": "Другой", "role": "manager", "password": "long-password"})).await;
    assert_eq!(dup.body["error"]["field"], "email");
    assert_eq!(dup.error(409), "duplicate");
    let weak = admin.post("/api/users", json!({"email": "w@company.ru", "name": "W", "role": "manager", "password": "short"})).await;
    assert_eq!(weak.body["error"]["field"], "password");
    assert_eq!(weak.error(422), "validation");
    let users = admin.get("/api/users").await.expect(200);
    assert_eq!(users["total"], 3);
}

#[tokio::test]
async fn error_messages_follow_the_callers_language() {
    let app = spawn_app().await;
    let mut c = app.anonymous();
    c.lang = "ru";
    let ru = c.get("/api/auth/me").await.body;
    c.lang = "en";
    let en = c.get("/api/auth/me").await.body;
    assert_eq!(ru["error"]["message"], "войдите в систему");
    assert_eq!(en["error"]["message"], "please log in");
}

#[tokio::test]
async fn the_environment_creates_the_first_admin_only_in_an_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    let first = test_settings(dir.path());
    let built = otbor::app::build(&first, false).await.unwrap();
    let mut second = first.clone();
    second.admin_email = Some("intruder@test.local".into());
    second.admin_password = Some("intruder-password".to_string().into());
    let again = otbor::app::build(&second, false).await.unwrap();
    let users = again.state.records.list_users(otbor_domain::query::PageRequest::default()).await.unwrap();
    assert_eq!(users.total, 1);
    assert_eq!(users.items[0].email.as_str(), ADMIN_EMAIL);
    drop(built);
}

#[tokio::test]
async fn repeated_wrong_passwords_make_the_address_wait_with_retry_after_and_a_right_one_clears_the_count() {
    let clock = std::sync::Arc::new(otbor_domain::ports::ManualClock::new(chrono::Utc::now()));
    let app = spawn_app_with_clock(clock.clone()).await;
    let anon = app.anonymous();
    let wrong = json!({"email": ADMIN_EMAIL, "password": "not-the-password-1"});
    for _ in 0..otbor_app::login::FREE_FAILURES {
        assert_eq!(anon.post("/api/auth/login", wrong.clone()).await.error(401), "bad_credentials");
    }
    // Now the address waits, even with the right password, and no hash is computed.
    let locked = anon.post("/api/auth/login", json!({"email": ADMIN_EMAIL.to_uppercase(), "password": ADMIN_PASSWORD})).await;
    assert_eq!(locked.headers.get("retry-after").expect("Retry-After").to_str().unwrap(), "1");
    let message = locked.body["error"]["message"].as_str().unwrap().to_string();
    assert_eq!(locked.error(429), "too_many_attempts");
    assert!(message.contains("try again in 1 s") || message.contains("попробуйте снова через 1 секунду"), "{message}");
    // Another address is not affected.
    assert_eq!(anon.post("/api/auth/login", json!({"email": "someone@otbor.local", "password": "x"})).await.error(401), "bad_credentials");

    // Each further wrong password doubles the wait.
    clock.advance(chrono::Duration::seconds(2));
    assert_eq!(anon.post("/api/auth/login", wrong.clone()).await.error(401), "bad_credentials");
    let locked = anon.post("/api/auth/login", wrong.clone()).await;
    assert_eq!(locked.headers.get("retry-after").expect("Retry-After").to_str().unwrap(), "2");
    assert_eq!(locked.error(429), "too_many_attempts");

    clock.advance(chrono::Duration::seconds(3));
    anon.post("/api/auth/login", json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await.expect(200);
    // The count starts again from zero.
    for _ in 0..otbor_app::login::FREE_FAILURES {
        assert_eq!(anon.post("/api/auth/login", wrong.clone()).await.error(401), "bad_credentials");
    }
}

#[tokio::test]
async fn api_answers_forbid_framing_sniffing_referrers_and_caching() {
    let app = spawn_app().await;
    let admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for (client, path) in [(&admin, "/api/auth/me"), (&admin, "/api/candidates"), (&app.anonymous(), "/api/no-such-route")] {
        let answer = client.get(path).await;
        let h = |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert_eq!(h("cache-control"), "no-store", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "no-referrer", "{path}");
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
    }
}
