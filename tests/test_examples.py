"""The example specs in jobspecs/ lint clean for the base and the dev and prod stacks, and compile."""

from __future__ import annotations

import botocore.validate
import pytest

from compiler import model, walk
from compiler.compile import compile_document, job_name
from compiler.lint import Linter, lint_paths
from conftest import REPO

EXAMPLES = REPO / "jobspecs"


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def test_there_are_examples():
    assert len(list(walk.specs([EXAMPLES]))) >= 3


@pytest.mark.parametrize("stack", [None, "dev", "prod"], ids=["base", "dev", "prod"])
def test_examples_lint_clean_and_compile(stack):
    result = lint_paths(["jobspecs"], stack=stack, all_stacks=False, linter=Linter())
    assert [(f.file, f.line, f.column, f.rule, f.message) for f in result.findings] == []
    names = set()
    for doc in result.documents:
        body = compile_document(doc)
        report = botocore.validate.ParamValidator().validate(body, model.input_shape())
        assert not report.has_errors(), (doc.file, report.generate_report())
        names.add(job_name(doc))
    assert len(names) == len(result.documents)


def test_examples_lint_clean_for_every_stack_they_name():
    assert lint_paths(["jobspecs"], linter=Linter()).findings == []


def test_stacks_change_what_they_say_and_nothing_else():
    bodies = {}
    for stack in (None, "prod"):
        result = lint_paths(["jobspecs"], stack=stack, all_stacks=False, linter=Linter())
        bodies[stack] = {job_name(d): compile_document(d) for d in result.documents}
    for name, base in bodies[None].items():
        prod = bodies["prod"][name]
        # Hive jobs run on a Hive application of their own (an application runs one engine).
        hive = "hive" in prod["jobDriver"]
        assert prod["applicationId"] == ("00fhvprd3k9m2x55" if hive else "00fprd7x2m1k4c88")
        assert prod["tags"]["env"] == "prod"
        changed = {k for k in base.keys() | prod.keys() if base.get(k) != prod.get(k)}
        assert changed == {"applicationId", "executionRoleArn", "tags", "clientToken"}, name
