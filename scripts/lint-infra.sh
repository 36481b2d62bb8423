#!/usr/bin/env bash
# Checks the infrastructure code without an AWS account: cfn-lint and `sam validate --lint` on
# the SAM template, then the Terraform module's check. Installs its tools into .venv-infra
# (kept apart from other Python tools: aws-sam-cli pins its own boto3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=.venv-infra
if [[ ! -x "$VENV/bin/cfn-lint" || ! -x "$VENV/bin/sam" ]]; then
    echo "lint-infra: installing cfn-lint and aws-sam-cli into $VENV (once)" >&2
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input cfn-lint aws-sam-cli >&2
fi
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-central-1}" SAM_CLI_TELEMETRY=0
"$VENV/bin/cfn-lint" infra/template.yaml
echo "cfn-lint: infra/template.yaml passes"
"$VENV/bin/sam" validate --lint -t infra/template.yaml
if [[ -x scripts/check-terraform.sh ]]; then
    scripts/check-terraform.sh
fi
