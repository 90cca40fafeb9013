"""The figures of issue 10 in docs/faults.md, each counted from the tests that show it.

Each figure is a zero that some tests assert after an ordinary action through the
real engine (a run still RUNNING, one run per job, no "Traceback" in the output).
This module names those tests; the check below fails when a named test is renamed
or removed, or when docs/faults.md gives another count.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "faults.md"

FIGURES: dict[str, list[str]] = {
    # A RUNNING run meets an ordinary action; the test asserts it is still RUNNING and was sent no CancelJobRun.
    "Runs cancelled by mistake": [
        "test_apply_identity::test_a_body_edit_under_a_fixed_client_token_is_refused_and_the_running_job_is_left_alone",
        "test_apply_identity::test_a_spec_file_renamed_with_previous_names_keeps_its_run",
        "test_apply_identity::test_an_emptied_specs_folder_fails_preview_and_up_and_cancels_nothing",
        "test_apply_identity::test_a_specs_setting_naming_an_empty_folder_is_refused_too",
        "test_walk_engine::test_a_fifo_in_place_of_a_spec_fails_preview_and_up_and_touches_no_run",
    ],
    # The test asserts the calls in order: never two runs of one job at once, never a second run for one token.
    "Runs started twice": [
        "test_apply_identity::test_a_spec_file_renamed_with_previous_names_keeps_its_run",
        "test_apply_identity::test_a_renamed_stop_before_start_job_is_cancelled_before_its_new_run_starts",
        "test_apply_identity::test_a_body_edit_under_a_fixed_client_token_is_refused_and_the_running_job_is_left_alone",
        "test_apply_identity::test_removing_the_fixed_token_restarts_the_job_with_its_new_body",
        "test_preflight::test_an_application_that_does_not_exist_fails_the_preview_and_up_starts_no_job",
        "test_recover::test_spec_unchanged_recover_adopts_the_run_the_killed_update_started",
        "test_recover::test_every_run_in_flight_at_default_parallelism_is_adopted_one_line_each",
    ],
    # A user or service error through the real engine (or recover); the test asserts exact text and no traceback.
    "Tracebacks for user or service errors": [
        *(f"test_apply_errors::{name}" for name in (
            "test_no_credentials_skip_the_preflight_with_a_note_and_fail_up_with_a_sentence",
            "test_no_region_fails_up_with_a_sentence",
            "test_access_denied_names_the_job_the_code_and_the_permission",
            "test_a_request_the_service_refuses_names_its_message",
            "test_an_unreachable_endpoint_is_retried_a_bounded_number_of_times_then_named",
            "test_throttling_past_the_bounded_retries_says_a_retry_is_safe",
            "test_an_application_gone_between_preview_and_up_is_named",
            "test_a_failed_tag_resource_names_the_job_and_keeps_the_run",
            "test_a_run_gone_at_refresh_says_how_to_drop_it",
            "test_a_waited_for_run_that_failed_fails_up_with_its_state_details")),
        "test_apply_identity::test_a_body_edit_under_a_fixed_client_token_is_refused_and_the_running_job_is_left_alone",
        "test_apply_identity::test_an_emptied_specs_folder_fails_preview_and_up_and_cancels_nothing",
        "test_preflight::test_an_application_that_does_not_exist_fails_the_preview_and_up_starts_no_job",
        "test_walk_engine::test_a_fifo_in_place_of_a_spec_fails_preview_and_up_and_touches_no_run",
        "test_e2e::test_a_spec_with_a_lint_error_fails_preview_at_its_position_and_starts_nothing",
        "test_recover::test_a_failure_is_one_sentence_changes_no_state_and_recover_can_run_again",
        "test_recover::test_an_engine_failure_is_one_sentence",
    ],
}


@pytest.mark.parametrize("figure", FIGURES)
def test_each_test_a_figure_counts_exists(figure):
    for test in FIGURES[figure]:
        module, name = test.split("::")
        assert callable(getattr(importlib.import_module(module), name, None)), test


@pytest.mark.parametrize("figure", FIGURES)
def test_docs_faults_md_gives_the_figure_as_zero_over_the_tests_that_show_it(figure):
    row = next((line for line in DOC.read_text().splitlines() if line.startswith(f"| {figure} |")), None)
    assert row is not None, f"docs/faults.md has no row for {figure!r}"
    value, source = (cell.strip() for cell in row.split("|")[2:4])
    assert value == "0"
    count = re.match(r"(\d+) tests", source)
    assert count and int(count.group(1)) == len(FIGURES[figure]), source
    for module in {test.split("::")[0] for test in FIGURES[figure]}:
        assert f"`tests/{module}.py`" in source, module
