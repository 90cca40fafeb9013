//go:build tools

// Package tools pins the Pulumi Python language host that
// tools/ensure-pulumi.sh builds with `go install`.
//
// The language host's own module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not
// served by the Go module proxy reachable here, so this module takes the host
// from the last sdk/v3 release that still carried it as a package of the sdk
// module (v3.79.0). It is a separate module because the CLI module
// (../go.mod) needs a current sdk/v3, and one module can hold only one version
// of it.
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
)
