"""The job spec schema: the StartJobRun model plus jobspec's own keys and sugar.

This cerberus schema is the one source of truth: the linter validates against it,
``jobspec schema`` exports it as JSON Schema, and the README's field reference is
generated from it. Everything AWS-defined comes from ``compiler.model``; this module
only states how a *spec* differs from a request body:

- ``clientToken`` is optional: when absent it is derived from the job (see compile).
- ``sparkSubmitParameters``, Hive ``parameters`` and ``executionIamPolicy.policy`` also accept mappings.
- ``rerun``, ``deploy``, ``stacks``, ``previousNames`` and ``schedule`` are jobspec keys that are never sent to
  StartJobRun (``schedule`` becomes an EventBridge Scheduler schedule: compiler/schedule.py).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from compiler import model, schedule_model, sugar

#: Top-level keys that belong to jobspec, not to the StartJobRun request.
JOBSPEC_KEYS = ("rerun", "deploy", "stacks", "application", "executionRole", "previousNames", "schedule")

#: Names by which a spec refers to an application or role the stack declares with pulumi-aws,
#: instead of giving its id or ARN: jobspec key → (request member it stands for, stack config key).
REFERENCES = {
    "application": ("applicationId", "applications"),
    "executionRole": ("executionRoleArn", "roles"),
}
REFERENCE_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"

#: Stack names as Pulumi allows them.
STACK_NAME = r"[A-Za-z0-9_.-]{1,100}"

#: A key of a flags mapping (sparkSubmitParameters, Hive parameters): see compiler.sugar.
FLAG_KEY = sugar.FLAG_KEY

WAIT_UNTIL = ["RUNNING", "TERMINAL"]
MAX_WAIT_SECONDS = 3600

_JOBSPEC_RULES: dict[str, dict[str, Any]] = {
    "rerun": {
        "nullable": False,
        "meta": {"doc": "Any value; change it to start the job again without other edits. Never sent to AWS."},
    },
    "deploy": {
        "type": "dict",
        "meta": {"doc": "How `pulumi up` applies this job. Never sent to AWS."},
        "schema": {
            "stopBeforeStart": {
                "type": "boolean",
                "meta": {"doc": "On a restart, cancel the old run before starting the new one (jobs that must never run twice)."},
            },
            "wait": {
                "type": "dict",
                "meta": {"doc": "Block `pulumi up` until the run reaches a state; a run that ends FAILED or CANCELLED fails the update."},
                "schema": {
                    "until": {"type": "string", "allowed": WAIT_UNTIL, "required": True},
                    "timeoutSeconds": {"type": "integer", "min": 1, "max": MAX_WAIT_SECONDS, "required": True},
                },
            },
        },
    },
    "application": {
        "type": "string",
        "pattern": REFERENCE_NAME,
        "meta": {"doc": "Name of an application the stack declares (config `jobspec:applications`), "
                        "instead of applicationId."},
    },
    "executionRole": {
        "type": "string",
        "pattern": REFERENCE_NAME,
        "meta": {"doc": "Name of a role the stack declares (config `jobspec:roles`), instead of executionRoleArn."},
    },
    "previousNames": {
        "type": "list",
        "minlength": 1,
        "schema": {"type": "string", "minlength": 1, "maxlength": 256, "pattern": r".*\S.*"},
        "meta": {"doc": "Names this job had before (its `name`, else its file name): `pulumi up` treats a rename "
                        "as the same job (Pulumi aliases), so it restarts only when the request body changed. "
                        "Never sent to AWS."},
    },
    "stacks": {
        "type": "dict",
        "meta": {"doc": "Per-stack overrides, deep-merged over this spec for the selected stack."},
        "keysrules": {"type": "string", "pattern": STACK_NAME},
        "valuesrules": {"type": "dict"},
    },
}


def _flags_rules(rules: dict[str, Any], kind: str) -> dict[str, Any]:
    """A flags string (``kind``: sugar.SPARK or sugar.HIVE) that may also be a mapping of flags."""
    wire = {k: rules[k] for k in ("minlength", "maxlength", "pattern") if k in rules}
    # nowhitespace holds the member's name: E2005 says to write that member as one string.
    flag_value = {"type": ["string", "list", "boolean"], "nowhitespace": kind,
                  "schema": {"type": "string", "nowhitespace": kind}}
    entries = {
        "type": "dict",
        "keysrules": {"type": "string", "minlength": 1, "nowhitespace": kind},
        "valuesrules": {"type": "string", "nowhitespace": kind},
    }
    return {
        **rules,
        "type": ["string", "dict"],
        "keysrules": {"type": "string", "pattern": FLAG_KEY},
        "schema": {key: copy.deepcopy(entries) for flag in sugar.EXPANDED[kind] for key in (flag, flag + "=")},
        "allow_unknown": flag_value,
        "compiles_to": {"sugar": kind, **wire},
    }


def _policy_rules(rules: dict[str, Any]) -> dict[str, Any]:
    wire = {k: rules[k] for k in ("minlength", "maxlength", "pattern") if k in rules}
    return {**rules, "type": ["string", "dict"], "json_string": True, "json_value": True,
            "compiles_to": {"sugar": sugar.POLICY, **wire}}


@functools.lru_cache(maxsize=1)
def spec_schema() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(schema, rules-set registry) of a job spec after defaults and stacks are merged."""
    body, registry = model.request_schema()
    schema = copy.deepcopy(body)
    schema["clientToken"].pop("required", None)
    spark = schema["jobDriver"]["schema"]["sparkSubmit"]["schema"]
    spark[sugar.SPARK] = _flags_rules(spark[sugar.SPARK], sugar.SPARK)
    hive = schema["jobDriver"]["schema"]["hive"]["schema"]
    hive[sugar.HIVE] = _flags_rules(hive[sugar.HIVE], sugar.HIVE)
    policy = schema["executionIamPolicy"]["schema"]
    policy["policy"] = _policy_rules(policy["policy"])
    _add_service_rules(schema)
    schema.update(copy.deepcopy(_JOBSPEC_RULES))
    schema["rerun"]["service"] = ["rerun_with_token"]
    schedule_model.extend(schema)  # schedule: and deploy.runNow (compiler/schedule_model.py)
    for ref, (member, _) in REFERENCES.items():
        # One of the two is required, never both (cerberus waives `required` for an excluded field).
        schema[member]["excludes"] = ref
        schema[ref]["excludes"] = member
        schema[ref]["required"] = schema[member].get("required", False)
    return schema, copy.deepcopy(registry)


def _add_service_rules(schema: dict[str, Any]) -> None:
    retry = schema["retryPolicy"]["schema"]
    retry["maxAttempts"]["service"] = ["batch_only"]
    retry["maxFailedAttemptsPerHour"]["service"] = ["streaming_only"]
    schema["executionTimeoutMinutes"]["service"] = ["batch_timeout"]


@functools.lru_cache(maxsize=1)
def body_schema() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(schema, rules-set registry) of a StartJobRun request body, as ``jobspec import`` reads one.

    The model's rules and the service's (retryPolicy and mode, a JSON policy), without a
    spec's liberties: sparkSubmitParameters and the policy are strings, jobspec's own keys
    are unknown. A body relying on any of those is not one botocore would send, and
    ``compile(import(body))`` could not give it back. clientToken is optional, as it is
    for the AWS CLI and the SDKs, which fill one in (compile derives one).
    """
    body, registry = model.request_schema()
    schema = copy.deepcopy(body)
    schema["clientToken"].pop("required", None)
    policy = schema["executionIamPolicy"]["schema"]
    policy["policy"] = {**policy["policy"], "json_string": True}
    _add_service_rules(schema)
    return schema, copy.deepcopy(registry)
