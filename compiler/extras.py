"""The optional parts of jobspec: which command needs which extra, and the sentence saying so.

``pip install jobspec`` is the command line alone (lint, compile, import, diff, schema,
stacks: YAML, cerberus, botocore's model, rich). The Pulumi program (``providers``) and
``jobspec recover``, which drives it, need the ``pulumi`` extra; stacks that declare
applications or roles need ``aws`` (README "Install"). A command run without its extra
says which one to install rather than ending in an ``ImportError`` traceback.
"""

from __future__ import annotations

import importlib.util

#: The top-level modules each extra brings.
EXTRAS: dict[str, tuple[str, ...]] = {
    "pulumi": ("pulumi",),
    "aws": ("pulumi", "pulumi_aws"),
}


def missing(extra: str) -> tuple[str, ...]:
    """The modules of ``extra`` that are not installed (found without importing them)."""
    return tuple(name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None)


def needs_extra(command: str, extra: str = "pulumi") -> str | None:
    """The sentence for ``jobspec COMMAND`` when ``extra`` is not installed, else None."""
    if not missing(extra):
        return None
    return f"jobspec {command} needs the Pulumi extra: pip install 'jobspec[{extra}]'"
