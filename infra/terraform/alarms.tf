# Alarms: jobs parked in the dead-letter queue and failures of each function, sent by e-mail
# through an SNS topic when var.alarm_email is set.

resource "aws_sns_topic" "alarms" {
  count = local.has_alarm_email ? 1 : 0
  name  = "${local.name}-alarms"
}

# The address must confirm the subscription from the e-mail AWS sends.
resource "aws_sns_topic_subscription" "alarm_email" {
  count     = local.has_alarm_email ? 1 : 0
  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "dead_letter" {
  alarm_name          = "${local.name}-jobs-dead-letter"
  alarm_description   = "Jobs were parked in the dead-letter queue; an admin should look at them."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.jobs_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}

# One alarm per function: any failed invocation (a refused file is not a failure).
resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = {
    api           = aws_lambda_function.api.function_name
    resume-ingest = aws_lambda_function.resume_ingest.function_name
    evaluator     = aws_lambda_function.evaluator.function_name
  }
  alarm_name          = "${local.name}-${each.key}-errors"
  alarm_description   = "The ${each.key} function failed."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
}
