"""tools/pr_comment.sh: the PR's jobspec diff comment is found by its marker and updated in place.

The interface the script owns is its calls to ``gh``: these tests put a ``gh`` on PATH that
records each call (and what it would post) and answers the comment listing with the pages
GitHub would return, then assert the exact calls.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "pr_comment.sh"
MARKER = "<!-- jobspec-diff -->"

# Records "gh ARGS" (a body file read by -F body=@FILE as body=@FILE, its text saved to posted-N.md) and
# prints $GH_PAGES (one JSON array per page, as `gh api --paginate` prints them) for the listing.
FAKE_GH = """#!/bin/bash
touch "$GH_CALLS"
n=$(( $(wc -l < "$GH_CALLS") + 1 ))
args=()
for a in "$@"; do
  case $a in
    body=@*) cp "${a#body=@}" "posted-$n.md"; args+=("body=@FILE") ;;
    *) args+=("$a") ;;
  esac
done
echo "gh ${args[*]}" >> "$GH_CALLS"
case " $* " in *" --paginate "*) cat "$GH_PAGES" ;; *) echo '{}' ;; esac
"""


def _post(tmp_path: Path, pages: list[list[dict]], body: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "pages.json").write_text("".join(json.dumps(page) for page in pages))
    (tmp_path / "diff.md").write_text(body)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "GH_REPO": "acme/jobs", "GH_CALLS": str(tmp_path / "calls"),
           "GH_PAGES": str(tmp_path / "pages.json")}
    proc = subprocess.run(["bash", str(SCRIPT), "42", "diff.md"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=30)
    return proc, (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []


def test_with_no_comment_carrying_the_marker_a_new_comment_is_posted(tmp_path):
    pages = [[{"id": 11, "body": "LGTM"}, {"id": 12, "body": "what does this change?"}]]
    proc, calls = _post(tmp_path, pages, f"{MARKER}\n### jobspec diff: stack prod\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "posted a new comment\n", "")
    assert calls == ["gh api --paginate repos/acme/jobs/issues/42/comments",
                     "gh api --method POST repos/acme/jobs/issues/42/comments -F body=@FILE"]
    assert (tmp_path / "posted-2.md").read_text() == f"{MARKER}\n### jobspec diff: stack prod\n"


def test_the_comment_carrying_the_marker_is_updated_among_others_on_any_page(tmp_path):
    """Not the last comment (``gh pr comment --edit-last`` would edit someone's reply): the one with the marker."""
    pages = [[{"id": 11, "body": "LGTM"}],
             [{"id": 12, "body": f"{MARKER}\n### jobspec diff: stack prod\nold"},
              {"id": 13, "body": f"quoting:\n> {MARKER}"},
              {"id": 14, "body": "the last comment"}]]
    proc, calls = _post(tmp_path, pages, f"{MARKER}\n### jobspec diff: stack prod\nnew\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "updated comment 12\n", "")
    assert calls == ["gh api --paginate repos/acme/jobs/issues/42/comments",
                     "gh api --method PATCH repos/acme/jobs/issues/comments/12 -F body=@FILE"]
    assert (tmp_path / "posted-2.md").read_text() == f"{MARKER}\n### jobspec diff: stack prod\nnew\n"


def test_a_body_without_the_marker_gets_it_first_so_the_next_run_finds_the_comment(tmp_path):
    proc, calls = _post(tmp_path, [[]], "### jobspec diff: stack prod\n")
    assert proc.returncode == 0 and calls[-1] == "gh api --method POST repos/acme/jobs/issues/42/comments -F body=@FILE"
    assert (tmp_path / "posted-2.md").read_text() == f"{MARKER}\n### jobspec diff: stack prod\n"


def test_without_the_repository_it_says_so_and_calls_nothing(tmp_path):
    (tmp_path / "diff.md").write_text("x\n")
    proc = subprocess.run(["bash", str(SCRIPT), "42", "diff.md"], cwd=tmp_path, env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=30)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"{SCRIPT}: GH_REPO (owner/name) is not set\n")
