"""The garbage-collector settings jobspec uses for batch work and for its Pulumi program."""

import gc

import pytest

from compiler import collector


@pytest.fixture
def restore_gc():
    before = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*before[0])
    (gc.enable if before[1] else gc.disable)()


def test_the_program_collects_young_objects_less_often_and_keeps_the_older_generations(restore_gc):
    older = gc.get_threshold()[1:]
    collector.relax_for_process()
    assert gc.get_threshold() == (collector.PROGRAM_GEN0_THRESHOLD, *older)
    assert gc.isenabled()


def test_a_paused_batch_turns_collection_back_on_afterwards(restore_gc):
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
