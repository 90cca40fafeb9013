"""Credentials known by their shape, in any string of a spec (half of E3001; see ``compiler.secrets``).

A token or a password in a URL is a credential whatever key or flag it is written under,
so these are looked for in every string. ``shape`` runs on every string of every file
``jobspec lint`` reads: each pattern is tried only after a substring test that almost
every string fails (``"://"``, ``"xox"``, ``"="``…), and each is anchored on a character
class boundary so that a long string costs one linear pass. A message never repeats
the secret, only what kind it is (its prefix at most).
"""

from __future__ import annotations

import re

READABLE = "it would be readable in git and in Pulumi state"
_REVOKE = ("revoke it (it is readable in git and in Pulumi state), store the new one in AWS Secrets Manager, "
           "pass the secret's ARN, and read it in the job through its execution role")
_AWS = "a job gets AWS credentials from its executionRoleArn, never from keys in the spec"

ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}(?![A-Z0-9])")
#: 40 base64 characters with a digit, a lower- and an upper-case letter (so no path, word or hex digest).
SECRET_ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[0-9])(?=[A-Za-z0-9/+]{0,39}[a-z])"
                               r"(?=[A-Za-z0-9/+]{0,39}[A-Z])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
#: Slack: xoxb-/xoxp-/xoxa-/xoxo-/xoxs-/xoxr-/xoxe- and app-level xapp- tokens (a numeric part first).
SLACK = re.compile(r"(?<![A-Za-z0-9])(xox[abposre]-|xapp-)[0-9]+-[0-9A-Za-z][0-9A-Za-z-]*")
#: GitHub: classic tokens (ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server,
#: ghr_ refresh) and fine-grained personal access tokens (github_pat_).
GITHUB = re.compile(r"(?<![A-Za-z0-9_])(?:(gh[pousr]_)[A-Za-z0-9]{30,}|(github_pat_)[A-Za-z0-9_]{30,})")
#: A password parameter of a JDBC URL (``?``/``&``/``;`` separated) or an ODBC / ADO.NET connection string.
CONNECTION = re.compile(r"(?i)[?&;]\s*(password|pwd|passwd)\s*=\s*([^&;\s'\"]*)")
#: ``scheme://user:password@host`` (the user may be empty: ``redis://:password@host``).
USERINFO = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:?#]*:([^\s/@?#]+)@")
#: Values that point at a secret instead of holding one: a Secrets Manager, SSM or KMS ARN, a
#: CloudFormation dynamic reference, a ``${VAR}`` or ``$VAR`` placeholder, an S3 object, nothing.
REFERENCE = re.compile(r"^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\$\{|\$[A-Za-z_]\w*$|s3://|$)")


def is_reference(value: str) -> bool:
    return bool(REFERENCE.match(value.strip()))


def shape(text: str) -> str | None:
    """The E3001 message for the first credential ``text`` holds by its shape, else None."""
    if "xox" in text or "xapp-" in text:
        match = SLACK.search(text)
        if match:
            return f"holds a Slack token ({match.group(1)}…): {_REVOKE}"
    if "_" in text and ("gh" in text or "github_pat_" in text):  # "github" itself has no "gh"
        match = GITHUB.search(text)
        if match:
            return f"holds a GitHub token ({match.group(1) or match.group(2)}…): {_REVOKE}"
    if "PRIVATE KEY-----" in text:
        return f"holds a private key (BEGIN … PRIVATE KEY): {_REVOKE}"
    if has_access_key_id(text):
        return f"holds an AWS access key id; {_AWS}"
    if "=" in text:
        for match in CONNECTION.finditer(text):
            if not is_reference(match.group(2)):
                return (f"holds a connection string with its password ({match.group(1)}=…) in plain text; "
                        f"{READABLE}; store the password in AWS Secrets Manager and read it in the job through "
                        "its execution role, or connect with IAM database authentication")
    if "://" in text and "@" in text:
        for match in USERINFO.finditer(text):
            if not is_reference(match.group(1)):
                return (f"holds a URL with a password in it (user:password@host); {READABLE}; keep only the user "
                        "in the URL, store the password in AWS Secrets Manager and read it in the job through "
                        "its execution role")
    return None


def has_access_key_id(text: str) -> bool:
    return "A" in text and bool(ACCESS_KEY_ID.search(text))


def secret_access_key(text: str) -> str | None:
    """The message for a string holding an AWS secret access key; only asked beside an access key id."""
    if len(text) >= 40 and SECRET_ACCESS_KEY.search(text):
        return f"holds an AWS secret access key (40 characters beside an AWS access key id): " \
               f"deactivate the key pair in IAM; {_AWS}"
    return None
