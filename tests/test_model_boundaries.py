"""Every constraint of every member, at its edges, generated from botocore's model.

For each member with a length, pattern, range, enum or size, a value is placed at
the member's path in an otherwise minimal valid spec: min-1, min, max, max+1 and a
pattern violation. The linter must accept exactly what the model accepts and reject
the rest with the rule for that constraint, at that member.

A boundary is left out when no string of that length can match the member's pattern
(an ARN cannot be 19 characters long): it cannot be tested without also breaking the
pattern, and faking it would test something else. Which lengths a pattern can match
is read from the regex itself (see modelgen.pattern_width); test_absent_boundaries
lists what is left out, so nothing disappears unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import botocore.validate
import pytest

import modelgen
from compiler import model, schema as spec_schema_mod
from compiler.compile import compile_document
from compiler.findings import dotted
from compiler.lint import Linter, lint_paths
from conftest import dump, errors

#: Warnings a model-valid value may still draw: W2010 flags BATCH timeouts that EMR 7.11+
#: refuses (0 and over 7 days), which the model itself still allows.
SERVICE_WARNINGS = {"W2010"}

_LINTER = Linter()


@dataclass(frozen=True)
class Case:
    id: str
    path: tuple  # a member path from modelgen.members()
    value: Any  # the value at that path (for a map key: the key)
    rule: str | None  # None: the model accepts it


ABSENT: list[str] = []  # boundaries no string can reach, with the reason


def _string_cases(member: modelgen.Member) -> list[Case]:
    shape, name = member.shape, member.name
    meta = shape.metadata
    if "enum" in meta:
        return [Case(f"{name}:enum={v}", member.path, v, None) for v in meta["enum"]] + [
            Case(f"{name}:enum-lowercase", member.path, meta["enum"][0].lower(), "E1014"),
            Case(f"{name}:enum-unknown", member.path, "NOT_A_" + meta["enum"][0], "E1014"),
        ]
    cases = []
    lo, hi = meta.get("min", 0), meta.get("max")
    plo, phi = modelgen.pattern_width(meta["pattern"]) if "pattern" in meta else (0, modelgen.UNBOUNDED)
    wanted = [("min-1", lo - 1, "E1010"), ("min", lo, None)]
    if hi is not None:
        wanted += [("max", hi, None), ("max+1", hi + 1, "E1011")]
    for label, n, rule in wanted:
        if n < 0:
            continue  # min 0: there is no shorter string
        if not plo <= n <= phi:
            ABSENT.append(f"{name}:{label} (length {n}; the pattern only matches lengths {plo}..{phi})")
            continue
        text = modelgen.string_of(shape, n)
        assert text is not None, f"seed for {meta.get('pattern')!r} cannot make length {n}"
        cases.append(Case(f"{name}:{label}", member.path, text, rule))
    if "pattern" in meta:
        bad = modelgen.seed_for(shape).bad
        if bad is None:
            ABSENT.append(f"{name}:pattern (every string matches {meta['pattern']})")
        else:
            assert lo <= len(bad) <= (hi if hi is not None else len(bad)), (name, bad)
            assert not modelgen.compiled(meta["pattern"]).fullmatch(bad), (name, bad)
            cases.append(Case(f"{name}:pattern", member.path, bad, "E1012"))
    return cases


def _number_cases(member: modelgen.Member) -> list[Case]:
    meta, name = member.shape.metadata, member.name
    cases = []
    if "min" in meta:
        cases += [Case(f"{name}:min-1", member.path, meta["min"] - 1, "E1013"),
                  Case(f"{name}:min", member.path, meta["min"], None)]
    if "max" in meta:
        cases += [Case(f"{name}:max", member.path, meta["max"], None),
                  Case(f"{name}:max+1", member.path, meta["max"] + 1, "E1013")]
    return cases


def _size_cases(member: modelgen.Member) -> list[Case]:
    shape, name = member.shape, member.name
    meta = shape.metadata
    lo, hi = meta.get("min", 0), meta.get("max")

    def of(n: int) -> Any:
        if shape.type_name == "list":
            return [modelgen.minimal(shape.member)] * n
        return {k: modelgen.minimal(shape.value) for k in modelgen.distinct_keys(shape.key, n)}

    cases = []
    if lo > 0:
        cases.append(Case(f"{name}:size=min-1", member.path, of(lo - 1), "E1015"))
    cases.append(Case(f"{name}:size=min", member.path, of(lo), None))
    if hi is not None:
        cases += [Case(f"{name}:size=max", member.path, of(hi), None),
                  Case(f"{name}:size=max+1", member.path, of(hi + 1), "E1015")]
    return cases


def _cases() -> list[Case]:
    cases: list[Case] = []
    for member in modelgen.members():
        kind = member.shape.type_name
        if kind == "string" and "pattern" in member.shape.metadata \
                and member.shape.metadata["pattern"] not in modelgen.SEEDS:
            continue  # test_every_model_pattern_has_a_seed fails for it
        if kind == "string":
            cases += _string_cases(member)
        elif kind in ("integer", "long"):
            cases += _number_cases(member)
        elif kind in ("list", "map"):
            cases += _size_cases(member)
    return cases


CASES = _cases()


def _context(path: tuple) -> dict[str, Any]:
    """Other members a valid spec needs for this one: the service rules tie retry members to mode."""
    rules: Any = {"schema": spec_schema_mod.spec_schema()[0]}
    for part in path:
        if not isinstance(part, str) or not isinstance(rules, dict):
            return {}
        rules = rules.get("schema", {}).get(part, {})
    services = rules.get("service", []) if isinstance(rules, dict) else []
    return {"mode": "STREAMING"} if "streaming_only" in services else {}


def _spec(case: Case) -> tuple[dict[str, Any], tuple]:
    body, concrete = modelgen.body_with(case.path, case.value)
    body.update(_context(case.path))
    return body, concrete


def test_cases_cover_every_kind_of_constraint():
    ids = " ".join(c.id for c in CASES)
    for rule in ("E1010", "E1011", "E1012", "E1013", "E1014", "E1015"):
        assert any(c.rule == rule for c in CASES), rule
    for needle in ("applicationId:max+1", "executionTimeoutMinutes:min-1", "mode:enum=STREAMING",
                   "tags.<key>:pattern", "tags:size=max+1",
                   "configurationOverrides.applicationConfiguration[0].configurations[0].classification:max+1",
                   "configurationOverrides.monitoringConfiguration.cloudWatchLoggingConfiguration.logTypes:size=min-1"):
        assert needle in ids.split(), needle


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_boundary(project, case: Case):
    spec, concrete = _spec(case)
    project.write("job.yaml", dump(spec))
    result = lint_paths(["job.yaml"], all_stacks=False, linter=_LINTER)
    assert {f.rule for f in result.findings if f.severity == "warning"} <= SERVICE_WARNINGS
    if case.rule is None:
        assert errors(result.findings) == []
        body = compile_document(result.documents[0])
        if case.path[-1] == modelgen.KEY:
            assert case.value in modelgen.get(body, concrete[:-1])
        else:
            assert modelgen.get(body, concrete) == case.value
        report = botocore.validate.ParamValidator().validate(body, model.input_shape())
        assert not report.has_errors(), report.generate_report()
    else:
        assert [(f.rule, f.field) for f in errors(result.findings)] == [(case.rule, dotted(concrete))]


def test_every_model_pattern_has_a_seed():
    missing = sorted({p for _, p in modelgen.model_patterns() if p not in modelgen.SEEDS})
    assert missing == [], "add a Seed to tests/modelgen.py for each of these patterns"


def test_every_seed_is_used_by_the_model():
    used = {p for _, p in modelgen.model_patterns()}
    assert sorted(set(modelgen.SEEDS) - used) == []


@pytest.mark.parametrize("pattern", sorted(modelgen.SEEDS), ids=lambda p: p[:40])
def test_seed_matches_at_the_shortest_length_its_pattern_allows(pattern):
    lo, _ = modelgen.pattern_width(pattern)
    seed = modelgen.SEEDS[pattern]
    # the first few lengths from the regex's minimum up: a seed must reach all of them
    for n in range(max(lo, 1), max(lo, 1) + 8):
        text = seed.make(n)
        assert text is not None and len(text) == n and modelgen.compiled(pattern).fullmatch(text), (n, text)


def test_minimal_body_is_valid_for_botocore_and_the_linter(project):
    body = modelgen.minimal_body()
    assert not botocore.validate.ParamValidator().validate(body, model.input_shape()).has_errors()
    project.write("job.yaml", dump(body))
    assert lint_paths(["job.yaml"], linter=_LINTER).findings == []


def test_absent_boundaries():
    # Each is below the shortest string the member's pattern can match; if a seed or the
    # model changes, this list changes with it and says so here.
    prefix = "configurationOverrides.monitoringConfiguration"
    expected = {
        "applicationId:min-1", "clientToken:min-1",
        "executionRoleArn:min-1", "executionRoleArn:min",
        "executionIamPolicy.policy:min-1",
        "jobDriver.sparkSubmit.entryPoint:min-1", "jobDriver.sparkSubmit.sparkSubmitParameters:min-1",
        "jobDriver.hive.query:min-1", "jobDriver.hive.initQueryFile:min-1", "jobDriver.hive.parameters:min-1",
        "name:min-1",
        f"{prefix}.s3MonitoringConfiguration.encryptionKeyArn:min-1",
        f"{prefix}.s3MonitoringConfiguration.encryptionKeyArn:min",
        f"{prefix}.s3MonitoringConfiguration.logUri:pattern",
        f"{prefix}.managedPersistenceMonitoringConfiguration.encryptionKeyArn:min-1",
        f"{prefix}.managedPersistenceMonitoringConfiguration.encryptionKeyArn:min",
        f"{prefix}.cloudWatchLoggingConfiguration.logGroupName:min-1",
        f"{prefix}.cloudWatchLoggingConfiguration.encryptionKeyArn:min-1",
        f"{prefix}.cloudWatchLoggingConfiguration.encryptionKeyArn:min",
        f"{prefix}.cloudWatchLoggingConfiguration.logTypes.<key>:min-1",
        f"{prefix}.cloudWatchLoggingConfiguration.logTypes.<key>:min",
        f"{prefix}.cloudWatchLoggingConfiguration.logTypes.<value>[0]:min-1",
        f"{prefix}.cloudWatchLoggingConfiguration.logTypes.<value>[0]:min",
        f"{prefix}.prometheusMonitoringConfiguration.remoteWriteUrl:min-1",
        f"{prefix}.prometheusMonitoringConfiguration.remoteWriteUrl:min",
        "configurationOverrides.diskEncryptionConfiguration.encryptionKeyArn:min-1",
        "configurationOverrides.diskEncryptionConfiguration.encryptionKeyArn:min",
        "tags.<key>:min-1",
    }
    for config in ("configurationOverrides.applicationConfiguration[0]",
                   "configurationOverrides.applicationConfiguration[0].configurations[0]"):
        expected |= {f"{config}.classification:min-1", f"{config}.properties.<key>:min-1",
                     f"{config}.properties.<value>:min"}
    got = {entry.split(" ", 1)[0] for entry in ABSENT}
    assert got == expected
