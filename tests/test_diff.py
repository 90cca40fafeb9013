"""``jobspec diff BASE [HEAD]``: what merging a change to the specs does to each job.

Every test builds its own git repository below ``tmp_path`` (user name and e-mail set
in that repository only) from a first commit and a second commit that

- adds ``fresh-job`` (start),
- removes ``legacy-export`` (stop),
- changes a spark conf of ``orders-etl`` (restart),
- changes only a tag of ``daily-report`` (update in place),
- leaves ``steady`` as it was (counted, not listed).

The CLI runs in-process through ``compiler.cli.main``, once as the installed console script.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import cli, diff, diff_sides
from compiler.formatters import diff_text

REPO = Path(__file__).resolve().parents[1]

DEFAULTS = """\
defaults:
  applicationId: 00fkt3q8n4s5ab09
  executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job-dev
  tags:
    team: data-platform
stacks:
  prod:
    executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job-prod
  dev:
    tags:
      env: dev
"""


def etl(memory: str) -> str:
    return f"""\
name: orders-etl
jobDriver:
  sparkSubmit:
    entryPoint: s3://acme-jobs/etl/orders.py
    sparkSubmitParameters:
      conf:
        spark.executor.memory: {memory}
"""


def report_job(owner: str) -> str:
    return f"""\
name: daily-report
jobDriver:
  hive:
    query: s3://acme-jobs/hive/report.sql
tags:
  owner: {owner}
"""


LEGACY = """\
name: legacy-export
jobDriver:
  sparkSubmit:
    entryPoint: s3://acme-jobs/legacy/export.py
"""

STEADY = """\
name: steady
jobDriver:
  sparkSubmit:
    entryPoint: s3://acme-jobs/steady.py
"""

FRESH = """\
name: fresh-job
jobDriver:
  sparkSubmit:
    entryPoint: s3://acme-jobs/secret-location/fresh.py
