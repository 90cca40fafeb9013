"""providers/source_position.py: a job's resource is recorded as declared at its spec file.

The swap relies on a private function of the Python SDK; these tests fail if a release
renames it or stops deriving the source position from it. tests/test_e2e.py checks what
the engine then keeps in state.
"""

from __future__ import annotations

import pytest
from pulumi.runtime import resource as sdk_resource

from providers.source_position import declared_at, stack_trace


def test_the_stack_is_one_frame_at_the_first_line_of_the_spec_as_an_absolute_file_uri(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (frame,) = stack_trace("jobspecs/nightly.yaml").frames
    assert (frame.pc.uri, frame.pc.line, frame.pc.column) == ((tmp_path / "jobspecs/nightly.yaml").as_uri(), 1, 0)


def test_within_the_block_the_sdk_takes_the_spec_as_the_resources_stack_and_source_position(tmp_path):
    spec = tmp_path / "jobspecs" / "nightly.yaml"
    with declared_at(str(spec)):
        trace = sdk_resource._get_stack_trace()
        position = sdk_resource._get_source_position(trace)
    assert [f.pc.uri for f in trace.frames] == [spec.as_uri()]
    assert (position.uri, position.line) == (spec.as_uri(), 1)


def test_after_the_block_the_sdk_records_python_frames_again(tmp_path):
    original = sdk_resource._get_stack_trace
    with declared_at(str(tmp_path / "a.yaml")):
        pass
    assert sdk_resource._get_stack_trace is original


def test_an_error_in_the_constructor_still_restores_the_sdk(tmp_path):
    original = sdk_resource._get_stack_trace
    with pytest.raises(ValueError), declared_at(str(tmp_path / "a.yaml")):
        raise ValueError("the constructor failed")
    assert sdk_resource._get_stack_trace is original


def test_the_sdk_still_reads_the_stack_by_this_name_when_it_registers_a_resource():
    import inspect

    source = inspect.getsource(sdk_resource.register_resource)
    assert "_get_stack_trace()" in source and "_get_source_position(stack_trace)" in source

