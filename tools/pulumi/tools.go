//go:build tools

// Package tools pins the Pulumi CLI (and its engine) that tools/ensure-pulumi.sh
// builds with `go install`. It is never compiled into anything: the build tag
// keeps it out of normal builds, the imports only make `go mod tidy` record the
// exact module versions (and their checksums in go.sum).
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
