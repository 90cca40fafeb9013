"""Faults between the provider and the service: errors, throttling, resets, lost and slow answers.

``JobRunProvider().create`` runs in this process; boto3 reaches the local endpoint
through a ``FaultProxy`` (``AWS_ENDPOINT_URL_EMR_SERVERLESS`` points at it) that
answers, drops or holds the StartJobRun calls as each test queues. The endpoint runs
in idempotent mode: a StartJobRun repeating a clientToken gets the first run back,
as the service documents and moto does not do (the last test shows moto alone).

Retries are botocore's standard mode (providers/aws.py). For a restJson1 service
such as EMR Serverless it retries: HTTP 500/502/503/504; error codes it knows as
throttling (``ThrottlingException``, ``TooManyRequestsException``, ... read from the
``x-amzn-ErrorType`` header or the body's ``__type``), whatever the status, with a
1 s instead of 50 ms backoff base; transient codes (``RequestTimeout``...); and
connection errors and read timeouts. Nothing else: a 400 ``ValidationException``
is final.

The fault plans are constants, each test asserts the proxy applied exactly its plan,
and docs/faults.md counts them (the last test keeps the two in step).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

import test_engine_faults as engine
import test_recover as recovery
from compiler.compile import compile_document
from compiler.lint import lint_paths
from providers import aws
from providers.errors import JobspecError
from providers.jobrun import JobRunProvider
from tools.fault_proxy import JOBRUNS, Fault, FaultProxy, Seen, forward_then_reset, reset, slow, status, throttle
from tools.local_endpoint import ROLE_ARN, LocalEndpoint

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "faults.md"

#: Attempts per call in these tests: providers.aws's default (5), or fewer where all of them fail.
DEFAULT_ATTEMPTS = 5
FEW_ATTEMPTS = 3

#: One failure, then the request goes through: create succeeds at the 2nd attempt.
RECOVERS = {
    "500": [status(500)],
    "503": [status(503)],
    "throttling": [throttle()],
    "reset": [reset()],
    "answer lost": [forward_then_reset()],
    "all kinds in a row": [status(500), throttle(), reset(), forward_then_reset()],  # the 5th of 5 attempts
}
#: Failing every attempt (queued FEW_ATTEMPTS + EXTRA times; only FEW_ATTEMPTS may be used).
EXHAUSTS = {"500": status(500), "503": status(503), "throttling": throttle(), "reset": reset()}
EXTRA = 2
#: The message names the error.
#: What `pulumi up` prints when every attempt failed ({url}: the endpoint the client was given).
EXHAUST_MESSAGES = {
    "500": "nightly (job.yaml): StartJobRun failed: InternalServerException: injected by fault proxy: status. "
           "AWS failed after 3 attempts: run `pulumi up` again (a retry sends the same clientToken, so nothing "
           "starts twice).",
    "503": "nightly (job.yaml): StartJobRun failed: ServiceUnavailableException: injected by fault proxy: status. "
           "AWS failed after 3 attempts: run `pulumi up` again (a retry sends the same clientToken, so nothing "
           "starts twice).",
    "throttling": "nightly (job.yaml): StartJobRun failed: ThrottlingException: injected by fault proxy: throttle. "
                  "Still throttled after 3 attempts: run `pulumi up` again later (a retry sends the same "
                  "clientToken, so nothing starts twice).",
    "reset": "nightly (job.yaml): StartJobRun failed: could not reach {url}/applications/{app}/jobruns after 3 "
             "attempts (the connection closed before an answer came). Check the network and AWS_REGION / "
             "AWS_ENDPOINT_URL_EMR_SERVERLESS, then run `pulumi up` again (a retry sends the same clientToken, "
             "so nothing starts twice).",
}
VALIDATION_MESSAGE = ("nightly (job.yaml): StartJobRun failed: ValidationException: injected by fault proxy: status. "
                      "The service refused the request although it passes `jobspec lint`: fix the spec as the "
                      "message says.")
NOT_RETRIED = [status(400)]
THEN_THROTTLED = [throttle()]  # the same call again, throttled: retried
SLOW_WITHIN_READ_TIMEOUT = [slow(0.3)]
#: Held long past the read timeout; the test releases it once the retry has succeeded.
READ_TIMEOUT = 0.5
SLOW_BEYOND_READ_TIMEOUT = [slow(30)]
LOST_EVERY_ANSWER = [forward_then_reset()] * FEW_ATTEMPTS
MOTO_ALONE = [forward_then_reset()]

#: What every test here asserts: no run started twice, none the caller did not get back.
RUNS_DUPLICATED = 0
RUNS_LOST = 0

SPEC = """\
name: nightly
applicationId: {app}
executionRoleArn: {role}
jobDriver:
  sparkSubmit:
    entryPoint: s3://acme-jobs/etl/nightly.py
    sparkSubmitParameters:
      conf:
        spark.executor.memory: 4g
