# Outputs of the module: the same values as the template's Outputs, in snake_case.

output "web_url" {
  description = "Open this in a browser"
  value       = local.web_url
}

output "api_url" {
  description = "The HTTP API's own URL (the web app reaches it through CloudFront at /api)"
  value       = "${aws_apigatewayv2_api.http.api_endpoint}/${aws_apigatewayv2_stage.stage.name}"
}

output "web_bucket_name" {
  description = "Upload web/dist here (aws s3 sync web/dist s3://<bucket>/)"
  value       = aws_s3_bucket.web.id
}

output "table_name" {
  value = aws_dynamodb_table.records.name
}

output "uploads_bucket_name" {
  value = aws_s3_bucket.uploads.id
}

output "recordings_bucket_name" {
  value = aws_s3_bucket.recordings.id
}

output "media_signalling_url" {
  description = "The media worker's load balancer (CloudFront sends /api/interview/*/rtc/* there); null without a media worker"
  value       = local.has_media_worker ? "http://${aws_lb.media_signalling[0].dns_name}" : null
}

output "jobs_dead_letter_queue_url" {
  value = aws_sqs_queue.jobs_dlq.url
}

output "provider_secret_arn" {
  description = "Put the provider keys here (JSON)"
  value       = aws_secretsmanager_secret.provider.arn
}
