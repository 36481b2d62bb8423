//! Typed configuration: defaults for the embedded shape, `OTBOR_`-prefixed environment
//! variables to override them. Secrets are wrapped so that they never print. The keys read
//! here are listed, with their defaults, in [`SETTINGS`].

use anyhow::{Context, bail};
use otbor_domain::setting::Setting;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Every key [`Settings`] reads (docs/settings.md is printed from this list).
pub const SETTINGS: &[Setting] = &[
    Setting::plain("OTBOR_ADDR", "127.0.0.1:8080", "where to listen (`otbor serve`, `otbor media`)"),
    Setting::plain("OTBOR_DATA_DIR", "./data", "the SQLite file (`otbor.sqlite3`: records and the job queue) and uploaded files"),
    Setting::plain("OTBOR_WEB_DIR", "web/dist", "the built web app"),
    Setting::plain("OTBOR_STORE", "sqlite", "`sqlite` or `dynamodb` (the cloud shape; files then default to `s3`, jobs to `sqs`)"),
    Setting::plain("OTBOR_FILES", "`local`; `s3` with `OTBOR_STORE=dynamodb`", "where uploaded files live: `local` (under the data directory) or `s3`"),
    Setting::plain("OTBOR_QUEUE", "`embedded`; `sqs` with `OTBOR_STORE=dynamodb`", "the job queue: `embedded` (in the SQLite file) or `sqs`"),
    Setting::plain("OTBOR_AWS_ENDPOINT", "", "a custom AWS endpoint (a local emulator); unset, the real AWS"),
    Setting::plain("OTBOR_AWS_REGION", "`AWS_REGION`, else `eu-central-1`", "the AWS region"),
    Setting::plain("OTBOR_DYNAMODB_TABLE", "otbor", "the DynamoDB table"),
    Setting::plain("OTBOR_S3_BUCKET", "otbor-uploads", "the S3 bucket of uploaded files"),
    Setting::plain(
        "OTBOR_RECORDINGS_BUCKET",
        "",
        "the S3 bucket of interview recordings (the cloud shape: the media worker writes there, the API hands staff presigned URLs of it, the scheduler deletes expired ones); unset, recordings stay in the main file store",
    ),
    Setting::plain("OTBOR_SQS_QUEUE_URL", "", "the SQS job queue (required with `OTBOR_QUEUE=sqs` unless `OTBOR_AWS_CREATE_RESOURCES` is on)"),
    Setting::plain("OTBOR_SQS_DLQ_URL", "", "the job queue's dead-letter queue"),
    Setting::plain("OTBOR_SQS_QUEUE_NAME", "otbor-jobs", "the queue (and `<name>-dlq`) to create when no queue URL is set"),
    Setting::plain("OTBOR_AWS_CREATE_RESOURCES", "off", "`1`: create the table, buckets and queues if missing (emulators only; in the cloud the templates create them)"),
    Setting::plain("OTBOR_ADMIN_EMAIL", "", "with `OTBOR_ADMIN_PASSWORD`: the first admin, created at start when the store has no user"),
    Setting::secret("OTBOR_ADMIN_PASSWORD", "the first admin's password (see `OTBOR_ADMIN_EMAIL`)"),
    Setting::plain("OTBOR_COMPANY_NAME", "Otbor", "the company's name, shown to candidates"),
    Setting::plain("OTBOR_PUBLIC_URL", "", "where the web app is reachable; makes invite and unsubscribe links absolute"),
    Setting::plain("OTBOR_COOKIE_SECURE", "off", "`1`: `Secure` cookies (set it behind HTTPS)"),
    Setting::plain("OTBOR_DIRECT_UPLOADS", "off", "`1`: browsers upload straight to S3 with presigned URLs and S3 events start intake (the cloud shape)"),
    Setting::plain("OTBOR_SESSION_TTL_HOURS", "12", "how long a staff session lasts, in hours (1 to 720)"),
    Setting::plain("OTBOR_INVITE_TTL_DAYS", "7", "how long an interview invite link works, in days (1 to 90)"),
    Setting::plain("OTBOR_MAX_RECEIVES", "5", "deliveries of a job before it is parked in the dead-letter queue (1 to 100)"),
    Setting::plain("OTBOR_WORKERS", "2", "in-process job workers of `otbor serve` (0 to 16)"),
    Setting::plain(
        "OTBOR_PROVIDER_SECRET_ARN",
        "",
        "a Secrets Manager secret holding a JSON object of `OTBOR_*` settings (provider keys; the cloud shape); the environment wins where both have a value. Read from the environment only",
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreBackend {
    Sqlite,
    Dynamodb,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilesBackend {
    Local,
    S3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueBackend {
    Embedded,
    Sqs,
}

#[derive(Clone, Debug)]
pub struct AwsSettings {
    /// A custom endpoint (a local emulator); `None` means the real AWS.
    pub endpoint_url: Option<String>,
    pub region: String,
    pub table: String,
    pub bucket: String,
    /// The bucket of interview recordings (`OTBOR_RECORDINGS_BUCKET`), apart from the uploads
    /// so that each function gets access to only the files it needs; `None` keeps recordings
    /// in the main file store (one machine, and tests).
    pub recordings_bucket: Option<String>,
    pub queue_url: Option<String>,
    pub dlq_url: Option<String>,
    /// The queue to create (with `<name>-dlq`) when `create_resources` is on and no URL is set.
    pub queue_name: String,
    /// Create the table, bucket and queues if missing (local development against an
    /// emulator; in the cloud the infrastructure templates create them).
    pub create_resources: bool,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub web_dir: PathBuf,
    pub store: StoreBackend,
    pub files: FilesBackend,
    pub queue: QueueBackend,
    pub aws: AwsSettings,
    pub admin_email: Option<String>,
    pub admin_password: Option<SecretString>,
    pub company_name: String,
    pub public_url: Option<String>,
    pub cookie_secure: bool,
    /// Hand out presigned S3 URLs for uploads (the cloud shape, where S3 events start intake).
    pub direct_uploads: bool,
    pub session_ttl_hours: i64,
    pub invite_ttl_days: i64,
    /// Deliveries of a job before it is parked in the dead-letter queue.
    pub max_receives: u32,
    pub workers: usize,
    /// Values read from the provider secret (`OTBOR_PROVIDER_SECRET_ARN`), for settings the
    /// environment does not give; kept apart so that they never print.
    secret_values: std::collections::HashMap<String, SecretString>,
    /// Values given in code, ahead of the environment (tests configure adapters this way).
    given: std::collections::HashMap<String, SecretString>,
}

impl Settings {
    /// Reads the settings through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let parse = |k: &str, default: &str| var(k).unwrap_or_else(|| default.to_string());
        let store = match parse("OTBOR_STORE", "sqlite").as_str() {
            "sqlite" => StoreBackend::Sqlite,
            "dynamodb" => StoreBackend::Dynamodb,
            other => bail!("OTBOR_STORE must be `sqlite` or `dynamodb`, not `{other}`"),
        };
        let cloud = store == StoreBackend::Dynamodb;
        let files = match parse("OTBOR_FILES", if cloud { "s3" } else { "local" }).as_str() {
            "local" => FilesBackend::Local,
            "s3" => FilesBackend::S3,
            other => bail!("OTBOR_FILES must be `local` or `s3`, not `{other}`"),
        };
        let queue = match parse("OTBOR_QUEUE", if cloud { "sqs" } else { "embedded" }).as_str() {
            "embedded" => QueueBackend::Embedded,
            "sqs" => QueueBackend::Sqs,
            other => bail!("OTBOR_QUEUE must be `embedded` or `sqs`, not `{other}`"),
        };
        let number = |k: &str, default: i64| -> anyhow::Result<i64> {
            var(k).map_or(Ok(default), |v| v.trim().parse().with_context(|| format!("{k} must be a whole number, not `{v}`")))
        };
        let flag = |k: &str| var(k).is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        let s = Settings {
            addr: parse("OTBOR_ADDR", "127.0.0.1:8080")
                .parse()
                .context("OTBOR_ADDR must be an address like 127.0.0.1:8080")?,
            data_dir: PathBuf::from(parse("OTBOR_DATA_DIR", "./data")),
            web_dir: PathBuf::from(parse("OTBOR_WEB_DIR", "web/dist")),
            store,
            files,
            queue,
            aws: AwsSettings {
                endpoint_url: var("OTBOR_AWS_ENDPOINT"),
                region: var("OTBOR_AWS_REGION").or_else(|| var("AWS_REGION")).unwrap_or_else(|| "eu-central-1".into()),
                table: parse("OTBOR_DYNAMODB_TABLE", "otbor"),
                bucket: parse("OTBOR_S3_BUCKET", "otbor-uploads"),
                recordings_bucket: var("OTBOR_RECORDINGS_BUCKET"),
                queue_url: var("OTBOR_SQS_QUEUE_URL"),
                dlq_url: var("OTBOR_SQS_DLQ_URL"),
                queue_name: parse("OTBOR_SQS_QUEUE_NAME", "otbor-jobs"),
                create_resources: flag("OTBOR_AWS_CREATE_RESOURCES"),
            },
            admin_email: var("OTBOR_ADMIN_EMAIL"),
            admin_password: var("OTBOR_ADMIN_PASSWORD").map(SecretString::from),
            company_name: parse("OTBOR_COMPANY_NAME", "Otbor"),
            public_url: var("OTBOR_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
            cookie_secure: flag("OTBOR_COOKIE_SECURE"),
            direct_uploads: flag("OTBOR_DIRECT_UPLOADS"),
            session_ttl_hours: number("OTBOR_SESSION_TTL_HOURS", 12)?.clamp(1, 24 * 30),
            invite_ttl_days: number("OTBOR_INVITE_TTL_DAYS", 7)?.clamp(1, 90),
            max_receives: number("OTBOR_MAX_RECEIVES", 5)?.clamp(1, 100) as u32,
            workers: number("OTBOR_WORKERS", 2)?.clamp(0, 16) as usize,
            secret_values: Default::default(),
            given: Default::default(),
        };
        if s.queue == QueueBackend::Sqs && s.aws.queue_url.is_none() && !s.aws.create_resources {
            bail!("OTBOR_QUEUE=sqs needs OTBOR_SQS_QUEUE_URL (and OTBOR_SQS_DLQ_URL), or OTBOR_AWS_CREATE_RESOURCES=1 against an emulator");
        }
        Ok(s)
    }

    /// Reads the settings from the environment and, when `OTBOR_PROVIDER_SECRET_ARN` names a
    /// Secrets Manager secret (the cloud shape), from that secret's JSON object too; the
    /// environment wins where both have a value.
    pub async fn load() -> anyhow::Result<Self> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let Some(arn) = env("OTBOR_PROVIDER_SECRET_ARN") else {
            return Self::from_lookup(env);
        };
        #[cfg(feature = "aws")]
        {
            let first = Self::from_lookup(env)?;
            let config = otbor_aws::sdk_config(first.aws.endpoint_url.as_deref(), &first.aws.region).await;
            let values = otbor_aws::secret_values(&config, &arn)
                .await
                .with_context(|| format!("reading the provider secret {arn}"))?;
            let mut s = Self::from_lookup(|k| env(k).or_else(|| values.get(k).cloned()))?;
            s.secret_values = values.into_iter().map(|(k, v)| (k, SecretString::from(v))).collect();
            Ok(s)
        }
        #[cfg(not(feature = "aws"))]
        anyhow::bail!("OTBOR_PROVIDER_SECRET_ARN={arn} needs a build with the `aws` feature")
    }

    /// A setting from the environment or, failing that, the provider secret; for the
    /// provider adapters, which read their own keys.
    pub fn lookup(&self, key: &str) -> Option<String> {
        use secrecy::ExposeSecret;
        if let Some(v) = self.given.get(key) {
            return Some(v.expose_secret().to_string());
        }
        std::env::var(key)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| self.secret_values.get(key).map(|v| v.expose_secret().to_string()))
    }

    /// Sets a value that [`Self::lookup`] returns ahead of the environment.
    pub fn give(&mut self, key: &str, value: impl Into<String>) {
        self.given.insert(key.to_string(), SecretString::from(value.into()));
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("otbor.sqlite3")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn the_defaults_are_the_embedded_shape_on_localhost() {
        let s = from(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
        assert_eq!((s.store, s.files, s.queue), (StoreBackend::Sqlite, FilesBackend::Local, QueueBackend::Embedded));
        assert_eq!(s.data_dir, PathBuf::from("./data"));
    }

    #[test]
    fn choosing_dynamodb_brings_s3_and_sqs_along_unless_overridden() {
        let s = from(&[("OTBOR_STORE", "dynamodb"), ("OTBOR_QUEUE", "embedded"), ("OTBOR_AWS_CREATE_RESOURCES", "1")]).unwrap();
        assert_eq!((s.store, s.files, s.queue), (StoreBackend::Dynamodb, FilesBackend::S3, QueueBackend::Embedded));
    }

    #[test]
    fn recordings_have_their_own_bucket_only_when_one_is_named() {
        assert_eq!(from(&[]).unwrap().aws.recordings_bucket, None);
        let s = from(&[("OTBOR_RECORDINGS_BUCKET", "otbor-recordings")]).unwrap();
        assert_eq!(s.aws.recordings_bucket.as_deref(), Some("otbor-recordings"));
    }

    #[test]
    fn bad_values_are_named_in_the_error() {
        let e = from(&[("OTBOR_STORE", "postgres")]).unwrap_err().to_string();
        assert!(e.contains("OTBOR_STORE") && e.contains("postgres"), "{e}");
        let e = format!("{:#}", from(&[("OTBOR_ADDR", "localhost")]).unwrap_err());
        assert!(e.contains("OTBOR_ADDR"), "{e}");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = from(&[("OTBOR_ADMIN_PASSWORD", "hunter2-hunter2")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.admin_password.unwrap().expose_secret(), "hunter2-hunter2");
    }
}
