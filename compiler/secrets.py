"""E3001: credentials written in plain text in a job spec.

Not an API constraint, so not in the cerberus schema: the StartJobRun model accepts
any string. A spec lives in git and its body in Pulumi state, so a password in a
spark conf is readable by everyone with access to either. The rule looks for:

- by shape, in any string (``compiler.secret_shapes``): AWS access key ids
  (``AKIA…``/``ASIA…``), and a 40-character AWS secret access key when a file also
  holds an access key id; Slack (``xoxb-…``) and GitHub (``ghp_…``, ``github_pat_…``)
  tokens; private keys; a JDBC URL or ODBC connection string with ``password=`` /
  ``PWD=``; a URL with a password in it (``scheme://user:password@host``);
- by name: values of keys named like a secret (``password``, ``secret``, ``token``,
  ``access.key``, ``credential``…) in ``properties``, ``conf``, ``tags`` and a
  ``sparkSubmitParameters`` mapping;
- in command lines (``entryPointArguments`` elements, ``sparkSubmitParameters`` and
  Hive ``parameters`` strings, ``properties`` and ``tags`` values): a secret-named
  ``--flag=value``, ``-Dkey=value`` or ``--conf``/``--hiveconf`` ``key=value``, and the
  value after a secret-named flag (``--password``, ``hunter2``);
- in Hive ``query`` strings: ``SET some.password=…;``.

A value that only points at a secret is fine: a Secrets Manager, SSM or KMS ARN, a
``{{resolve:…}}`` reference, a ``${VAR}`` placeholder, an ``s3://`` object, an empty
value; and so is a key or flag that names where a secret lives (``passwordSecretArn``,
``--password-file``). A value that merely looks fake (``***``, ``changeme``) is still
flagged: it stands where a real one will be written. Each finding is on the element,
property or tag that holds the credential.

PASS::

    properties:
      spark.hadoop.javax.jdo.option.ConnectionPasswordSecretArn: arn:aws:secretsmanager:us-east-1:123456789012:secret:db
    entryPointArguments: ["--password-secret", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"]
    entryPointArguments: ["--jdbc", "jdbc:postgresql://db:5432/sales?user=etl"]

FAIL::

    properties:
      spark.hadoop.javax.jdo.option.ConnectionPassword: hunter2
    entryPointArguments: ["--input", "s3://bucket/in/", "--password=hunter2"]
    entryPointArguments: ["jdbc:redshift://cluster:5439/dev?user=admin&password=Admin123456"]
    parameters: --hiveconf javax.jdo.option.ConnectionPassword=hunter2
    tags: {notify: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx}
"""

from __future__ import annotations

import functools
import re
from typing import Any

from compiler.secret_shapes import READABLE, has_access_key_id, is_reference, secret_access_key, shape

#: Matched on the name in lower case with camelCase humps split by dots (``trustStorePassword`` →
#: ``trust.store.password``), so ``dbPass`` is a secret and ``bypass`` is not.
SECRET_NAME = re.compile(r"(?<![a-z])(pass|pwd|token|passphrase|credentials?|access[._-]?key|private[._-]?key)$"
                         r"|password|passwd|secret|api[._-]?key|apikey")
#: Keys that name where a secret lives, not the secret itself.
POINTER_NAME = re.compile(r"(arn|id|provider|path|uri|url|file|name|location|class|enabled|mode|type)$")
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: What a key or flag looks like (``--password``, ``-Dx.password``, ``hiveconf:x``): no quotes, URLs or SQL.
_KEY = re.compile(r"-{0,2}[A-Za-z_][\w.:-]*")
#: A token that is the next flag rather than a flag's value.
_FLAG = re.compile(r"--?[A-Za-z]")
#: ``SET key = value`` statements of a Hive query.
_SET = re.compile(r"(?i)(?:^|;)\s*set\s+([^\s=;]+)\s*=\s*([^;\n]*)")

HOW = (f"{READABLE}; store it in AWS Secrets Manager, pass the secret's ARN, "
       "and read it in the job through its execution role")
#: Free-form maps whose keys are the user's (StartJobRun's own members, e.g. clientToken, are not);
#: a ``sparkSubmitParameters`` mapping's keys are flags (``password: x`` → ``--password x``).
#: ``conf``, ``hiveconf`` and ``hivevar`` (also spelled ``conf=``…) are the readable forms' ``--conf k=v`` entries.
FREEFORM = frozenset({"properties", "conf", "conf=", "hiveconf", "hiveconf=", "hivevar", "hivevar=", "tags",
                      "encryptionContext", "sparkSubmitParameters"})
#: Strings read as command lines: their ``key=value`` and ``--flag value`` pairs are checked.
COMMAND_STRINGS = frozenset({"sparkSubmitParameters", "parameters"})
COMMAND_ELEMENTS = FREEFORM | {"entryPointArguments"}


@functools.lru_cache(maxsize=4096)  # the same property and tag names recur in every spec of a repository
def _secret_key(key: str) -> bool:
    worded = _HUMP.sub(".", key).lower()
    return bool(SECRET_NAME.search(worded)) and not POINTER_NAME.search(worded)