tags:
  team: data
"""


def provider_plans() -> list[list[Fault]]:
    """Every fault the tests of this module make the proxy apply, one list per test case."""
    return [*RECOVERS.values(), *([fault] * FEW_ATTEMPTS for fault in EXHAUSTS.values()), NOT_RETRIED,
            THEN_THROTTLED, SLOW_WITHIN_READ_TIMEOUT, SLOW_BEYOND_READ_TIMEOUT, LOST_EVERY_ANSWER, MOTO_ALONE]


@dataclass
class Case:
    endpoint: LocalEndpoint
    proxy: FaultProxy
    app: str
    body: dict

    @property
    def jobruns(self) -> str:
        return JOBRUNS.replace("[^/]+", self.app)

    @property
    def wire_body(self) -> dict:
        """The StartJobRun body on the wire (applicationId travels in the path)."""
        return {k: v for k, v in self.body.items() if k != "applicationId"}

    def create(self):
        return JobRunProvider().create({**self.body, "jobspec": {"jobName": "nightly", "specFile": "job.yaml"}})

    def starts(self) -> list[Seen]:
        return self.proxy.seen("POST", self.jobruns)

    def applied(self) -> list[str]:
        return [s.fault for s in self.starts() if s.fault != "forward"]

    def endpoint_starts(self) -> list[dict]:
        return [b for b in self.endpoint.start_job_run_bodies() if b["applicationId"] == self.app]

    def runs(self) -> list[dict]:
        return self.endpoint.job_runs(self.app)


@pytest.fixture(scope="module")
def endpoint():
    with LocalEndpoint(idempotent=True) as ep:
        yield ep


@pytest.fixture(scope="module")
def proxy(endpoint):
    with FaultProxy(endpoint.url, timeout=10) as px:
        yield px


def _compiled(folder: Path, app: str) -> dict:
    (folder / ".git").mkdir(exist_ok=True)  # stop the search for _defaults.yaml here
    spec = folder / "job.yaml"
    spec.write_text(textwrap.dedent(SPEC).format(app=app, role=ROLE_ARN))
    result = lint_paths([spec], all_stacks=False)
    assert result.ok, result.findings
    (doc,) = result.documents
    return compile_document(doc)


def _use(monkeypatch, endpoint_env: dict, proxy_url: str, attempts: int) -> None:
    for key, value in endpoint_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_EMR_SERVERLESS", proxy_url)
    monkeypatch.setattr(aws, "MAX_ATTEMPTS", attempts)


@pytest.fixture
def case(tmp_path, endpoint, proxy, monkeypatch):
    app = endpoint.create_application()
    _use(monkeypatch, endpoint.env(), proxy.url, DEFAULT_ATTEMPTS)
    yield Case(endpoint, proxy, app, _compiled(tmp_path, app))
    proxy.clear()
    proxy.release()
    assert proxy.wait_idle(10)


def assert_one_run(case: Case, run_id: str) -> None:
    """Exactly one run, the one returned, under the body's clientToken; every attempt sent the same body."""
    runs = case.runs()
    tokens = Counter(r["clientToken"] for r in runs)
    assert sum(n - 1 for n in tokens.values()) == RUNS_DUPLICATED
    assert len([r for r in runs if r["jobRunId"] != run_id]) == RUNS_LOST
    assert runs == [{"jobRunId": run_id, "clientToken": case.body["clientToken"], "state": "SUCCESS"}]
    starts = case.starts()
    assert starts and all(s.body == case.wire_body for s in starts)


