"""compiler/pretty_json.py writes exactly the text of json.dumps(value, indent=2, ensure_ascii=False)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler import pretty_json

_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.sampled_from(
    ["", "\"quoted\"", "back\\slash", "tab\there", "new\nline", "\u2028", "ünïcödé", "\U0001F600", "\x00\x1f"]))
_VALUES = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=25)


@settings(max_examples=500, deadline=None)
@given(_VALUES)
def test_any_json_value_is_written_as_json_dumps_writes_it(value):
    assert pretty_json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_empty_containers_and_nesting_are_written_as_json_dumps_writes_them():
    value = {"a": {}, "b": [], "c": [{}, [[]], {"d": [1, 2.5, None, True]}], "e": float("-inf")}
    assert pretty_json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert pretty_json.dumps(value).splitlines()[:3] == ['{', '  "a": {},', '  "b": [],']


def test_keys_json_would_convert_are_left_to_json():
    value = {"job": {1: "one", None: "none", 2.5: "x", True: "yes"}}
    assert pretty_json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
