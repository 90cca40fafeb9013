"""Shared helpers: a throw-away project folder, linting YAML given inline, a minimal spec.

Every test that writes specs does it below ``tmp_path`` with a ``.git`` folder at its
top, so the upward search for ``_defaults.yaml`` stops there and the machine's own
folders never leak into a test. Helpers pass *relative* paths from that folder, so
findings read ``job.yaml:3:5`` exactly as a user would see them.
"""

from __future__ import annotations

import copy
import json
import os
import textwrap
from pathlib import Path
from typing import Any, Iterable

import pytest
import yaml
from hypothesis import HealthCheck, settings

from compiler.compile import compile_document
from compiler.findings import Finding
from compiler.lint import Linter, lint_paths

REPO = Path(__file__).resolve().parents[1]

# Deterministic property tests: the same examples on every run and every machine,
# few enough that each test file stays well under a minute.
settings.register_profile(
    "jobspec",
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
# Searching harder, by hand: HYPOTHESIS_PROFILE=explore JOBSPEC_EXAMPLES=5000 pytest tests/test_properties.py
# (tests with their own max_examples keep it).
settings.register_profile("explore", settings.get_profile("jobspec"),
                          max_examples=int(os.environ.get("JOBSPEC_EXAMPLES", "1000")))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "jobspec"))

APPLICATION_ID = "00fkt3q8n4s5ab09"
ROLE_ARN = "arn:aws:iam::123456789012:role/emr-serverless-job"


#: The head of a minimal spec, and a minimal Spark spec, as YAML text for inline tests.
HEAD = """\
applicationId: 00fkt3q8n4s5ab09
executionRoleArn: arn:aws:iam::123456789012:role/emr-serverless-job
"""
SPARK = HEAD + """\
jobDriver:
  sparkSubmit:
    entryPoint: s3://bucket/main.py
"""


def minimal_spec() -> dict[str, Any]:
    """The smallest spec the linter accepts (clientToken is derived)."""
    return {
        "applicationId": APPLICATION_ID,
        "executionRoleArn": ROLE_ARN,
        "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/main.py"}},
    }


def minimal_body() -> dict[str, Any]:
    """The smallest StartJobRun body botocore and the linter accept."""
    return {**minimal_spec(), "clientToken": "token-1"}


def dump(data: Any) -> str:
    """YAML for a spec dict, in the dict's key order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 20)


def where(findings: Iterable[Finding], file: bool = False) -> list[tuple]:
    """(rule, line, column, field) of each finding (and the file first when asked)."""
    return [((f.file,) if file else ()) + (f.rule, f.line, f.column, f.field) for f in findings]


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


class Project:
    """A folder acting as a repository; the current directory while a test runs."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return Path(rel)

    def write_bytes(self, rel: str, raw: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        return Path(rel)

    def lint(self, *paths: str | Path, stack: str | None = None, all_stacks: bool = True) -> list[Finding]:
        # A fresh Linter: nothing cached by an earlier test can hide a finding.
        return lint_paths(list(paths) or ["."], stack=stack, all_stacks=all_stacks, linter=Linter()).findings

    def compile(self, path: str | Path, stack: str | None = None) -> dict[str, Any]:
        result = lint_paths([path], stack=stack, all_stacks=False, linter=Linter())
        assert result.ok, where(result.findings, file=True)
        (doc,) = result.documents
        return compile_document(doc)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path)


@pytest.fixture
def lint_text(project: Project):
    """``lint_text(yaml_text, name="job.yaml", stack=None, files={rel: text})`` → findings.

    The text is dedented, so YAML can be written indented inside the test.
    """

    def run(text: str, name: str = "job.yaml", stack: str | None = None,
            files: dict[str, str] | None = None, all_stacks: bool = True) -> list[Finding]:
        for rel, content in (files or {}).items():
            project.write(rel, content)
        path = project.write(name, text)
        return project.lint(path, stack=stack, all_stacks=all_stacks)

    return run


def deep_copy(value: Any) -> Any:
    return copy.deepcopy(value)


def canonical(value: Any) -> str:
    """JSON that tells ``true`` from ``1`` and ``1`` from ``1.0``: exact equality of bodies."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def engine_stack(root: Path, endpoint: Any, app: str, project_name: str, stack: str, specs: dict[str, str],
                 defaults: str = "") -> tuple[Path, Any]:
    """A scratch Pulumi project with ``specs`` (name -> YAML text) under ``jobspecs/``, and its initialised stack.

    ``_defaults.yaml`` points every spec at ``app`` and the local role; ``defaults``
    adds lines under ``defaults:`` (indented by two spaces).
    """
    from tools.engine import PulumiWorkspace, pulumi_bin_dir, scratch_project
    from tools.local_endpoint import ROLE_ARN

    project = scratch_project(root / "project", project_name)
    folder = project / "jobspecs"
    folder.mkdir()
    (folder / "_defaults.yaml").write_text(
        f"defaults:\n  applicationId: {app}\n  executionRoleArn: {ROLE_ARN}\n" + textwrap.indent(defaults, "  "))
    for name, text in specs.items():
        (folder / name).write_text(textwrap.dedent(text))
    ws = PulumiWorkspace(project, root / "state", stack, endpoint.env(), pulumi_bin_dir())
    ws.init()
    return folder, ws


@pytest.fixture(autouse=True)
def fresh_run_listings(monkeypatch):
    """Each test starts with no ListJobRuns answer remembered (a provider process starts with none)."""
    from providers import run_reads

    monkeypatch.setattr(run_reads, "ACTIVE", run_reads.ActiveRuns())
