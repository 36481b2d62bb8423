# `terraform test` plans of the module (run by scripts/check-terraform.sh): the defaults, the
# media worker and alarm switches, and the input checks. Nothing is created: the provider is
# given fake credentials, asks AWS for nothing up front, and every endpoint it could call is a
# closed port on loopback.

provider "aws" {
  region                      = "eu-central-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 1

  endpoints {
    apigatewayv2   = "http://127.0.0.1:9"
    cloudfront     = "http://127.0.0.1:9"
    cloudwatch     = "http://127.0.0.1:9"
    dynamodb       = "http://127.0.0.1:9"
    ec2            = "http://127.0.0.1:9"
    ecs            = "http://127.0.0.1:9"
    iam            = "http://127.0.0.1:9"
    lambda         = "http://127.0.0.1:9"
    logs           = "http://127.0.0.1:9"
    s3             = "http://127.0.0.1:9"
    secretsmanager = "http://127.0.0.1:9"
    sns            = "http://127.0.0.1:9"
    sqs            = "http://127.0.0.1:9"
    sts            = "http://127.0.0.1:9"
  }
}

# The one data source that would call AWS (STS).
override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
  }
}

run "defaults" {
  command = plan

  assert {
    condition     = length(aws_ecs_service.media_worker) == 0 && length(aws_ecs_cluster.media) == 0 && length(aws_lb.media_signalling) == 0
    error_message = "no media worker (nor its load balancer) without an image"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.web.ordered_cache_behavior : b.path_pattern] == ["/api/*"]
    error_message = "without a media worker CloudFront sends all of /api/* to the HTTP API"
  }
  assert {
    condition     = one(aws_s3_bucket_cors_configuration.recordings.cors_rule).allowed_methods == toset(["GET", "HEAD"])
    error_message = "recordings are read (presigned GETs) from the web app's origin"
  }
  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && try(length(aws_cloudwatch_metric_alarm.dead_letter.alarm_actions), 0) == 0
    error_message = "no alarm topic without an address"
  }
  assert {
    condition = alltrue([for f in [aws_lambda_function.api, aws_lambda_function.resume_ingest, aws_lambda_function.evaluator] :
      f.runtime == "provided.al2023" && f.architectures == tolist(["arm64"]) && f.handler == "bootstrap" && f.tracing_config[0].mode == "Active"
    ])
    error_message = "every function runs bootstrap on provided.al2023, arm64, traced"
  }
  assert {
    condition     = [aws_lambda_function.api.timeout, aws_lambda_function.resume_ingest.timeout, aws_lambda_function.evaluator.timeout] == [29, 120, 120]
    error_message = "timeouts as in the SAM template"
  }
  assert {
    condition     = aws_sqs_queue.jobs.visibility_timeout_seconds >= 6 * aws_lambda_function.evaluator.timeout
    error_message = "the jobs queue's visibility timeout must be at least 6x the evaluator's timeout"
  }
  assert {
    condition     = aws_lambda_event_source_mapping.evaluator_jobs.batch_size == 10 && contains(aws_lambda_event_source_mapping.evaluator_jobs.function_response_types, "ReportBatchItemFailures")
    error_message = "the evaluator reports partial batch failures"
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.resume_ingest.maximum_retry_attempts == 2
    error_message = "resume intake retries twice"
  }
  assert {
    condition     = aws_apigatewayv2_route.api.route_key == "ANY /api/{proxy+}" && aws_apigatewayv2_integration.api.payload_format_version == "2.0" && aws_apigatewayv2_stage.stage.name == "dev" && aws_apigatewayv2_stage.stage.auto_deploy
    error_message = "the HTTP API routes /api/{proxy+} to the api function on the stage"
  }
  assert {
    # The provider plans the whole map as unknown while a bucket name is, so: the local.
    condition     = local.function_environment["OTBOR_LLM"] == "offline" && local.function_environment["OTBOR_STORE"] == "dynamodb" && local.function_environment["OTBOR_DYNAMODB_TABLE"] == "otbor-dev" && length(local.function_environment) == 11
    error_message = "the functions' environment is the SAM template's"
  }
  assert {
    condition     = aws_dynamodb_table.records.point_in_time_recovery[0].enabled && aws_dynamodb_table.records.billing_mode == "PAY_PER_REQUEST"
    error_message = "the table is on demand with point-in-time recovery"
  }
  assert {
    condition     = alltrue([for l in [aws_cloudwatch_log_group.api, aws_cloudwatch_log_group.resume_ingest, aws_cloudwatch_log_group.evaluator] : l.retention_in_days == 30])
    error_message = "logs are kept 30 days"
  }
}

