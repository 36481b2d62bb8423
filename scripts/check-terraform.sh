#!/usr/bin/env bash
# The Terraform check that CI runs on infra/terraform/:
#   1. with a `terraform` binary: `terraform fmt -check`, then, on a copy of the module (so that
#      .terraform/ and the lock file stay out of the work tree), `terraform init -backend=false`,
#      `terraform validate` and `terraform test` (plans against a provider that is configured
#      to reach nothing). The AWS provider comes from a local filesystem mirror: $TF_PLUGIN_MIRROR,
#      or /opt/tf-plugins when it holds hashicorp/aws. With no mirror these steps are skipped
#      (the script says so) unless CHECK_TERRAFORM_ONLINE=1 lets init use the registry.
#   2. in any case: scripts/check_terraform.py with python-hcl2 (installed into .venv-infra if
#      missing): parse, references, unused variables, known resource types, one IAM role per
#      function. With terraform, resource types are checked against the provider's own schema.
#   3. only with --moto (not in CI: it takes minutes and installs all of moto): `terraform apply`
#      of the whole module, media worker and alarms included, against a local moto server on
#      loopback; then checks that `terraform destroy` is refused for the retained data and that
#      the teardown written in storage.tf's header works.
# Prints one summary line per step; exits non-zero with the reasons on any problem.
#
#   scripts/check-terraform.sh           # what CI runs
#   scripts/check-terraform.sh --moto    # and an apply/destroy against moto
set -euo pipefail

MOTO=0
for arg in "$@"; do
    case "$arg" in
        --moto) MOTO=1 ;;
        *) echo "usage: $0 [--moto]" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/infra/terraform"
VENV="$ROOT/.venv-infra"
HCL2_VERSION="8.1.4" # check_terraform.py reads python-hcl2 8's output shape

log() { echo "check-terraform: $*"; }
fail() { echo "check-terraform: $*" >&2; exit 1; }
# A failed terraform step is reported and the python check still runs; the exit status is 1.
FAILED=0
problem() { echo "check-terraform: FAILED: $*" >&2; FAILED=1; }

[[ -d "$MODULE" ]] || fail "no module at $MODULE"

WORK="$(mktemp -d)"
MOTO_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [[ -n "$MOTO_PID" ]]; then kill "$MOTO_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. terraform itself, when there is one ----------------------------------------------------

