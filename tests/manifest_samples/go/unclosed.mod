module example.com/bad

require (
	github.com/a/b v1.0.0
