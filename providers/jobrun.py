"""The dynamic provider behind ``JobRun``: StartJobRun, GetJobRun, CancelJobRun, tags.

Pulumi pickles this provider into every resource's state (by reference, since the
class lives in an installed module, not in ``__main__``), so the instance holds
no client and no module state: clients are made inside each method. Its import
path and method contracts are kept stable, because ``refresh`` and ``destroy``
run the provider recorded in state (pulumi/pulumi#6490).

Properties: the StartJobRun members under their AWS names (so a preview diff reads
like the API), plus jobspec's own keys in one ``jobspec`` property: ``jobName``,
``specFile``, ``deploy``, ``rerun``, ``fingerprints`` (digests of the secret members, so a
preview shows which of them changed) and ``clientTokenGiven`` (the spec fixes the token).
One property, not six, because the Python SDK's cost per resource grows with its count
of top-level properties (each one becomes an Output; see bench/RESULTS.md); a JSON string,
not a map, because the engine's cost per state write grows with the count of property
values (``providers/own_keys.py``). Outputs add ``arn``, ``jobRunId``, ``state``,
``stateDetails``, ``createdAt``, ``updatedAt``.
"""

from __future__ import annotations

import os
import time
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from compiler import model, plan as planning
from providers import aws, errors, own_keys, run_reads
from providers.regional import RegionalProvider

#: The string Pulumi sends for a value not known during preview (pulumi/pulumi#6310).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The property holding jobspec's own inputs: a change to them updates state only, never the run.
META = own_keys.META
META_KEYS = ("jobName", "specFile", "deploy", "rerun", "fingerprints", "clientTokenGiven")
OUTPUT_KEYS = ("arn", "jobRunId", "state", "stateDetails", "createdAt", "updatedAt")
#: Seconds between GetJobRun calls while waiting (only with ``deploy.wait``).
POLL_SECONDS = float(os.environ.get("JOBSPEC_POLL_SECONDS", "5"))


class JobRunError(errors.JobspecError):
    """A job run that failed, vanished or did not reach the awaited state in time."""


def body_of(props: dict[str, Any]) -> dict[str, Any]:
    """The StartJobRun request carried in a property bag (inputs or outputs), numbers as the model types them."""
    return model.coerce_numbers({k: props[k] for k in model.member_order() if props.get(k) is not None})


def _has_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return value == UNKNOWN


def meta(props: dict[str, Any]) -> dict[str, Any]:
    """jobspec's own keys of a property bag, empty values dropped.

    The engine may drop an empty mapping or a null from state, so ``{}``, ``None`` and
    absent mean the same. The keys are a JSON string under ``jobspec``; state written
    before holds them as a map there, or, older still, at the top level. Both are read,
    so such a job diffs as unchanged and the next ``up`` records the string without a
    provider call (tests/test_state_migration.py).
    """
    source = own_keys.of(props)
    return {k: source[k] for k in META_KEYS if source.get(k) not in (None, {})}


def _kept(props: dict[str, Any]) -> dict[str, Any]:
    """The outputs a read keeps: the state's, jobspec's keys as the string even where state written before has
    them as a map or at the top level (a refresh moves them; a same step of ``up`` keeps the old outputs)."""
    outs = {k: v for k, v in props.items() if k != "__provider"}
    if isinstance(outs.get(META), str):  # the current shape: nothing to decode on refresh's hot path
        return outs
    own = meta(props)
    if own:
        for key in META_KEYS:
            outs.pop(key, None)
        outs[META] = own_keys.encode(own)
    return outs


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _run_outputs(run: dict[str, Any]) -> dict[str, Any]:
    return {
        "state": run.get("state"),
        "stateDetails": run.get("stateDetails") or "",
        "createdAt": _iso(run.get("createdAt")),
        "updatedAt": _iso(run.get("updatedAt")),
    }


def _rerun_hint(props: dict[str, Any]) -> str:
    own = meta(props)
    what = "change or remove its `clientToken:`" if own.get("clientTokenGiven") else "change its `rerun:` value"
    return (f" Re-applying {own.get('specFile') or 'the spec'} unchanged starts nothing (same clientToken); "
            f"{what} to start the job again.")


