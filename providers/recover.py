"""``jobspec recover --stack S``: finish what a killed ``pulumi up`` left behind, in one command.

A ``pulumi up`` killed mid-update (SIGKILL of every process, as a CI runner does)
leaves the runs created so far in state, a *pending operation* for each resource
operation in flight, and the dead process's lock (tests/test_engine_faults.py).
For a JobRun being created, the run may or may not exist: StartJobRun may have
reached the service before the kill. This command:

1. reads the state (``pulumi stack export``; the plain inputs with ``--show-secrets``,
   kept in memory only);
2. resolves each pending JobRun create by sending its own StartJobRun body again,
   clientToken included: the service is idempotent on the token, so it answers
   with the run the killed update started (or starts it, if the request never
   arrived);
3. adopts that run into state when the current spec for the job, compiled for the
   stack as the program compiles it, still wants that body (tags aside: those are
   updated in place by the next ``up``), finishing an interrupted restart by
   cancelling the run it replaces; otherwise cancels it (CancelJobRun);
4. drops every other pending operation (a delete or a tag update: the resource
   stays in state and the next ``up`` does the step again; it is idempotent);
5. clears the lock (``pulumi cancel``) and writes the state (``pulumi stack import``,
   secrets as the backend encrypted them).

Every AWS call comes before the only write, so a failure changes no state and keeps
the lock, and running the command again is safe: each step is idempotent. A run is
put into state by editing the exported state rather than with ``pulumi refresh
--import-pending-creates URN ID``: with Pulumi v3.274.1 that flag turns the pending
create into a pending "importing" operation, which the refresh then drops, and the
resource with it (tests/test_recover.py shows it).
"""

from __future__ import annotations

import argparse
import copy
import datetime
import sys
from pathlib import Path
from typing import Any, Callable

from compiler import plan as planning
from providers import aws, errors
from providers.desired import Desired, SpecsError, desired, state_resolver
from providers.jobrun import OUTPUT_KEYS, JobRunError, JobRunProvider, body_of, meta
from providers.pulumi_cli import EngineFailure, PulumiStack, reveal

OK, FAILED, USAGE = 0, 1, 2
JOBRUN_TYPE = "pulumi-python:dynamic/emrserverless:JobRun"
#: The engine's pending-operation types, as a line names them.
STEPS = {"creating": "create", "updating": "update", "deleting": "delete", "reading": "read", "importing": "import"}


class RecoverError(Exception):
    """A failure the user can act on; the message names the job and what to do."""


def command(args: argparse.Namespace) -> int:
    """``jobspec recover`` (arguments parsed in compiler/cli.py): 0 recovered or nothing to do, 1 failed, 2 usage."""
    cwd = Path(args.cwd)
    if not (cwd / "Pulumi.yaml").is_file() and not (cwd / "Pulumi.yml").is_file():
        print(f"jobspec recover: {args.cwd} is not a Pulumi project folder (no Pulumi.yaml); pass --cwd",
              file=sys.stderr)
        return USAGE
    stack = PulumiStack(args.stack, cwd)
    try:
        lines = Recovery(stack).run()
    except (RecoverError, EngineFailure) as exc:
        print(f"jobspec recover: stack {args.stack}: {exc}", file=sys.stderr)
        return FAILED
    for line in lines:
        print(line)
    return OK


def _describe(exc: Exception) -> str:
    """An AWS failure in one clause: the error code and message, or botocore's own sentence.

    Anything that is not an AWS failure is a bug in jobspec: re-raised, traceback and all.
    """
    if errors.describe(exc, "") is None:
        raise exc
    code = aws.error_code(exc)
    message = (getattr(exc, "response", None) or {}).get("Error", {}).get("Message", "")
    return f"{code}: {message}" if code else str(exc)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


