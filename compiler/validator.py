"""The cerberus Validator that carries jobspec's custom rules.

Custom rules follow cerberus' convention (``_validate_<rule>``, documented by a
docstring that is itself a cerberus schema for the rule's constraint), so the
schema stays a plain cerberus schema and the rules stay in one place.
"""

from __future__ import annotations

import json
from typing import Any

import cerberus
from cerberus.errors import ErrorDefinition, ValidationError

from compiler import service_rules, sugar
from compiler.patterns import first_non_json, full_match

# Our rules' error codes, so a finding knows which rule failed (custom string
# errors would lose it). Codes 0x51+ are unused by cerberus (0x80+ mean group errors).
PATTERN = ErrorDefinition(0x51, "pattern")
EXACTLY_ONE_OF = ErrorDefinition(0x52, "exactly_one_of")
JSON_STRING = ErrorDefinition(0x53, "json_string")
JSON_VALUE = ErrorDefinition(0x54, "json_value")
COMPILES_TO = ErrorDefinition(0x55, "compiles_to")
NOWHITESPACE = ErrorDefinition(0x56, "nowhitespace")
SERVICE = ErrorDefinition(0x57, "service")
FLAG_FORM = ErrorDefinition(0x58, "flag_form")

class SpecValidator(cerberus.Validator):
    """Validator for job specs; the custom rules are listed by cerberus from the methods below.

    Every custom error carries a message as its first info item.
    """

    # cerberus counts booleans as integers (bool is an int subclass in Python);
    # the API does not, and `executionTimeoutMinutes: yes` must not pass as 1.
    types_mapping = {
        **cerberus.Validator.types_mapping,
        "integer": cerberus.TypeDefinition("integer", (int,), (bool,)),
    }

    def _validate_pattern(self, pattern: str, field: str, value: Any) -> None:
        """Full-match of a string against the AWS model pattern.

        The rule's arguments are validated against this schema:
        {'type': 'string'}
        """
        if isinstance(value, str) and not full_match(pattern, value):
            self._error(field, PATTERN, "does not match the pattern " + pattern)

    def _validate_exactly_one_of(self, members: list[str], field: str, value: Any) -> None:
        """A union: exactly one of ``members`` is present.

        The rule's arguments are validated against this schema:
        {'type': 'list'}
        """
        if not isinstance(value, dict):
            return
        present = [m for m in members if m in value]
        if len(present) != 1:
            shown = ", ".join(present) if present else "none"
            self._error(field, EXACTLY_ONE_OF, f"must have exactly one of {', '.join(members)} (has: {shown})")

    def _validate_json_string(self, enabled: bool, field: str, value: Any) -> None:
        """A string that must hold a JSON document (an IAM policy).

        The rule's arguments are validated against this schema:
        {'type': 'boolean'}
        """
        if enabled and isinstance(value, str):
            try:
                json.loads(value)
            except ValueError as exc:
                self._error(field, JSON_STRING, f"is not valid JSON: {exc}")

    def _validate_compiles_to(self, rules: dict[str, Any], field: str, value: Any) -> None:
        """Sugar written as a mapping must compile to a string the model accepts.

        The rule's arguments are validated against this schema:
        {'type': 'dict'}
        """
        if not isinstance(value, dict):
            return
        try:
            text = sugar.compile_value(rules["sugar"], value)
        except sugar.SugarError as exc:
            if exc.path:  # one entry of the mapping has no string form: say so at that entry
                path = self.document_path + (field, *exc.path)
                entry = ValidationError(path, self.schema_path + (field, "compiles_to"), FLAG_FORM.code,
                                        FLAG_FORM.rule, rules, value[exc.path[0]], (str(exc),))
                self._error([entry])
            else:
                self._error(field, COMPILES_TO, str(exc))
            return
        except TypeError:
            return  # a value of the wrong type (`num-executors: 4`): the mapping's own rules report it
        if "minlength" in rules and len(text) < rules["minlength"]:
            self._error(field, COMPILES_TO, f"compiles to {len(text)} characters, under the minimum of {rules['minlength']}")
        if "maxlength" in rules and len(text) > rules["maxlength"]:
            self._error(field, COMPILES_TO, f"compiles to {len(text)} characters, over the maximum of {rules['maxlength']}")
        if "pattern" in rules and not full_match(rules["pattern"], text):
            self._error(field, COMPILES_TO, "compiles to a string that does not match the pattern " + rules["pattern"])

    def _validate_nowhitespace(self, member: bool | str, field: str, value: Any) -> None:
        """A flag value of a flags mapping; the service splits parameters on whitespace.

        ``member`` is the sugared member's name (True means sparkSubmitParameters).

        The rule's arguments are validated against this schema:
        {'type': ['boolean', 'string']}
        """
        if member and isinstance(value, str) and sugar.has_whitespace(value):
            name = member if isinstance(member, str) else sugar.SPARK
            self._error(field, NOWHITESPACE, "contains whitespace, which the mapping form cannot quote; "
                               f"write {name} as one string instead")

    def _validate_json_value(self, enabled: bool, field: str, value: Any) -> None:
        """A mapping that must be plain JSON data (strings, numbers, booleans, null, lists, mappings).

        The rule's arguments are validated against this schema:
        {'type': 'boolean'}
        """
        if not enabled or not isinstance(value, dict):
            return
        bad = first_non_json(value, ())
        if bad is not None:
            where, item = bad
            self._error(field, JSON_VALUE, f"{'.'.join(where)} is a {type(item).__name__}, not JSON data; quote it")

    def _validate_service(self, names: list[str], field: str, value: Any) -> None:
        """The service's documented rules that depend on other fields (see compiler.service_rules).

        The rule's arguments are validated against this schema:
        {'type': 'list'}
        """
        for name in names:
            rule = service_rules.RULES[name]
            if not rule.holds(value, self.root_document):
                self._error(field, SERVICE, rule.message(value, self.root_document), rule.rule_id)
