//! Files (resumes, recordings) as objects in one S3 bucket.

use crate::error::{AwsError, call_failed};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use bytes::Bytes;
use otbor_domain::ports::{FileKey, FileStore, StoreError, StoreResult, StoredFile};

const SERVICE: &str = "S3";
/// What a file stored without a content type is served as.
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

/// The file store over one bucket; a file's key is its object key.
#[derive(Clone, Debug)]
pub struct S3Files {
    client: Client,
    bucket: String,
}

impl S3Files {
    /// `client` should address buckets by path (see [`crate::s3_client`]).
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    /// Creates the bucket in the client's region; a bucket we own already is fine.
    #[tracing::instrument(skip(client))]
    pub async fn create_bucket(client: &Client, bucket: &str) -> Result<(), AwsError> {
        let mut request = client.create_bucket().bucket(bucket);
        // us-east-1 is the default location and refuses to be named as a constraint.
        if let Some(region) = client
            .config()
            .region()
            .map(|r| r.as_ref())
            .filter(|r| *r != "us-east-1")
        {
            request = request.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        match request.send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_bucket_already_owned_by_you() => Ok(()),
            Err(e) => Err(call_failed(SERVICE, "CreateBucket", e)),
        }
    }
}

#[async_trait]
impl FileStore for S3Files {
    /// Signed for this key, content type and length: S3 refuses any other file.
    #[tracing::instrument(skip(self), fields(key = key.as_str()))]
    async fn presign_put(&self, key: &FileKey, content_type: &str, size: u64, expires_in: std::time::Duration) -> StoreResult<Option<String>> {
        let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(expires_in).map_err(StoreError::backend)?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .content_length(size as i64)
            .presigned(config)
            .await
            .map_err(|e| call_failed(SERVICE, "PutObject (presign)", e))?;
        Ok(Some(request.uri().to_string()))
    }

    /// Signed for this key only; S3 itself answers `Range` requests and sends the content type
    /// the object was stored with.
    #[tracing::instrument(skip(self), fields(key = key.as_str()))]
    async fn presign_get(&self, key: &FileKey, expires_in: std::time::Duration) -> StoreResult<Option<String>> {
        let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(expires_in).map_err(StoreError::backend)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .presigned(config)
            .await
            .map_err(|e| call_failed(SERVICE, "GetObject (presign)", e))?;
        Ok(Some(request.uri().to_string()))
    }

    #[tracing::instrument(skip(self, body), fields(key = key.as_str(), size = body.len()))]
    async fn put(&self, key: &FileKey, body: Bytes, content_type: &str) -> StoreResult<()> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "PutObject", e))?;
        Ok(())
    }

    #[tracing::instrument(skip(self), fields(key = key.as_str()))]
    async fn get(&self, key: &FileKey) -> StoreResult<StoredFile> {
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
        {
            Ok(out) => out,
            Err(SdkError::ServiceError(e)) if e.err().is_no_such_key() => {
                return Err(StoreError::NotFound);
            }
            Err(e) => return Err(call_failed(SERVICE, "GetObject", e).into()),
        };
        let content_type = out
            .content_type
            .unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned());
        let body = out
            .body
            .collect()
            .await
            .map_err(|e| call_failed(SERVICE, "GetObject body", e))?
            .into_bytes();
        Ok(StoredFile { body, content_type })
    }

    async fn size(&self, key: &FileKey) -> StoreResult<Option<u64>> {
        let out = match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
        {
            Ok(out) => out,
            Err(SdkError::ServiceError(e)) if e.err().is_not_found() => return Ok(None),
            Err(e) => return Err(call_failed(SERVICE, "HeadObject", e).into()),
        };
        let length = out.content_length.ok_or_else(|| AwsError::Malformed {
            what: "object",
            detail: "HeadObject gave no length".into(),
        })?;
        let length = u64::try_from(length).map_err(|_| AwsError::Malformed {
            what: "object",
            detail: format!("negative length {length}"),
        })?;
        Ok(Some(length))
    }

    /// S3 deletes are idempotent: deleting a missing key succeeds.
    async fn delete(&self, key: &FileKey) -> StoreResult<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(|e| call_failed(SERVICE, "DeleteObject", e))?;
        Ok(())
    }
}
