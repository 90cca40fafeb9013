"""``schedule:`` linted: the scheduler model's limits, the expression grammar, time zones, dates.

One behaviour per test; the YAML is inline and each finding exact: (rule, line, column,
field) and its text.
"""

from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given, strategies as st

from compiler.document import Document
from compiler.lint import Linter

from conftest import SPARK, minimal_spec, where

ROLE = "arn:aws:iam::123456789012:role/scheduler-starts-emr"


def scheduled(*lines: str, expression: str = "cron(0 2 * * ? *)") -> str:
    """SPARK (5 lines) + ``schedule:`` at line 6, expression at 7, roleArn at 8, ``lines`` from 9."""
    return SPARK + f"schedule:\n  expression: {expression}\n  roleArn: {ROLE}\n" + "".join(f"  {l}\n" for l in lines)


def one(findings) -> tuple:
    (finding,) = findings
    return where([finding])[0] + (finding.message,)


def test_a_scheduled_spec_with_every_key_is_clean(lint_text):
    assert lint_text(scheduled(
        "timezone: Europe/Berlin", "state: DISABLED", "flexibleWindowMinutes: 15",
        "startDate: '2097-01-01T00:00:00Z'", "endDate: '2097-12-31T00:00:00+01:00'",
        "retryPolicy: {maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600}",
        "deadLetterArn: arn:aws:sqs:eu-west-1:123456789012:dlq", "groupName: data-jobs",
        "description: nightly", "kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/abcd-1234")) == []


@pytest.mark.parametrize("expression", [
    "cron(0 2 * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)", "cron(0 10 ? * 3#2 *)", "cron(15 10 ? * 6L 2030)",
    "cron(0 0 L * ? *)", "cron(0 9 15W JAN,JUL ? 2027-2030)", "cron(*/5 * * * ? *)",
    "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)",
    "at(2099-01-01T06:00:00)",
])
def test_expressions_of_the_grammar_are_clean(lint_text, expression):
    assert lint_text(scheduled(expression=expression)) == []


# -- E4001: the expression grammar ------------------------------------------------------------------------

