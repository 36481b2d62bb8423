# The three Lambda functions (api, resume-ingest, evaluator): one IAM role each with a
# least-privilege inline policy, their log groups, their triggers (the evaluator also on an
# EventBridge schedule) and the HTTP API.

locals {
  # The actions of SAM's DynamoDBCrudPolicy, on the table and its indexes.
  dynamodb_crud_actions = [
    "dynamodb:GetItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
    "dynamodb:DescribeTable",
    "dynamodb:ConditionCheckItem",
  ]
  dynamodb_resources = [
    aws_dynamodb_table.records.arn,
    "${aws_dynamodb_table.records.arn}/index/*",
  ]
  uploads_objects    = "${aws_s3_bucket.uploads.arn}/uploads/*"
  recordings_objects = "${aws_s3_bucket.recordings.arn}/recordings/*"
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# --- log groups ---------------------------------------------------------------------------
# Created before the functions (they depend on them), so that Lambda never makes its own
# never-expiring group first; the roles may then write only to their own group.

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/lambda/${local.function_names.api}"
  retention_in_days = 30
}

resource "aws_cloudwatch_log_group" "resume_ingest" {
  name              = "/aws/lambda/${local.function_names.resume_ingest}"
  retention_in_days = 30
}

resource "aws_cloudwatch_log_group" "evaluator" {
  name              = "/aws/lambda/${local.function_names.evaluator}"
  retention_in_days = 30
}

# --- api: the axum Router behind the HTTP API ----------------------------------------------

resource "aws_iam_role" "api" {
  name_prefix        = "${local.name}-api-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "api" {
  statement {
    sid       = "Records"
    actions   = local.dynamodb_crud_actions
    resources = local.dynamodb_resources
  }
  statement {
    sid       = "Uploads" # presigned PUTs are signed with this role; downloads of resumes
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = [local.uploads_objects]
  }
  statement {
    sid       = "Recordings" # presigned GETs are signed with this role; HeadObject checks the file
    actions   = ["s3:GetObject"]
    resources = [local.recordings_objects]
  }
  statement {
    sid       = "RecordingsList" # without it S3 answers HeadObject of a missing key with 403, not 404
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.recordings.arn]
  }
  statement {
    sid       = "Jobs"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }
  statement {
    sid       = "ProviderKeys"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.provider.arn]
  }
  statement {
    sid       = "Logs" # SAM's AWSLambdaBasicExecutionRole, narrowed to the function's group
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.api.arn}:*"]
  }
  statement {
    sid       = "Tracing" # Tracing: Active; X-Ray has no resource-level permissions
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "api" {
  name   = "api"
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.api.json
}

resource "aws_lambda_function" "api" {
  function_name    = local.function_names.api
  role             = aws_iam_role.api.arn
  filename         = "${local.lambda_zip_dir}/api/bootstrap.zip"
  source_code_hash = filebase64sha256("${local.lambda_zip_dir}/api/bootstrap.zip")
  runtime          = "provided.al2023"
  architectures    = [var.architecture]
  handler          = "bootstrap"
  memory_size      = 512
  timeout          = 29 # API Gateway gives up after 30 s

  environment {
    variables = merge(local.function_environment, {
      OTBOR_PUBLIC_URL        = local.web_url
      OTBOR_RECORDINGS_BUCKET = aws_s3_bucket.recordings.id # served through presigned GETs
    })
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.api, aws_iam_role_policy.api]
}

# --- the HTTP API: /api/{proxy+} -> the api function ----------------------------------------

resource "aws_apigatewayv2_api" "http" {
  name          = "${local.name}-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "api" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.api.invoke_arn
  payload_format_version = "2.0" # what lambda_http expects from an HTTP API
}

resource "aws_apigatewayv2_route" "api" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /api/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

resource "aws_apigatewayv2_stage" "stage" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = var.stage
  auto_deploy = true
}

