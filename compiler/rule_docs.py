"""What each rule means and what to do about it: the user documentation of every rule id.

One entry per id of ``compiler.rules.RULES`` (tests/test_rule_docs.py checks that none is
missing), in markdown. ``tools/gen_docs.py`` writes them under a ``### <id>`` heading in
docs/reference.md, and ``jobspec lint --format sarif`` carries them as each rule's
``fullDescription`` and ``help``, so an alert on GitHub explains itself.
"""

from __future__ import annotations

DOCS: dict[str, str] = {
    "E0001": "The file is not valid YAML (a bad indent, an unclosed quote or bracket, a tab). The message gives "
             "the parser's reason at the position where it stopped; fix the YAML there.",
    "E0002": "A mapping has the same key twice. YAML readers disagree on which one wins (jobspec would keep the "
             "last), so the spec is ambiguous: keep one.",
    "E0003": "The file is not UTF-8 text: a NUL byte (a binary file) or bytes that are not UTF-8. Save it as "
             "UTF-8, or move the file out of the specs folder.",
    "E0004": "The file is larger than lint reads. A job spec is a few KB; a file this large is not one (a data "
             "file or a dump in the specs folder).",
    "E0005": "The top of the file is not a mapping: the file is empty, or holds a list or a scalar. A job spec "
             "is a mapping of StartJobRun members (`name`, `applicationId`, `jobDriver`…); a `_defaults.yaml` "
             "is a mapping with `defaults:` and `stacks:`.",
    "E0006": "The file holds more than one YAML document (a `---` between them). Put each job in its own file.",
    "E0007": "The YAML nests deeper, or expands to more nodes (through aliases), than lint accepts. A job spec "
             "never needs this; a file that does is refused, not read.",
    "E0008": "A YAML tag (`!!python/object`, `!Ref`…) jobspec does not read. Write the plain value.",
    "E0009": "The file or folder cannot be read: permissions, a link to nothing, a loop of links, a path too "
             "long. The message says what the system reported and what to do.",
    "W0010": "The file starts with a UTF-8 byte order mark. YAML tools disagree on it; remove it.",
    "W0011": "A `stacks:` section whose name no Pulumi stack can have (letters, digits, `-`, `_` and `.`, at "
             "most 100), so it never applies. Name the stack as `pulumi stack ls` shows it, without an "
             "organisation or project prefix.",
    "E0012": "A FIFO, device or socket is named like a spec (`*.yaml`, `_defaults.yaml`). Lint reads only "
             "regular files: replace it with a file, or remove it.",
    "E0013": "A `# jobspec: disable=` comment suppresses a credential finding (E3xxx) without a reason. A "
             "credential is suppressed only with a reason a reviewer can check (a revoked test key, a "
             "documented example value); without one the finding stands.",
    "W0014": "A `# jobspec: disable=` comment suppresses nothing: no finding of that rule on that line (or in "
             "that file). Remove it, or the rule from it.",
    "W0015": "A `# jobspec:` comment that cannot be used: not of the form `# jobspec: disable=RULE reason`, an "
             "unknown rule id, a rule no comment can suppress, or `disable-file` below the top of the file.",
    "E0017": "A command file (`jobspec import`) uses a shell variable or command substitution (`$BUCKET`, "
             "`$(date)`) it does not define, so the value is unknown. Write the value, or set the variable in "
             "the file.",
    "E0018": "A command file (`jobspec import`) must hold one `aws emr-serverless start-job-run` command: an "
             "unknown option, a second command, a pipe or a redirection is refused.",
    "E0019": "An option value of the `aws` command the AWS CLI itself cannot read: invalid JSON or shorthand, "
             "a number that is not an integer, a `file://` or URL value.",
    "W0020": "An option is given twice in the `aws` command; the AWS CLI keeps the last one, and so does "
             "`jobspec import`. Remove the other.",
    "E1001": "A key that is not a member of StartJobRun (nor one of jobspec's own keys) at that place. Usually "
             "a typo or a key at the wrong level: the message names the closest member.",
    "E1002": "A member the StartJobRun model requires is missing (for example `applicationId`, "
             "`executionRoleArn`, `jobDriver`). It may come from a `_defaults.yaml` or a stack section.",
    "E1003": "A value of the wrong type: a string where the model wants a list, a mapping where it wants a "
             "string, and so on.",
    "E1004": "YAML read an unquoted value as a boolean, number, date or null where the model wants a string "
             "(`on`, `1.10`, `2024-06-01`, `~`). Quote it.",
    "E1010": "A string shorter than the model's minimum length for that member (often an empty string).",
    "E1011": "A string longer than the model's maximum length for that member.",
    "E1012": "A string that does not match the model's pattern for that member (an ARN, an application id, a "
             "release label).",
    "E1013": "A number outside the range the model allows for that member.",
    "E1014": "A value that is not one of the model's enum values (for example `mode`: `BATCH` or `STREAMING`).",
    "E1015": "A list or map with fewer or more entries than the model allows.",
    "E1020": "`jobDriver` must hold exactly one driver: `sparkSubmit` or `hive`, not both and not neither.",
    "E2001": "`retryPolicy.maxAttempts` applies only to `BATCH` jobs; the service refuses it for `STREAMING`.",
    "E2002": "`retryPolicy.maxFailedAttemptsPerHour` applies only to `STREAMING` jobs; the service refuses it "
             "for `BATCH`.",
    "E2003": "`executionIamPolicy.policy` must be a JSON policy document: a JSON string, or a YAML mapping "
             "jobspec compiles to JSON.",
    "E2004": "Two specs in one stack have the same job name (`name`, else the file name). Each job is one "
             "resource, so names must be unique.",
    "E2005": "A `sparkSubmitParameters` or Hive `parameters` mapping that cannot be written as the one command "
             "line string the API takes: a flag value with whitespace, or `true`/`false` on a flag written "
             "`flag=:`.",
    "E2006": "A readable form (a mapping for `sparkSubmitParameters`, Hive `parameters` or a policy) compiles "
             "to a string the model rejects (too long, for example).",
    "E2007": "`application:` or `executionRole:` names an application or role the stack does not declare. "
             "Declare it in the stack, or write `applicationId` / `executionRoleArn`.",
    "E2008": "A `previousNames` entry is this job's own name, the name of another current job, or is claimed "
             "by two jobs. Each previous name makes the renamed job the same resource, so it must be unique.",
    "W2010": "`executionTimeoutMinutes` is 0 (no timeout) or beyond what `BATCH` jobs accept on EMR 7.11 and "
             "later; the service refuses the run on those releases.",
    "W2011": "`rerun` changes the client token jobspec derives; beside an explicit `clientToken` it does "
             "nothing. Remove one of them.",
    "E2012": "The application does not exist, or is in a state that takes no job runs. Checked against the "
             "service by the preflight, not by `jobspec lint`.",
    "E2013": "The job driver does not match the application's type (`sparkSubmit` on a Hive application, or "
             "the reverse). Checked against the service by the preflight.",
    "E2014": "`executionTimeoutMinutes` the application's release refuses. Checked against the service by the "
             "preflight.",
    "E2015": "A stack's specs folder lies inside another stack's, so a job there would belong to both stacks. "
             "Give each stack a folder of its own.",
    "E2016": "A `stacks:` block inside `defaults:` of a `_defaults.yaml`, or inside a `stacks.<name>` section "
             "of a spec or a defaults file. Stack sections do not nest, so its overrides would never apply: move "
             "each section to the top-level `stacks:` of the file.",
    "E3001": "A credential written in plain text: an AWS access key, a token, a private key, a password in a "
             "JDBC URL or in a property, conf, tag or argument named like a secret. A spec lives in git and its "
             "body in Pulumi state, readable by everyone with access to either. Keep the secret in Secrets "
             "Manager or SSM and pass its ARN or a `{{resolve:…}}` reference instead; rotate the exposed one.",
    "E4001": "`schedule.expression` is not an expression EventBridge Scheduler accepts: `cron(…)` with six "
             "fields, `rate(N unit)` or `at(yyyy-mm-ddThh:mm:ss)`.",
    "E4002": "`schedule.timezone` is not a time zone of the IANA database (`Europe/Paris`, `UTC`).",
    "W4003": "The `at()` time of a one-time schedule has passed, so the schedule never runs.",
    "E4004": "`schedule.endDate` is not after `schedule.startDate`, so the schedule never runs.",
    "E4005": "A spec writes `schedule:` without an `expression`. Give one, or remove `schedule:`.",
    "E4006": "A scheduled spec fixes `clientToken`. Every scheduled run must get a token of its own: StartJobRun "
             "with a token it has seen returns the earlier run instead of starting a new one.",
    "E4007": "`schedule.startDate` or `endDate` is not a date-time with a zone (`2026-01-01T00:00:00Z`).",
    "W4008": "`schedule.startDate` has passed; CreateSchedule refuses a start date more than 5 minutes ago.",
}
