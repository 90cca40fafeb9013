//go:build tools

// Package tools pins the Pulumi CLI that tools/ensure-pulumi.sh builds with
// `go install`. Nothing compiles this file (the `tools` build tag keeps it out
// of every build); its imports only make `go mod tidy` record the exact
// module versions in go.mod and their checksums in go.sum.
package tools

import (
	// The `pulumi` CLI and deployment engine.
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	// The sdk/v3 module: ensure-pulumi.sh stamps the CLI version into this
	// package and copies the Python helper scripts (python/cmd/
	// pulumi-language-python-exec, python/dist/pulumi-resource-pulumi-python)
	// out of this module.
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
)
