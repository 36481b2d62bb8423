# Terraform and provider versions of the Otbor module (the Terraform twin of infra/template.yaml).

terraform {
  # 1.5: `check` blocks, preconditions and `startswith` are all available from here on.
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

# No provider block on purpose: run as the root module it picks up the region and credentials
# from the environment (AWS_REGION, AWS_PROFILE, ...) like `sam deploy` does, and a parent module
# can still call it with `count`/`for_each` and its own provider configuration.