@pytest.mark.parametrize("name", RECOVERS)
def test_a_fault_then_success_starts_exactly_one_run(case, name):
    plan = RECOVERS[name]
    case.proxy.add("POST", case.jobruns, *plan)
    result = case.create()
    assert case.applied() == [f.kind for f in plan]
    assert len(case.starts()) == len(plan) + 1 <= DEFAULT_ATTEMPTS
    assert result.outs["clientToken"] == case.body["clientToken"]
    assert_one_run(case, result.id)
    # Only forwarded attempts reached the endpoint; lost answers were retried with the same token.
    assert len(case.endpoint_starts()) == 1 + plan.count(forward_then_reset())


def test_throttling_is_retried_as_throttling_but_a_validation_error_is_not_retried(case):
    """Same status (400), different code: botocore retries on the code, so the header/body shape matters."""
    case.proxy.add("POST", case.jobruns, *NOT_RETRIED)
    with pytest.raises(JobspecError) as refused:
        case.create()
    assert str(refused.value) == VALIDATION_MESSAGE
    assert case.applied() == ["status"] and len(case.starts()) == 1
    assert case.runs() == []
    case.proxy.add("POST", case.jobruns, *THEN_THROTTLED)
    result = case.create()
    assert [s.fault for s in case.starts()] == ["status", "throttle", "forward"]
    assert [s.status for s in case.starts()] == [400, 400, 200]
    assert case.runs()[0]["jobRunId"] == result.id


def test_a_slow_answer_within_the_read_timeout_is_one_attempt(case):
    case.proxy.add("POST", case.jobruns, *SLOW_WITHIN_READ_TIMEOUT)
    result = case.create()
    assert case.applied() == ["slow"] and len(case.starts()) == 1
    assert_one_run(case, result.id)


def test_a_slow_answer_beyond_the_read_timeout_is_retried_and_the_late_request_adds_no_run(case, monkeypatch):
    monkeypatch.setattr(aws, "READ_TIMEOUT", READ_TIMEOUT)
    case.proxy.add("POST", case.jobruns, *SLOW_BEYOND_READ_TIMEOUT)
    result = case.create()
    first, retry = case.starts()
    assert first.fault == "slow" and not first.done  # create returned while the 1st attempt was still held
    assert retry.status == 200
    case.proxy.release()  # now the held request reaches the endpoint, as a real one would
    assert case.proxy.wait_idle(10)
    assert case.starts()[0].upstream_status == 200
    assert len(case.endpoint_starts()) == 2
    assert_one_run(case, result.id)


@pytest.mark.parametrize("name", EXHAUSTS)
def test_more_failures_than_max_attempts_fail_the_create_after_exactly_max_attempts(case, monkeypatch, name):
    monkeypatch.setattr(aws, "MAX_ATTEMPTS", FEW_ATTEMPTS)
    case.proxy.add("POST", case.jobruns, *[EXHAUSTS[name]] * (FEW_ATTEMPTS + EXTRA))
    with pytest.raises(JobspecError) as failure:
        case.create()
    assert str(failure.value) == EXHAUST_MESSAGES[name].format(url=case.proxy.url, app=case.app)
    assert len(case.starts()) == FEW_ATTEMPTS
    assert case.proxy.pending() == EXTRA
    assert len({json.dumps(s.body, sort_keys=True) for s in case.starts()}) == 1
    assert case.endpoint_starts() == [] and case.runs() == []


def test_answers_lost_on_every_attempt_fail_the_create_and_the_next_create_gets_that_run(case, monkeypatch):
    """The run started at the 1st attempt is not lost: the next create (same token) is answered with it."""
    monkeypatch.setattr(aws, "MAX_ATTEMPTS", FEW_ATTEMPTS)
    case.proxy.add("POST", case.jobruns, *LOST_EVERY_ANSWER)
    with pytest.raises(JobspecError, match="could not reach"):
        case.create()
    assert case.applied() == [f.kind for f in LOST_EVERY_ANSWER]
    (started,) = case.runs()
    result = case.create()
    assert result.id == started["jobRunId"]
    assert_one_run(case, result.id)


def test_moto_alone_starts_a_second_run_for_a_retried_token(tmp_path, monkeypatch):
    """Why the endpoint emulates idempotency: without it a lost answer duplicates the run.

    If moto starts honouring clientToken, this fails, and the emulation can go.
    """
    with LocalEndpoint() as plain, FaultProxy(plain.url, timeout=10) as proxy:
        app = plain.create_application()
        _use(monkeypatch, plain.env(), proxy.url, DEFAULT_ATTEMPTS)
        case = Case(plain, proxy, app, _compiled(tmp_path, app))
        proxy.add("POST", case.jobruns, *MOTO_ALONE)
        case.create()
        assert case.applied() == ["forward_then_reset"]
        assert [r["clientToken"] for r in case.runs()] == [case.body["clientToken"]] * 2


