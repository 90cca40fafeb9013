"""The grammar of EventBridge Scheduler's schedule expressions: ``cron()``, ``rate()`` and ``at()``.

As the Scheduler documents them (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html,
and the cron reference https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):

- ``cron(minutes hours day-of-month month day-of-week year)``: six fields separated by
  spaces; exactly one of day-of-month and day-of-week is ``?``. Values, and the wildcards
  each field takes:

  ============  ==================  ===============
  minutes       0-59                ``, - * /``
  hours         0-23                ``, - * /``
  day-of-month  1-31                ``, - * ? / L W``
  month         1-12 or JAN-DEC     ``, - * /``
  day-of-week   1-7 or SUN-SAT      ``, - * ? L #``
  year          1970-2199           ``, - * /``
  ============  ==================  ===============

- ``rate(value unit)``: a positive whole number and ``minute``, ``hour`` or ``day``,
  singular for 1 and plural (``minutes``…) otherwise.
- ``at(yyyy-mm-ddThh:mm:ss)``: a date-time without a zone; the schedule's time zone applies.

``problem(expression)`` says what is wrong, or None; ``at_time(expression)`` is the
naive date-time of a valid ``at()``; ``zoned_time(text)`` reads a ``startDate``/``endDate``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    low: int
    high: int
    wildcards: str
    names: tuple[str, ...] = ()


MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
FIELDS = (
    Field("minutes", 0, 59, ",-*/"),
    Field("hours", 0, 23, ",-*/"),
    Field("day-of-month", 1, 31, ",-*?/LW"),
    Field("month", 1, 12, ",-*/", MONTHS),
    Field("day-of-week", 1, 7, ",-*?L#", DAYS),
    Field("year", 1970, 2199, ",-*/"),
)
DAY_OF_MONTH, DAY_OF_WEEK = FIELDS[2], FIELDS[4]

RATE_UNITS = ("minute", "hour", "day")
_RATE = re.compile(r"rate\((.*)\)", re.DOTALL)
_CRON = re.compile(r"cron\((.*)\)", re.DOTALL)
_AT = re.compile(r"at\((.*)\)", re.DOTALL)
_AT_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})")
_ZONED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})")
_NUMBER = re.compile(r"[0-9]+")
_WORD = re.compile(r"[A-Za-z]{2,}")
#: Digits beyond any field's range; Python refuses int() of over 4300 digits, so longer ones are not read.
_DIGITS = 9


def shown(text: str, limit: int = 40) -> str:
    """A piece of the expression as a message quotes it: cut when long."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _whole(text: str) -> int | None:
    """A non-negative whole number written in digits (None otherwise); a very long one is just too large."""
    if not _NUMBER.fullmatch(text):
        return None
    return int(text) if len(text) <= _DIGITS else 10 ** _DIGITS


def problem(expression: str) -> str | None:
    """What makes ``expression`` no schedule expression, in words; None when it is one."""
    for pattern, check in ((_CRON, _cron), (_RATE, _rate), (_AT, _at)):
        match = pattern.fullmatch(expression)
        if match:
            return check(match.group(1))
    return "not cron(...), rate(...) or at(...)"


# -- rate --------------------------------------------------------------------------------------------

def _rate(inner: str) -> str | None:
    parts = inner.split(" ")
    if len(parts) != 2 or not all(parts):
        return f"rate() takes a value and a unit separated by one space (rate(5 minutes)), not '{shown(inner)}'"
    value, unit = parts
    number = _whole(value)
    if not number:
        return f"rate() value '{shown(value)}' is not a positive whole number"
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in RATE_UNITS:
        return f"rate() unit '{shown(unit)}' is not one of {', '.join(u + '(s)' for u in RATE_UNITS)}"
    wanted = singular if number == 1 else singular + "s"
    if unit != wanted:
        return f"rate() unit for {shown(value)} is '{wanted}', not '{shown(unit)}'"
    return None


# -- at ----------------------------------------------------------------------------------------------

def _at(inner: str) -> str | None:
    if _ZONED.fullmatch(inner):
        return (f"at() takes a date-time without a zone (the schedule's timezone applies): "
                f"at({inner[:19]}), not at({shown(inner)})")
    if not _AT_TIME.fullmatch(inner):
        return f"at() takes yyyy-mm-ddThh:mm:ss (at(2027-01-01T06:00:00)), not '{shown(inner)}'"
    try:
        datetime.datetime.fromisoformat(inner)
    except ValueError as exc:
        return f"at({shown(inner)}) is not a date-time: {exc}"
    return None


def at_time(expression: str) -> datetime.datetime | None:
    """The (naive, local to the schedule's time zone) date-time of a valid ``at()``; None otherwise."""
    match = _AT.fullmatch(expression)
    if match is None or _at(match.group(1)) is not None:
        return None
    return datetime.datetime.fromisoformat(match.group(1))