class Recovery:
    """One run of ``jobspec recover`` over one stack; ``run()`` returns the lines to print."""

    def __init__(self, stack: PulumiStack, client_factory: Callable[[str | None], Any] = aws.emr_client) -> None:
        self.stack = stack
        self.client_factory = client_factory
        #: The end of every failure message: every AWS call comes before the only write, and each is idempotent.
        self.unchanged = (f"The stack's state and lock are unchanged; fix that, then run "
                          f"`jobspec recover --stack {stack.name}` again.")

    def run(self) -> list[str]:
        sealed = self.stack.export()
        sealed_copy = copy.deepcopy(sealed)
        deployment = sealed.get("deployment") or {}
        ops = deployment.get("pending_operations") or []
        if not ops:
            self.stack.cancel()
            return [f"nothing to recover in stack {self.stack.name}: no pending operation "
                    "(a lock left by an interrupted update, if any, is cleared)"]
        plain_ops = (self.stack.export(show_secrets=True).get("deployment") or {}).get("pending_operations") or []
        if [op["resource"]["urn"] for op in plain_ops] != [op["resource"]["urn"] for op in ops]:
            raise RecoverError("the state changed while it was being read; is an update running? Nothing was changed.")
        self._refuse_foreign_creates(ops)
        resources = list(deployment.get("resources") or [])
        lines = []
        creates = [(op, plain) for op, plain in zip(ops, plain_ops) if self._is_run_create(op)]
        if creates:
            config = self.stack.config()
            try:
                wants = desired(self.stack.cwd, self.stack.name.rsplit("/", 1)[-1], config, state_resolver(resources))
            except SpecsError as exc:
                raise RecoverError(f"{exc}. {self.unchanged}") from None
            region = config.get("aws:region")
            try:
                client = self.client_factory(region)
            except Exception as exc:  # noqa: BLE001 - e.g. no region anywhere: botocore refuses to make the client
                raise RecoverError(f"no EMR Serverless client: {exc} (set AWS_REGION, or the stack's aws:region). "
                                   f"{self.unchanged}") from None
            for op, plain in creates:
                lines.append(self._resolve_create(op["resource"], reveal(plain["resource"]["inputs"]), resources,
                                                  wants, client, region))
        lines += [self._explain(op, resources) for op in ops if not self._is_run_create(op)]
        # The only write, after every AWS call: a failure above leaves state and lock as they were.
        # An update that started meanwhile (which the help text forbids) would have written state by now.
        if self.stack.export() != sealed_copy:
            raise RecoverError("the state changed while recover ran; is an update running? The stack's state was not "
                               "written; run `jobspec recover` again once no update is running.")
        self.stack.cancel()
        deployment["pending_operations"] = []
        deployment["resources"] = resources
        self.stack.import_state(sealed)
        return lines

    # -- classifying ---------------------------------------------------------------------------

    @staticmethod
    def _is_run_create(op: dict[str, Any]) -> bool:
        return op.get("type") == "creating" and op["resource"].get("type") == JOBRUN_TYPE

    def _refuse_foreign_creates(self, ops: list[dict[str, Any]]) -> None:
        """A pending create of a cloud resource jobspec does not own (pulumi-aws): only a person can resolve it."""
        for op in ops:
            res = op["resource"]
            owned = res.get("type") == JOBRUN_TYPE or not res.get("custom") or res.get("type", "").startswith(
                "pulumi:providers:")
            if op.get("type") == "creating" and not owned:
                raise RecoverError(
                    f"the interrupted update was creating {res['urn']}, which is not a job run, so whether it exists "
                    "is unknown to jobspec. Look for it in AWS; then run `pulumi cancel --yes` and `pulumi refresh "
                    "--yes --clear-pending-creates`, and `pulumi import` it if it exists. Nothing was changed.")

    @staticmethod
    def _explain(op: dict[str, Any], resources: list[dict[str, Any]]) -> str:
        """The line for a pending operation that is dropped as it is (no AWS call)."""
        res, kind = op["resource"], op.get("type")
        step = STEPS.get(kind, kind)
        if res.get("type") != JOBRUN_TYPE:
            return f"{_name(res['urn'])}: dropped the interrupted {step} of a {res.get('type')} (nothing to resolve)"
        job = meta(res.get("inputs") or {}).get("jobName") or _name(res["urn"])
        # A pending update records the new inputs without the id; the resource it updates is still in state.
        live = [r.get("id") for r in resources if r["urn"] == res["urn"] and not r.get("delete")]
        run_id = res.get("id") or next(iter(live), "(unknown)")
        if kind == "deleting":
            return (f"{job}: dropped the interrupted stop of run {run_id}; it stays in state, and the next "
                    "`pulumi up` stops it if the spec no longer wants it")
        if kind == "updating":
            return (f"{job}: dropped the interrupted tag update of run {run_id}; the next `pulumi up` "
                    "applies the tags again")
        return f"{job}: dropped the interrupted {step} of run {run_id} (it changed nothing in AWS)"

    # -- a pending create ----------------------------------------------------------------------

    def _resolve_create(self, sealed: dict[str, Any], props: dict[str, Any], resources: list[dict[str, Any]],
                        wants: Desired, client: Any, region: str | None) -> str:
        job = meta(props).get("jobName") or _name(sealed["urn"])
        body = body_of(props)
        token = body.get("clientToken")
        try:
            started = client.start_job_run(**body)
        except Exception as exc:  # noqa: BLE001 - any AWS failure becomes a sentence
            raise RecoverError(f"{job}: StartJobRun with the interrupted update's clientToken {token} failed: "
                               f"{_describe(exc)}. {self.unchanged}") from None
        run_id = started["jobRunId"]
        if any(r.get("id") == run_id for r in resources if r.get("type") == JOBRUN_TYPE and not r.get("delete")):
            # A clientToken kept while the body changed (an explicit one): the service answered with a run the
            # state already holds, so the interrupted create started nothing. Stopping it here would stop a
            # tracked run before its replacement exists.
            return (f"{job}: dropped the interrupted start: the service answers its clientToken {token} with run "
                    f"{run_id}, which the state already tracks; change the clientToken with the body")
        now = wants.job(job)
        if now is not None and planning.plan(body, body_of(wants.bodies[now])).action != planning.RESTART:
            return self._adopt(job, sealed, props, started, resources, client, region)
        why = "the spec changed" if now is not None else f"the job is no longer in {wants.folder}"
        ended = self._stop(job, client, body["applicationId"], run_id)
        if ended:
            return f"{job}: left run {run_id} out of state because {why}; it had already ended ({ended})"
        return f"{job}: cancelled run {run_id} because {why}"

    def _adopt(self, job: str, sealed: dict[str, Any], props: dict[str, Any], started: dict[str, Any],
               resources: list[dict[str, Any]], client: Any, region: str | None) -> str:
        """Put the run into state as the provider's create would have; cancel the run it replaces, if any."""
        run_id = started["jobRunId"]
        provider = JobRunProvider()
        provider.region = region
        try:
            read = provider.read_alone(run_id, props).outs  # state and timestamps, as `refresh` records them
        except JobRunError as exc:
            raise RecoverError(f"{exc} {self.unchanged}") from None
        except Exception as exc:  # noqa: BLE001
            raise RecoverError(f"{job}: GetJobRun of run {run_id} failed: {_describe(exc)}. {self.unchanged}") from None
        # Inputs as stored (secrets stay encrypted), plus the outputs create adds: as the provider's create
        # returns them, with the `__provider` the dynamic-provider server adds.
        outputs = copy.deepcopy(sealed["inputs"])
        outputs.update({k: read[k] for k in OUTPUT_KEYS if k in read})
        outputs.update(arn=started["arn"], jobRunId=run_id,
                       applicationId=started.get("applicationId", props["applicationId"]))
        adopted = {**copy.deepcopy(sealed), "id": run_id, "outputs": outputs}
        adopted.setdefault("created", _now())
        adopted.setdefault("modified", adopted["created"])
        live = [i for i, r in enumerate(resources) if r["urn"] == sealed["urn"] and not r.get("delete")]
        line = f"{job}: adopted run {run_id} (started by the interrupted update)"
        if not live:
            resources.append(adopted)
            return line
        # An interrupted restart: the run in state is the one the new run replaces. Stop it as the replace
        # would have (its `deploy.stopBeforeStart` already did, before the start).
        old = resources[live[0]]
        old_id = old.get("id")
        ended = self._stop(job, client, (old.get("outputs") or {}).get("applicationId") or props["applicationId"],
                           old_id)
        resources[live[0]] = adopted
        if ended:
            return f"{line}; run {old_id} it replaces had already ended ({ended})"
        return f"{line}; cancelled run {old_id} it replaces"

    def _stop(self, job: str, client: Any, app: str, run_id: str) -> str | None:
        """CancelJobRun unless the run has ended; returns the state it had ended in, or None if cancelled now."""
        try:
            try:
                state = client.get_job_run(applicationId=app, jobRunId=run_id)["jobRun"]["state"]
            except Exception as exc:  # noqa: BLE001
                if aws.error_code(exc) == "ResourceNotFoundException":
                    return "no longer in the service"
                raise
            if state in aws.TERMINAL:
                return state
            client.cancel_job_run(applicationId=app, jobRunId=run_id)
            return None
        except Exception as exc:  # noqa: BLE001
            raise RecoverError(f"{job}: cancelling run {run_id} failed: {_describe(exc)}. {self.unchanged}") from None
