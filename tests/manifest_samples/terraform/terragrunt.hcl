include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "git::git@github.com:acme/infrastructure-modules.git//networking/vpc?ref=v0.7.0"
}

dependency "iam" {
  config_path = "../iam"
}

inputs = {
  cidr = "10.0.0.0/16"
}