resource "aws_lambda_permission" "api_http" {
  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  principal     = "apigateway.amazonaws.com"
  # Any stage and method, the /api/* routes only (what SAM grants for the HttpApi event).
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*/api/*"
}

# --- resume-ingest: S3 ObjectCreated under uploads/ ----------------------------------------

resource "aws_iam_role" "resume_ingest" {
  name_prefix        = "${local.name}-ingest-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "resume_ingest" {
  statement {
    sid       = "Records"
    actions   = local.dynamodb_crud_actions
    resources = local.dynamodb_resources
  }
  statement {
    sid       = "Uploads"
    actions   = ["s3:GetObject"]
    resources = [local.uploads_objects]
  }
  statement {
    sid       = "ProviderKeys"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.provider.arn]
  }
  statement {
    # The on-failure destination of the asynchronous invocations, and notifications (a
    # failed upload, a strong match) queued as jobs.
    sid       = "FailedEventsAndNotifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs_dlq.arn, aws_sqs_queue.jobs.arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.resume_ingest.arn}:*"]
  }
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "resume_ingest" {
  name   = "resume-ingest"
  role   = aws_iam_role.resume_ingest.id
  policy = data.aws_iam_policy_document.resume_ingest.json
}

resource "aws_lambda_function" "resume_ingest" {
  function_name    = local.function_names.resume_ingest
  role             = aws_iam_role.resume_ingest.arn
  filename         = "${local.lambda_zip_dir}/resume-ingest/bootstrap.zip"
  source_code_hash = filebase64sha256("${local.lambda_zip_dir}/resume-ingest/bootstrap.zip")
  runtime          = "provided.al2023"
  architectures    = [var.architecture]
  handler          = "bootstrap"
  memory_size      = 1024 # PDF and DOCX extraction
  timeout          = 120

  environment {
    variables = merge(local.function_environment, {
      OTBOR_PUBLIC_URL = local.web_url # links in notifications
    })
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.resume_ingest, aws_iam_role_policy.resume_ingest]
}

# S3 invokes asynchronously: two retries, then the event is parked in the DLQ.
resource "aws_lambda_function_event_invoke_config" "resume_ingest" {
  function_name          = aws_lambda_function.resume_ingest.function_name
  maximum_retry_attempts = 2

  destination_config {
    on_failure {
      destination = aws_sqs_queue.jobs_dlq.arn
    }
  }
}

resource "aws_lambda_permission" "resume_ingest_s3" {
  statement_id   = "AllowUploadsBucketInvoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.resume_ingest.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.uploads.arn
  source_account = data.aws_caller_identity.current.account_id # bucket ARNs carry no account
}

# --- evaluator: the jobs queue -------------------------------------------------------------

resource "aws_iam_role" "evaluator" {
  name_prefix        = "${local.name}-evaluator-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "evaluator" {
  statement {
    sid       = "Records"
    actions   = local.dynamodb_crud_actions
    resources = local.dynamodb_resources
  }
  statement {
    sid       = "Uploads"
    actions   = ["s3:GetObject"]
    resources = [local.uploads_objects]
  }
  statement {
    sid       = "Recordings" # the schedule deletes expired recordings, reading each manifest first
    actions   = ["s3:GetObject", "s3:DeleteObject"]
    resources = [local.recordings_objects]
  }
  statement {
    sid       = "RecordingsList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.recordings.arn]
  }
  statement {
    sid       = "ProviderKeys"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.provider.arn]
  }
  statement {
    sid = "PollJobs" # what the event source mapping needs (SAM's SQSPollerPolicy)
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
    ]
    resources = [aws_sqs_queue.jobs.arn]
  }
  statement {
    sid       = "Notifications" # raised by jobs (a candidate awaits a decision, ...)
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.evaluator.arn}:*"]
  }
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "evaluator" {
  name   = "evaluator"
  role   = aws_iam_role.evaluator.id
  policy = data.aws_iam_policy_document.evaluator.json
}

resource "aws_lambda_function" "evaluator" {
  function_name    = local.function_names.evaluator
  role             = aws_iam_role.evaluator.arn
  filename         = "${local.lambda_zip_dir}/evaluator/bootstrap.zip"
  source_code_hash = filebase64sha256("${local.lambda_zip_dir}/evaluator/bootstrap.zip")
  runtime          = "provided.al2023"
  architectures    = [var.architecture]
  handler          = "bootstrap"
  memory_size      = 512
  timeout          = 120 # the jobs queue's visibility timeout (720 s) is six times this

  environment {
    variables = merge(local.function_environment, {
      OTBOR_PUBLIC_URL        = local.web_url               # links in notifications
      OTBOR_RECORDINGS_BUCKET = aws_s3_bucket.recordings.id # the schedule deletes expired ones
    })
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.evaluator, aws_iam_role_policy.evaluator]
}

resource "aws_lambda_event_source_mapping" "evaluator_jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.evaluator.arn
  batch_size       = 10
  # One poison message is reported alone (batchItemFailures) instead of failing the batch.
  function_response_types = ["ReportBatchItemFailures"]

  # Lambda checks the role can poll the queue when the mapping is created.
  depends_on = [aws_iam_role_policy.evaluator]
}

# --- the schedule: reminders of unused invites, managers' daily digests --------------------

resource "aws_cloudwatch_event_rule" "schedule" {
  name_prefix         = "${local.name}-schedule-"
  description         = "Otbor scheduled notifications (reminders, digests)"
  schedule_expression = "rate(15 minutes)"
}

resource "aws_cloudwatch_event_target" "schedule_evaluator" {
  rule = aws_cloudwatch_event_rule.schedule.name
  arn  = aws_lambda_function.evaluator.arn
}

resource "aws_lambda_permission" "evaluator_schedule" {
  statement_id  = "AllowScheduleInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.evaluator.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}
