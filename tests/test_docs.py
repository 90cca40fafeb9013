"""docs/reference.md is generated from the schema; a stale copy fails here."""

from tools.gen_docs import OUT, render


def test_reference_is_generated_from_the_current_schema():
    assert OUT.read_text() == render(), "run `make docs` and commit docs/reference.md"


def test_reference_lists_every_rule_id_and_every_top_level_member():
    from compiler.model import member_order
    from compiler.rules import RULES
    text = OUT.read_text()
    for rule in RULES:
        assert f"| {rule} |" in text
    for member in member_order():
        assert f"| `{member}` |" in text
