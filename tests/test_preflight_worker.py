"""The preflight's reads in a process of their own (providers/preflight_worker.py), and what happens when it fails.

The worker is a real process against the local endpoint; a worker that cannot
start, dies or answers garbage leaves the program to read the applications itself,
with the same answer. The same reads through the engine: tests/test_preflight.py.
"""

from __future__ import annotations

import io
import json
import sys

import pytest

from endpointkit import aws_env, endpoint  # noqa: F401 - fixtures
from providers import applications, preflight_worker
from providers.applications import Application


@pytest.fixture
def apps(aws_env):
    spark = aws_env.create_application("worker-spark")
    hive = aws_env.create_application("worker-hive", type="HIVE", release="emr-7.11.0")
    return spark, hive


def expected(spark: str, hive: str) -> dict:
    return {spark: Application(spark, "SPARK", "emr-7.5.0", "STARTED", True),
            hive: Application(hive, "HIVE", "emr-7.11.0", "STARTED", True), "00nosuchapp0000": None}


def test_the_worker_process_reads_each_application_and_a_missing_one_is_none(apps, monkeypatch):
    spark, hive = apps
    monkeypatch.setattr(preflight_worker, "in_process", None)  # the answer must come from the worker
    worker = preflight_worker.start("us-east-1")
    found, region = worker.fetch([spark, hive, "00nosuchapp0000"])
    assert (found, region) == (expected(spark, hive), "us-east-1")


def test_the_worker_answers_what_the_program_would_read_itself(apps):
    spark, hive = apps
    ids = [spark, hive, "00nosuchapp0000"]
    assert preflight_worker.start("us-east-1").fetch(ids) == preflight_worker.in_process("us-east-1")(ids)


def test_a_worker_that_cannot_start_leaves_the_reads_to_the_program(apps, monkeypatch):
    spark, hive = apps
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    worker = preflight_worker.start("us-east-1")
    assert worker.proc is None
    assert worker.fetch([spark, hive, "00nosuchapp0000"]) == (expected(spark, hive), "us-east-1")


@pytest.mark.parametrize("script", ["import sys; sys.exit(3)", "print('not json')", "print('{\"apps\": 1}')",
                                    "import os; os.kill(os.getpid(), 9)"],
                         ids=["exits non-zero", "answers garbage", "answers the wrong shape", "is killed"])
def test_a_worker_that_fails_leaves_the_reads_to_the_program(apps, monkeypatch, script):
    spark, hive = apps
    real = preflight_worker.subprocess.Popen
    monkeypatch.setattr(preflight_worker.subprocess, "Popen",
                        lambda args, **kw: real([sys.executable, "-c", script], **kw))
    worker = preflight_worker.start("us-east-1")
    assert worker.fetch([spark, hive, "00nosuchapp0000"]) == (expected(spark, hive), "us-east-1")


def test_a_worker_that_does_not_answer_in_time_is_killed_and_the_program_reads(apps, monkeypatch):
    spark, hive = apps
    real = preflight_worker.subprocess.Popen
    started = []

    def sleeper(args, **kw):
        started.append(real([sys.executable, "-c", "import time; time.sleep(60)"], **kw))
        return started[-1]

    monkeypatch.setattr(preflight_worker.subprocess, "Popen", sleeper)
    monkeypatch.setattr(preflight_worker, "MARGIN_SECONDS", 0.5)
    monkeypatch.setattr(applications, "ATTEMPTS", 0)  # the bound is then the margin alone
    worker = preflight_worker.start("us-east-1")
    assert worker.fetch([spark]) == ({spark: expected(spark, hive)[spark]}, "us-east-1")
    assert started[0].poll() == -9


def test_serve_answers_one_line_of_ids_with_one_line(apps):
    spark, _ = apps
    out = io.StringIO()
    preflight_worker.serve("us-east-1", io.StringIO(json.dumps([spark]) + "\n"), out)
    assert json.loads(out.getvalue()) == {"apps": {spark: {"id": spark, "type": "SPARK", "release": "emr-7.5.0",
                                                           "state": "STARTED", "auto_start": True}},
                                          "region": "us-east-1"}


def test_serve_answers_nothing_when_the_program_needs_no_reads(apps):
    out = io.StringIO()
    preflight_worker.serve("us-east-1", io.StringIO(""), out)
    assert out.getvalue() == ""


def test_a_service_that_cannot_be_asked_is_the_same_skip_note_from_the_worker(apps, monkeypatch):
    spark, _ = apps
    monkeypatch.setenv("AWS_ENDPOINT_URL_EMR_SERVERLESS", "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(applications.Skipped) as from_worker:
        preflight_worker.start("us-east-1").fetch([spark])
    with pytest.raises(applications.Skipped) as in_process:
        preflight_worker.in_process("us-east-1")([spark])
    assert str(from_worker.value) == str(in_process.value)
    assert str(from_worker.value).startswith("applications not checked against the service: GetApplication failed:")


def test_an_unused_worker_exits_when_closed(apps):
    worker = preflight_worker.start("us-east-1")
    proc = worker.proc
    worker.close()
    assert proc.wait(timeout=60) == 0
