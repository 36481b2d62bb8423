//! End-to-end tests of the API over real HTTP on a real port, against the backend that
//! `OTBOR_TEST_STORE` names (`sqlite` by default; `dynamodb` runs the same tests against the
//! moto server at `OTBOR_TEST_AWS_ENDPOINT`), plus the workers and the Lambda function.

mod contract;
mod helpers;

mod auth;
mod bad_input;
mod intake;
mod interview;
mod invites;
mod lambda;
mod lambda_runtime;
mod notifications;
mod permissions;
mod pipeline;
mod recordings;
mod uploads;
mod workers;
