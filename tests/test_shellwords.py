"""compiler.shellwords: the words of a command file are the ones bash passes to `aws`.

The reference is bash itself (tests/awsclikit.py runs the text with an `aws` function that
prints its arguments); shlex is checked where it agrees with the shell.
"""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, strategies as st

from awsclikit import bash_commands
from compiler import shellwords


def words(text: str, variables: dict[str, str] | None = None) -> list[list[str]]:
    """The arguments of each ``aws`` command (what bash_commands sees)."""
    script = shellwords.split(text, variables)
    return [[w.text for w in c.words[1:]] for c in script.commands if c.words[0].text == "aws"]


def issues(text: str, variables: dict[str, str] | None = None) -> list[tuple[tuple[int, int], str, str]]:
    script = shellwords.split(text, variables)
    return [(shellwords.position(text, i.offset), i.text, i.message)
            for c in script.commands for w in c.words for i in w.issues]


@pytest.mark.parametrize("text", [
    pytest.param("aws a 'b c' \"d e\" f\\ g\n", id="quotes and an escaped blank"),
    pytest.param("aws --name a \\\n  --mode BATCH\n", id="line continuation"),
    pytest.param("# a comment\naws a # the rest is a comment\n", id="comments"),
    pytest.param("aws a#b 'x'#y\n", id="# inside a word is not a comment"),
    pytest.param("aws \"q\\$r\\\"s\\t\\\\\"\n", id="backslash in double quotes escapes only $ ` \" \\"),
    pytest.param("aws \"a\\\nb\" 'c\\\nd'\n", id="backslash-newline in double and single quotes"),
    pytest.param("aws '' \"\" a''b\n", id="empty quoted words are words"),
    pytest.param("aws --job-driver '{\"sparkSubmit\": {\"entryPoint\": \"s3://b/x.py\"}}'\n", id="JSON in quotes"),
    pytest.param("aws '$X' \"$X\" $X x${X}y \\$X\n", id="variables: literal in single quotes, split when bare"),
    pytest.param("aws $EMPTY \"$EMPTY\" x$EMPTY\n", id="an empty bare variable is no word"),
    pytest.param("aws ${UNSET:-dflt} ${UNSET-d2} ${X:-unused}\n", id="defaults"),
    pytest.param("A=1\nexport B=\"$A 2\"\naws $A \"$B\"\n", id="assignment lines"),
    pytest.param("aws $\"x\" a$ $ '$'\n", id="a lone $ is a dollar sign"),
    pytest.param("aws a\\\n", id="trailing backslash-newline"),
])
def test_words_are_the_ones_bash_passes(text):
    env = {"X": "v1  v2", "EMPTY": ""}
    assert words(text, env) == bash_commands(text, env)


def test_a_variable_before_a_command_is_that_commands_environment_not_a_variable_line():
    text = "A=1 true\naws \"$A\"\n"
    assert bash_commands(text) == [[""]]
    assert issues(text) == [((2, 6), "$A", "shell variable $A is not set; pass --var A=VALUE")]


@pytest.mark.parametrize("text, found", [
    ("aws $APP_ID", [((1, 5), "$APP_ID", "shell variable $APP_ID is not set; pass --var APP_ID=VALUE")]),
    ("aws \\\n  \"x${APP_ID}\"", [((2, 5), "${APP_ID}", "shell variable ${APP_ID} is not set; pass --var APP_ID=VALUE")]),
    ("aws x$(date +%s)y", [((1, 6), "$(date +%s)", "command substitution $(date +%s) is not run by jobspec; "
                                                   "write its output in its place")]),
    ("aws \"`whoami`\"", [((1, 6), "`whoami`", "command substitution `whoami` is not run by jobspec; "
                                               "write its output in its place")]),
    ("aws $((1+2))", [((1, 5), "$((1+2))", "arithmetic $((1+2)) is not evaluated by jobspec; write the number")]),
    ("aws $1", [((1, 5), "$1", "shell parameter $1 has no value in a command file; write the value in its place")]),
    ("aws ${X#a}", [((1, 5), "${X#a}", "shell expansion ${X#a} is not supported; write the value in its place")]),
    ("aws $'a\\tb'", [((1, 5), "$'a\\tb'", "ANSI-C quoting $'a\\tb' is not supported; "
                                           "write the value in '...' quotes")]),
    ("aws ~/x", [((1, 5), "~", "~ is the home folder of whoever runs the command; write the path out")]),
    ("aws '$NOT' \"\\$NOT\" a~", []),
])
def test_what_the_file_alone_does_not_decide_is_an_issue_at_its_position(text, found):
    assert issues(text) == found


def test_an_unset_variable_keeps_its_text_in_the_word():
    assert words("aws --name \"job-$RUN\"") == [["--name", "job-$RUN"]]


def test_a_given_value_wins_over_an_assignment_line():
    assert words("A=file\naws $A", {"A": "given"}) == [["given"]]


def test_issues_of_an_assigned_value_travel_to_where_it_is_used():
    text = "A=$(date)\naws $A"
    used = shellwords.split(text).commands[1].words[1]
    assert [(shellwords.position(text, i.offset), i.text) for i in used.issues] == [((1, 3), "$(date)")]


