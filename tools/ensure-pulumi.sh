#!/usr/bin/env bash
# Make the Pulumi CLI and its Python language host available, offline.
#
# No Pulumi binary can be downloaded on our machines, so this builds them from
# Pulumi's Go modules (pinned in tools/pulumi/go.mod and
# tools/pulumi/language-python/go.mod, checksums in the go.sum files next to
# them) into <repo>/.tools/pulumi/bin, together with the two non-Go helper
# scripts the Python host and Python dynamic providers need.
#
# Prints progress on stderr and, as the last line on stdout, the directory to
# put first on PATH. Cheap to call again: an up-to-date build is reused.
#
# Environment:
#   ENSURE_PULUMI_IGNORE_PATH=1  build/use the pinned copy even if the pinned
#                                version of `pulumi` is already on PATH (a
#                                `pulumi` of any other version is never used).
#   GO                           the go command to use (default: `go` on PATH,
#                                else /usr/local/go/bin/go).
set -euo pipefail

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
cli_mod="$repo_root/tools/pulumi"
host_mod="$repo_root/tools/pulumi/language-python"
bin_dir="$repo_root/.tools/pulumi/bin"
stamp="$bin_dir/.stamp"

# The pinned CLI version: the one tools/pulumi/go.mod requires (read without Go, so a cached
# build and the check below need no toolchain).
pinned=$(sed -n 's|^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 \(v[^[:space:]]*\).*|\1|p' "$cli_mod/go.mod")
[ -n "$pinned" ] || die "no github.com/pulumi/pulumi/pkg/v3 requirement in $cli_mod/go.mod"

# 1. Already installed on PATH (e.g. a developer's own Pulumi)? Use it only when it is the
#    pinned version: GitHub's runner images, for one, carry whatever Pulumi was current.
if [ "${ENSURE_PULUMI_IGNORE_PATH:-0}" != 1 ] \
    && found=$(command -v pulumi 2>/dev/null) \
    && command -v pulumi-language-python >/dev/null 2>&1; then
    found_dir=$(cd "$(dirname "$found")" && pwd)
    # Our own build dir on PATH still goes through the up-to-date check below.
    if [ "$found_dir" != "$bin_dir" ]; then
        found_version=$(PULUMI_SKIP_UPDATE_CHECK=true "$found" version 2>/dev/null) || found_version=""
        if [ "$found_version" = "$pinned" ]; then
            log "using pulumi $pinned found on PATH: $found"
            printf '%s\n' "$found_dir"
            exit 0
        fi
        log "not using pulumi on PATH ($found is ${found_version:-of unknown version}, the pin is $pinned)"
    fi
fi

# 2. Our pinned build.
# Build flags as in Pulumi's release build (.goreleaser.yml): pure-Go os/user,
# grpc without x/net/trace, stripped, reproducible paths.
# shellcheck disable=SC2054  # the comma separates the build tags in one argument
build_flags=(-trimpath -tags osusergo,grpcnotrace)
# Anything that should force a rebuild when it changes goes into the stamp.
recipe="v1 ${build_flags[*]} -ldflags=-s,-w,-X,version.Version"
want=$(
    {
        printf '%s\n' "$recipe"
        cat "$cli_mod/go.mod" "$cli_mod/go.sum" "$host_mod/go.mod" "$host_mod/go.sum"
    } | sha256sum | cut -d' ' -f1
)

outputs=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)
up_to_date() {
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] || return 1
    local f
    for f in "${outputs[@]}"; do [ -x "$bin_dir/$f" ] || return 1; done
}

mkdir -p "$bin_dir"
# Serialise concurrent callers (parallel test runs); the build is not atomic.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$repo_root/.tools/pulumi/.lock"
    flock 9
fi

if up_to_date; then
    log "up to date: $bin_dir"
else
    rm -f "$stamp"
    GO=${GO:-}
    if [ -z "$GO" ]; then
        if command -v go >/dev/null 2>&1; then GO=go
        elif [ -x /usr/local/go/bin/go ]; then GO=/usr/local/go/bin/go
        else die "no Go toolchain found (put go on PATH or set GO=/path/to/go)"
        fi
    fi

    sdk_version_var=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

    cli_version=$(cd "$cli_mod" && "$GO" list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)
    host_version=$(cd "$host_mod" && "$GO" list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)

    start=$SECONDS
    log "building pulumi $cli_version into $bin_dir (a cold build takes several minutes) ..."
    (cd "$cli_mod" && GOBIN="$bin_dir" "$GO" install "${build_flags[@]}" \
        -ldflags "-s -w -X $sdk_version_var=$cli_version" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)

    log "building pulumi-language-python $host_version ..."
    (cd "$host_mod" && GOBIN="$bin_dir" "$GO" install "${build_flags[@]}" \
        -ldflags "-s -w -X $sdk_version_var=$host_version" \
        github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python)

    # The helper scripts come from the sdk/v3 module the CLI is built with
    # (the one matching the Python SDK `pulumi` installed in the venv).
    sdk_dir=$(cd "$cli_mod" && "$GO" mod download -json github.com/pulumi/pulumi/sdk/v3 \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [ -d "$sdk_dir" ] || die "could not locate the sdk/v3 module in the Go module cache"
    for src in "$sdk_dir/python/cmd/pulumi-language-python-exec" \
               "$sdk_dir/python/dist/pulumi-resource-pulumi-python"; do
        [ -f "$src" ] || die "missing $src in the Go module cache"
        # install(1) replaces the file even though the module cache copy is read-only.
        install -m 0755 "$src" "$bin_dir/"
    done

    got=$(PULUMI_SKIP_UPDATE_CHECK=true "$bin_dir/pulumi" version) || die "the built pulumi does not run"
    [ "$got" = "$cli_version" ] || die "built pulumi reports version '$got', expected $cli_version"
    printf '%s\n' "$want" >"$stamp"
    log "built pulumi $got and pulumi-language-python $host_version in $((SECONDS - start))s"
fi

printf '%s\n' "$bin_dir"
