module `example.com/edge` // raw-string module path

go 1.21
require ()
require (
	// a comment-only line inside a block
	github.com/aws/aws-sdk-go-v2 v1.25.0 // indirect; needed by s3
	k8s.io/client-go v0.29.0 //indirect
)
require github.com/tokio/none v0.1.0 // indirectly used, still direct
