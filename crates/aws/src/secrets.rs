//! Provider keys from AWS Secrets Manager: one secret holding a JSON object of `OTBOR_*`
//! settings (`{"OTBOR_YANDEX_API_KEY": "..."}`), read once at start-up.

use crate::error::{AwsError, call_failed};
use std::collections::HashMap;

const SERVICE: &str = "Secrets Manager";

/// The string values of the secret's JSON object. Non-string values are ignored.
pub async fn secret_values(config: &aws_config::SdkConfig, secret_id: &str) -> Result<HashMap<String, String>, AwsError> {
    let client = aws_sdk_secretsmanager::Client::new(config);
    let out = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| call_failed(SERVICE, "GetSecretValue", e))?;
    let text = out.secret_string().unwrap_or("{}");
    let map: HashMap<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| AwsError::Decode { what: "provider secret (a JSON object of OTBOR_* settings)", source: e })?;
    Ok(map.into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string()))).collect())
}