run "media_worker_and_alarms" {
  command = plan

  variables {
    stage                = "prod"
    llm_provider         = "yandexgpt"
    alarm_email          = "ops@example.com"
    media_worker_image   = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/otbor-media:1"
    media_worker_vpc_id  = "vpc-0123456789abcdef0"
    media_worker_subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  }

  assert {
    condition     = length(aws_ecs_service.media_worker) == 1 && aws_ecs_service.media_worker[0].desired_count == 1
    error_message = "one media worker task with an image"
  }
  assert {
    condition     = aws_ecs_task_definition.media_worker[0].runtime_platform[0].cpu_architecture == "ARM64" && aws_ecs_task_definition.media_worker[0].cpu == "1024" && aws_ecs_task_definition.media_worker[0].memory == "2048"
    error_message = "the task is ARM64 Fargate, 1 vCPU, 2 GB"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.media_udp[0].from_port == 40000 && aws_vpc_security_group_ingress_rule.media_udp[0].to_port == 40099 && aws_vpc_security_group_ingress_rule.media_signalling[0].from_port == 8090
    error_message = "UDP 40000-40099 and TCP 8090 reach the tasks"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.web.ordered_cache_behavior : [b.path_pattern, b.target_origin_id]] == [["/api/interview/*/rtc/*", "media"], ["/api/*", "api"]]
    error_message = "CloudFront sends signalling to the media worker's load balancer, ahead of the rest of /api/*"
  }
  assert {
    condition     = contains(aws_cloudfront_distribution.web.ordered_cache_behavior[0].allowed_methods, "POST") && aws_cloudfront_distribution.web.ordered_cache_behavior[0].cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    error_message = "signalling is posted through CloudFront and never cached"
  }
  assert {
    condition     = one(one(aws_lb_listener_rule.media_signalling[0].condition).path_pattern).values == toset(["/api/interview/*/rtc/*"]) && aws_lb_target_group.media_signalling[0].port == 8090 && aws_lb_target_group.media_signalling[0].target_type == "ip" && aws_lb_target_group.media_signalling[0].health_check[0].path == "/api/health"
    error_message = "the load balancer forwards signalling to the tasks' port 8090 and checks their health"
  }
  assert {
    condition     = one(aws_ecs_service.media_worker[0].load_balancer).container_port == 8090 && !aws_lb.media_signalling[0].internal
    error_message = "the service registers its tasks with the internet-facing load balancer"
  }
  assert {
    condition     = length(aws_sns_topic_subscription.alarm_email) == 1 && aws_sns_topic_subscription.alarm_email[0].endpoint == "ops@example.com"
    error_message = "alarms are mailed when an address is given"
  }
  assert {
    condition     = aws_apigatewayv2_stage.stage.name == "prod" && local.function_environment["OTBOR_LLM"] == "yandexgpt"
    error_message = "stage and provider come from the variables"
  }
}

run "media_worker_needs_network" {
  command = plan

  variables {
    media_worker_image = "otbor-media:1"
  }

  expect_failures = [aws_ecs_cluster.media, aws_security_group.media_worker]
}

run "media_worker_needs_subnets" {
  command = plan

  variables {
    media_worker_image  = "otbor-media:1"
    media_worker_vpc_id = "vpc-0123456789abcdef0"
  }

  expect_failures = [aws_ecs_cluster.media]
}

run "unknown_llm_provider" {
  command = plan

  variables {
    llm_provider = "claude"
  }

  expect_failures = [var.llm_provider]
}

run "bad_stage_name" {
  command = plan

  variables {
    stage = "Prod_1"
  }

  expect_failures = [var.stage]
}
