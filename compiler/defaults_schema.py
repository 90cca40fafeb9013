"""The JSON Schema of a ``_defaults.yaml`` (``jobspec schema --defaults``, schema/defaults.schema.json).

A defaults file is not a spec: it has two keys, ``defaults:`` (values shared by every
spec in its folder and below) and ``stacks:`` (per-stack overrides of those), and the
linter reads it so (compiler/lint.py, ``_load_defaults``). Each section is a partial
spec, merged key by key under the specs (compiler/document.py), so it is checked as a
spec's ``stacks.<name>`` section is: the spec schema's ``StackOverrides`` definition,
copied here so the file stands alone (an editor resolves no relative ``$ref`` between
two local schemas the same way everywhere). A ``stacks:`` inside a section is never read,
so that definition refuses it with a sentence saying where it belongs.
"""

from __future__ import annotations

import copy
from typing import Any

from compiler import jsonschema
from compiler.model import RECURSIVE

SECTION = "Section"
FILE_NAME = "defaults.schema.json"

DEFAULTS_DOC = ("Values shared by every spec in this folder and below: a partial spec, merged key by key "
                "under each spec (the spec's own values win).")
STACKS_DOC = ("Per-stack overrides of `defaults`, for the selected stack: stack name → partial spec. A spec's "
              "own values and its `stacks.<name>` section still win.")
UNKNOWN = "unknown key in a defaults file; put shared values under 'defaults:' (a defaults file has 'defaults' and 'stacks')"


def _section(spec: dict[str, Any]) -> dict[str, Any]:
    """A partial spec, as a spec's stack section is (its own ``stacks:`` refused: nothing reads it)."""
    section = copy.deepcopy(spec["definitions"][jsonschema.STACK_OVERRIDES])
    section.pop("description", None)
    return section


def defaults_json_schema() -> dict[str, Any]:
    """JSON Schema of a ``_defaults.yaml``: ``defaults:`` and ``stacks.<name>:``, each a partial spec."""
    spec = jsonschema.json_schema()
    section_ref = {"$ref": f"#/definitions/{SECTION}"}
    stacks = copy.deepcopy(spec["properties"]["stacks"])
    stacks["additionalProperties"] = section_ref
    stacks.update(description=STACKS_DOC, markdownDescription=STACKS_DOC)
    return {
        "$schema": jsonschema.DRAFT,
        "$id": f"https://jobspec.dev/schema/{FILE_NAME}",
        "title": "jobspec: a _defaults.yaml (values shared by the specs of a folder)",
        "type": "object",
        "properties": {
            "defaults": {**section_ref, "description": DEFAULTS_DOC, "markdownDescription": DEFAULTS_DOC},
            "stacks": stacks,
        },
        # In an allOf of its own, so the sentence is said for an unknown key and not for a file that is no mapping.
        "allOf": [{"properties": {"defaults": True, "stacks": True}, "additionalProperties": False,
                   "errorMessage": UNKNOWN}],
        "definitions": {RECURSIVE: spec["definitions"][RECURSIVE], SECTION: {"type": "object", **_section(spec)}},
    }