"""

BASE_TREE = {
    "jobspecs/_defaults.yaml": DEFAULTS,
    "jobspecs/analytics/etl.yaml": etl("4g"),
    "jobspecs/analytics/report.yaml": report_job("alice"),
    "jobspecs/legacy.yaml": LEGACY,
    "jobspecs/steady.yaml": STEADY,
}
#: The second commit: None removes a file.
CHANGES = {
    "jobspecs/analytics/etl.yaml": etl("8g"),
    "jobspecs/analytics/report.yaml": report_job("bob"),
    "jobspecs/legacy.yaml": None,
    "jobspecs/fresh.yaml": FRESH,
}
SUMMARY = {"start": 1, "restart": 1, "update": 1, "stop": 1, "rename": 0, "unchanged": 1}


# -- helpers -------------------------------------------------------------------------------------------

def write_tree(root: Path, files: dict[str, str | None]) -> None:
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, *versions: dict[str, str | None], pulumi_yaml: bool = True) -> Path:
    """A repository (with a Pulumi.yaml marker) and one commit per version, each applied over the last."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "jobspec tests")
    git(root, "config", "user.email", "tests@jobspec.invalid")
    git(root, "config", "commit.gpgsign", "false")
    if pulumi_yaml:
        shutil.copy(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
    for i, version in enumerate(versions):
        write_tree(root, version)
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--allow-empty", "-m", f"version {i}")
    return root


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The two-commit repository described in the module doc; the current directory."""
    root = make_repo(tmp_path / "repo", BASE_TREE, CHANGES)
    monkeypatch.chdir(root)
    return root


def jobspec(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = cli.main(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture, *args: str) -> dict:
    code, out, err = jobspec(capsys, *args, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def actions(report: dict) -> dict[str, str]:
    return {job["name"]: job["action"] for job in report["jobs"]}


def paths(report: dict, name: str) -> list[str]:
    (job,) = [job for job in report["jobs"] if job["name"] == name]
    return [change["path"] for change in job["changes"]]


# -- what each job does --------------------------------------------------------------------------------

def test_json_names_the_action_of_every_changed_job(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    assert actions(report) == {"fresh-job": "start", "orders-etl": "restart",
                               "daily-report": "update", "legacy-export": "stop"}


def test_jobs_are_listed_start_restart_update_stop(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    assert [job["action"] for job in report["jobs"]] == ["start", "restart", "update", "stop"]


def test_json_summary_counts_each_action_and_the_unchanged_jobs(repo, capsys):
    assert as_json(capsys, "HEAD~1", "HEAD")["summary"] == SUMMARY


def test_a_spark_conf_change_restarts_with_the_derived_client_token_listed_last(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    assert paths(report, "orders-etl") == ["jobDriver.sparkSubmit.sparkSubmitParameters", "clientToken"]
    (job,) = [job for job in report["jobs"] if job["name"] == "orders-etl"]
    conf, token = job["changes"]
    assert (conf["before"], conf["after"]) == ("--conf spark.executor.memory=4g", "--conf spark.executor.memory=8g")
    assert (conf["derived"], token["derived"]) == (False, True)
    assert token["before"] != token["after"]


def test_a_tag_only_change_updates_in_place_without_a_new_client_token(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    (job,) = [job for job in report["jobs"] if job["name"] == "daily-report"]
    assert job["changes"] == [{"path": "tags.owner", "before": "alice", "after": "bob",
                               "sensitive": False, "derived": False}]


def test_a_new_job_lists_its_members_with_nothing_before(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    assert paths(report, "fresh-job") == ["applicationId", "executionRoleArn", "jobDriver", "tags", "name", "clientToken"]
    (job,) = [job for job in report["jobs"] if job["name"] == "fresh-job"]
    assert {change["before"] for change in job["changes"]} == {None}


def test_json_gives_each_job_its_spec_file_relative_to_the_repository(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    assert {job["name"]: job["file"] for job in report["jobs"]} == {
        "fresh-job": "jobspecs/fresh.yaml", "orders-etl": "jobspecs/analytics/etl.yaml",
        "daily-report": "jobspecs/analytics/report.yaml", "legacy-export": "jobspecs/legacy.yaml"}


def test_json_shows_sensitive_values_and_flags_them(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    (job,) = [job for job in report["jobs"] if job["name"] == "orders-etl"]
    assert job["changes"][0]["sensitive"] is True
    assert job["changes"][0]["after"] == "--conf spark.executor.memory=8g"


def test_json_names_both_sides_and_the_stack(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD")
    assert report["base"] == {"ref": "HEAD~1", "commit": git(repo, "rev-parse", "HEAD~1").strip()}
    assert report["head"] == {"ref": "HEAD", "commit": git(repo, "rev-parse", "HEAD").strip()}
    assert report["stack"] is None


def test_the_same_revision_twice_changes_nothing(repo, capsys):
    report = as_json(capsys, "HEAD", "HEAD")
    assert (report["jobs"], report["summary"]) == ([], {**dict.fromkeys(SUMMARY, 0), "unchanged": 4})


# -- text -----------------------------------------------------------------------------------------------

def test_text_has_a_line_per_job_and_a_summary(repo, capsys):
    code, out, err = jobspec(capsys, "HEAD~1", "HEAD")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line for line in lines if line[:1] in "+!~-"] == [
        "+ start    fresh-job (jobspecs/fresh.yaml): starts a new run",
        "! restart  orders-etl (jobspecs/analytics/etl.yaml): a new run replaces the current one",
        "~ update   daily-report (jobspecs/analytics/report.yaml): tags change in place, the run goes on",
        "- stop     legacy-export (jobspecs/legacy.yaml): its run is cancelled if it is still running",
    ]
    assert lines[-1] == "1 to start, 1 to restart, 1 to update, 1 to stop; 1 unchanged"


def test_text_shows_old_and_new_values_and_marks_the_derived_token(repo, capsys):
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD")
    assert ('    jobDriver.sparkSubmit.sparkSubmitParameters: "--conf spark.executor.memory=4g" → '
            '"--conf spark.executor.memory=8g"') in out.splitlines()
    assert '    tags.owner: "alice" → "bob"' in out.splitlines()
    assert any(line.startswith("    clientToken (derived): ") for line in out.splitlines())


def test_text_is_coloured_only_when_asked(repo):
    report, _, _ = diff.diff("HEAD~1", "HEAD")
    assert "\x1b[" not in diff_text.render(report)
    coloured = diff_text.render(report, color=True)
    assert "\x1b[" in coloured and "orders-etl" in coloured


# -- markdown -------------------------------------------------------------------------------------------

def test_markdown_opens_with_the_summary_line(repo, capsys):
    code, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 0
    assert "**1 to start, 1 to restart, 1 to update, 1 to stop** (1 unchanged)" in out.splitlines()[:6]


def test_markdown_has_a_field_table_for_each_started_restarted_or_updated_job(repo, capsys):
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert [line for line in out.splitlines() if line.startswith("#### ")] == [
        "#### start `fresh-job`", "#### restart `orders-etl`", "#### update `daily-report`"]
    assert '| `tags.owner` | `"alice"` | `"bob"` |' in out.splitlines()


def test_markdown_masks_sensitive_members(repo, capsys):
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert "| `jobDriver.sparkSubmit.sparkSubmitParameters` | *(sensitive)* | *(sensitive)* |" in out.splitlines()
    assert "spark.executor.memory" not in out
    assert "secret-location" not in out  # fresh-job's entryPoint, inside its jobDriver


def test_markdown_marks_the_derived_client_token(repo, capsys):
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert any(line.startswith("| `clientToken` *(derived)* | `\"js1-") for line in out.splitlines())


def test_markdown_folds_a_long_table_into_details(tmp_path, monkeypatch, capsys):
    many = "".join(f"  key{i}: value{i}\n" for i in range(12))
    root = make_repo(tmp_path / "repo", BASE_TREE, {"jobspecs/steady.yaml": STEADY + "tags:\n" + many})
    monkeypatch.chdir(root)
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown")
    assert "<details><summary>12 changed fields</summary>" in out.splitlines()


def test_a_rerun_bump_restarts_and_says_so(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", BASE_TREE, {"jobspecs/steady.yaml": STEADY + "rerun: 2\n"})
    monkeypatch.chdir(root)
    (job,) = as_json(capsys, "HEAD~1", "HEAD")["jobs"]
    assert (job["name"], job["action"], job["rerun"]) == ("steady", "restart", {"before": None, "after": 2})
    assert [(c["path"], c["derived"]) for c in job["changes"]] == [("clientToken", True)]


def test_markdown_masks_a_change_below_a_sensitive_member(tmp_path, monkeypatch, capsys):
    def with_partitions(n: str) -> str:
        return STEADY + ("configurationOverrides:\n  applicationConfiguration:\n    - classification: spark-defaults\n"
                         f"      properties:\n        spark.sql.shuffle.partitions: \"{n}\"\n")
    root = make_repo(tmp_path / "repo", {**BASE_TREE, "jobspecs/steady.yaml": with_partitions("200")},
                     {"jobspecs/steady.yaml": with_partitions("400")})
    monkeypatch.chdir(root)
    _, out, _ = jobspec(capsys, "HEAD~1", "HEAD", "--format", "markdown")
    row = ("| `configurationOverrides.applicationConfiguration[0].properties.spark.sql.shuffle.partitions` "
           "| *(sensitive)* | *(sensitive)* |")
    assert row in out.splitlines()
    assert '"400"' not in out


# -- where the two sides come from ---------------------------------------------------------------------

def test_head_left_out_is_the_working_tree(repo, capsys):
    write_tree(repo, {"jobspecs/steady.yaml": STEADY + "executionTimeoutMinutes: 30\n"})
    report = as_json(capsys, "HEAD")
    assert actions(report) == {"steady": "restart"}
    assert report["head"] == {"ref": "working tree", "commit": None}


def test_two_folders_are_compared_like_two_revisions(tmp_path, monkeypatch, capsys):
    for name, versions in (("old", [BASE_TREE]), ("new", [BASE_TREE, CHANGES])):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".git").mkdir()  # each folder is its own project root
        for version in versions:
            write_tree(tmp_path / name, version)
    monkeypatch.chdir(tmp_path)
    report = as_json(capsys, "old", "new")
    assert actions(report) == {"fresh-job": "start", "orders-etl": "restart",
                               "daily-report": "update", "legacy-export": "stop"}
    assert report["summary"] == SUMMARY


def test_a_base_without_the_specs_folder_starts_every_job(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", {"README.md": "empty\n"}, BASE_TREE)
    monkeypatch.chdir(root)
    code, out, err = jobspec(capsys, "HEAD~1", "HEAD", "--format", "json")
    assert code == 0
    assert set(actions(json.loads(out)).values()) == {"start"}
    assert "has no jobspecs folder" in err


def test_specs_option_names_the_folder_on_both_sides(tmp_path, monkeypatch, capsys):
    moved = {f"deploy/{rel}": text for rel, text in BASE_TREE.items()}
    root = make_repo(tmp_path / "repo", moved, {"deploy/jobspecs/fresh.yaml": FRESH})
    monkeypatch.chdir(root)
    assert actions(as_json(capsys, "HEAD~1", "HEAD", "--specs", "deploy/jobspecs")) == {"fresh-job": "start"}


# -- stacks ---------------------------------------------------------------------------------------------

PROD_ROLE_CHANGE = {"jobspecs/_defaults.yaml": DEFAULTS.replace("job-prod", "job-prod-v2")}


def test_a_change_to_a_stack_section_of_defaults_restarts_every_job_of_that_stack(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", BASE_TREE, PROD_ROLE_CHANGE)
    monkeypatch.chdir(root)
    report = as_json(capsys, "HEAD~1", "HEAD", "--stack", "prod")
    assert actions(report) == dict.fromkeys(["daily-report", "legacy-export", "orders-etl", "steady"], "restart")
    assert {tuple(paths(report, name)) for name in actions(report)} == {("executionRoleArn", "clientToken")}
    assert report["stack"] == "prod"


def test_a_change_to_another_stacks_section_changes_nothing(tmp_path, monkeypatch, capsys):
    root = make_repo(tmp_path / "repo", BASE_TREE, PROD_ROLE_CHANGE)
    monkeypatch.chdir(root)
    report = as_json(capsys, "HEAD~1", "HEAD", "--stack", "dev")
    assert (report["jobs"], report["summary"]["unchanged"]) == ([], 4)


def test_stack_overrides_are_merged_into_the_values_shown(repo, capsys):
    report = as_json(capsys, "HEAD~1", "HEAD", "--stack", "dev")
    (job,) = [job for job in report["jobs"] if job["name"] == "fresh-job"]
    (tags,) = [change["after"] for change in job["changes"] if change["path"] == "tags"]
    assert tags == {"team": "data-platform", "env": "dev"}


# -- errors and exit codes -----------------------------------------------------------------------------

def test_lint_errors_in_head_are_printed_on_stderr_and_exit_1(tmp_path, monkeypatch, capsys):
    broken = {"jobspecs/steady.yaml": STEADY + "executionTimeoutMinuts: 30\n"}
    root = make_repo(tmp_path / "repo", BASE_TREE, broken)
    monkeypatch.chdir(root)
    code, out, err = jobspec(capsys, "HEAD~1", "HEAD")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("jobspec: HEAD (")
    assert "jobspecs/steady.yaml:5:1: error E1001 executionTimeoutMinuts: unknown key" in err


def test_lint_errors_in_base_are_warned_about_and_its_broken_job_counts_as_absent(tmp_path, monkeypatch, capsys):
    broken = {"jobspecs/steady.yaml": STEADY + "executionTimeoutMinuts: 30\n"}
    root = make_repo(tmp_path / "repo", BASE_TREE, broken, {"jobspecs/steady.yaml": STEADY})
    monkeypatch.chdir(root)
    code, out, err = jobspec(capsys, "HEAD~1", "HEAD", "--format", "json")
    assert code == 0
    assert actions(json.loads(out)) == {"steady": "start"}
    assert "warning: BASE HEAD~1" in err and "jobspecs/steady.yaml" in err


def test_an_unknown_revision_is_a_usage_error_in_one_line(repo, capsys):
    code, out, err = jobspec(capsys, "no-such-branch", "HEAD")
    assert (code, out, err) == (2, "", "jobspec: unknown revision or folder: no-such-branch\n")


def test_a_revision_outside_a_repository_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = jobspec(capsys, "HEAD~1", "HEAD")
    assert code == 2
    assert err.count("\n") == 1 and "not a git repository" in err


def test_a_specs_folder_missing_on_both_sides_is_a_usage_error(repo, capsys):
    code, _, err = jobspec(capsys, "HEAD~1", "HEAD", "--specs", "nowhere")
    assert (code, err) == (2, "jobspec: no such folder in either version: nowhere\n")


def test_a_specs_folder_outside_the_repository_is_a_usage_error(repo, capsys):
    code, _, err = jobspec(capsys, "HEAD~1", "HEAD", "--specs", "../jobspecs")
    assert code == 2 and err.startswith("jobspec: --specs must be a path inside the repository")


def test_an_unknown_format_is_a_usage_error(repo, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["diff", "HEAD~1", "HEAD", "--format", "yaml"])
    assert exit_.value.code == 2


def test_each_revision_is_materialized_in_a_temporary_folder_removed_afterwards(repo, capsys, monkeypatch):
    made = []

    class Recorded(diff_sides.tempfile.TemporaryDirectory):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(Path(self.name))

    monkeypatch.setattr(diff_sides.tempfile, "TemporaryDirectory", Recorded)
    as_json(capsys, "HEAD~1", "HEAD")
    assert len(made) == 2
    assert [folder.exists() for folder in made] == [False, False]


def test_a_revision_takes_no_defaults_from_folders_above_its_temporary_copy(tmp_path, monkeypatch, capsys):
    scratch = tmp_path / "scratch"
    write_tree(scratch, {"_defaults.yaml": "defaults:\n  tags:\n    leaked: from-above\n"})
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(diff_sides.tempfile, "tempdir", None)
    root = make_repo(tmp_path / "repo", BASE_TREE, CHANGES, pulumi_yaml=False)
    monkeypatch.chdir(root)
    assert diff_sides.tempfile.gettempdir() == str(scratch)
    report = as_json(capsys, "HEAD~1", "HEAD")
    (job,) = [job for job in report["jobs"] if job["name"] == "fresh-job"]
    assert [c["after"] for c in job["changes"] if c["path"] == "tags"] == [{"team": "data-platform"}]


# -- code shape -----------------------------------------------------------------------------------------

DIFF_MODULES = sorted([*REPO.glob("compiler/diff*.py"), REPO / "compiler/renames.py",
                       *REPO.glob("compiler/formatters/diff_*.py")])


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def imports_of(path: Path) -> set[str]:
    """The ``compiler`` modules a module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("compiler"):
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("compiler")}
    return found


def test_the_diff_modules_import_one_another_without_a_circle():
    graph = {module_name(p): imports_of(p) & {module_name(q) for q in DIFF_MODULES} for p in DIFF_MODULES}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import circle: {' -> '.join(path + (module,))}"
        if module not in done:
            for imported in sorted(graph[module]):
                visit(imported, path + (module,))
            done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert "compiler.diff" not in set().union(*(graph[m] for m in graph if m.startswith("compiler.formatters")))


def test_each_diff_module_stays_under_400_lines():
    sizes = {module_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in DIFF_MODULES}
    assert len(sizes) == 11 and max(sizes.values()) < 400, sizes


# -- the installed command -----------------------------------------------------------------------------

def test_the_console_script_prints_the_json_report(repo):
    script = Path(sys.executable).parent / "jobspec"
    proc = subprocess.run([str(script), "diff", "HEAD~1", "HEAD", "--format", "json"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout)["summary"] == SUMMARY