def _who(props: dict[str, Any]) -> str:
    own = meta(props)
    return f"{own.get('jobName')} ({own.get('specFile')})"


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def fixed_token_failure(olds: dict[str, Any], news: dict[str, Any]) -> CheckFailure | None:
    """A body change under an unchanged clientToken: refused, since it would never run.

    StartJobRun answers a token it has seen with the run it already started, so the
    replace would start nothing and then cancel the job's only run. Only a spec that
    fixes ``clientToken`` can get here: a derived token changes with the body.
    """
    if not olds:
        return None
    old, new = body_of(olds), body_of(news)
    token = new.get("clientToken")
    if token is None or token != old.get("clientToken") or _has_unknown(new):
        return None
    changed = planning.plan(_without(old, "tags"), _without(new, "tags")).replaces
    if not changed:
        return None
    spec = meta(news).get("specFile") or "the spec"
    return CheckFailure("clientToken", (
        f"{spec}: clientToken {token!r} is fixed, and the request body changed ({', '.join(changed)}). "
        "StartJobRun answers a token it has seen with the run it already started, so the new body would "
        "never run and the replace would cancel the running one. Remove `clientToken:` from the spec "
        "(jobspec then derives a new token for every body) or give it a new value."))


def renamed_only(olds: dict[str, Any], news: dict[str, Any], replaces: list[str]) -> bool:
    """A rename (``previousNames``) that changed nothing sent to AWS but the derived clientToken.

    The derived token includes the job name, so a renamed job gets a new one; the run
    it tracks is the same run, and starting it again would be a restart nobody asked for.
    """
    old_meta, new_meta = meta(olds), meta(news)
    return (replaces == ["clientToken"]
            and old_meta.get("jobName") != new_meta.get("jobName")
            and old_meta.get("rerun") == new_meta.get("rerun")
            and not new_meta.get("clientTokenGiven") and not old_meta.get("clientTokenGiven"))


