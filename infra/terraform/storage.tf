# Records, files and jobs: the DynamoDB table, the uploads and recordings buckets, the jobs
# queue with its dead-letter queue, and the provider-keys secret.
#
# The template keeps the table and the two data buckets when the stack goes (DeletionPolicy and
# UpdateReplacePolicy Retain). Terraform has no "retain": prevent_destroy refuses any plan that
# would delete or replace them instead. To tear down and keep the data, first forget them:
#   terraform state rm aws_dynamodb_table.records \
#     aws_s3_bucket.uploads aws_s3_bucket_server_side_encryption_configuration.uploads \
#     aws_s3_bucket_public_access_block.uploads aws_s3_bucket_ownership_controls.uploads \
#     aws_s3_bucket_lifecycle_configuration.uploads aws_s3_bucket_cors_configuration.uploads \
#     aws_s3_bucket.recordings aws_s3_bucket_server_side_encryption_configuration.recordings \
#     aws_s3_bucket_public_access_block.recordings aws_s3_bucket_ownership_controls.recordings \
#     aws_s3_bucket_cors_configuration.recordings
# then `terraform destroy` (it still clears the uploads bucket's notification to the function
# it deletes).

# --- records ------------------------------------------------------------------------------

resource "aws_dynamodb_table" "records" {
  name         = local.name
  billing_mode = "PAY_PER_REQUEST" # on demand: nothing to pay at rest but storage
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  attribute {
    name = "type"
    type = "S"
  }
  attribute {
    name = "created"
    type = "S"
  }

  # Lists of one kind of record, newest first, without a scan.
  global_secondary_index {
    name            = "by_type"
    hash_key        = "type"
    range_key       = "created"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  lifecycle {
    prevent_destroy = true
  }
}

# --- uploads (resumes; browsers PUT them to presigned URLs) --------------------------------

resource "aws_s3_bucket" "uploads" {
  bucket_prefix = "${local.name}-uploads-"

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket                  = aws_s3_bucket.uploads.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  rule {
    object_ownership = "BucketOwnerEnforced" # ACLs off: access is by IAM and presigned URLs only
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  rule {
    id     = "abandoned-multipart-uploads"
    status = "Enabled"
    filter {} # the whole bucket
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  # Browsers PUT resumes straight to presigned URLs from the web app's origin.
  cors_rule {
    allowed_methods = ["PUT"]
    allowed_origins = [local.web_url]
    allowed_headers = ["content-type", "content-length"]
    max_age_seconds = 3600
  }
}

# A new object under uploads/ starts resume intake (the template's S3 event on the function).
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.resume_ingest.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = "uploads/"
  }

  # S3 test-invokes the function when the notification is saved: the permission must exist.
  depends_on = [aws_lambda_permission.resume_ingest_s3]
}

# --- recordings (written by the media worker) ---------------------------------------------

resource "aws_s3_bucket" "recordings" {
  bucket_prefix = "${local.name}-recordings-"

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "recordings" {
  bucket = aws_s3_bucket.recordings.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "recordings" {
  bucket                  = aws_s3_bucket.recordings.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "recordings" {
  bucket = aws_s3_bucket.recordings.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_cors_configuration" "recordings" {
  bucket = aws_s3_bucket.recordings.id
  # Staff's browsers play recordings from presigned GET URLs (the API redirects there). A plain
  # <video src> needs no CORS; this lets the web app read them with crossorigin or fetch() too
  # (the joined file is stored as video/webm by the media worker).
  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = [local.web_url]
    allowed_headers = ["range"]
    expose_headers  = ["Accept-Ranges", "Content-Length", "Content-Range", "Content-Type"]
    max_age_seconds = 3600
  }
}

# --- jobs ---------------------------------------------------------------------------------

# Where jobs go after 5 failed receives, and where failed asynchronous resume intakes land;
# kept 14 days (the maximum) so that an admin has time to look. The DLQ alarm watches it.
resource "aws_sqs_queue" "jobs_dlq" {
  name                      = "${local.name}-jobs-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "jobs" {
  name = "${local.name}-jobs"
  # At least six times the evaluator's timeout (120 s), as AWS advises for Lambda sources.
  visibility_timeout_seconds = 720
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn
    maxReceiveCount     = 5
  })
}

# --- provider keys ------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "provider" {
  # A prefix, not a fixed name: a deleted secret keeps its name for its recovery window.
  name_prefix = "${local.name}-provider-keys-"
  description = "Keys of the language-model and speech providers, as JSON, e.g. {\"OTBOR_YANDEX_API_KEY\": \"...\", \"OTBOR_YANDEX_FOLDER_ID\": \"...\"}."
}

resource "aws_secretsmanager_secret_version" "provider" {
  secret_id     = aws_secretsmanager_secret.provider.id
  secret_string = "{}"

  # The operator fills the secret after the first apply; a later apply must not put "{}" back.
  lifecycle {
    ignore_changes = [secret_string]
  }
}
