//! The `api` Lambda function: API Gateway HTTP API (v2) events from fixtures go through the
//! same adapter `lambda_http::run` uses, into the same Router, against the backend under
//! test (moto's DynamoDB in the `dynamodb` run).

use crate::helpers::*;
use lambda_http::request::LambdaRequest;
use lambda_http::tower::{Service, ServiceExt};
use lambda_http::{Adapter, Context, LambdaEvent};
use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

async fn invoke(router: axum::Router, event: &str) -> Value {
    let req: LambdaRequest = serde_json::from_str(event).expect("an API Gateway v2 event");
    let mut adapter: Adapter<'_, _, _> = Adapter::from(router);
    let resp = adapter.ready().await.unwrap().call(LambdaEvent::new(req, Context::default())).await.expect("invoke");
    serde_json::to_value(resp).unwrap()
}

#[tokio::test]
async fn the_function_logs_in_and_lists_candidates_from_api_gateway_v2_events() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(dir.path());
    let built = otbor::app::build(&settings, false).await.unwrap();
    // Someone to find, written through the same store.
    let now = chrono::Utc::now();
    let fields = otbor_domain::candidate::CandidateFields { full_name: Some("Иван Петров".into()), ..Default::default() };
    built.state.records.insert_candidate(&otbor_domain::candidate::Candidate::new(&fields, now).unwrap()).await.unwrap();

    let login = invoke(built.router.clone(), &fixture("apigw-v2-login.json")).await;
    assert_eq!(login["statusCode"], 200, "{login}");
    let body: Value = serde_json::from_str(login["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);
    let cookie = login["cookies"]
        .as_array()
        .expect("API Gateway v2 responses carry cookies in `cookies`")
        .iter()
        .filter_map(Value::as_str)
        .find(|c| c.starts_with("otbor_session="))
        .unwrap()
        .to_string();
    let token = cookie.trim_start_matches("otbor_session=").split(';').next().unwrap();

    let list = invoke(built.router.clone(), &fixture("apigw-v2-list-candidates.json").replace("SESSION_TOKEN", token)).await;
    assert_eq!(list["statusCode"], 200, "{list}");
    let page: Value = serde_json::from_str(list["body"].as_str().unwrap()).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["full_name"], "Иван Петров");
    assert_eq!(page["per_page"], 5);

    let anonymous = invoke(built.router, &fixture("apigw-v2-list-candidates.json")).await;
    assert_eq!(anonymous["statusCode"], 401);
}

#[tokio::test]
async fn resume_ingest_reads_the_uploaded_file_from_an_s3_event_once_however_often_it_is_delivered() {
    let app = spawn_app().await;
    let st = &app.built.state;
    let admin = app.admin().await;
    let body = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dev/bad_inputs/resume_cp1251.txt")).unwrap();
    // The browser asked for an upload URL and sent the file straight to the store.
    let ticket = admin.post("/api/uploads", serde_json::json!({"file_name": "cv.txt", "content_type": "text/plain", "size": body.len()})).await.expect(201);
    let upload_id: otbor_domain::ids::UploadId = ticket["upload"]["id"].as_str().unwrap().parse().unwrap();
    let upload = st.records.get_upload(upload_id).await.unwrap().unwrap();
    let key = otbor_domain::ports::FileKey::parse(&upload.key).unwrap();
    st.files.put(&key, body.into(), "text/plain").await.unwrap();

    let event: aws_lambda_events::event::s3::S3Event = serde_json::from_str(&fixture("s3-object-created.json").replace("UPLOAD_KEY", &upload.key)).unwrap();
    otbor_fn_resume_ingest::handle(st, event.clone()).await.unwrap();
    otbor_fn_resume_ingest::handle(st, event).await.unwrap();
    let done = admin.get(&format!("/api/uploads/{upload_id}")).await.expect(200);
    assert_eq!(done["status"]["state"], "done", "{done}");
    assert_eq!(admin.get("/api/candidates").await.expect(200)["total"], 1);
}

#[tokio::test]
async fn the_evaluator_reports_each_poison_message_alone_in_batch_item_failures() {
    let app = spawn_app().await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "Python-разработчик").await;
    let handlers = otbor::app::handlers(&app.built.state);
    let event: aws_lambda_events::event::sqs::SqsEvent = serde_json::from_str(&fixture("sqs-batch.json").replace("VACANCY_ID", id(&v))).unwrap();
    let response = otbor_fn_evaluator::handle(&handlers, event).await;
    let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(failed, ["msg-poison", "msg-unknown-kind"]);
    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(json["batchItemFailures"][0]["itemIdentifier"], "msg-poison", "the wire shape Lambda expects");
}

