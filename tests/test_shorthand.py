"""compiler.shorthand parses the AWS CLI's shorthand syntax exactly as the CLI does.

The reference is the CLI's own code (``awscli.shorthand``, a test dependency): the same
dict for every value it accepts, an error at the same index for every value it refuses.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, strategies as st

from awsclikit import cli_shorthand as cli
from compiler import shorthand
from compiler.model import input_shape
from compiler.shapes import input_shape as light_input_shape


def ours(value: str) -> Any:
    try:
        return shorthand.Parser().parse(value)
    except shorthand.ShorthandError as exc:
        return ("error", exc.index)


def theirs(value: str) -> Any:
    try:
        return cli.ShorthandParser().parse(value)
    except cli.ShorthandParseError as exc:
        return ("error", exc.index)


@pytest.mark.parametrize("value, parsed", [
    ("k=v,k2=v2", {"k": "v", "k2": "v2"}),
    ("k=a,b", {"k": ["a", "b"]}),
    ("a=b,c,d=e", {"a": ["b", "c"], "d": "e"}),
    ("k=[a,b],m={x=1,y=[p,q]}", {"k": ["a", "b"], "m": {"x": "1", "y": ["p", "q"]}}),
    (r"k=a\,b", {"k": "a,b"}),
    ("k='a,b',j=\"c=d\"", {"k": "a,b", "j": "c=d"}),
    ("k='it\\'s'", {"k": "it's"}),
    ("k = v , j = w ", {"k": "v", "j": "w"}),
    ("k=", {"k": ""}),
    ("s3:uri=s3://b/k,a.b#c/d-e_f=1", {"s3:uri": "s3://b/k", "a.b#c/d-e_f": "1"}),
    ("k=[]", {"k": []}),
    ("k={}", {"k": {}}),
])
def test_values_parse_as_the_cli_parses_them(value, parsed):
    assert ours(value) == parsed == theirs(value)


@pytest.mark.parametrize("value, index, message", [
    ("k", 1, "expected '=', found the end of the value"),
    ("k=v,k=w", 4, "second 'k' key: a ',' where a space was meant?"),
    ("k=[a,b", 6, "expected ',', found the end of the value"),
    ("k={a=[1] b=2}", 9, "expected ',', found 'b'"),
    ("k='abc", 2, "expected a single quoted value, found \"'\""),
    ("k=v,", 4, "expected a second value, found the end of the value"),
])
def test_errors_are_at_the_index_the_cli_reports(value, index, message):
    with pytest.raises(shorthand.ShorthandError) as error:
        shorthand.Parser().parse(value)
    assert (error.value.index, error.value.message) == (index, message)
    assert theirs(value) == ("error", index)


def test_a_file_value_is_read_only_after_at_equals():
    read = []
    parser = shorthand.Parser(lambda value, index: read.append((value, index)) or "CONTENT")
    assert parser.parse("a=file://x,b@=file://y") == {"a": "file://x", "b": "CONTENT"}
    assert read == [("file://y", 14)]


@pytest.mark.parametrize("member, value", [
    ("retryPolicy", "maxAttempts=2,maxFailedAttemptsPerHour=07"),
    ("flexExecution", "enabled=TRUE"),
    ("flexExecution", "enabled=yes"),
    ("jobDriver", "sparkSubmit={entryPoint=s3://b/x.py,entryPointArguments=one}"),
    ("jobDriver", "hive={query=SELECT 1,parameters=--x}"),
    ("executionIamPolicy", "policyArns=arn:aws:iam::aws:policy/A"),
    ("configurationOverrides", "applicationConfiguration={classification=spark-defaults,properties={a=1},"
                               "configurations=[{classification=x}]},monitoringConfiguration={"
                               "cloudWatchLoggingConfiguration={enabled=false,logTypes={SPARK_DRIVER=STDOUT}}}"),
    ("tags", "a=1,b=2"),
    ("tags", "a=1,2"),
])
def test_the_model_turns_values_into_lists_numbers_and_booleans_as_the_cli_does(member, value):
    expected = cli.ShorthandParser().parse(value)
    cli.BackCompatVisitor().visit(expected, input_shape().members[member])
    assert shorthand.apply_model(shorthand.Parser().parse(value), light_input_shape().members[member]) == expected


def test_a_number_that_is_not_one_names_the_member():
    with pytest.raises(ValueError) as error:
        shorthand.apply_model({"maxAttempts": "two"}, light_input_shape().members["retryPolicy"])
    assert str(error.value) == "maxAttempts takes an integer, not 'two'"


# -- generated values ---------------------------------------------------------------------------------------------

_scalar = st.one_of(st.text(alphabet="ab1 -./:_", min_size=1, max_size=6),
                    st.text(alphabet="ab ,='\\", max_size=6).map(lambda s: "'" + s.replace("'", "\\'") + "'"),
                    st.text(alphabet="ab ,=\"", max_size=6).map(lambda s: '"' + s.replace('"', '\\"') + '"'),
                    st.just("a\\,b"))
_key = st.text(alphabet="abK-_.#/:", min_size=1, max_size=4)


def _value(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        _scalar,
        st.lists(_scalar, min_size=2, max_size=3).map(",".join),
        st.lists(inner, max_size=3).map(lambda items: "[" + ",".join(items) + "]"),
        st.lists(st.tuples(_key, inner), max_size=3).map(lambda kv: "{" + ",".join(f"{k}={v}" for k, v in kv) + "}"))


_values = st.recursive(_scalar, _value, max_leaves=8)
_shorthand = st.lists(st.tuples(_key, _values, st.sampled_from(["", " "])), min_size=1, max_size=4).map(
    lambda kvs: ",".join(f"{k}{s}={s}{v}" for k, v, s in kvs))


@given(_shorthand)
def test_generated_shorthand_parses_as_the_cli_parses_it(value):
    assert ours(value) == theirs(value)


@given(st.text(alphabet="ab=,[]{}'\"\\ @:/.", max_size=24))
def test_any_text_is_parsed_or_refused_as_the_cli_does(value):
    assert ours(value) == theirs(value)