@pytest.mark.parametrize("text, what", [
    ("aws a | jq .", [((1, 7), "|")]),
    ("aws a && echo done", [((1, 7), "&&")]),
    ("aws a > out.json 2>&1", [((1, 7), ">"), ((1, 19), ">&")]),
    ("(aws a)", [((1, 1), "("), ((1, 7), ")")]),
    ("aws a; aws b\n", []),
])
def test_operators_other_than_a_newline_or_semicolon_are_recorded(text, what):
    script = shellwords.split(text)
    assert [(shellwords.position(text, op.offset), op.text) for op in script.operators] == what


def test_commands_end_at_a_newline_or_semicolon():
    assert words("aws a; aws b\naws c\n") == [["a"], ["b"], ["c"]]


@pytest.mark.parametrize("text, where, message", [
    ("aws 'abc", (1, 5), "this ' quote is never closed"),
    ("aws \\\n  \"abc", (2, 3), 'this " quote is never closed'),
    ("aws ${abc", (1, 5), "this ${ is never closed"),
    ("aws --tags {a=1,b=2}", (1, 12), "bash expands this unquoted {…,…} into several words; put the value in '...' quotes"),
    ("aws --tags {\"a\":\"1\",\"b\":\"2\"}", (1, 12), "bash expands this unquoted {…,…} into several words; "
                                                   "put the value in '...' quotes"),
])
def test_syntax_bash_would_not_read_as_one_value(text, where, message):
    script = shellwords.split(text)
    assert [(shellwords.position(text, s.offset), s.message) for s in script.syntax] == [(where, message)]


def test_brace_expansion_is_what_bash_does_with_an_unquoted_shorthand_structure():
    text = "aws --job-driver sparkSubmit={entryPoint=s3://b/x.py,entryPointArguments=[a]}"
    assert bash_commands(text) == [["--job-driver", "sparkSubmit=entryPoint=s3://b/x.py",
                                    "sparkSubmit=entryPointArguments=[a]"]]


def test_a_single_item_in_braces_is_not_brace_expanded():
    text = "aws --job-driver sparkSubmit={entryPoint=s3://b/x.py}"
    assert shellwords.split(text).syntax == [] and words(text) == bash_commands(text)


def test_every_character_of_a_word_knows_its_line_and_column():
    text = "aws \\\n  --name 'a\nb'\"$X\"c"
    word = shellwords.split(text, {"X": "xyz"}).commands[0].words[2]
    assert word.text == "a\nbxyzc"
    assert [shellwords.position(text, word.offset(k)) for k in range(len(word.text) + 1)] == [
        (2, 11), (2, 12), (3, 1), (3, 4), (3, 4), (3, 4), (3, 7), (3, 8)]


# -- generated texts ----------------------------------------------------------------------------------------------

_bare = st.text(alphabet="abcXYZ09_-=:/.,@%+*?[]", min_size=1, max_size=6)
_single = st.text(alphabet="ab $\\\"#\n{},*", max_size=6).map(lambda s: f"'{s}'")
_double = st.lists(st.sampled_from(["a", " ", "\\$", "\\\\", '\\"', "\\x", "#", "'", "$X ", "${X}", "${U:-d}", "\\\n"]),
                   max_size=5).map(lambda parts: '"' + "".join(parts) + '"')
_part = st.one_of(_bare, _single, _double, st.sampled_from(["a#b", "$X''", "${X}", "\\ ", "\\'", "\\\n", "$U''", "${U-e}"]))
_word = st.lists(_part, min_size=1, max_size=4).map("".join)
_gap = st.sampled_from([" ", "  ", "\t", " \\\n  "])


@given(st.lists(st.tuples(_word, _gap), min_size=1, max_size=6), st.sampled_from(["", "\n", " # note", "# not a note"]))
def test_generated_commands_split_as_bash_splits_them(pairs, end):
    text = "aws " + "".join(w + g for w, g in pairs) + end
    env = {"X": "p q", "U": ""}
    script = shellwords.split(text, env)
    assert script.syntax == [] and [i for c in script.commands for w in c.words for i in w.issues] == []
    assert words(text, env) == bash_commands(text, env)


# shlex (posix, comments) is the shell but for a # inside a word (a comment to shlex), a backslash in double
# quotes (kept before $), a backslash-newline (a newline in the word to shlex, nothing to bash) and expansions
_plain = st.text(alphabet="abc XYZ\t-=:/.,@%+\n", min_size=1, max_size=8)
_shlex_part = st.one_of(_plain, st.text(alphabet="ab #\"\\$\n", max_size=5).map(lambda s: f"'{s}'"),
                        st.text(alphabet="ab #'\n", max_size=5).map(lambda s: f'"{s}"'),
                        st.sampled_from([" # a comment\n", "\\ ", "\\'"]))


@given(st.lists(_shlex_part, min_size=1, max_size=8).map("".join))
def test_where_shlex_is_the_shell_the_words_are_shlexs(text):
    assert [w.text for c in shellwords.split(text).commands for w in c.words] == shlex.split(text, comments=True)
