provider "registry.terraform.io/hashicorp/aws" {
  version = "5.31.0
}
