//! The AWS backends of the ports: records in one DynamoDB table ([`DynamoRecords`]), files in
//! an S3 bucket ([`S3Files`]) and jobs on an SQS queue with a dead-letter queue ([`SqsQueue`]),
//! plus the SDK configuration they share. Every backend passes the same conformance suites as
//! the embedded ones (`crates/aws/tests/conformance.rs`, against moto server).

mod dynamo;
mod error;
mod s3;
mod secrets;
mod sqs;

pub use dynamo::DynamoRecords;
pub use error::AwsError;
pub use s3::S3Files;
pub use secrets::secret_values;
pub use sqs::SqsQueue;

pub use aws_config::SdkConfig;
/// Static credentials, for tests and the local emulator (`config_loader(..).credentials_provider(..)`).
pub use aws_sdk_dynamodb::config::Credentials;

use aws_config::{BehaviorVersion, ConfigLoader, Region};

/// The SDK configuration loader with the region and, for a local emulator, the endpoint set;
/// callers may add more (static credentials in tests) before `load()`.
pub fn config_loader(endpoint_url: Option<&str>, region: &str) -> ConfigLoader {
    // One TLS stack in the binaries: rustls with ring, as reqwest uses (see Cargo.toml).
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .http_client(http);
    match endpoint_url {
        Some(url) => loader.endpoint_url(url),
        None => loader,
    }
}

/// The SDK configuration with the default credential chain (environment, profile, the
/// Lambda/ECS role), the given region and, for a local emulator, the endpoint.
pub async fn sdk_config(endpoint_url: Option<&str>, region: &str) -> SdkConfig {
    config_loader(endpoint_url, region).load().await
}

pub fn dynamodb_client(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(config)
}

/// Path-style addressing, because virtual-host style (`bucket.localhost`) does not resolve
/// against a local emulator; AWS itself accepts both.
pub fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(s3_config)
}

pub fn sqs_client(config: &SdkConfig) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(config)
}
