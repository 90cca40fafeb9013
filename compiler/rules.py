"""Stable rule ids of every finding jobspec reports.

The first letter gives the severity (E error, W warning), the first digit the
family: 0 reading input (YAML, or an ``aws`` command for ``jobspec import``), 1 the StartJobRun model's constraints, 2 the service's
documented rules and jobspec's own, 3 secrets, 4 schedules (``schedule:``, EventBridge Scheduler). Ids never change meaning; a retired
rule's id is not reused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    title: str

    @property
    def severity(self) -> str:
        return {"E": "error", "W": "warning"}[self.id[0]]


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("E0001", "YAML syntax error"),
    Rule("E0002", "Duplicate mapping key"),
    Rule("E0003", "File is not UTF-8 text"),
    Rule("E0004", "File too large"),
    Rule("E0005", "Not a job spec mapping (empty file, list or scalar at the top)"),
    Rule("E0006", "More than one YAML document in a file"),
    Rule("E0007", "Too deep or too many nodes (nesting or alias expansion)"),
    Rule("E0008", "Unsupported YAML tag"),
    Rule("E0009", "File cannot be read"),
    Rule("W0010", "Byte order mark at the start of the file"),
    Rule("W0011", "A stack section no Pulumi stack can select (its name is not a stack name)"),
    Rule("E0012", "Not a regular file or folder (a FIFO, device or socket named like a spec)"),
    Rule("E0013", "A suppression of a credential finding without a reason"),
    Rule("W0014", "A suppression that suppresses nothing"),
    Rule("W0015", "A jobspec comment that cannot be used (not a suppression, unknown rule, misplaced)"),
    Rule("E0017", "Shell variable or command substitution the command file does not resolve"),
    Rule("E0018", "Not one aws emr-serverless start-job-run command (unknown option, a second command, a pipe)"),
    Rule("E0019", "An option value the AWS CLI cannot read (invalid JSON or shorthand, not an integer, a URL)"),
    Rule("W0020", "An option given twice (the AWS CLI keeps the last)"),
    Rule("E1001", "Unknown key"),
    Rule("E1002", "Required member missing"),
    Rule("E1003", "Wrong type"),
    Rule("E1004", "YAML read a string as a boolean, number, date or null"),
    Rule("E1010", "String shorter than the model's minimum length"),
    Rule("E1011", "String longer than the model's maximum length"),
    Rule("E1012", "String does not match the model's pattern"),
    Rule("E1013", "Number outside the model's range"),
    Rule("E1014", "Value not one of the model's enum values"),
    Rule("E1015", "List or map size outside the model's bounds"),
    Rule("E1020", "jobDriver must have exactly one of sparkSubmit, hive"),
    Rule("E2001", "retryPolicy.maxAttempts is only for BATCH jobs"),
    Rule("E2002", "retryPolicy.maxFailedAttemptsPerHour is only for STREAMING jobs"),
    Rule("E2003", "executionIamPolicy.policy must be a JSON document"),
    Rule("E2004", "Two specs with the same job name"),
    Rule("E2005", "sparkSubmitParameters or Hive parameters mapping cannot be written as a string"),
    Rule("E2006", "A readable form compiles to a string the model rejects"),
    Rule("E2007", "application/executionRole names nothing the stack declares"),
    Rule("E2008", "A previous name that is another job's name, or is claimed by two jobs"),
    Rule("W2010", "executionTimeoutMinutes beyond what BATCH jobs accept on EMR 7.11+"),
    Rule("W2011", "rerun has no effect beside an explicit clientToken"),
    Rule("E2012", "The application does not exist or cannot take job runs (checked against the service)"),
    Rule("E2013", "The job driver does not match the application's type (checked against the service)"),
    Rule("E2014", "executionTimeoutMinutes the application's release refuses (checked against the service)"),
    Rule("E2015", "A stack's specs folder is inside another stack's (a job would belong to both)"),
    Rule("E2016", "A stacks: block inside defaults: or inside a stack section, where stacks do not nest (ignored)"),
    Rule("E3001", "Secret written in plain text"),
    Rule("E4001", "Not a schedule expression EventBridge Scheduler accepts (cron, rate or at)"),
    Rule("E4002", "schedule.timezone is not a time zone of the IANA database"),
    Rule("W4003", "at() is in the past: the one-time schedule never runs"),
    Rule("E4004", "schedule.endDate is not after schedule.startDate"),
    Rule("E4005", "A spec writes schedule: without an expression"),
    Rule("E4006", "A scheduled spec fixes clientToken (every run must get a token of its own)"),
    Rule("E4007", "schedule.startDate or endDate is not a date-time with a zone"),
    Rule("W4008", "schedule.startDate has passed: CreateSchedule refuses one more than 5 minutes ago"),
)}


def severity(rule_id: str) -> str:
    """'error' or 'warning', from the id's prefix."""
    return RULES[rule_id].severity
