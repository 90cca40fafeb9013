"""A merged, lint-clean job spec → the exact StartJobRun request body.

The body is what boto3's ``start_job_run(**body)`` takes and what ``POST
/applications/{applicationId}/jobruns`` carries (``applicationId`` travels in the
path; it is kept in the body so one JSON object says everything that is sent).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any, Callable, Iterable

from compiler import collector, model, pretty_json, schema, sugar
from compiler.document import Document
from compiler.findings import dotted

#: Prefix of derived client tokens; the digit is the derivation's version.
TOKEN_PREFIX = "js1-"
TOKEN_HEX = 40


def job_name(doc: Document) -> str:
    """The job's identity: its ``name``, or its file name without the suffix."""
    name = doc.data.get("name")
    return name if isinstance(name, str) and name else Path(doc.file).stem


def _expand(data: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in data.items() if k not in schema.JOBSPEC_KEYS}
    driver = body.get("jobDriver")
    spark = driver.get("sparkSubmit") if isinstance(driver, dict) else None
    if isinstance(spark, dict) and isinstance(spark.get(sugar.SPARK), dict):
        body["jobDriver"] = {**driver, "sparkSubmit": {**spark, sugar.SPARK: sugar.compile_spark(spark[sugar.SPARK])}}
    hive = driver.get("hive") if isinstance(driver, dict) else None
    if isinstance(hive, dict) and isinstance(hive.get(sugar.HIVE), dict):
        body["jobDriver"] = {**driver, "hive": {**hive, sugar.HIVE: sugar.compile_hive(hive[sugar.HIVE])}}
    policy = body.get("executionIamPolicy")
    if isinstance(policy, dict) and isinstance(policy.get(sugar.POLICY), dict):
        body["executionIamPolicy"] = {**policy, sugar.POLICY: sugar.compile_policy(policy[sugar.POLICY])}
    return body


#: ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, made once. The same text:
#: check_circular only turns a cycle's RecursionError into a ValueError, and loaded YAML has no cycles.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False)


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 (key order never changes a token)."""
    return _CANONICAL.encode(value)


def _spellable(value: Any) -> Any:
    """``rerun`` (any YAML value) as canonical JSON can spell it.

    Values JSON spells already are returned unchanged (so no existing token changes);
    dates (``rerun: 2024-06-01``) become their ISO text and mixed-type keys their text.
    """
    if value is None or isinstance(value, (str, int, float)):  # most often: no rerun at all
        return value
    try:
        canonical_json(value)
        return value
    except (TypeError, ValueError):
        pass

    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): plain(item) for k, item in v.items()}
        if isinstance(v, list):
            return [plain(item) for item in v]
        if isinstance(v, (datetime.date, datetime.datetime)):
            return v.isoformat()
        return v

    return plain(value)


def derive_client_token(name: str, stack: str | None, body: dict[str, Any], rerun: Any = None) -> str:
    """Same job, stack, body and ``rerun`` → same token; any change → a new token.

    Tags are left out: changing them updates the run in place (TagResource) and
    must not start it again. The stack is in: two stacks sharing an application
    must not be answered with each other's run.
    """
    seed = {"name": name, "stack": stack or "", "rerun": _spellable(rerun),
            "body": {k: v for k, v in body.items() if k not in ("tags", "clientToken")}}
    digest = hashlib.sha256(canonical_json(seed).encode()).hexdigest()
    return TOKEN_PREFIX + digest[:TOKEN_HEX]


def reference(kind: str, name: str) -> str:
    """The stand-in for an id or ARN the stack declares: ``${application:etl}``."""
    return f"${{{kind}:{name}}}"


def references(doc: Document) -> dict[str, tuple[str, str]]:
    """Request member → (reference kind, name) for each ``application``/``executionRole`` the spec uses."""
    return {member: (ref, doc.data[ref]) for ref, (member, _) in schema.REFERENCES.items() if ref in doc.data}


def compile_document(doc: Document, resolve: Callable[[str, str], Any] | None = None) -> dict[str, Any]:
    """The request body for one lint-clean document, members in the model's order.

    A member given by reference (``application: etl``) is ``${application:etl}`` in
    the body unless ``resolve(kind, name)`` supplies the real value (the Pulumi
    program passes the declared resource's id/ARN). The clientToken is derived from
    the reference, which is known before the resource exists and stays stable.
    """
    body = _expand(doc.data)
    refs = references(doc)
    for member, (kind, name) in refs.items():
        body[member] = reference(kind, name)
    if "clientToken" not in body:
        body["clientToken"] = derive_client_token(job_name(doc), doc.stack, body, doc.data.get("rerun"))
    if resolve is not None:
        for member, (kind, name) in refs.items():
            body[member] = resolve(kind, name)
    order = model.member_order()
    return {k: body[k] for k in order if k in body}


def compile_documents(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """``compile_document`` of many documents, with the collector paused (see compiler.collector)."""
    with collector.paused():
        return [compile_document(doc) for doc in docs]


#: Hex digits of a sensitive member's fingerprint.
FINGERPRINT_HEX = 12


def fingerprints(name: str, body: dict[str, Any]) -> dict[str, str]:
    """A short digest of each sensitive member, keyed by its dotted path.

    Pulumi shows a secret that changed as ``[secret]``, so a preview could not say
    *which* sensitive member changed. These digests can: they change exactly when
    the value does. They reveal nothing the repository does not already hold in
    plain text (the spec itself), and credentials are kept out of specs by E3001.
    """
    out = {}
    for path in model.sensitive_value_paths(body):
        value: Any = body
        for part in path:
            value = value[part]
        seed = canonical_json([name, list(path), value]).encode()
        out[dotted(path)] = "sha256:" + hashlib.sha256(seed).hexdigest()[:FINGERPRINT_HEX]
    return out


def to_json(body: dict[str, Any]) -> str:
    """A body as ``jobspec compile`` prints it (``json.dumps(body, indent=2, ensure_ascii=False)``)."""
    return pretty_json.dumps(body)
