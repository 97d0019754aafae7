# A lock file with a third-party registry and no version attribute.
provider "example.com/acme/widgets" {
  constraints = ">= 1.0"
}
