terraform {
  source = "tfr:///terraform-aws-modules/vpc/aws?version=5.0.0"
}
/* the closing of this comment was lost
inputs = {}