# -- cron --------------------------------------------------------------------------------------------

def _cron(inner: str) -> str | None:
    fields = inner.split(" ")
    if len(fields) != len(FIELDS) or not all(fields):
        names = " ".join(f.name for f in FIELDS)
        return f"cron() takes six fields separated by one space ({names}), not '{shown(inner)}'"
    for field, text in zip(FIELDS, fields):
        wrong = _field(field, text)
        if wrong:
            return f"cron() {field.name} '{shown(text)}': {wrong}"
    dom, dow = fields[2], fields[4]
    if (dom == "?") == (dow == "?"):
        both = "both are '?'" if dom == "?" else f"day-of-month is '{shown(dom)}' and day-of-week is '{shown(dow)}'"
        return f"cron() needs '?' in exactly one of day-of-month and day-of-week; {both}"
    return None


def _value(field: Field, text: str) -> tuple[int | None, str | None]:
    """A value of the field (a number or, for month and day-of-week, a name), or why not."""
    number = _whole(text)
    if number is not None:
        if field.low <= number <= field.high:
            return number, None
        return None, f"{shown(text, _DIGITS)} is outside {field.low}-{field.high}"
    if field.names and text.upper() in field.names:
        return field.names.index(text.upper()) + 1, None
    names = f" or {field.names[0]}-{field.names[-1]}" if field.names else ""
    return None, f"'{shown(text)}' is not a value ({field.low}-{field.high}{names})"


def _range(field: Field, text: str) -> str | None:
    """``v``, ``a-b``, ``*``; with ``/step`` where the field allows increments."""
    base, slash, step = text.partition("/")
    if slash:
        if "/" not in field.wildcards:
            return "'/' (increments) is not allowed in this field"
        increment = _whole(step)
        if increment is None or not 1 <= increment <= field.high:
            return f"increment '{shown(step)}' is not a whole number from 1 to {field.high}"
    if base == "*":
        return None
    low, dash, high = base.partition("-")
    if dash and not high:
        return f"range '{shown(base)}' has no end"
    for part in (low, high) if dash else (low,):
        _, wrong = _value(field, part)
        if wrong:
            return wrong
    return None


def _item(field: Field, text: str) -> str | None:
    if field is DAY_OF_MONTH and text in ("L", "LW"):
        return None
    if field is DAY_OF_MONTH and text.endswith("W"):
        number, wrong = _value(field, text[:-1])
        return wrong and f"'W' follows a day of the month (15W): {wrong}"
    if field is DAY_OF_WEEK and text == "L":
        return None
    if field is DAY_OF_WEEK and len(text) > 1 and text.endswith("L"):
        _, wrong = _value(field, text[:-1])
        return wrong and f"'L' follows a day of the week (6L): {wrong}"
    if field is DAY_OF_WEEK and "#" in text:
        day, _, nth = text.partition("#")
        _, wrong = _value(field, day)
        if wrong:
            return wrong
        if nth not in ("1", "2", "3", "4", "5"):
            return f"'#{shown(nth)}': the week of the month is 1 to 5"
        return None
    bare = _WORD.sub("", text)  # the L of JUL and the W of WED are no wildcards
    for mark in "?LW#":
        if mark in bare:
            allowed = mark in field.wildcards
            return (f"'{mark}' cannot be combined with other values" if allowed
                    else f"'{mark}' is not allowed in this field")
    return _range(field, text)


def _field(field: Field, text: str) -> str | None:
    if text == "?":
        return None if "?" in field.wildcards else "'?' is only for day-of-month or day-of-week"
    items = text.split(",")
    if len(items) > 1 and "#" in text:
        return "a '#' day takes the whole field (3#1,6#3 is two expressions)"
    for item in items:
        if not item:
            return "an empty value in the list"
        wrong = _item(field, item)
        if wrong:
            return wrong
    return None


# -- startDate, endDate ------------------------------------------------------------------------------

def zoned_time(text: str) -> datetime.datetime | None:
    """``2027-01-01T06:00:00Z`` or ``...+01:00`` as an aware date-time; None for anything else."""
    if not _ZONED.fullmatch(text):
        return None
    spelled = text[:-1] + "+00:00" if text.endswith("Z") else text
    if spelled[-5] in "+-" and spelled[-3] != ":":  # +0100: Python before 3.11 wants +01:00
        spelled = spelled[:-2] + ":" + spelled[-2:]
    try:
        when = datetime.datetime.fromisoformat(spelled)
        when.astimezone(datetime.timezone.utc)  # 0001-01-01T00:00:00+01:00 has no UTC time
    except (ValueError, OverflowError):
        return None
    return when
