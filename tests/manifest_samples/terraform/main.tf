# Production stack.
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    k8s = {
      source  = "registry.terraform.io/hashicorp/kubernetes"
      version = ">= 2.20, < 3.0"
    }
    random = { source = "hashicorp/random" }
  }

  backend "s3" {
    bucket = "state-${var.env}"
    key    = "prod/terraform.tfstate"
  }
}

provider "aws" {
  region = var.region
}

provider "google" {
  project = "demo"
}

/* A commented-out block must not count:
provider "azurerm" {
  features {}
}
*/

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.2"
  name    = "main-${var.env}"
  azs     = ["eu-west-1a", "eu-west-1b"]
}

module "local" {
  source = "./modules/network"
}

module "git" {
  source = "git::https://example.com/infra/dns.git?ref=v1.4.0"
}

resource "aws_iam_policy" "deploy" {
  policy = <<-EOT
    {
      "Statement": [{ "Effect": "Allow" }
    EOT
  description = "braces in the heredoc above are text"
}

output "url" {
  value = "https://${aws_lb.main.dns_name}/${lookup(var.paths, "api", "}")}"
}
