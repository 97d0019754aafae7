# A local module source, and a heredoc with braces in the inputs.
terraform {
  source = "../modules//app"
}

inputs = {
  policy = <<-POLICY
    { "Version": "2012-10-17" }
  POLICY
}
