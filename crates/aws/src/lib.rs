//! The AWS backends of the ports (DynamoDB, S3, SQS).
