// Module comment at the top
module example.com/service

go 1.22

toolchain go1.22.3

require github.com/gin-gonic/gin v1.9.1

require (
	google.golang.org/grpc v1.62.0
	"github.com/spf13/cobra" v1.8.0 // pinned for CLI
	golang.org/x/sys v0.18.0 // indirect
	example.com/forked v1.0.0
	example.com/local v0.0.0
)

replace example.com/forked v1.0.0 => github.com/me/forked v1.0.1

replace example.com/local => ../local // local checkout

exclude golang.org/x/net v0.1.0

retract (
	v1.0.0 // published by mistake
)

tool golang.org/x/tools/cmd/stringer
