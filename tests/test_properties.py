"""Properties over bodies drawn from the model (hypothesis, derandomized: see conftest).

(a) every valid body survives ``import --keep-client-token`` → YAML → ``compile``
    unchanged, to the byte; without a clientToken (as the CLI and SDKs are given
    bodies) it survives too, with the derived token;
(b) the linter never lets through what botocore's own parameter validation refuses
    (after botocore fills in a missing clientToken, as every SDK call does).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import botocore.validate
from hypothesis import example, given, settings, strategies as st

import strategies
from compiler import model, secrets
from compiler.compile import compile_document
from compiler.importer import Options, import_file
from compiler.lint import Linter, lint_paths
from conftest import canonical, dump, errors, minimal_body, where

_VALIDATOR = botocore.validate.ParamValidator()


def botocore_errors(body: dict[str, Any]) -> str:
    report = _VALIDATOR.validate(body, model.input_shape())
    return report.generate_report() if report.has_errors() else ""


def sdk_errors(body: dict[str, Any]) -> str:
    """botocore's refusal of ``body`` as an SDK call sends it: a missing clientToken is filled in first
    (botocore's ``generate_idempotent_uuid`` handler, before validation)."""
    return botocore_errors(body if "clientToken" in body else {**body, "clientToken": "filled-in-by-the-sdk"})


class Folder:
    """A fresh repository folder per example (hypothesis runs many in one test call)."""

    def __enter__(self) -> Path:
        self._tmp = tempfile.TemporaryDirectory()
        root = Path(self._tmp.name)
        (root / ".git").mkdir()
        return root

    def __exit__(self, *exc: object) -> None:
        self._tmp.cleanup()


def round_trip(body: dict[str, Any], ensure_ascii: bool,
               keep_client_token: bool = True) -> tuple[dict[str, Any] | None, list]:
    """compile(import(body)), or None and the findings when import refuses the body."""
    with Folder() as root:
        src = root / "body.json"
        src.write_text(json.dumps(body, indent=2, ensure_ascii=ensure_ascii), encoding="utf-8")
        text, findings = import_file(src, options=Options(keep_client_token=keep_client_token))
        if text is None:
            return None, findings
        spec = root / "job.yaml"
        spec.write_text(text, encoding="utf-8")
        result = lint_paths([spec], all_stacks=False, linter=Linter())
        assert result.ok, (text, where(result.findings))
        (doc,) = result.documents
        return compile_document(doc), findings


# -- (a) ------------------------------------------------------------------------------------------------

_TRICKY = "emoji \U0001F600, NEL \x85, LS \u2028, DEL \x7f, BOM \ufeff, tab\t, CR\r, quote \" and \\"


@settings(max_examples=300)
@given(body=strategies.bodies(), ensure_ascii=st.booleans())
@example(body={**minimal_body(), "jobDriver": {"hive": {"query": "SELECT '" + _TRICKY + "'"}}}, ensure_ascii=True)
@example(body={**minimal_body(), "jobDriver": {"hive": {"query": "SELECT '" + _TRICKY + "'"}}}, ensure_ascii=False)
@example(body={**minimal_body(), "name": "on", "tags": {"yes": "1.0", "null": "2024-01-01"}}, ensure_ascii=True)
@example(body={**minimal_body(), "jobDriver": {"sparkSubmit": {
    "entryPoint": "s3://b/m.py", "sparkSubmitParameters": "--conf a=b --conf c= --verbose --class X"}}}, ensure_ascii=True)
def test_every_valid_body_round_trips_exactly(body, ensure_ascii):
    assert botocore_errors(body) == ""
    compiled, findings = round_trip(body, ensure_ascii)
    if compiled is None:
        # The one refusal allowed for a model-valid body: jobspec's own plain-text secret rule.
        assert {f.rule for f in errors(findings)} == {"E3001"}, where(findings)
        assert list(secrets.find(body))
        return
    assert canonical(compiled) == canonical(body)
    assert list(compiled) == [k for k in model.member_order() if k in body]


@settings(max_examples=150)
@given(body=strategies.bodies(), ensure_ascii=st.booleans())
def test_every_valid_body_without_a_client_token_round_trips_with_a_derived_one(body, ensure_ascii):
    body.pop("clientToken")
    compiled, findings = round_trip(body, ensure_ascii, keep_client_token=False)
    if compiled is None:
        assert {f.rule for f in errors(findings)} == {"E3001"}, where(findings)
        return
    token = compiled.pop("clientToken")
    assert canonical(compiled) == canonical(body)
    assert 1 <= len(token) <= 64 and botocore_errors({**compiled, "clientToken": token}) == ""


# -- (b) ------------------------------------------------------------------------------------------------

@settings(max_examples=300)
@given(body=st.one_of(strategies.bodies(), strategies.edged(), strategies.mutated(strategies.bodies())))
@example(body={**minimal_body(), "clientToken": ""})
@example(body={k: v for k, v in minimal_body().items() if k != "clientToken"})
@example(body={**minimal_body(), "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/m.py",
                                                                "sparkSubmitParameters": {"class": "a.B"}}}})
@example(body={**minimal_body(), "executionIamPolicy": {"policy": {"Version": "2012-10-17"}}})
@example(body={**minimal_body(), "rerun": 1})
@example(body={**minimal_body(), "retryPolicy": {"maxAttempts": 0}})
@example(body={**minimal_body(), "jobDriver": {}})
def test_import_refuses_what_botocore_refuses(body):
    text = json.dumps(body, default=str)  # a date is written as its ISO string, as any JSON tool would
    problems = sdk_errors(json.loads(text))
    with Folder() as root:
        src = root / "body.json"
        src.write_text(text, encoding="utf-8")
        text, findings = import_file(src)
    if problems:
        assert text is None, f"import accepted a body botocore refuses:\n{problems}"
        assert errors(findings)
        assert all(f.file == str(src) and f.line >= 1 and f.column >= 1 for f in findings)


@settings(max_examples=300)
@given(body=st.one_of(strategies.bodies(), strategies.edged(), strategies.mutated(strategies.bodies())))
def test_a_spec_the_linter_accepts_compiles_to_a_body_botocore_accepts(body):
    # A spec may leave clientToken out (it is derived) and use readable forms, so the
    # spec itself is not a body: what must hold is that its compiled body is valid.
    with Folder() as root:
        spec = root / "job.yaml"
        try:
            spec.write_text(dump(body), encoding="utf-8")
        except Exception:  # noqa: BLE001 - a value YAML cannot write (a frozenset) is not a spec anyone has
            return
        result = lint_paths([spec], all_stacks=False, linter=Linter())
        if not result.ok:
            return
        (doc,) = result.documents
        compiled = compile_document(doc)
    assert botocore_errors(compiled) == ""
