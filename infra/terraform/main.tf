# Shared lookups and names of the Otbor module; the resources are split by area into
# storage.tf, functions.tf, web.tf, media.tf and alarms.tf.

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  name = "otbor-${var.stage}"

  # The SAM template's Conditions.
  has_alarm_email  = var.alarm_email != ""
  has_media_worker = var.media_worker_image != ""

  # Relative to this module, not to wherever terraform is run (see var.lambda_zip_dir).
  lambda_zip_dir = startswith(var.lambda_zip_dir, "/") ? var.lambda_zip_dir : "${path.module}/${var.lambda_zip_dir}"

  # Fixed function names (CloudFormation generates them; Terraform needs them up front so that
  # the log groups can exist before the functions, see functions.tf).
  function_names = {
    api           = "${local.name}-api"
    resume_ingest = "${local.name}-resume-ingest"
    evaluator     = "${local.name}-evaluator"
  }

  # The template's Globals.Function.Environment: every function gets these.
  function_environment = {
    OTBOR_STORE               = "dynamodb"
    OTBOR_DYNAMODB_TABLE      = aws_dynamodb_table.records.name
    OTBOR_S3_BUCKET           = aws_s3_bucket.uploads.id
    OTBOR_SQS_QUEUE_URL       = aws_sqs_queue.jobs.url
    OTBOR_SQS_DLQ_URL         = aws_sqs_queue.jobs_dlq.url
    OTBOR_DIRECT_UPLOADS      = "1"
    OTBOR_COMPANY_NAME        = var.company_name
    OTBOR_COOKIE_SECURE       = "1"
    OTBOR_LLM                 = var.llm_provider
    OTBOR_PROVIDER_SECRET_ARN = aws_secretsmanager_secret.provider.arn
    OTBOR_LOG_JSON            = "1"
  }

  web_url = "https://${aws_cloudfront_distribution.web.domain_name}"

  # Alarm actions: the topic when there is one, none otherwise (the template's !If ... NoValue).
  alarm_actions = aws_sns_topic.alarms[*].arn
}
