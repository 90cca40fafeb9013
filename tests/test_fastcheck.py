"""(c) fastcheck's yes/no is cerberus' verdict, on valid and broken documents.

The linter trusts a "yes" from fastcheck without running cerberus, so a document
fastcheck accepts and cerberus refuses would lose its findings. Both are run on
drawn documents: model-valid bodies, the readable forms (sparkSubmitParameters and
policy mappings, valid or not), the service rules (retryPolicy with each mode,
executionTimeoutMinutes), jobspec's own keys, and mutations of all of these.
"""

from __future__ import annotations

import copy
import datetime

import pytest
from hypothesis import example, given, settings, strategies as st

import modelgen
import strategies
from compiler import fastcheck, model, schema as spec_schema_mod
from compiler.findings import dotted
from compiler.validator import SpecValidator
from conftest import minimal_spec

SCHEMAS = {"spec": spec_schema_mod.spec_schema, "body": spec_schema_mod.body_schema}


@pytest.fixture(scope="module", params=sorted(SCHEMAS))
def judges(request):
    schema, registry = SCHEMAS[request.param]()
    validator = SpecValidator(schema, rules_set_registry=registry)
    fast = fastcheck.compile_schema(schema, registry)

    def both(doc):
        # cerberus does not change the document with normalize=False; copy anyway so the
        # two never see different data.
        slow = validator.validate(copy.deepcopy(doc), normalize=False)
        # (validator.errors cannot word our custom rules' errors; list them by path and rule)
        return fast(copy.deepcopy(doc)), slow, [(e.document_path, e.rule) for e in validator._errors]

    return both


def _spark(params):
    return {**minimal_spec(), "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/m.py", "sparkSubmitParameters": params}}}


DOCUMENTS = st.one_of(
    strategies.bodies(),
    strategies.edged(),
    strategies.spec_documents(),
    strategies.mutated(strategies.bodies()),
    strategies.mutated(strategies.spec_documents()),
)


@settings(max_examples=400)
@given(doc=DOCUMENTS)
@example(doc=_spark({"num-executors": 4}))
@example(doc=_spark({"conf": {"a": 1}}))
@example(doc=_spark({"jars": ["a", 1]}))
@example(doc=_spark({"verbose": False}))
@example(doc=_spark({}))
@example(doc=_spark({"conf": {"a": "b c"}}))
@example(doc=_spark({"class": None}))
@example(doc={**minimal_spec(), "executionIamPolicy": {"policy": {"Version": datetime.date(2012, 10, 17)}}})
@example(doc={**minimal_spec(), "executionIamPolicy": {"policy": {"a": float("nan")}}})
@example(doc={**minimal_spec(), "executionIamPolicy": {"policy": {1: "x"}}})
@example(doc={**minimal_spec(), "executionIamPolicy": {"policy": {}}})
@example(doc={**minimal_spec(), "executionIamPolicy": {"policy": "{not json"}})
@example(doc={**minimal_spec(), "mode": "STREAMING", "retryPolicy": {"maxAttempts": 1}})
@example(doc={**minimal_spec(), "retryPolicy": {"maxFailedAttemptsPerHour": 1}})
@example(doc={**minimal_spec(), "mode": "batch", "retryPolicy": {"maxAttempts": 1}})
@example(doc={**minimal_spec(), "executionTimeoutMinutes": 0})
@example(doc={**minimal_spec(), "executionTimeoutMinutes": 10081})
@example(doc={**minimal_spec(), "executionTimeoutMinutes": True})
@example(doc={**minimal_spec(), "mode": "STREAMING", "executionTimeoutMinutes": 0})
@example(doc={**minimal_spec(), "jobDriver": {}})
@example(doc={**minimal_spec(), "retryPolicy": {"maxAttempts": 0}})
@example(doc={**minimal_spec(), "mode": "STREAMING", "executionTimeoutMinutes": 1000001})
@example(doc={**minimal_spec(), "name": "n" * 257})
@example(doc={**minimal_spec(), "tags": {"bad#key": "v"}})
@example(doc={**minimal_spec(), "tags": {"k": "bad#value"}})
@example(doc={**minimal_spec(), "rerun": None})
@example(doc={**minimal_spec(), "stacks": {"dev": []}})
def test_fastcheck_agrees_with_cerberus(judges, doc):
    fast, slow, errors = judges(doc)
    assert fast == slow, errors


EDGE_CASES = [(path, i, mode) for path, edges in strategies.MEMBER_EDGES for i in range(len(edges))
              for mode in ((None,) if path == ("mode",) else (None, "BATCH", "STREAMING"))]


@pytest.mark.parametrize("path, i, mode", EDGE_CASES,
                         ids=[f"{dotted(p)}#{i}-{m or 'no-mode'}" for p, i, m in EDGE_CASES])
def test_fastcheck_agrees_on_every_member_edge(judges, path, i, mode):
    # Every member of the model, just outside each of its limits, in each mode: exhaustive
    # where the drawn documents above are a sample.
    edges = dict(strategies.MEMBER_EDGES)[path]
    doc, _ = modelgen.put(modelgen.minimal_body(), model.input_shape(), path, copy.deepcopy(edges[i]))
    if mode is not None:
        doc["mode"] = mode
    fast, slow, errors = judges(doc)
    assert fast == slow == False, errors  # noqa: E712 - an edge is never valid


# -- memo: a lint run answers each shared subtree once --------------------------------------------

def test_memoized_run_agrees_with_cerberus_when_documents_share_subtrees():
    # A spec's stack documents share every subtree no layer overrides; within one run
    # fastcheck remembers verdicts by object. Sharing must never change a verdict:
    # a subtree whose validity depends on the root (retryPolicy, via mode) is not
    # remembered, so the same retryPolicy object is valid under BATCH, invalid under STREAMING.
    schema, registry = spec_schema_mod.spec_schema()
    fast = fastcheck.compile_schema(schema, registry)
    validator = SpecValidator(schema, rules_set_registry=registry)
    shared_driver = {"sparkSubmit": {"entryPoint": "s3://b/m.py"}}
    shared_retry = {"maxAttempts": 2}
    base = {**minimal_spec(), "jobDriver": shared_driver, "retryPolicy": shared_retry}
    streaming = {**base, "mode": "STREAMING"}
    bad_tags = {**base, "tags": {"bad#key": "v"}}
    with fast.run():
        verdicts = [fast(d) for d in (base, streaming, bad_tags, base)]
    assert verdicts == [validator.validate(d, normalize=False) for d in (base, streaming, bad_tags, base)]
    assert verdicts == [True, False, False, True]


def test_memo_lives_only_inside_a_run():
    schema, registry = spec_schema_mod.spec_schema()
    fast = fastcheck.compile_schema(schema, registry)
    tags = {"team": "data"}
    doc = {**minimal_spec(), "tags": tags}
    with fast.run():
        assert fast(doc) is True
    tags["bad#key"] = "v"  # a changed object outside a run is judged afresh
    assert fast(doc) is False
