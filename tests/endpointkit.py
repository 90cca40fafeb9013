"""Fixtures for provider tests that call the local endpoint in process: the server, and the env that reaches it."""

from __future__ import annotations

import pytest

from tools.local_endpoint import LocalEndpoint


@pytest.fixture(scope="module")
def endpoint():
    with LocalEndpoint() as ep:
        yield ep


@pytest.fixture
def aws_env(endpoint, monkeypatch):
    for key, value in endpoint.env().items():
        monkeypatch.setenv(key, value)
    return endpoint
