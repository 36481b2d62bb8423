//! Each function binary, started as Lambda starts it, against a small Lambda Runtime API
//! emulator: it must ask for its first event quickly (cold start) and answer it. The time from
//! process start to the first `next` request is printed (`cargo test ... -- --nocapture`);
//! `OTBOR_FN_BIN_DIR` points at release builds to measure those.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::routing::{get, post};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[derive(Default)]
struct Emulator {
    event: Mutex<Option<String>>,
    first_next: Mutex<Option<Instant>>,
    reply: Mutex<Option<(String, Value)>>,
    replied: Notify,
}

async fn next(State(e): State<Arc<Emulator>>) -> (HeaderMap, String) {
    e.first_next.lock().unwrap().get_or_insert_with(Instant::now);
    let event = e.event.lock().unwrap().take();
    let Some(event) = event else {
        // One event per run; later polls wait, as on a quiet function.
        std::future::pending::<()>().await;
        unreachable!()
    };
    let mut h = HeaderMap::new();
    h.insert("lambda-runtime-aws-request-id", HeaderValue::from_static("req-1"));
    let deadline = (std::time::SystemTime::now() + Duration::from_secs(30)).duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    h.insert("lambda-runtime-deadline-ms", HeaderValue::from_str(&deadline.to_string()).unwrap());
    h.insert("lambda-runtime-invoked-function-arn", HeaderValue::from_static("arn:aws:lambda:eu-central-1:123456789012:function:otbor"));
    h.insert("lambda-runtime-trace-id", HeaderValue::from_static("Root=1-5759e988-bd862e3fe1be46a994272793"));
    (h, event)
}

async fn respond(State(e): State<Arc<Emulator>>, Path((_id, kind)): Path<(String, String)>, body: String) -> &'static str {
    *e.reply.lock().unwrap() = Some((kind, serde_json::from_str(&body).unwrap_or(Value::String(body))));
    e.replied.notify_waiters();
    "{}"
}

async fn init_error(State(e): State<Arc<Emulator>>, body: String) -> &'static str {
    e.first_next.lock().unwrap().get_or_insert_with(Instant::now);
    *e.reply.lock().unwrap() = Some(("init_error".into(), Value::String(body)));
    e.replied.notify_waiters();
    "{}"
}

fn bin_dir() -> std::path::PathBuf {
    match std::env::var_os("OTBOR_FN_BIN_DIR") {
        Some(d) => d.into(),
        // Test binaries live in target/<profile>/deps; the functions in target/<profile>.
        None => std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().to_path_buf(),
    }
}

/// Starts `binary` under the emulator with `event`; returns (ready after, the reply).
async fn cold_start(binary: &str, event: String) -> (Duration, (String, Value)) {
    let emulator = Arc::new(Emulator::default());
    *emulator.event.lock().unwrap() = Some(event);
    let app = axum::Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/{kind}", post(respond))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(emulator.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let data = tempfile::tempdir().unwrap();
    let path = bin_dir().join(binary);
    assert!(path.is_file(), "{} is not built: cargo build -p otbor-fn-api -p otbor-fn-resume-ingest -p otbor-fn-evaluator", path.display());
    let replied = emulator.replied.notified();
    let started = Instant::now();
    let mut child = tokio::process::Command::new(&path)
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", binary)
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{binary}"))
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/25/[$LATEST]test")
        .env("OTBOR_DATA_DIR", data.path())
        .env("OTBOR_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(20), replied).await.expect("the function answered its event");
    let ready = emulator.first_next.lock().unwrap().unwrap() - started;
    let reply = emulator.reply.lock().unwrap().take().unwrap();
    child.kill().await.ok();
    println!("{binary}: ready for its first event {} ms after start", ready.as_millis());
    (ready, reply)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[tokio::test]
async fn each_function_binary_starts_under_the_runtime_api_and_answers_its_event() {
    let api_event = fixture("apigw-v2-list-candidates.json");
    let (_, (kind, reply)) = cold_start("api", api_event).await;
    assert_eq!(kind, "response", "{reply}");
    assert_eq!(reply["statusCode"], 401, "an anonymous list is refused: {reply}");

    let sqs_event = fixture("sqs-batch.json").replace("VACANCY_ID", "01a211a3-bd36-728b-bb0c-1ec6f8ee6afb");
    let (_, (kind, reply)) = cold_start("evaluator", sqs_event).await;
    assert_eq!(kind, "response");
    assert_eq!(reply["batchItemFailures"].as_array().unwrap().len(), 2, "{reply}");

    // The same function runs the scheduled work when EventBridge calls it.
    let (_, (kind, reply)) = cold_start("evaluator", fixture("eventbridge-scheduled.json")).await;
    assert_eq!(kind, "response", "{reply}");
    assert_eq!(reply, serde_json::json!({"reminders": 0, "digests": 0, "recordings_deleted": 0}));

    // An object that is not an upload is ignored; the invocation succeeds.
    let s3_event = fixture("s3-object-created.json").replace("UPLOAD_KEY", "recordings/x/segment-1.ogg");
    let (_, (kind, _)) = cold_start("resume-ingest", s3_event).await;
    assert_eq!(kind, "response");
}
