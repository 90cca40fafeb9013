"""compiler/loader.py reads YAML values as PyYAML's safe loader does, keeping positions."""

from __future__ import annotations

import datetime

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler import loader

EVERY_KIND = """\
plain: text
quoted: "yes"
single: 'null'
booleans: [yes, No, TRUE, off, On, y, n]
numbers: [0, -1, +2, 0x1F, 0o17, 1_000, 3.5, -.inf, .NaN, 6.02e+23, 0b101, 1:30]
nulls: [~, null, Null, ""]
empty:
timestamps: [2024-06-01, 2024-06-01 10:00:00, 2024-06-01T10:00:00Z]
merge:
  <<: {a: 1}
  b: 2
literal: |
  SELECT 1
nested: {list: [a, {b: [c]}]}
"""


def _same(a, b) -> bool:
    """Equal, NaN included, and of the same types (True is not 1 here)."""
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def test_every_kind_of_scalar_is_read_as_the_safe_loader_reads_it():
    data = loader.parse("every.yaml", EVERY_KIND).data
    assert _same(data, yaml.safe_load(EVERY_KIND))
    assert data["booleans"] == [True, False, True, False, True, "y", "n"]
    assert data["timestamps"][0] == datetime.date(2024, 6, 1)
    assert data["empty"] is None and data["merge"] == {"a": 1, "b": 2}


def test_values_keep_their_positions():
    source = loader.parse("every.yaml", EVERY_KIND)
    key, value = loader.node_at(source.root, ("nested", "list", 1, "b", 0))
    assert (value.start_mark.line + 1, value.start_mark.column + 1) == (14, 25)
    key, value = loader.node_at(source.root, ("numbers",))
    assert (key.start_mark.line + 1, key.start_mark.column + 1) == (5, 1)


# Text that YAML may read as another type: the cases a shortcut in resolving tags would get wrong.
_LOOKALIKES = st.sampled_from(["yes", "No", "on", "OFF", "~", "null", "", "1", "-0", "0x1F", "1_0", "1:30", ".5",
                               "-.inf", ".nan", "2024-06-01", "2024-06-01 10:00:00", "=", "<<", "!x", "&a", "*a",
                               "True", "y", "1e3", "+1", "0o7", "0b1", "text"])
_SCALARS = st.one_of(_LOOKALIKES, st.text(max_size=6), st.integers(), st.floats(allow_nan=False), st.booleans(),
                     st.none())
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_LOOKALIKES | st.text(max_size=4), inner, max_size=4)), max_leaves=12)


def _tags(node: yaml.Node) -> list:
    """Every node's tag and scalar text, depth first."""
    if isinstance(node, yaml.ScalarNode):
        return [(node.tag, node.value)]
    items = [x for pair in node.value for x in pair] if isinstance(node, yaml.MappingNode) else node.value
    return [node.tag] + [t for item in items for t in _tags(item)]


@settings(max_examples=300, deadline=None)
@given(value=_VALUES, style=st.sampled_from([None, '"', "'"]), flow=st.booleans())
def test_every_node_gets_the_tag_pyyaml_gives_it(value, style, flow):
    text = yaml.safe_dump({"v": value}, default_style=style, default_flow_style=flow, allow_unicode=True)
    # As a person writes it, too: the dumper quotes every lookalike, a person does not.
    plain = yaml.safe_dump({"v": value}, default_flow_style=flow, allow_unicode=True).replace("'", "")
    for candidate in (text, plain):
        try:
            expected = _tags(yaml.compose(candidate, Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            continue
        assert _tags(yaml.compose(candidate, Loader=loader._Loader)) == expected, candidate
