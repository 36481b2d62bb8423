#!/usr/bin/env bash
# Runs every test on a fresh machine: it installs and starts what the tests need (the moto
# server for the AWS backends; Node packages and Chromium for the web app), runs the Rust
# suites on the embedded backend and again against moto's DynamoDB/S3/SQS, then the web
# app's unit and browser tests. Used by `make test` and by CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The AWS SDK must never reach for real credentials or the instance metadata service.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_SESSION_TOKEN=test
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export CARGO_TERM_COLOR=never

step() { printf '\n=== %s\n' "$*"; }

step "moto server (local AWS emulator)"
eval "$(scripts/moto.sh start)"
trap 'scripts/moto.sh stop >/dev/null 2>&1 || true' EXIT
echo "moto at $OTBOR_TEST_AWS_ENDPOINT"

if cargo nextest --version >/dev/null 2>&1; then
    run_tests() { cargo nextest run --no-fail-fast "$@"; }
else
    run_tests() { cargo test --no-fail-fast "$@"; }
fi

step "media tools and models for the voice pipeline (espeak-ng, ONNX Runtime, Silero VAD, smart-turn)"
eval "$(scripts/media-setup.sh)"
export OTBOR_REQUIRE_MEDIA=1

# One build of the Rust code for the whole script. Cargo resolves the features of a shared
# dependency over the packages selected in one command, and counts dev-dependencies only when
# test targets are among the targets: `-p otbor`, `-p otbor-tests` or the four packages of the
# Lambda functions each got other features than `--workspace` with tests (tokio without
# `test-util`, serde without `rc`, otbor-providers and otbor-notify without `testing`, ...), so
# each such command compiled tokio and nearly everything above it again, four builds in all on a
# clean clone. Every cargo command below therefore selects the whole workspace (`--workspace`)
# and includes the test targets (`--tests`, or the test runner itself): the resolved features are
# the same, and each command reuses what the first one compiled (`cargo build -v` shows them
# `Fresh`). The extra features only add test helpers (the `testing` modules, tokio's paused
# clock) and serde impls, so the `otbor` binary the browser tests start behaves as one built
# with `-p otbor`.
step "Rust: build the tests and the binaries they start (otbor, the text-extraction helper, the Lambda functions)"
cargo build --workspace --tests --bin otbor --bin otbor-extract --bin api --bin resume-ingest --bin evaluator

step "Rust: unit tests, conformance suites (SQLite, local files, embedded queue, DynamoDB, S3, SQS), API end to end on SQLite"
run_tests --workspace

# `--test e2e` (the otbor-tests end-to-end target) rather than `-p otbor-tests`: the same tests,
# selected without changing the package selection, so nothing is compiled again.
step "Rust: the API end to end again, on DynamoDB + S3 + SQS (moto)"
OTBOR_TEST_STORE=dynamodb run_tests --workspace --test e2e

step "infrastructure: cfn-lint, sam validate --lint, the Terraform check"
scripts/lint-infra.sh

if [[ -f web/package.json ]]; then
    step "web: install, unit tests, build"
    (cd web && npm ci --no-audit --no-fund --loglevel=error && npm test && npm run build)
    if [[ -f web/e2e/run.sh ]]; then
        step "web: browser tests in Chromium against otbor serve"
        if ! command -v chromium >/dev/null 2>&1; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        fi
        # The `otbor` built with the tests above, not `cargo build -p otbor` (other features,
        # hence a second build: see the comment before the first cargo command).
        OTBOR_BIN="$PWD/target/debug/otbor" bash web/e2e/run.sh
    fi
fi
echo
echo "All test suites passed."
