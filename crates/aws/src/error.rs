//! The errors of the AWS adapters, kept with their cause and turned into `StoreError::Backend`
//! at the port boundary.

use aws_sdk_dynamodb::error::DisplayErrorContext;
use otbor_domain::ports::StoreError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// A call to AWS failed (network, throttling, a missing table, bad credentials...).
    #[error("{service} {operation} failed")]
    Call {
        service: &'static str,
        operation: &'static str,
        #[source]
        source: BoxError,
    },
    /// A request could not be built (a required field was left out: our bug).
    #[error("could not build a {operation} request")]
    Build {
        operation: &'static str,
        #[source]
        source: BoxError,
    },
    /// What we read back is not what we write.
    #[error("a stored {what} is malformed: {detail}")]
    Malformed { what: &'static str, detail: String },
    #[error("a stored {what} could not be decoded")]
    Decode {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("a {what} could not be encoded")]
    Encode {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// AWS kept part of the work undone for longer than we wait (unprocessed keys, a table
    /// that does not become active).
    #[error("{operation} did not complete: {detail}")]
    Incomplete {
        operation: &'static str,
        detail: String,
    },
}

impl From<AwsError> for StoreError {
    fn from(e: AwsError) -> Self {
        StoreError::backend(e)
    }
}

/// Logs a failed AWS call with its whole chain of causes and keeps the error as the source.
pub(crate) fn call_failed<E>(service: &'static str, operation: &'static str, e: E) -> AwsError
where
    E: std::error::Error + Send + Sync + 'static,
{
    tracing::warn!(service, operation, error = %DisplayErrorContext(&e), "AWS call failed");
    AwsError::Call {
        service,
        operation,
        source: Box::new(e),
    }
}

pub(crate) fn build_failed<E>(operation: &'static str, e: E) -> AwsError
where
    E: std::error::Error + Send + Sync + 'static,
{
    AwsError::Build {
        operation,
        source: Box::new(e),
    }
}