@pytest.mark.parametrize("expression, why", [
    ("cron(0 2 * * *)", "cron() takes six fields separated by one space (minutes hours day-of-month month "
                        "day-of-week year), not '0 2 * * *'"),
    ("cron(0 2 * * * *)", "cron() needs '?' in exactly one of day-of-month and day-of-week; day-of-month is '*' "
                          "and day-of-week is '*'"),
    ("cron(0 2 ? * ? *)", "cron() needs '?' in exactly one of day-of-month and day-of-week; both are '?'"),
    ("cron(60 2 * * ? *)", "cron() minutes '60': 60 is outside 0-59"),
    ("cron(0 24 * * ? *)", "cron() hours '24': 24 is outside 0-23"),
    ("cron(0 2 32 * ? *)", "cron() day-of-month '32': 32 is outside 1-31"),
    ("cron(0 2 * 13 ? *)", "cron() month '13': 13 is outside 1-12"),
    ("cron(0 2 * JANUARY ? *)", "cron() month 'JANUARY': 'JANUARY' is not a value (1-12 or JAN-DEC)"),
    ("cron(0 2 ? * 8 *)", "cron() day-of-week '8': 8 is outside 1-7"),
    ("cron(0 2 ? * MON-FRY *)", "cron() day-of-week 'MON-FRY': 'FRY' is not a value (1-7 or SUN-SAT)"),
    ("cron(0 2 * * ? 1969)", "cron() year '1969': 1969 is outside 1970-2199"),
    ("cron(0 ? * * ? *)", "cron() hours '?': '?' is only for day-of-month or day-of-week"),
    ("cron(0 2 ? * MON/2 *)", "cron() day-of-week 'MON/2': '/' (increments) is not allowed in this field"),
    ("cron(0 2 W * ? *)", "cron() day-of-month 'W': 'W' follows a day of the month (15W): '' is not a value (1-31)"),
    ("cron(0 L * * ? *)", "cron() hours 'L': 'L' is not allowed in this field"),
    ("cron(0 2 ? * 3#6 *)", "cron() day-of-week '3#6': '#6': the week of the month is 1 to 5"),
    ("cron(0 2 ? * 3#1,6#3 *)", "cron() day-of-week '3#1,6#3': a '#' day takes the whole field (3#1,6#3 is two "
                                "expressions)"),
    ("cron(0/0 2 * * ? *)", "cron() minutes '0/0': increment '0' is not a whole number from 1 to 59"),
    ("rate(0 minutes)", "rate() value '0' is not a positive whole number"),
    ("rate(-5 minutes)", "rate() value '-5' is not a positive whole number"),
    ("rate(1 hours)", "rate() unit for 1 is 'hour', not 'hours'"),
    ("rate(5 minute)", "rate() unit for 5 is 'minutes', not 'minute'"),
    ("rate(2 weeks)", "rate() unit 'weeks' is not one of minute(s), hour(s), day(s)"),
    ("rate(5minutes)", "rate() takes a value and a unit separated by one space (rate(5 minutes)), not '5minutes'"),
    ("at(2099-01-01T06:00:00Z)", "at() takes a date-time without a zone (the schedule's timezone applies): "
                                 "at(2099-01-01T06:00:00), not at(2099-01-01T06:00:00Z)"),
    ("at(2099-02-30T06:00:00)", "at(2099-02-30T06:00:00) is not a date-time: day is out of range for month"),
    ("at(2099-01-01 06:00)", "at() takes yyyy-mm-ddThh:mm:ss (at(2027-01-01T06:00:00)), not '2099-01-01 06:00'"),
    ("every night", "not cron(...), rate(...) or at(...)"),
])
def test_an_expression_outside_the_grammar_is_e4001_at_the_expression(lint_text, expression, why):
    assert one(lint_text(scheduled(expression=f"'{expression}'"))) == (
        "E4001", 7, 15, "schedule.expression", f"expression '{expression}': {why}")


# -- E4002, W4003, E4004, E4007: time zone and dates ------------------------------------------------------

def test_a_time_zone_not_in_the_iana_database_is_e4002_with_the_closest_name(lint_text):
    assert one(lint_text(scheduled("timezone: Europe/Berln"))) == (
        "E4002", 9, 13, "schedule.timezone", "timezone 'Europe/Berln' is not an IANA time zone; did you mean "
                                             "'Europe/Berlin'?")


def test_at_in_the_past_is_w4003_read_in_the_schedules_time_zone(lint_text):
    assert one(lint_text(scheduled("timezone: Asia/Tokyo", expression="at(2020-01-01T06:00:00)"))) == (
        "W4003", 7, 15, "schedule.expression", "expression 'at(2020-01-01T06:00:00)' is in the past (Asia/Tokyo): "
                                               "a one-time schedule never runs then; give a later time, or remove "
                                               "the spec once it has run")


def test_an_end_date_before_the_start_date_is_e4004_at_the_end_date(lint_text):
    assert one(lint_text(scheduled("startDate: '2097-06-01T00:00:00+02:00'", "endDate: '2097-05-31T22:00:00Z'"))) == (
        "E4004", 10, 12, "schedule.endDate", "endDate '2097-05-31T22:00:00Z' is not after startDate "
                                             "'2097-06-01T00:00:00+02:00': the schedule would never run")


def test_a_start_date_that_has_passed_is_w4008_for_a_recurring_schedule(lint_text):
    assert one(lint_text(scheduled("startDate: '2020-01-01T00:00:00Z'"))) == (
        "W4008", 9, 14, "schedule.startDate", "startDate '2020-01-01T00:00:00Z' has passed: CreateSchedule refuses a "
                                              "start more than 5 minutes ago, so creating this schedule (a new stack, "
                                              "a renamed job) fails; remove startDate once it has passed")