SCHEMA_ARGS=()
VALID=0
if command -v terraform >/dev/null 2>&1; then
    export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
    # A CLI config file that does not exist only earns a warning on every command.
    if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
        unset TF_CLI_CONFIG_FILE
    fi

    if terraform fmt -check -diff -recursive "$MODULE" >"$WORK/fmt.log" 2>&1; then
        log "terraform fmt -check: ok ($(terraform version | head -n1))"
    else
        cat "$WORK/fmt.log" >&2
        problem "terraform fmt -check: the files above need \`terraform fmt -recursive infra/terraform\`"
    fi

    mkdir -p "$WORK/module" "$WORK/zips"
    cp "$MODULE"/*.tf "$WORK/module/"
    [[ -d "$MODULE/tests" ]] && cp -r "$MODULE/tests" "$WORK/module/"

    MIRROR="${TF_PLUGIN_MIRROR:-}"
    if [[ -z "$MIRROR" && -d /opt/tf-plugins/registry.terraform.io/hashicorp/aws ]]; then
        MIRROR=/opt/tf-plugins
    fi
    if [[ -n "$MIRROR" ]]; then
        # Symlink the provider from the mirror (a copy would be 700 MB) and never go online.
        cat >"$WORK/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
plugin_cache_dir                            = "$MIRROR"
plugin_cache_may_break_dependency_lock_file = true
EOF
        export TF_CLI_CONFIG_FILE="$WORK/terraformrc"
    fi

    cd "$WORK/module"
    if [[ -z "$MIRROR" && "${CHECK_TERRAFORM_ONLINE:-}" != 1 ]]; then
        # Only the package registries are reachable here: do not even try the Terraform one.
        log "no local mirror of the AWS provider: init/validate/test skipped, python check only" \
            "(CHECK_TERRAFORM_ONLINE=1 fetches the provider from the registry)"
    elif timeout 300 terraform init -backend=false -input=false -no-color >"$WORK/init.log" 2>&1; then
        if terraform validate -no-color >"$WORK/validate.log" 2>&1; then
            VALID=1
            log "terraform init -backend=false + validate: ok (provider from ${MIRROR:-the registry})"
        else
            cat "$WORK/validate.log" >&2
            problem "terraform validate"
        fi

        if [[ $VALID == 1 ]]; then
            # The functions' zips are hashed at plan time: stand-ins do for a plan (and for moto).
            for fn in api resume-ingest evaluator; do
                mkdir -p "$WORK/zips/$fn"
                python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("bootstrap", "#!/bin/sh\n")' \
                    "$WORK/zips/$fn/bootstrap.zip"
            done
        fi

        if [[ -d tests && $VALID == 1 ]]; then
            if timeout 600 terraform test -no-color -var "lambda_zip_dir=$WORK/zips" >"$WORK/test.log" 2>&1; then
                log "terraform test (tests/*.tftest.hcl, plans only): $(grep -E '^Success!' "$WORK/test.log" | tail -n1)"
            else
                cat "$WORK/test.log" >&2
                problem "terraform test"
            fi
        fi

        if terraform providers schema -json >"$WORK/schema.json" 2>"$WORK/schema.log"; then
            SCHEMA_ARGS=(--provider-schema "$WORK/schema.json")
        fi
    elif [[ -n "$MIRROR" ]]; then
        cat "$WORK/init.log" >&2
        problem "terraform init (provider mirror $MIRROR)"
    else
        cat "$WORK/init.log" >&2
        problem "terraform init (from the registry)"
    fi
    cd "$ROOT"
else
    log "no terraform binary: python check only"
fi

# --- 2. the python-hcl2 check -------------------------------------------------------------------

hcl2_ready() {
    [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" - "$HCL2_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
import hcl2  # noqa: F401
sys.exit(0 if version("python-hcl2") == sys.argv[1] else 1)
PY
}
if ! hcl2_ready; then
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input "python-hcl2==$HCL2_VERSION" \
        || fail "could not install python-hcl2==$HCL2_VERSION into $VENV"
fi

"$VENV/bin/python" "$ROOT/scripts/check_terraform.py" "${SCHEMA_ARGS[@]}" "$MODULE" || FAILED=1

# --- 3. --moto: apply and destroy against a local emulator ----------------------------------------

moto_apply() {
    local venv="$ROOT/.tmp/venv-tf-moto" spec="moto[server]==5.2.5" dir="$WORK/moto" port endpoint
    if [[ "$(cat "$venv/.installed" 2>/dev/null)" != "$spec" ]]; then
        log "installing $spec into $venv (once)"
        [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input "$spec" || return 1
        echo "$spec" >"$venv/.installed"
    fi
    port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    endpoint="http://127.0.0.1:$port"
    # AWS managed policies (AmazonECSTaskExecutionRolePolicy) exist in moto only when loaded.
    MOTO_IAM_LOAD_MANAGED_POLICIES=true "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
    MOTO_PID=$!
    for _ in $(seq 50); do
        curl -fsS -o /dev/null "$endpoint/moto-api/" 2>/dev/null && break
        sleep 0.2
    done

    mkdir -p "$dir"
    cp "$MODULE"/*.tf "$dir/"
    {
        echo 'provider "aws" {'
        echo '  region                      = "eu-central-1"'
        echo '  access_key                  = "test"'
        echo '  secret_key                  = "test"'
        echo '  skip_credentials_validation = true'
        echo '  skip_requesting_account_id  = true'
        echo '  skip_metadata_api_check     = true'
        echo '  s3_use_path_style           = true'
        echo '  max_retries                 = 1'
        echo '  endpoints {'
        for svc in apigatewayv2 cloudfront cloudwatch dynamodb ec2 ecs iam lambda logs s3 secretsmanager sns sqs sts; do
            echo "    $svc = \"$endpoint\""
        done
        echo '  }'
        echo '}'
    } >"$dir/moto_provider.tf"
    # moto has no PublishFunction for CloudFront Functions: create it unpublished there.
    printf 'resource "aws_cloudfront_function" "spa_rewrite" {\n  publish = false\n}\n' >"$dir/moto_override.tf"

    local net vpc subnet
    net="$("$venv/bin/python" - "$endpoint" <<'PY'
import sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="eu-central-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
print(vpc, ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"])
PY
)" || return 1
    read -r vpc subnet <<<"$net"

    cd "$dir"
    terraform init -backend=false -input=false -no-color >"$WORK/moto-init.log" 2>&1 || { cat "$WORK/moto-init.log" >&2; return 1; }
    local vars=(-var "lambda_zip_dir=$WORK/zips" -var "alarm_email=ops@example.com"
        -var "media_worker_image=otbor-media:1" -var "media_worker_vpc_id=$vpc"
        -var "media_worker_subnets=[\"$subnet\"]")
    if ! timeout 900 terraform apply -auto-approve -no-color "${vars[@]}" >"$WORK/moto-apply.log" 2>&1; then
        tail -n 40 "$WORK/moto-apply.log" >&2
        return 1
    fi
    local created
    created="$(terraform state list | grep -vc '^data\.')"
    # The retained data must make a plain destroy fail...
    if timeout 600 terraform destroy -auto-approve -no-color "${vars[@]}" >"$WORK/moto-destroy1.log" 2>&1 \
        || ! grep -q "Instance cannot be destroyed" "$WORK/moto-destroy1.log"; then
        echo "terraform destroy was not refused for the retained table and buckets" >&2
        return 1
    fi
    # ... and the teardown in storage.tf's header must work as written.
    local keep
    keep="$(sed -n '/terraform state rm/,/^# then/p' "$MODULE/storage.tf" | grep -o 'aws_[a-z0-9_]*\.[a-z0-9_]*' | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one address per word
    terraform state rm $keep >/dev/null || return 1
    if ! timeout 600 terraform destroy -auto-approve -no-color "${vars[@]}" >"$WORK/moto-destroy2.log" 2>&1; then
        tail -n 40 "$WORK/moto-destroy2.log" >&2
        return 1
    fi
    [[ -z "$(terraform state list)" ]] || { echo "resources left in the state after destroy" >&2; return 1; }
    log "moto: apply created $created resources; destroy refused while the data is managed; the documented teardown (keeping $(wc -w <<<"$keep") resources) destroyed the rest"
    cd "$ROOT"
}
if [[ $MOTO == 1 ]]; then
    if [[ $VALID != 1 ]]; then
        problem "--moto needs terraform and the AWS provider (terraform validate did not run or failed)"
    elif ! moto_apply; then
        cd "$ROOT"
        tail -n 20 "$WORK/moto.log" >&2 || true
        problem "apply/destroy against moto"
    fi
fi
exit "$FAILED"
