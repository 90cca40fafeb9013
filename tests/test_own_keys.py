"""jobspec's own keys of a JobRun travel as one JSON string (providers/own_keys.py), read in every older shape."""

from providers import own_keys
from providers.jobrun import JobRunProvider, meta

KEYS = {"jobName": "nightly", "specFile": "jobspecs/nightly.yaml", "deploy": {"stopBeforeStart": True},
        "fingerprints": {"jobDriver.sparkSubmit.entryPoint": "sha256:0123456789ab"}}


def test_the_keys_are_compact_json_with_sorted_keys():
    assert own_keys.encode({"specFile": "a.yaml", "jobName": "a"}) == '{"jobName":"a","specFile":"a.yaml"}'


def test_empty_values_are_left_out_so_absent_null_and_empty_read_the_same():
    assert own_keys.encode({"jobName": "a", "deploy": {}, "rerun": None}) == '{"jobName":"a"}'


def test_text_outside_ascii_is_kept_as_written():
    assert own_keys.encode({"specFile": "jobspecs/übersicht.yaml"}) == '{"specFile":"jobspecs/übersicht.yaml"}'


def test_decode_reads_the_string_and_the_map_of_state_written_before():
    assert own_keys.decode(own_keys.encode(KEYS)) == KEYS
    assert own_keys.decode(KEYS) == KEYS


def test_decode_of_anything_else_is_no_keys():
    assert [own_keys.decode(v) for v in (None, "", "not json", "[1]", 7)] == [{}, {}, {}, {}, {}]


def test_meta_reads_the_same_keys_from_the_string_the_map_and_the_top_level():
    body = {"name": "nightly", "mode": "BATCH"}
    shapes = [{**body, "jobspec": own_keys.encode(KEYS)}, {**body, "jobspec": KEYS}, {**body, **KEYS}]
    assert [meta(props) for props in shapes] == [KEYS, KEYS, KEYS]


def test_a_read_of_state_written_before_returns_the_keys_as_the_string():
    # An ended run: the read asks the service nothing, and only rewrites the shape of the keys.
    ended = {"applicationId": "00f", "state": "SUCCESS", "arn": "arn:run", "jobRunId": "r1"}
    for old in ({**ended, "jobspec": KEYS}, {**ended, **KEYS}):
        outs = JobRunProvider().read("r1", old).outs
        assert outs == {**ended, "jobspec": own_keys.encode(KEYS)}


def test_a_read_keeps_the_string_as_it_is():
    props = {"applicationId": "00f", "state": "SUCCESS", "arn": "arn:run", "jobspec": own_keys.encode(KEYS)}
    assert JobRunProvider().read("r1", props).outs == props
