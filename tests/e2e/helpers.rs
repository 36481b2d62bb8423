//! `spawn_app()`: the same composition as `otbor serve`, on port 0 with a fresh data
//! directory (or fresh table, bucket and queue on moto), and a small HTTP client for it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;

pub const ADMIN_EMAIL: &str = "admin@test.local";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

pub struct TestApp {
    pub base: String,
    pub built: otbor::app::Built,
    _dir: tempfile::TempDir,
}

/// The settings of a fresh app for the backend under test.
pub fn test_settings(dir: &std::path::Path) -> otbor_adapters::Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("OTBOR_DATA_DIR", dir.display().to_string());
    env.insert("OTBOR_ADMIN_EMAIL", ADMIN_EMAIL.into());
    env.insert("OTBOR_ADMIN_PASSWORD", ADMIN_PASSWORD.into());
    env.insert("OTBOR_WEB_DIR", dir.join("no-web").display().to_string());
    if std::env::var("OTBOR_TEST_STORE").as_deref() == Ok("dynamodb") {
        let endpoint = std::env::var("OTBOR_TEST_AWS_ENDPOINT")
            .expect("OTBOR_TEST_STORE=dynamodb needs OTBOR_TEST_AWS_ENDPOINT: start moto with scripts/moto.sh");
        let unique = uuid::Uuid::new_v4().simple().to_string();
        env.insert("OTBOR_STORE", "dynamodb".into());
        env.insert("OTBOR_AWS_ENDPOINT", endpoint);
        env.insert("OTBOR_AWS_REGION", "us-east-1".into());
        env.insert("OTBOR_AWS_CREATE_RESOURCES", "1".into());
        env.insert("OTBOR_DYNAMODB_TABLE", format!("otbor-{unique}"));
        env.insert("OTBOR_S3_BUCKET", format!("otbor-{unique}"));
        env.insert("OTBOR_SQS_QUEUE_NAME", format!("otbor-{unique}"));
    }
    otbor_adapters::Settings::from_lookup(|k| env.get(k).cloned()).expect("test settings")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A fresh app whose settings `configure` changes first (the notification channels, say).
pub async fn spawn_app_with(configure: impl FnOnce(&mut otbor_adapters::Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings(dir.path());
    configure(&mut settings);
    let built = otbor::app::build(&settings, false).await.expect("build the app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = built.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    TestApp { base, built, _dir: dir }
}

/// A fresh app whose time is `clock` (the API only, without the web app), for tests of
/// expiry and waiting.
pub async fn spawn_app_with_clock(clock: std::sync::Arc<dyn otbor_domain::ports::Clock>) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = test_settings(dir.path());
    let mut built = otbor::app::build(&settings, false).await.expect("build the app");
    built.state.clock = clock;
    built.router = otbor_api::router(built.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = built.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    TestApp { base, built, _dir: dir }
}

/// A logged-in (or anonymous) user agent with its own cookie jar and CSRF token.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: Option<String>,
    pub lang: &'static str,
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.body);
        self.body
    }
    /// Asserts an error answer of the agreed shape, and returns its code.
    #[track_caller]
    pub fn error(self, status: u16) -> String {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.body);
        let e = &self.body["error"];
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "no message in {}", self.body);
        e["code"].as_str().expect("error code").to_string()
    }
}

impl TestApp {
    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder().cookie_store(true).build().unwrap(),
            base: self.base.clone(),
            csrf: None,
            lang: "en",
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> Client {
        let mut c = self.anonymous();
        let body = c.post("/api/auth/login", json!({"email": email, "password": password})).await.expect(200);
        c.csrf = Some(body["csrf_token"].as_str().unwrap().to_string());
        c
    }

    pub async fn admin(&self) -> Client {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Creates a user through the API and logs them in.
    pub async fn user(&self, role: &str) -> (Client, Value) {
        let admin = self.admin().await;
        let email = format!("{role}-{}@test.local", uuid::Uuid::new_v4().simple());
        let user = admin
            .post("/api/users", json!({"email": email, "name": format!("Тест {role}"), "role": role, "password": "password-123"}))
            .await
            .expect(201);
        (self.login(&email, "password-123").await, user)
    }
}

impl Client {
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.base)).header("accept-language", self.lang);
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        answer(req.send().await.expect("request")).await
    }
    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(body)).await
    }
}

/// A vacancy created by `manager`.
pub async fn vacancy(manager: &Client, title: &str) -> Value {
    manager
        .post(
            "/api/vacancies",
            json!({"title": title, "description": "Описание", "language": "ru",
                   "requirements": [{"text": "Rust", "kind": "must", "weight": 5, "min_years": 2}]}),
        )
        .await
        .expect(201)
}

pub async fn candidate(staff: &Client, name: &str) -> Value {
    staff
        .post("/api/candidates", json!({"full_name": name, "email": format!("{}@example.ru", uuid::Uuid::new_v4().simple()), "source": "hh.ru"}))
        .await
        .expect(201)
}

pub async fn application(staff: &Client, candidate: &Value, vacancy: &Value) -> Value {
    staff
        .post("/api/applications", json!({"candidate_id": candidate["id"], "vacancy_id": vacancy["id"]}))
        .await
        .expect(201)
}

pub fn id(v: &Value) -> &str {
    v["id"].as_str().expect("id")
}

/// Reads a response into an [`Answer`]: JSON when it parses, the text otherwise.
pub async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("response body");
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Answer { status, body, headers }
}
