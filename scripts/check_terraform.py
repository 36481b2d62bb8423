#!/usr/bin/env python3
"""Static check of a Terraform module, for machines without the `terraform` binary.

Parses every .tf file of the module with python-hcl2 and verifies that:
  * every file parses and starts with a comment line saying what it holds;
  * every reference (aws_<type>.<name>, data.<type>.<name>, var.<x>, local.<x>, module.<x>)
    points to something defined in the module, and a resource or data source with count or
    for_each is referenced through an index or a splat (and one without, not);
  * nothing is defined twice, and every declared variable, local and data source is used;
  * every resource and data source type is a known AWS provider type (a guard against typos;
    with --provider-schema, `terraform providers schema -json` output, the provider's own list
    is the authority and the built-in list is checked against it too);
  * versions.tf pins Terraform and the AWS provider;
  * each aws_lambda_function has its own aws_iam_role (a Lambda service role, used by no
    other function) with an inline aws_iam_role_policy; no IAM statement grants "*" or
    "<service>:*" actions.

Usage: check_terraform.py [--provider-schema schema.json] MODULE_DIR
Exit status 0 with a one-line summary, 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

try:
    import hcl2
except ImportError:  # pragma: no cover - the shell wrapper installs it
    sys.exit("check_terraform.py: python-hcl2 is not installed (scripts/check-terraform.sh installs it)")

# AWS provider (v5) resource types this project may use: a typo in a type name fails the check
# even where no `terraform validate` can run. Add a real type here when the module needs it.
KNOWN_RESOURCE_TYPES = frozenset(
    """
    aws_acm_certificate aws_acm_certificate_validation
    aws_apigatewayv2_api aws_apigatewayv2_api_mapping aws_apigatewayv2_authorizer
    aws_apigatewayv2_deployment aws_apigatewayv2_domain_name aws_apigatewayv2_integration
    aws_apigatewayv2_route aws_apigatewayv2_stage
    aws_appautoscaling_policy aws_appautoscaling_target
    aws_cloudfront_cache_policy aws_cloudfront_distribution aws_cloudfront_function
    aws_cloudfront_origin_access_control aws_cloudfront_origin_access_identity
    aws_cloudfront_origin_request_policy aws_cloudfront_response_headers_policy
    aws_cloudwatch_dashboard aws_cloudwatch_event_rule aws_cloudwatch_event_target
    aws_cloudwatch_log_group aws_cloudwatch_log_metric_filter aws_cloudwatch_log_subscription_filter
    aws_cloudwatch_metric_alarm aws_cloudwatch_composite_alarm
    aws_dynamodb_table aws_dynamodb_table_item aws_dynamodb_contributor_insights
    aws_ec2_tag aws_ecr_lifecycle_policy aws_ecr_repository aws_ecr_repository_policy
    aws_ecs_cluster aws_ecs_cluster_capacity_providers aws_ecs_service aws_ecs_task_definition
    aws_eip aws_internet_gateway aws_nat_gateway aws_route aws_route_table
    aws_route_table_association aws_subnet aws_vpc aws_vpc_endpoint
    aws_iam_policy aws_iam_role aws_iam_role_policy aws_iam_role_policy_attachment
    aws_iam_service_linked_role
    aws_kms_alias aws_kms_key
    aws_lambda_alias aws_lambda_event_source_mapping aws_lambda_function
    aws_lambda_function_event_invoke_config aws_lambda_function_url aws_lambda_layer_version
    aws_lambda_permission aws_lambda_provisioned_concurrency_config
    aws_lb aws_lb_listener aws_lb_target_group
    aws_route53_record aws_route53_zone
    aws_s3_bucket aws_s3_bucket_cors_configuration aws_s3_bucket_lifecycle_configuration
    aws_s3_bucket_notification aws_s3_bucket_ownership_controls aws_s3_bucket_policy
    aws_s3_bucket_public_access_block aws_s3_bucket_server_side_encryption_configuration
    aws_s3_bucket_versioning aws_s3_object
    aws_secretsmanager_secret aws_secretsmanager_secret_policy aws_secretsmanager_secret_version
    aws_security_group aws_security_group_rule
    aws_vpc_security_group_egress_rule aws_vpc_security_group_ingress_rule
    aws_service_discovery_private_dns_namespace aws_service_discovery_service
    aws_sns_topic aws_sns_topic_policy aws_sns_topic_subscription
    aws_sqs_queue aws_sqs_queue_policy aws_sqs_queue_redrive_allow_policy
    aws_sqs_queue_redrive_policy
    aws_ssm_parameter aws_wafv2_web_acl aws_xray_sampling_rule
    """.split()
)

KNOWN_DATA_SOURCE_TYPES = frozenset(
    """
    aws_availability_zones aws_caller_identity aws_cloudfront_cache_policy
    aws_cloudfront_origin_request_policy aws_default_tags aws_ecr_repository
    aws_iam_policy aws_iam_policy_document aws_iam_role aws_partition aws_region
    aws_route53_zone aws_secretsmanager_secret aws_ssm_parameter aws_subnet aws_subnets aws_vpc
    """.split()
)

# Meta-arguments whose expressions name resources without indexing them.
UNINDEXED_CONTEXTS = {"depends_on", "replace_triggered_by"}

IDENT = r"[A-Za-z_][A-Za-z0-9_-]*"
CHAIN_RE = re.compile(rf"{IDENT}(?:\.{IDENT})*")
RESOURCE_REF_RE = re.compile(rf"(aws_[a-z0-9_]+)\.({IDENT})")
DATA_REF_RE = re.compile(rf"data\.([a-z0-9_]+)\.({IDENT})")
SIMPLE_REF_RE = re.compile(rf"(var|local|module)\.({IDENT})")


def unquote(key: str) -> str:
    """python-hcl2 8 keeps the quotes of block labels ("aws_s3_bucket")."""
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


class Ref:
    __slots__ = ("kind", "type", "name", "indexed", "context", "where")

    def __init__(self, kind, type_, name, indexed, context, where):
        self.kind, self.type, self.name = kind, type_, name
        self.indexed, self.context, self.where = indexed, context, where


# --- scanning expressions -------------------------------------------------------------------
# python-hcl2 gives an expression as "${...}", a quoted template as "\"...\"" and a heredoc as
# "\"<<EOF ... EOF\"". References live in expressions and in the ${...} parts of templates, never
# in literal text (a CloudFront Function's `req.uri` is JavaScript, not a reference).


def scan_template(s: str, i: int, end_char: str | None, out: list) -> int:
    """Scan template text from i; collect (pos, text) of its ${...} expressions; stop after
    end_char (unescaped) or at the end of s. Returns the index after the template."""
    while i < len(s):
        if s.startswith("$${", i) or s.startswith("%%{", i):
            i += 3
            continue
        if s.startswith("${", i) or s.startswith("%{", i):
            i = scan_expr(s, i + 2, True, out)
            continue
        c = s[i]
        if end_char is not None and c == "\\":
            i += 2
            continue
        if end_char is not None and c == end_char:
            return i + 1
        i += 1
    return i


def scan_expr(s: str, i: int, stop_at_brace: bool, out: list) -> int:
    """Scan expression text from i, collecting identifiers chains (start, end) into out; stop
    after the closing brace of the enclosing ${ when stop_at_brace."""
    depth = 0
    while i < len(s):
        c = s[i]
        if c == '"':
            i = scan_template(s, i + 1, '"', out)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0 and stop_at_brace:
                return i + 1
            depth -= 1
        elif (c.isalpha() or c == "_") and (i == 0 or not (s[i - 1].isalnum() or s[i - 1] in "_-.")):
            m = CHAIN_RE.match(s, i)
            out.append((m.start(), m.group(0), s, m.end()))
            i = m.end()
            continue
        i += 1
    return i


def chains_in_value(value: str) -> list:
    """Identifier chains (start, chain, source, end) in one python-hcl2 leaf string."""
    out: list = []
    if value.startswith("${") and value.endswith("}"):
        scan_expr(value, 2, True, out)
    elif value.startswith('"') and value.endswith('"') and len(value) >= 2:
        body = value[1:-1]
        if body.startswith("<<"):
            body = body.split("\n", 1)[1] if "\n" in body else ""
        scan_template(body, 0, None, out)
    return out


def refs_in_value(value: str, context: str, where: str) -> list[Ref]:
    refs = []
    for _start, chain, src, end in chains_in_value(value):
        for regex, kind in ((DATA_REF_RE, "data"), (SIMPLE_REF_RE, None), (RESOURCE_REF_RE, "resource")):
            m = regex.match(chain)
            if not m:
                continue
            # Indexed when what follows type.name (data.type.name) in the source is "[".
            after = end - len(chain) + m.end()
            indexed = after < len(src) and src[after] == "[" if m.end() == len(chain) else False
            if kind is None:
                refs.append(Ref(m.group(1), None, m.group(2), indexed, context, where))
            else:
                refs.append(Ref(kind, m.group(1), m.group(2), indexed, context, where))
            break
    return refs


def walk(node, path: tuple, visit) -> None:
    """Call visit(path, leaf_string) for every string leaf under node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("__comments__", "__is_block__", "__inline_comments__"):
                continue
            walk(value, path + (unquote(key),), visit)
    elif isinstance(node, list):
        for item in node:
            walk(item, path, visit)
    elif isinstance(node, str):
        visit(path, node)


def literal_strings(node) -> list[str]:
    """Every quoted literal string under node, without its quotes."""
    found: list[str] = []
    walk(node, (), lambda _p, v: found.append(v[1:-1]) if v.startswith('"') and v.endswith('"') else None)
    # Literals inside expressions, e.g. jsonencode({Action = "s3:*"}).
    def inner(_p, v):
        if v.startswith("${"):
            found.extend(re.findall(r'"((?:[^"\\]|\\.)*)"', v))
    walk(node, (), inner)
    return found


# --- the module ---------------------------------------------------------------------------------


class Module:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []
        self.files: list[Path] = sorted(root.glob("*.tf"))
        self.resources: dict[tuple[str, str], dict] = {}
        self.data: dict[tuple[str, str], dict] = {}
        self.variables: dict[str, dict] = {}
        self.locals: dict[str, object] = {}
        self.modules: dict[str, dict] = {}
        self.outputs: dict[str, dict] = {}
        self.where: dict[tuple, str] = {}
        self.terraform_blocks: list[dict] = []
        self.refs: list[Ref] = []
        self.unparsed = 0

    def problem(self, msg: str) -> None:
        self.problems.append(msg)

    def define(self, table: dict, key, body, where: str, what: str) -> None:
        if key in table:
            self.problem(f"{where}: {what} is defined twice (also in {self.where[(id(table), key)]})")
        table[key] = body
        self.where[(id(table), key)] = where

    def load(self) -> None:
        if not self.files:
            self.problem(f"{self.root}: no .tf files")
        for f in self.files:
            rel = f.name
            text = f.read_text(encoding="utf-8")
            first = text.lstrip("\ufeff").split("\n", 1)[0]
            if not first.startswith(("#", "//")):
                self.problem(f"{rel}:1: the file must start with a comment line saying what it holds")
            try:
                with f.open(encoding="utf-8") as fh:
                    doc = hcl2.load(fh)
            except Exception as e:  # lark's errors carry line and column
                self.problem(f"{rel}: does not parse: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
                self.unparsed += 1
                continue
            for block in doc.get("resource", []):
                for rtype, named in block.items():
                    for name, body in named.items():
                        key = (unquote(rtype), unquote(name))
                        self.define(self.resources, key, body, rel, f"resource {key[0]}.{key[1]}")
                        self.collect_refs(body, f"{rel}: resource {key[0]}.{key[1]}")
            for block in doc.get("data", []):
                for dtype, named in block.items():
                    for name, body in named.items():
                        key = (unquote(dtype), unquote(name))
                        self.define(self.data, key, body, rel, f"data.{key[0]}.{key[1]}")
                        self.collect_refs(body, f"{rel}: data.{key[0]}.{key[1]}")
            for block in doc.get("variable", []):
                for name, body in block.items():
                    n = unquote(name)
                    self.define(self.variables, n, body, rel, f"variable {n}")
                    self.collect_refs(body, f"{rel}: variable {n}")
            for block in doc.get("locals", []):
                for name, value in block.items():
                    if name.startswith("__"):
                        continue
                    self.define(self.locals, name, value, rel, f"local.{name}")
                    self.collect_refs(value, f"{rel}: local.{name}")
            for block in doc.get("module", []):
                for name, body in block.items():
                    n = unquote(name)
                    self.define(self.modules, n, body, rel, f"module {n}")
                    self.collect_refs(body, f"{rel}: module {n}")
            for block in doc.get("output", []):
                for name, body in block.items():
                    n = unquote(name)
                    self.define(self.outputs, n, body, rel, f"output {n}")
                    self.collect_refs(body, f"{rel}: output {n}")
            for kind in ("provider", "check", "moved", "import", "removed"):
                for block in doc.get(kind, []):
                    self.collect_refs(block, f"{rel}: {kind} block")
            self.terraform_blocks.extend(doc.get("terraform", []))

    def collect_refs(self, body, where: str) -> None:
        def visit(path, value):
            context = next((p for p in path if p in UNINDEXED_CONTEXTS), "")
            self.refs.extend(refs_in_value(value, context, where))

        walk(body, (), visit)

    # --- checks ---

    @staticmethod
    def counted(body) -> bool:
        return isinstance(body, dict) and ("count" in body or "for_each" in body)

    def check_refs(self) -> None:
        used_vars, used_locals, used_data = set(), set(), set()
        for r in self.refs:
            if r.kind == "var":
                used_vars.add(r.name)
                if r.name not in self.variables:
                    self.problem(f"{r.where}: var.{r.name} is not declared")
            elif r.kind == "local":
                used_locals.add(r.name)
                if r.name not in self.locals:
                    self.problem(f"{r.where}: local.{r.name} is not defined")
            elif r.kind == "module":
                if r.name not in self.modules:
                    self.problem(f"{r.where}: module.{r.name} is not defined")
            else:
                table = self.resources if r.kind == "resource" else self.data
                label = f"{r.type}.{r.name}" if r.kind == "resource" else f"data.{r.type}.{r.name}"
                if r.kind == "data":
                    used_data.add((r.type, r.name))
                body = table.get((r.type, r.name))
                if body is None:
                    self.problem(f"{r.where}: {label} is not defined in the module")
                    continue
                if r.context:
                    continue
                if self.counted(body) and not r.indexed:
                    self.problem(f"{r.where}: {label} has count/for_each: refer to {label}[0] (or [*], [key])")
                elif not self.counted(body) and r.indexed:
                    self.problem(f"{r.where}: {label} has no count/for_each: it cannot be indexed")
        for name in sorted(set(self.variables) - used_vars):
            self.problem(f"{self.where[(id(self.variables), name)]}: variable {name} is declared but never used")
        for name in sorted(set(self.locals) - used_locals):
            self.problem(f"{self.where[(id(self.locals), name)]}: local.{name} is defined but never used")
        for key in sorted(set(self.data) - used_data):
            self.problem(f"{self.where[(id(self.data), key)]}: data.{key[0]}.{key[1]} is never used")

    def check_types(self, schema: dict | None) -> None:
        resource_types, data_types = KNOWN_RESOURCE_TYPES, KNOWN_DATA_SOURCE_TYPES
        if schema is not None:
            # The provider's own lists are the authority; ours must not hold a misspelling either.
            resource_types = frozenset(schema["resource_schemas"])
            data_types = frozenset(schema["data_source_schemas"])
            for t in sorted(KNOWN_RESOURCE_TYPES - resource_types):
                self.problem(f"check_terraform.py: KNOWN_RESOURCE_TYPES lists {t}, which the AWS provider does not have")
            for t in sorted(KNOWN_DATA_SOURCE_TYPES - data_types):
                self.problem(f"check_terraform.py: KNOWN_DATA_SOURCE_TYPES lists {t}, which the AWS provider does not have")
        for (rtype, name) in sorted(self.resources):
            if rtype not in resource_types:
                self.problem(
                    f"{self.where[(id(self.resources), (rtype, name))]}: resource type {rtype} ({rtype}.{name}) "
                    "is not a known AWS provider resource type (a typo? else add it to KNOWN_RESOURCE_TYPES)"
                )
        for (dtype, name) in sorted(self.data):
            if dtype not in data_types:
                self.problem(
                    f"{self.where[(id(self.data), (dtype, name))]}: data source type {dtype} (data.{dtype}.{name}) "
                    "is not a known AWS provider data source (a typo? else add it to KNOWN_DATA_SOURCE_TYPES)"
                )

    def check_versions(self) -> None:
        text = json.dumps(self.terraform_blocks)
        if "required_version" not in text:
            self.problem("versions.tf: terraform { required_version = ... } is missing")
        if "hashicorp/aws" not in text or "~> 5" not in text:
            self.problem('versions.tf: required_providers must pin hashicorp/aws to "~> 5.x"')

    def refs_of(self, body, attr: str) -> list[Ref]:
        value = body.get(attr) if isinstance(body, dict) else None
        if not isinstance(value, str):
            return []
        return refs_in_value(value, "", attr)

    def check_lambda_roles(self) -> None:
        owner: dict[str, str] = {}
        for (rtype, name), body in sorted(self.resources.items()):
            if rtype != "aws_lambda_function":
                continue
            label = f"aws_lambda_function.{name}"
            roles = [r for r in self.refs_of(body, "role") if r.kind == "resource" and r.type == "aws_iam_role"]
            if len(roles) != 1:
                self.problem(f"{label}: role must be the arn of an aws_iam_role of this module")
                continue
            role = roles[0].name
            if role in owner:
                self.problem(f"{label}: shares aws_iam_role.{role} with aws_lambda_function.{owner[role]}; each function needs its own role")
            owner[role] = name
            role_body = self.resources.get(("aws_iam_role", role))
            if role_body is None:
                continue  # reported as an unresolved reference
            if not self.assumed_by(role_body, "lambda.amazonaws.com"):
                self.problem(f"aws_iam_role.{role} (the role of {label}) is not assumable by lambda.amazonaws.com")
            inline = [
                n for (t, n), b in self.resources.items()
                if t == "aws_iam_role_policy"
                and any(r.type == "aws_iam_role" and r.name == role for r in self.refs_of(b, "role"))
            ]
            if not inline:
                self.problem(f"aws_iam_role.{role} (the role of {label}) has no inline aws_iam_role_policy")
        # No other resource (another function's role, an ECS task) may use a function's role.
        for (rtype, name), body in self.resources.items():
            if rtype == "aws_lambda_function" or not isinstance(body, dict):
                continue
            for attr in ("task_role_arn", "execution_role_arn", "role"):
                for r in self.refs_of(body, attr):
                    if r.type == "aws_iam_role" and r.name in owner and rtype not in ("aws_iam_role_policy", "aws_iam_role_policy_attachment"):
                        self.problem(f"{rtype}.{name}: uses aws_iam_role.{r.name}, the role of aws_lambda_function.{owner[r.name]}")

    def assumed_by(self, role_body, service: str) -> bool:
        value = role_body.get("assume_role_policy", "")
        if service in json.dumps(value):
            return True
        for r in self.refs_of(role_body, "assume_role_policy"):
            if r.kind == "data" and service in json.dumps(self.data.get((r.type, r.name), {})):
                return True
        return False

    def check_iam_wildcards(self) -> None:
        def policies():
            for (t, n), b in self.data.items():
                if t == "aws_iam_policy_document":
                    yield f"data.{t}.{n}", b
            for (t, n), b in self.resources.items():
                if t in ("aws_iam_role_policy", "aws_iam_policy"):
                    yield f"{t}.{n}", b.get("policy", "") if isinstance(b, dict) else ""
                if t == "aws_iam_role" and isinstance(b, dict):
                    yield f"{t}.{n}", b.get("inline_policy", [])

        for label, body in policies():
            for s in literal_strings(body):
                if s == "*" or re.fullmatch(r"[a-z0-9-]+:\*", s):
                    # "*" is fine as a resource (X-Ray has none); as an action it is not.
                    if s == "*" and not self.action_context(body, s):
                        continue
                    self.problem(f"{label}: grants the wildcard action {s!r}; list the actions needed")

    @staticmethod
    def action_context(body, literal: str) -> bool:
        hits = []
        walk(body, (), lambda p, v: hits.append(p) if v == f'"{literal}"' and p and p[-1] in ("actions", "not_actions", "Action") else None)
        return bool(hits)

    def run(self, schema: dict | None) -> int:
        self.load()
        # With a file unparsed, unresolved references and unused definitions would be noise.
        if self.files and not self.unparsed:
            self.check_refs()
            self.check_types(schema)
            self.check_versions()
            self.check_lambda_roles()
            self.check_iam_wildcards()
        return len(self.problems)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("module", type=Path)
    ap.add_argument("--provider-schema", type=Path, help="output of `terraform providers schema -json`")
    args = ap.parse_args()

    schema = None
    if args.provider_schema:
        doc = json.loads(args.provider_schema.read_text())
        schema = doc["provider_schemas"]["registry.terraform.io/hashicorp/aws"]

    mod = Module(args.module)
    if mod.run(schema):
        for p in mod.problems:
            print(f"terraform check: {p}", file=sys.stderr)
        print(f"terraform check: FAILED, {len(mod.problems)} problem(s) in {args.module}", file=sys.stderr)
        return 1
    types = "the AWS provider's schema" if schema is not None else "the built-in list"
    counts = Counter(t for t, _ in mod.resources)
    print(
        f"terraform check: {len(mod.files)} files, {len(mod.resources)} resources "
        f"({len(counts)} types, checked against {types}), {len(mod.data)} data sources, "
        f"{len(mod.variables)} variables, {len(mod.refs)} references, all references resolve"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