class JobRunProvider(RegionalProvider):
    """CRUD for one EMR Serverless job run, driven by a compiled StartJobRun body."""

    def _client(self) -> Any:
        return aws.emr_client(getattr(self, "region", None))

    # -- preview: pure -------------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The same linter as ``jobspec lint``, on the compiled body; unknown values are skipped.

        A body equal to the one last applied (``olds``: the inputs in state) is not linted
        again: it passed when it was applied, and an unchanged body starts nothing. Most
        resources of an ``up`` are unchanged, and the provider's checks run one after another.
        Nor can it change under a fixed token (``fixed_token_failure``).
        """
        if olds and body_of(olds) == body_of(news):
            return CheckResult(news, [])
        failures = self._lint(news)
        fixed = fixed_token_failure(olds, news)
        if fixed is not None:
            failures.append(fixed)
        return CheckResult(news, failures)

    @staticmethod
    def _lint(news: dict[str, Any]) -> list[CheckFailure]:
        from compiler.document import Document
        from compiler.lint import default_linter

        body = body_of(news)
        unknown = [k for k, v in body.items() if _has_unknown(v)]
        known = {k: v for k, v in body.items() if k not in unknown}
        for key in unknown:  # placeholders that satisfy "required"; their findings are dropped below
            known[key] = "unknown"
        doc = Document(str(meta(news).get("specFile") or "<inputs>"), None, known, [])
        failures = []
        for finding in default_linter().check(doc):
            top = finding.field.split(".")[0].split("[")[0]
            if top in unknown or finding.severity != "error":
                continue
            failures.append(CheckFailure(top or "body", f"{finding.file}: {finding.field}: {finding.message} [{finding.rule}]"))
        return failures

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Restart on any body change (replace), update in place for tags and jobspec keys only."""
        result = planning.plan(body_of(olds), body_of(news))
        new_meta = meta(news)
        if result.action == planning.NONE and meta(olds) == new_meta:
            return DiffResult(changes=False, replaces=[])
        replaces = [] if renamed_only(olds, news, result.replaces) else result.replaces
        deploy = new_meta.get("deploy") if isinstance(new_meta.get("deploy"), dict) else {}
        return DiffResult(
            changes=True,
            replaces=replaces,
            delete_before_replace=bool(deploy.get("stopBeforeStart")) and bool(replaces),
        )

    # -- apply ---------------------------------------------------------------------------------

    @errors.sentences("StartJobRun", props_arg=0)
    def create(self, props: dict[str, Any]) -> CreateResult:
        """StartJobRun; returns right away unless ``deploy.wait`` asks to block (bounded)."""
        client = self._client()
        body = body_of(props)
        started = client.start_job_run(**body)
        run_id = started["jobRunId"]
        try:
            run = client.get_job_run(applicationId=body["applicationId"], jobRunId=run_id)["jobRun"]
        except Exception as exc:  # noqa: BLE001 - the run exists: failing now would leave it out of state
            if errors.describe(exc, "GetJobRun") is None:
                raise
            run = {"state": "SUBMITTED", "stateDetails": "state not read yet; `pulumi refresh` reads it"}
        wait = (meta(props).get("deploy") or {}).get("wait")
        if wait:
            run = self._wait(client, body["applicationId"], run_id, run, wait, props)
        outs = {k: v for k, v in props.items() if k != "__provider"}
        outs.update(arn=started["arn"], jobRunId=run_id, applicationId=started.get("applicationId", body["applicationId"]))
        outs.update(_run_outputs(run))
        return CreateResult(run_id, outs)

    def _wait(self, client: Any, app: str, run_id: str, run: dict[str, Any], wait: dict[str, Any],
              props: dict[str, Any]) -> dict[str, Any]:
        target_terminal = wait.get("until") == "TERMINAL"
        deadline = time.monotonic() + float(wait.get("timeoutSeconds", 600))
        while True:
            state = run.get("state")
            if state in ("FAILED", "CANCELLED"):
                raise JobRunError(f"{_who(props)}: job run {run_id} ended {state}: "
                                  f"{run.get('stateDetails') or 'no details'}." + _rerun_hint(props))
            if state in aws.TERMINAL or (not target_terminal and state == "RUNNING"):
                return run
            if time.monotonic() >= deadline:
                # Cancelled, not left running: a failed create leaves nothing in state, and a run no
                # state tracks is one no later `pulumi up` can stop (it would be orphaned by any edit).
                client.cancel_job_run(applicationId=app, jobRunId=run_id)
                raise JobRunError(f"{_who(props)}: job run {run_id} was still {state} after "
                                  f"{wait.get('timeoutSeconds')}s of deploy.wait, so it was cancelled and the "
                                  "update failed. Raise deploy.wait.timeoutSeconds (or find why the run is slow to "
                                  "start);" + _rerun_hint(props).split(";", 1)[1])
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
            run = client.get_job_run(applicationId=app, jobRunId=run_id)["jobRun"]

    @errors.sentences("TagResource", props_arg=2)
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only tags (TagResource/UntagResource) and jobspec keys change in place."""
        old_tags, new_tags = olds.get("tags") or {}, news.get("tags") or {}
        to_set = {k: v for k, v in new_tags.items() if old_tags.get(k) != v}
        to_remove = [k for k in old_tags if k not in new_tags]
        if to_set or to_remove:
            client = self._client()
            if to_set:
                client.tag_resource(resourceArn=olds["arn"], tags=to_set)
            if to_remove:
                client.untag_resource(resourceArn=olds["arn"], tagKeys=to_remove)
        outs = {k: olds.get(k) for k in OUTPUT_KEYS}
        outs.update({k: v for k, v in news.items() if k != "__provider"})
        outs["applicationId"] = news.get("applicationId", olds.get("applicationId"))
        return UpdateResult(outs)

    @errors.sentences("GetJobRun", props_arg=1)
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The run's state now (providers/run_reads.py); a run the service no longer has is an error.

        Never a silent re-create. A run recorded as ended is not read: it cannot change.
        """
        outs = _kept(props)
        if run_reads.has_ended(props):
            return ReadResult(id_, outs)
        listed = run_reads.ACTIVE.summary(self._client(), props["applicationId"], id_)
        if listed is not None:
            outs.update(_run_outputs(listed))
            return ReadResult(id_, outs)
        return self.read_alone(id_, props)

    @errors.sentences("GetJobRun", props_arg=1)
    def read_alone(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """``read`` of one run by GetJobRun, with no listing: for ``jobspec recover``, which reads one run."""
        outs = _kept(props)
        try:
            run = self._client().get_job_run(applicationId=props["applicationId"], jobRunId=id_)["jobRun"]
        except Exception as exc:  # noqa: BLE001 - only "not found" is handled; others propagate
            if aws.error_code(exc) == "ResourceNotFoundException":
                own = meta(props)
                again = "change or remove `clientToken:`" if own.get("clientTokenGiven") else "change `rerun:`"
                raise JobRunError(
                    f"{own.get('jobName')} ({own.get('specFile')}): job run {id_} no longer exists in application "
                    f"{props.get('applicationId')} (GetJobRun: ResourceNotFoundException). Drop it from state with "
                    "`pulumi state delete <urn>` (`pulumi stack --show-urns` lists it); to start the job again, "
                    f"{again} and run `pulumi up`.") from None
            raise
        outs.update(_run_outputs(run))
        return ReadResult(id_, outs)

    @errors.sentences("CancelJobRun", props_arg=1)
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """CancelJobRun unless the run already ended (or is gone)."""
        if run_reads.has_ended(props):  # an end is final: nothing to read, nothing to cancel
            return
        client = self._client()
        app = props["applicationId"]
        try:
            state = client.get_job_run(applicationId=app, jobRunId=id_)["jobRun"]["state"]
        except Exception as exc:  # noqa: BLE001
            if aws.error_code(exc) == "ResourceNotFoundException":
                return
            raise
        if state not in aws.TERMINAL:
            client.cancel_job_run(applicationId=app, jobRunId=id_)
