"""E3001: credentials written in plain text in a job spec.

Not an API constraint, so not in the cerberus schema: the StartJobRun model accepts
any string. A spec lives in git and its body in Pulumi state, so a password in a
spark conf is readable by everyone with access to either. The rule looks for:

- AWS access key ids (``AKIA…``/``ASIA…``) anywhere;
- values of keys named like a secret (``password``, ``secret``, ``token``,
  ``access.key``, ``credential``…) in ``properties``, ``--conf k=v``,
  ``--hiveconf k=v``, ``--hivevar k=v`` (also ``--conf=k=v``, and the readable
  forms' ``conf``/``hiveconf``/``hivevar`` mappings) and ``tags``;
- the argument after a ``--password``-like flag in ``entryPointArguments``.

PASS::

    properties:
      spark.hadoop.javax.jdo.option.ConnectionPasswordSecretArn: arn:aws:secretsmanager:us-east-1:123456789012:secret:db

FAIL::

    properties:
      spark.hadoop.javax.jdo.option.ConnectionPassword: hunter2
"""

from __future__ import annotations

import re
from typing import Any

ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])")
SECRET_NAME = re.compile(r"(?i)(pass(word|wd)?|pwd|secret|token|credential|access[._-]?key|private[._-]?key)$"
                         r"|(password|secret[._-]?key|secret[._-]?access|access[._-]?key[._-]?id|api[._-]?key)")
#: Values that point at a secret instead of holding one.
REFERENCE = re.compile(r"^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\$\{|s3://|$)")
#: Keys that name where a secret lives, not the secret itself.
POINTER_NAME = re.compile(r"(?i)(arn|id|provider|path|uri|url|file|name|location|class|enabled|mode|type)$")
_KV = re.compile(r"(?:--conf|--hiveconf|--hivevar)(?:\s+|=)([^\s=]+)=(\S*)")

HOW = ("it would be readable in git and in Pulumi state; store it in AWS Secrets Manager, "
       "pass the secret's ARN, and read it in the job through its execution role")


def _secret_key(key: str) -> bool:
    return bool(SECRET_NAME.search(key)) and not POINTER_NAME.search(key)


def _secret_value(value: Any) -> bool:
    return isinstance(value, str) and not REFERENCE.match(value.strip())


def _walk(data: Any) -> tuple[list[tuple[tuple, str]], list[tuple[tuple, dict]]]:
    """Every string and every mapping in ``data`` with its path (one pass, no recursion)."""
    strings: list[tuple[tuple, str]] = []
    maps: list[tuple[tuple, dict]] = []
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            strings.append((path, value))
        elif isinstance(value, dict):
            maps.append((path, value))
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))
    return strings, maps


#: Free-form maps whose keys are the user's (StartJobRun's own members, e.g. clientToken, are not).
#: ``conf``, ``hiveconf`` and ``hivevar`` (also spelled ``conf=``…) are the readable forms' ``--conf k=v`` entries.
FREEFORM = frozenset({"properties", "conf", "conf=", "hiveconf", "hiveconf=", "hivevar", "hivevar=", "tags",
                      "encryptionContext"})


def find(data: Any) -> list[tuple[tuple, str]]:
    """(path, message) for every plain-text credential in ``data`` (a spec, a file, a body)."""
    found: dict[tuple, str] = {}
    strings, maps = _walk(data)
    for path, text in strings:
        if ACCESS_KEY_ID.search(text):
            found[path] = ("holds an AWS access key id; a job gets AWS credentials from its executionRoleArn, "
                           "never from keys in the spec")
        if "--" in text:
            for key, value in _KV.findall(text):
                if _secret_key(key) and _secret_value(value):
                    found.setdefault(path, f"sets {key} in plain text; {HOW}")
    for path, mapping in maps:
        if path and path[-1] in FREEFORM:
            for key, value in mapping.items():
                if isinstance(key, str) and _secret_key(key) and _secret_value(value):
                    found.setdefault(path + (key,), f"{key} is a credential in plain text; {HOW}")
        args = mapping.get("entryPointArguments")
        if isinstance(args, list):
            for i in range(len(args) - 1):
                flag, value = args[i], args[i + 1]
                if isinstance(flag, str) and flag.startswith("-") and _secret_key(flag.lstrip("-")) \
                        and _secret_value(value):
                    found.setdefault(path + ("entryPointArguments", i + 1),
                                     f"follows {flag}: a credential in plain text; {HOW}")
    return sorted(found.items(), key=lambda item: [str(p) for p in item[0]])