def test_a_start_date_that_has_passed_is_no_finding_for_a_one_time_schedule(lint_text):
    assert lint_text(scheduled("startDate: '2020-01-01T00:00:00Z'", expression="at(2099-01-01T00:00:00)")) == []


@pytest.mark.parametrize("text", ["'2027-01-01'", "'2027-01-01T00:00:00'", "'2027-13-01T00:00:00Z'", "tomorrow"])
def test_a_date_that_is_not_a_date_time_with_a_zone_is_e4007(lint_text, text):
    shown = text.strip("'")
    assert one(lint_text(scheduled(f"startDate: {text}"))) == (
        "E4007", 9, 14, "schedule.startDate", f"startDate '{shown}' is not a date-time with a zone: write it as "
                                              "2027-01-01T00:00:00Z (UTC) or 2027-01-01T01:00:00+01:00")


def test_an_unquoted_date_time_is_read_by_yaml_as_a_timestamp_and_must_be_quoted(lint_text):
    assert one(lint_text(scheduled("startDate: 2027-01-01T00:00:00Z"))) == (
        "E1004", 9, 14, "schedule.startDate", "startDate must be a string, but YAML read 2027-01-01T00:00:00Z as a "
                                              "timestamp; quote it: \"2027-01-01T00:00:00Z\"")


# -- the scheduler model's limits (generated, as StartJobRun's) ------------------------------------------

@pytest.mark.parametrize("line, finding", [
    ("state: PAUSED", ("E1014", 9, 10, "schedule.state", "state is 'PAUSED', not one of ENABLED, DISABLED")),
    ("flexibleWindowMinutes: 0", ("E1013", 9, 26, "schedule.flexibleWindowMinutes",
                                  "flexibleWindowMinutes is 0, under the minimum of 1")),
    ("flexibleWindowMinutes: 1441", ("E1013", 9, 26, "schedule.flexibleWindowMinutes",
                                     "flexibleWindowMinutes is 1441, over the maximum of 1440")),
    ("retryPolicy: {maximumRetryAttempts: 186}", (
        "E1013", 9, 39, "schedule.retryPolicy.maximumRetryAttempts", "maximumRetryAttempts is 186, over the "
                                                                    "maximum of 185")),
    ("retryPolicy: {maximumEventAgeInSeconds: 59}", (
        "E1013", 9, 43, "schedule.retryPolicy.maximumEventAgeInSeconds", "maximumEventAgeInSeconds is 59, under "
                                                                        "the minimum of 60")),
    ("groupName: data jobs", ("E1012", 9, 14, "schedule.groupName",
                              "groupName 'data jobs' does not match the pattern [0-9a-zA-Z-_.]+")),
    ("description: " + "x" * 513, ("E1011", 9, 16, "schedule.description",
                                   "description is 513 characters, over the maximum length of 512")),
    ("deadLetterArn: arn:aws:sns:eu-west-1:123456789012:dlq", (
        "E1012", 9, 18, "schedule.deadLetterArn", "deadLetterArn 'arn:aws:sns:eu-west-1:123456789012:dlq' does "
                                                  "not match the pattern arn:aws[a-z-]*:sqs:[a-z0-9\\-]+:\\d{12}:"
                                                  "[a-zA-Z0-9\\-_]+")),
    ("timezon: UTC", ("E1001", 9, 3, "schedule.timezon", "unknown key 'timezon' in schedule; did you mean "
                                                         "'timezone'?")),
])
def test_each_key_keeps_the_limits_of_its_create_schedule_member(lint_text, line, finding):
    assert one(lint_text(scheduled(line))) == finding


def test_a_role_that_is_no_iam_role_arn_is_e1012_at_the_role(lint_text):
    assert where(lint_text(scheduled().replace(ROLE, "scheduler-starts-emr"))) == [
        ("E1012", 8, 12, "schedule.roleArn")]


# -- what a scheduled spec needs, and what it cannot have -------------------------------------------------