def _secret_value(value: Any) -> bool:
    return isinstance(value, str) and not is_reference(value.strip("'\";,"))


def _secret_flag(token: str) -> bool:
    """``token`` is a flag (``--db-password``) whose value is a secret."""
    return token.startswith("-") and bool(_KEY.fullmatch(token)) and _secret_key(token.lstrip("-"))


def _assigned(token: str) -> str | None:
    """The key of a secret-named ``key=value`` in ``token``, looking inside values (``--conf=k=v``, ``-Dk=v``)."""
    parts = token.split("=")
    for i, key in enumerate(parts[:-1]):
        key = key.strip("'\"")
        if _KEY.fullmatch(key) and _secret_key(key.lstrip("-")):
            return key if _secret_value("=".join(parts[i + 1:])) else None
    return None


def command_secret(text: str) -> str | None:
    """The key or flag a command line (``--conf k=v --password=x``, ``--token x``) sets a secret with."""
    if "=" not in text and "-" not in text:
        return None
    tokens = text.split()
    for i, token in enumerate(tokens):
        key = _assigned(token)
        if key:
            return key
        if "=" not in token and _secret_flag(token) and i + 1 < len(tokens) \
                and not _FLAG.match(tokens[i + 1]) and _secret_value(tokens[i + 1]):
            return token
    return None


def query_secret(text: str) -> str | None:
    """The key a Hive query sets a secret with (``SET javax.jdo.option.ConnectionPassword=x;``)."""
    if "=" not in text:
        return None
    for key, value in _SET.findall(text):
        if _secret_key(key) and _secret_value(value.strip()):
            return key
    return None


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


def _in_string(path: tuple, text: str) -> str | None:
    """The message for a credential ``text`` holds by shape, or as a command line or query at ``path``."""
    message = shape(text)
    if message is None and path:
        key = None
        if path[-1] in COMMAND_STRINGS or (len(path) > 1 and path[-2] in COMMAND_ELEMENTS):
            key = command_secret(text)
        elif path[-1] == "query":
            key = query_secret(text)
        if key:
            message = f"sets {key} in plain text; {HOW}"
    return message


#: Words one of which the lower-cased text of a file holds if any of its keys or flags is secret-named
#: (``SECRET_NAME``, whose alternatives all match without the dots humps become: ``dbPass``, ``apiKey``).
_NAME_WORDS = ("pass", "pwd", "token", "credential", "secret")
_NAME_KEYS = re.compile(r"(?:api|access|private)[._-]?key")
#: Substrings without one of which ``shape`` finds nothing (looser than its patterns, never stricter).
_SHAPE_HINTS = ("xox", "xapp-", "github_pat_", "PRIVATE KEY-----", "AKIA", "ASIA", "AIDA", "AROA")
_GITHUB_HINT = re.compile(r"gh[pousr]_")


def could_hold(text: str) -> bool:
    """Whether a file's text may hold a credential ``find`` reports; False only when it cannot.

    Most spec files hold none of the words a finding needs, and a few substring tests
    of the whole text cost far less than trying every string of it (``find`` is the
    largest part of lint after parsing). Every string, key and flag ``find`` reads is
    written in the text as is, except through an escape of a double-quoted scalar
    (``"pa\\u0073s"``): a text with a backslash is always scanned.
    """
    # Substring tests (``in``) and not one regular expression of alternatives: 10× faster on a spec.
    if "\\" in text or any(hint in text for hint in _SHAPE_HINTS) or ("://" in text and "@" in text):
        return True
    if "gh" in text and _GITHUB_HINT.search(text):
        return True
    lower = text.lower()
    return any(word in lower for word in _NAME_WORDS) or ("key" in lower and _NAME_KEYS.search(lower) is not None)


def find(data: Any) -> list[tuple[tuple, str]]:
    """(path, message) for every plain-text credential in ``data`` (a spec, a file, a body)."""
    found: dict[tuple, str] = {}
    strings, maps = _walk(data)
    key_id = False
    for path, text in strings:
        message = _in_string(path, text)
        if message:  # a string with an access key id always has a message
            found[path] = message
            key_id = key_id or has_access_key_id(text)
    if key_id:  # a secret access key is 40 characters like many others: only beside its key id
        for path, text in strings:
            message = None if path in found else secret_access_key(text)
            if message:
                found[path] = message
    for path, mapping in maps:
        if path and path[-1] in FREEFORM:
            for key, value in mapping.items():
                if isinstance(key, str) and _secret_key(key) and _secret_value(value):
                    found.setdefault(path + (key,), f"{key} is a credential in plain text; {HOW}")
        args = mapping.get("entryPointArguments")
        if isinstance(args, list):
            for i in range(len(args) - 1):
                flag, value = args[i], args[i + 1]
                if isinstance(flag, str) and _secret_flag(flag) and isinstance(value, str) \
                        and not _FLAG.match(value) and _secret_value(value):
                    found.setdefault(path + ("entryPointArguments", i + 1),
                                     f"follows {flag}: a credential in plain text; {HOW}")
    return sorted(found.items(), key=lambda item: [str(p) for p in item[0]])
