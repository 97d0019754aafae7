module example.com/bad

frobnicate github.com/a/b v1.0.0