#[tokio::test]
async fn the_evaluator_runs_the_schedule_on_an_eventbridge_event_and_refuses_strangers() {
    let app = spawn_app_with(|s| s.invite_ttl_days = 1).await;
    let (manager, _) = app.user("manager").await;
    let v = vacancy(&manager, "Тестировщик").await;
    let c = candidate(&manager, "Лев Толстой").await;
    manager.post(&format!("/api/vacancies/{}/invites", id(&v)), serde_json::json!({"candidate_id": c["id"]})).await.expect(201);
    let e = otbor_fn_evaluator::Evaluator { handlers: otbor::app::handlers(&app.built.state), state: app.built.state.clone() };
    let scheduled: serde_json::Value = serde_json::from_str(&fixture("eventbridge-scheduled.json")).unwrap();
    let report = otbor_fn_evaluator::dispatch(&e, scheduled.clone()).await.unwrap();
    assert_eq!(report["reminders"], 1, "the day-old link is reminded: {report}");
    assert_eq!(otbor_fn_evaluator::dispatch(&e, scheduled).await.unwrap()["reminders"], 0, "once");
    let err = otbor_fn_evaluator::dispatch(&e, serde_json::json!({"hello": "world"})).await.unwrap_err();
    assert!(err.to_string().contains("does not handle"), "{err}");
}

/// The SQS event source mapping, played by hand against moto: receive a batch, invoke the
/// function, delete what succeeded. A poison message comes back until SQS parks it.
#[tokio::test]
async fn a_poison_message_lands_in_the_dead_letter_queue_after_the_receive_limit() {
    let endpoint = std::env::var("OTBOR_TEST_AWS_ENDPOINT").expect("OTBOR_TEST_AWS_ENDPOINT: start moto with scripts/moto.sh");
    let config = otbor_aws::config_loader(Some(&endpoint), "us-east-1")
        .credentials_provider(otbor_aws::Credentials::new("test", "test", None, None, "tests"))
        .load()
        .await;
    let sqs = otbor_aws::sqs_client(&config);
    let name = format!("otbor-poison-{}", uuid::Uuid::new_v4().simple());
    let max_receives = 3;
    otbor_aws::SqsQueue::create(&sqs, &name, max_receives).await.unwrap();
    let url = sqs.get_queue_url().queue_name(&name).send().await.unwrap().queue_url.unwrap();
    let dlq = sqs.get_queue_url().queue_name(format!("{name}-dlq")).send().await.unwrap().queue_url.unwrap();
    sqs.send_message().queue_url(&url).message_body("this is not a job {").send().await.unwrap();
    sqs.send_message().queue_url(&url).message_body(r#"{"kind":"vacancy.match","payload":{"vacancy_id":"01a211a3-bd36-728b-bb0c-1ec6f8ee6afb"}}"#).send().await.unwrap();

    let app = spawn_app().await;
    let handlers = otbor::app::handlers(&app.built.state);
    let mut invocations = 0;
    for _ in 0..(max_receives + 3) {
        let got = sqs.receive_message().queue_url(&url).max_number_of_messages(10).visibility_timeout(0).send().await.unwrap();
        let messages = got.messages.unwrap_or_default();
        if messages.is_empty() {
            continue;
        }
        invocations += 1;
        let records: Vec<serde_json::Value> = messages
            .iter()
            .map(|m| serde_json::json!({"messageId": m.message_id, "receiptHandle": m.receipt_handle, "body": m.body, "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs"}))
            .collect();
        let event: aws_lambda_events::event::sqs::SqsEvent = serde_json::from_value(serde_json::json!({"Records": records})).unwrap();
        let response = otbor_fn_evaluator::handle(&handlers, event).await;
        let failed: Vec<String> = response.batch_item_failures.into_iter().map(|f| f.item_identifier).collect();
        for m in &messages {
            if !failed.contains(m.message_id.as_ref().unwrap()) {
                sqs.delete_message().queue_url(&url).receipt_handle(m.receipt_handle.clone().unwrap()).send().await.unwrap();
            }
        }
    }
    assert!(invocations >= max_receives as usize);
    let parked = sqs.receive_message().queue_url(&dlq).max_number_of_messages(10).send().await.unwrap().messages.unwrap_or_default();
    assert_eq!(parked.iter().map(|m| m.body.clone().unwrap()).collect::<Vec<_>>(), ["this is not a job {"]);
}