def test_a_scheduled_spec_without_a_role_is_e1002_at_schedule(lint_text):
    assert one(lint_text(SPARK + "schedule:\n  expression: rate(1 day)\n")) == (
        "E1002", 6, 1, "schedule.roleArn", "required member 'schedule.roleArn' is missing: the role EventBridge "
                                           "Scheduler assumes to start the job (a _defaults.yaml may set it for "
                                           "every spec)")


def test_the_role_and_time_zone_may_come_from_defaults(lint_text):
    defaults = f"defaults:\n  schedule:\n    roleArn: {ROLE}\n    timezone: Europe/Berlin\n"
    assert lint_text(SPARK + "schedule:\n  expression: rate(1 day)\n", files={"_defaults.yaml": defaults}) == []


def test_defaults_without_an_expression_leave_a_spec_without_schedule_a_one_shot_job(lint_text):
    defaults = f"defaults:\n  schedule:\n    roleArn: {ROLE}\n"
    assert lint_text(SPARK, files={"_defaults.yaml": defaults}) == []


def test_a_spec_writing_schedule_without_an_expression_is_e4005(lint_text):
    defaults = f"defaults:\n  schedule:\n    roleArn: {ROLE}\n"
    assert one(lint_text(SPARK + "schedule:\n  timezone: UTC\n", files={"_defaults.yaml": defaults})) == (
        "E4005", 6, 1, "schedule", "schedule has no expression, so the job would run once at deploy and never on a "
                                   "schedule; add expression: (cron(...), rate(...) or at(...)) or remove schedule:")


def test_a_stack_section_may_schedule_a_job_for_that_stack_only(lint_text):
    text = SPARK + dedent(f"""\
        stacks:
          prod:
            schedule: {{expression: 'cron(0 2 * * ? *)'}}
        """)
    assert where(lint_text(text)) == [("E1002", 8, 5, "schedule.roleArn")]  # prod only; the base is clean


def test_a_fixed_client_token_in_a_scheduled_spec_is_e4006(lint_text):
    assert one(lint_text(scheduled().replace("jobDriver:", "clientToken: nightly-1\njobDriver:"))) == (
        "E4006", 3, 14, "clientToken", "a scheduled job starts a new run at every invocation, so its clientToken "
                                       "is the Scheduler's execution id (<aws.scheduler.execution-id>); remove "
                                       "clientToken:")


def test_run_now_is_a_boolean(lint_text):
    assert where(lint_text(scheduled() + "deploy: {runNow: yes please}\n")) == [("E1003", 9, 18, "deploy.runNow")]


# -- whatever is written, findings and no traceback ------------------------------------------------------

_EXPRESSIONS = st.one_of(
    st.from_regex(r"(cron|rate|at)\((([0-9*?/,#LW-]{0,6}|[A-Za-z]{0,5}) ?){0,7}\)", fullmatch=True),
    st.from_regex(r"at\([0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}T[0-9:]{0,9}[Z+0-9:-]{0,6}\)", fullmatch=True),
    st.text(max_size=20), st.just("rate(" + "9" * 5000 + " minutes)"))
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12), st.lists(st.integers(), max_size=2),
                    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
_DATES = st.one_of(st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:?[0-9]{2})",
                                 fullmatch=True), _VALUES)


@given(expression=st.one_of(_EXPRESSIONS, _VALUES), timezone=st.one_of(st.sampled_from(["UTC", "Asia/Tokyo"]), _VALUES),
       start=_DATES, end=_DATES, other=st.dictionaries(st.sampled_from(["state", "retryPolicy", "roleArn", "x"]),
                                                       _VALUES, max_size=3))
def test_any_schedule_is_linted_into_findings_without_raising(expression, timezone, start, end, other):
    schedule = {"expression": expression, "timezone": timezone, "startDate": start, "endDate": end, **other}
    data = {**minimal_spec(), "schedule": schedule}
    findings = Linter().check(Document("job.yaml", None, data, []))
    assert all(f.file == "job.yaml" and f.rule for f in findings)
