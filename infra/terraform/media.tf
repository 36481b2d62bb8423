# The media worker (WebRTC; UDP must reach the tasks): an ECS Fargate service, created only
# when var.media_worker_image is set (the template's HasMediaWorker condition). Signalling
# (HTTP) reaches the tasks through CloudFront -> an application load balancer (web.tf routes
# /api/interview/*/rtc/* there), so that the browser posts its offer to the web app's own
# origin; media (UDP) goes straight to the task's public IP, which the task learns by STUN.

locals {
  media_count = local.has_media_worker ? 1 : 0
  # The template's rule MediaWorkerNeedsNetwork, checked by the preconditions below.
  media_network_given = var.media_worker_vpc_id != "" && length(var.media_worker_subnets) > 0
}

resource "aws_ecs_cluster" "media" {
  count = local.media_count
  name  = "${local.name}-media"

  lifecycle {
    precondition {
      condition     = local.media_network_given
      error_message = "media_worker_vpc_id and media_worker_subnets are required with media_worker_image."
    }
  }
}

resource "aws_cloudwatch_log_group" "media_worker" {
  count             = local.media_count
  name              = "/otbor/${var.stage}/media-worker"
  retention_in_days = 30
}

resource "aws_security_group" "media_worker" {
  count       = local.media_count
  name_prefix = "${local.name}-media-"
  description = "WebRTC media (UDP 40000-40099) and signalling (TCP 8090, from the load balancer)"
  vpc_id      = var.media_worker_vpc_id

  lifecycle {
    create_before_destroy = true
    precondition {
      condition     = var.media_worker_vpc_id != ""
      error_message = "media_worker_vpc_id is required with media_worker_image."
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "media_udp" {
  count             = local.media_count
  security_group_id = aws_security_group.media_worker[0].id
  description       = "WebRTC media"
  ip_protocol       = "udp"
  from_port         = 40000
  to_port           = 40099
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "media_signalling" {
  count                        = local.media_count
  security_group_id            = aws_security_group.media_worker[0].id
  description                  = "signalling"
  ip_protocol                  = "tcp"
  from_port                    = 8090
  to_port                      = 8090
  referenced_security_group_id = aws_security_group.media_signalling[0].id
}

# CloudFormation gives a new security group an allow-all egress rule; Terraform removes it, so
# it is stated here (the worker pulls its image and calls AWS and the providers).
resource "aws_vpc_security_group_egress_rule" "media_all" {
  count             = local.media_count
  security_group_id = aws_security_group.media_worker[0].id
  description       = "all outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# --- the signalling load balancer ------------------------------------------------------------

resource "aws_security_group" "media_signalling" {
  count       = local.media_count
  name_prefix = "${local.name}-media-lb-"
  description = "Signalling load balancer of the media worker (HTTP from CloudFront)"
  vpc_id      = var.media_worker_vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "media_signalling_http" {
  count             = local.media_count
  security_group_id = aws_security_group.media_signalling[0].id
  description       = "signalling from CloudFront"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "media_signalling_tasks" {
  count                        = local.media_count
  security_group_id            = aws_security_group.media_signalling[0].id
  description                  = "to the tasks' signalling port (and health checks)"
  ip_protocol                  = "tcp"
  from_port                    = 8090
  to_port                      = 8090
  referenced_security_group_id = aws_security_group.media_worker[0].id
}

resource "aws_lb" "media_signalling" {
  count              = local.media_count
  name_prefix        = "otbsig" # at most 6 characters; the name itself is AWS's
  load_balancer_type = "application"
  internal           = false
  subnets            = var.media_worker_subnets # at least two, in different zones
  security_groups    = [aws_security_group.media_signalling[0].id]
}

resource "aws_lb_target_group" "media_signalling" {
  count       = local.media_count
  name_prefix = "otbsig"
  target_type = "ip"
  protocol    = "HTTP"
  port        = 8090
  vpc_id      = var.media_worker_vpc_id
  # Signalling requests are short; live sessions do not pass through here.
  deregistration_delay = 30

  health_check {
    path    = "/api/health"
    matcher = "200"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "media_signalling" {
  count             = local.media_count
  load_balancer_arn = aws_lb.media_signalling[0].arn
  protocol          = "HTTP"
  port              = 80

  default_action {
    type = "fixed-response"
    fixed_response {
      status_code  = "404"
      content_type = "application/json"
      message_body = jsonencode({ error = { code = "not_found", message = "not found" } })
    }
  }
}

resource "aws_lb_listener_rule" "media_signalling" {
  count        = local.media_count
  listener_arn = aws_lb_listener.media_signalling[0].arn
  priority     = 10

  condition {
    path_pattern {
      values = ["/api/interview/*/rtc/*"]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.media_signalling[0].arn
  }
}

# --- the task -----------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# What the worker itself may do.
resource "aws_iam_role" "media_worker_task" {
  count              = local.media_count
  name_prefix        = "${local.name}-media-task-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "media_worker_task" {
  statement {
    sid = "Records"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:Query",
      "dynamodb:TransactWriteItems",
      "dynamodb:ConditionCheckItem",
    ]
    resources = local.dynamodb_resources
  }
  statement {
    sid       = "Recordings"
    actions   = ["s3:PutObject", "s3:GetObject"] # segments in, segments back to join them
    resources = ["${aws_s3_bucket.recordings.arn}/*"]
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
}

resource "aws_iam_role_policy" "media_worker_task" {
  count  = local.media_count
  name   = "media-worker"
  role   = aws_iam_role.media_worker_task[0].id
  policy = data.aws_iam_policy_document.media_worker_task.json
}

# What ECS needs to start the task: pull the image, write the logs.
resource "aws_iam_role" "media_worker_execution" {
  count              = local.media_count
  name_prefix        = "${local.name}-media-exec-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "media_worker_execution" {
  count      = local.media_count
  role       = aws_iam_role.media_worker_execution[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "media_worker" {
  count                    = local.media_count
  family                   = "${local.name}-media-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "2048"
  task_role_arn            = aws_iam_role.media_worker_task[0].arn
  execution_role_arn       = aws_iam_role.media_worker_execution[0].arn

  runtime_platform {
    cpu_architecture        = "ARM64"
    operating_system_family = "LINUX"
  }

  container_definitions = jsonencode([
    {
      name         = "media-worker"
      image        = var.media_worker_image
      essential    = true
      portMappings = [{ containerPort = 8090, protocol = "tcp" }]
      environment = [
        { name = "OTBOR_STORE", value = "dynamodb" },
        { name = "OTBOR_DYNAMODB_TABLE", value = aws_dynamodb_table.records.name },
        { name = "OTBOR_SQS_QUEUE_URL", value = aws_sqs_queue.jobs.url },
        { name = "OTBOR_SQS_DLQ_URL", value = aws_sqs_queue.jobs_dlq.url },
        # The media worker stores recordings only: both of its file stores are this bucket.
        { name = "OTBOR_S3_BUCKET", value = aws_s3_bucket.recordings.id },
        { name = "OTBOR_RECORDINGS_BUCKET", value = aws_s3_bucket.recordings.id },
        { name = "OTBOR_RTC_UDP_PORTS", value = "40000-40099" },
        # Fargate gives the task a public IP by 1:1 NAT that the task cannot see (the ECS task
        # metadata has only the private one) and that changes with every task, so
        # OTBOR_RTC_PUBLIC_IPS cannot be fixed here: the worker asks STUN instead and announces
        # the server-reflexive (public) address in its ICE candidates.
        { name = "OTBOR_RTC_STUN_URLS", value = var.media_worker_stun_urls },
        { name = "OTBOR_PROVIDER_SECRET_ARN", value = aws_secretsmanager_secret.provider.arn },
        { name = "OTBOR_LOG_JSON", value = "1" },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.media_worker[0].name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = "media"
        }
      }
    }
  ])

  # The execution role must be able to pull and log before a task starts.
  depends_on = [aws_iam_role_policy_attachment.media_worker_execution]
}

resource "aws_ecs_service" "media_worker" {
  count           = local.media_count
  name            = "${local.name}-media-worker"
  cluster         = aws_ecs_cluster.media[0].id
  launch_type     = "FARGATE"
  desired_count   = 1
  task_definition = aws_ecs_task_definition.media_worker[0].arn
  # Loading the voice models takes a while before /api/health answers.
  health_check_grace_period_seconds = 120

  load_balancer {
    container_name   = "media-worker"
    container_port   = 8090
    target_group_arn = aws_lb_target_group.media_signalling[0].arn
  }

  network_configuration {
    assign_public_ip = true # public subnets, no NAT: the tasks are reached on their own IPs
    subnets          = var.media_worker_subnets
    security_groups  = [aws_security_group.media_worker[0].id]
  }

  # A target group must be attached to a load balancer before a service may use it.
  depends_on = [aws_lb_listener_rule.media_signalling]

  lifecycle {
    precondition {
      condition     = length(var.media_worker_subnets) > 0
      error_message = "media_worker_subnets are required with media_worker_image."
    }
  }
}
