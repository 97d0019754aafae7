// Terraform 0.12 style version constraints, one-line blocks, provider aliases,
# strings holding braces and comment markers, and a JSON heredoc.
terraform {
  required_providers {
    azurerm = "~> 3.0"
    helm = { "source" = "hashicorp/helm", version = "2.11.0" }
  }
}

provider "azurerm" { features {} }
provider "google" { alias = "west" }
provider "google" { alias = "east" }

locals {
  note  = "a } brace, a // slash and a # hash in a string"
  nested = "${jsonencode({ key = "}" })}"
  script = <<EOT
provider "fake" {
EOT
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 19.0"
}
