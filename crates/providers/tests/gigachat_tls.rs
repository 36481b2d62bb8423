//! GigaChat over HTTPS with a certificate chained to a private root, as Sber's hosts chain to
//! the Russian Trusted Root CA, which is not in the built-in (Mozilla) root set: trusted once
//! the root's PEM is configured, refused for good (and not retried) without it.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use otbor_domain::ports::SystemClock;
use otbor_providers::testing::{FakeGigaChat, GigaChatExpect, Handle, Step, TlsIdentity};
use otbor_providers::{GigaChat, GigaChatConfig, GigaChatOutputMode, LanguageModel, TlsConfig};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use secrecy::SecretString;

const AUTH_KEY: &str = "Y2xpZW50OnNlY3JldA==";

/// A root CA (its PEM) and a server certificate for 127.0.0.1 issued by it.
fn private_root_and_server_identity() -> (String, TlsIdentity) {
    let mut root = CertificateParams::new(Vec::<String>::new()).unwrap();
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.distinguished_name
        .push(DnType::CommonName, "Test Trusted Root CA");
    let root = CertifiedIssuer::self_signed(root, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &root)
        .unwrap();
    let identity = TlsIdentity {
        chain_der: vec![server.der().to_vec()],
        key_pkcs8_der: server_key.serialize_der(),
    };
    (root.pem(), identity)
}

fn write_pem(pem: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("otbor-test-root-{}.pem", uuid::Uuid::new_v4()));
    std::fs::write(&path, pem).unwrap();
    path
}

async fn start(identity: TlsIdentity, extra_root_pems: Vec<PathBuf>) -> (GigaChat, Handle) {
    let handle = FakeGigaChat::start_tls(
        GigaChatExpect {
            auth_key: AUTH_KEY.into(),
            scope: "GIGACHAT_API_PERS".into(),
            model: "GigaChat".into(),
            output: GigaChatOutputMode::FunctionCall,
            token_ttl: Duration::from_secs(1800),
            clock: Arc::new(SystemClock),
            sentinel: Some(INJECTION.into()),
        },
        identity,
    )
    .await;
    handle.set_default(Step::Answer(valid()));
    assert!(handle.url().starts_with("https://"));
    let mut config = GigaChatConfig::new(SecretString::from(AUTH_KEY));
    config.oauth_url = format!("{}/api/v2/oauth", handle.url());
    config.base_url = format!("{}/api/v1", handle.url());
    config.retry = fast_policy();
    config.tls = TlsConfig { extra_root_pems };
    (GigaChat::new(config).unwrap(), handle)
}

#[tokio::test]
async fn an_endpoint_signed_by_a_private_root_is_trusted_once_its_pem_is_configured() {
    let (root_pem, identity) = private_root_and_server_identity();
    let pem = write_pem(&root_pem);
    let (model, handle) = start(identity, vec![pem.clone()]).await;
    let answer = model
        .complete_json(&request())
        .await
        .expect("answer over TLS");
    assert_eq!(answer.value, valid());
    assert_eq!(
        handle.requests().len(),
        2,
        "a token request and a chat request"
    );
    assert_clean(&handle);
    let _ = std::fs::remove_file(pem);
}

#[tokio::test]
async fn without_the_root_pem_the_handshake_fails_for_good_and_names_the_fix() {
    let (_, identity) = private_root_and_server_identity();
    let (model, handle) = start(identity, Vec::new()).await;
    let started = Instant::now();
    let err = model.complete_json(&request()).await.unwrap_err();
    assert_eq!(err.kind(), "tls", "{err:?}");
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("PEM"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(1), "not retried");
    assert!(
        handle.requests().is_empty(),
        "nothing was sent over an untrusted connection"
    );
}

#[tokio::test]
async fn a_file_without_certificates_is_a_configuration_error() {
    let pem = write_pem("this is not a certificate");
    let mut config = GigaChatConfig::new(SecretString::from(AUTH_KEY));
    config.tls = TlsConfig {
        extra_root_pems: vec![pem.clone()],
    };
    let err = GigaChat::new(config).unwrap_err();
    assert_eq!(err.kind(), "config", "{err:?}");
    let _ = std::fs::remove_file(pem);
}
