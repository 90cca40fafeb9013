#!/usr/bin/env bash
# Post BODY_FILE as the pull request's jobspec diff comment, or update that comment in place.
#
# Usage: tools/pr_comment.sh PR BODY_FILE
# Environment: GH_REPO (owner/name) and GH_TOKEN, as `gh` reads them.
#
# The comment is the one whose body starts with the <!-- jobspec-diff --> marker (jobspec diff
# --format markdown writes it first; it is added when the body lacks it): other comments, and
# the last comment of whoever runs this, are never touched. Uses gh and jq (both on GitHub's
# runner images).
set -euo pipefail

marker='<!-- jobspec-diff -->'

if [ $# -ne 2 ]; then
    echo "usage: $0 PR BODY_FILE" >&2
    exit 2
fi
pr=$1
body_file=$2
[ -n "${GH_REPO:-}" ] || { echo "$0: GH_REPO (owner/name) is not set" >&2; exit 2; }
[ -r "$body_file" ] || { echo "$0: cannot read $body_file" >&2; exit 2; }

body=$(mktemp)
trap 'rm -f "$body"' EXIT
if [ "$(head -n 1 "$body_file")" != "$marker" ]; then
    printf '%s\n' "$marker" >"$body"
fi
cat "$body_file" >>"$body"

# Every page of the PR's comments (--paginate prints one JSON array per page; -s gathers them).
existing=$(gh api --paginate "repos/$GH_REPO/issues/$pr/comments" \
    | jq -rs --arg marker "$marker" \
        '[.[][] | select(.body | startswith($marker)) | .id] | first // empty')

if [ -n "$existing" ]; then
    gh api --method PATCH "repos/$GH_REPO/issues/comments/$existing" -F "body=@$body" >/dev/null
    echo "updated comment $existing"
else
    gh api --method POST "repos/$GH_REPO/issues/$pr/comments" -F "body=@$body" >/dev/null
    echo "posted a new comment"
fi