def test_max_attempts_counts_every_attempt_and_defaults_to_five():
    """``JOBSPEC_AWS_MAX_ATTEMPTS`` is botocore's total_max_attempts (a Config ``max_attempts`` counts retries)."""
    probe = "from providers import aws; print(aws.client_config().retries)"
    env = {k: v for k, v in os.environ.items() if k != "JOBSPEC_AWS_MAX_ATTEMPTS"}
    default = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                             check=True, timeout=60).stdout
    assert default.strip() == str({"mode": "standard", "total_max_attempts": DEFAULT_ATTEMPTS})
    two = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env={**env, "JOBSPEC_AWS_MAX_ATTEMPTS": "2"},
                         capture_output=True, text=True, check=True, timeout=60).stdout
    assert two.strip() == str({"mode": "standard", "total_max_attempts": 2})


# -- docs/faults.md ------------------------------------------------------------------------------

LABELS = {
    ("status", 500): "HTTP 500 `InternalServerException`",
    ("status", 503): "HTTP 503 `ServiceUnavailableException`",
    ("throttle", 400): "HTTP 400 `ThrottlingException` (retried)",
    ("status", 400): "HTTP 400 `ValidationException` (must not be retried)",
    ("status", 403): "HTTP 403 `AccessDeniedException` (not retried)",
    ("reset", None): "connection reset before the endpoint got the request",
    ("forward_then_reset", None): "connection reset after the endpoint acted (answer lost)",
    ("slow", None): "slow answer (held, then forwarded)",
    "sigkill": "SIGKILL of every process of `pulumi up`, mid-update",
    "sigkill_refresh": "SIGKILL of every process of `pulumi refresh`, mid-refresh",
    "concurrent_up": "a second `pulumi up` while the first holds the lock",
}


def _count(plans) -> Counter:
    return Counter(LABELS[(f.kind, f.status)] for plan in plans for f in plan if f.kind != "forward")


def _columns() -> dict[str, Counter]:
    """Faults applied, per test file: the proxy's plans plus the faults the tests make themselves."""
    def at(plans, events) -> Counter:
        return _count(plans) + Counter({LABELS[k]: n for k, n in events.items()})

    return {
        "tests/test_faults.py": _count(provider_plans()),
        "tests/test_engine_faults.py": at(engine.ENGINE_PLANS.values(), engine.ENGINE_EVENTS),
        "tests/test_recover.py": at(recovery.RECOVER_PLANS, recovery.RECOVER_EVENTS),
    }


def fault_table() -> str:
    columns = _columns()
    rows = ["| Fault injected | " + " | ".join(columns) + " | Total |",
            "| --- |" + " ---: |" * (len(columns) + 1)]
    for label in dict.fromkeys(v for v in LABELS.values()):
        counts = [column[label] for column in columns.values()]
        rows.append(f"| {label} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    sums = [sum(column.values()) for column in columns.values()]
    rows.append("| **all faults** | " + " | ".join(f"**{n}**" for n in sums) + f" | **{sum(sums)}** |")
    return "\n".join(rows)


def figures() -> dict[str, str]:
    return {
        "Faults injected": str(sum(sum(column.values()) for column in _columns().values())),
        "Runs duplicated": str(RUNS_DUPLICATED + engine.RUNS_DUPLICATED),
        "Runs lost": str(RUNS_LOST + engine.RUNS_LOST),
        "Runs untracked after recovery": str(recovery.RUNS_UNTRACKED_AFTER_RECOVERY),
    }


def test_docs_faults_md_counts_what_these_tests_inject():
    text = DOC.read_text()
    begin, end = "<!-- fault-table:begin -->\n", "\n<!-- fault-table:end -->"
    assert begin in text and end in text
    assert text[text.index(begin) + len(begin):text.index(end)] == fault_table(), "paste:\n" + fault_table()
    rows = {cells[1].strip(): cells[2].strip() for line in text.splitlines()
            if line.startswith("|") and len(cells := line.split("|")) > 3}
    assert {k: rows.get(k) for k in figures()} == figures()
    assert rows.get("Secrets in state in plain text") == "0"
