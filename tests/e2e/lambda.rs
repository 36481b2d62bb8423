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
