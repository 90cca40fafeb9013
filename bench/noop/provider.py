"""The do-nothing dynamic provider of the preview and apply baselines.

It lives in an importable module, as ``JobRunProvider`` does, so dill pickles both
by reference (a few dozen bytes) rather than by value: a provider class defined in
``__main__`` costs about 1 ms more per resource to pickle, which would flatter
jobspec in the comparison.

For ``pulumi up``, ``refresh`` and ``destroy`` (bench/apply_bench.py) it makes the
engine take the same steps as jobspec's provider on the same bodies, and does
nothing else: ``create`` keeps its inputs as outputs (the state is as large as
jobspec's), ``diff`` replaces on a change of any member but ``tags`` (jobspec
restarts a run on any body change and updates tags in place), ``read`` returns
the state unchanged and ``delete`` does nothing.
"""

import os
import uuid

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

#: Members changed in place; any other change is a replace.
IN_PLACE = frozenset({"tags"})


def _inputs(props):
    return {k: v for k, v in props.items() if k != "__provider"}


class NoopProvider(ResourceProvider):
    serialize_as_secret_always = False

    def check(self, olds, news):
        return CheckResult(news, [])

    def diff(self, _id, olds, news):
        old, new = _inputs(olds), _inputs(news)
        changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
        return DiffResult(changes=bool(changed), replaces=[k for k in changed if k not in IN_PLACE])

    def create(self, props):
        outs = _inputs(props)
        if os.environ.get("JOBSPEC_BENCH_RUN_OUTPUTS") != "1":
            return CreateResult(uuid.uuid4().hex, outs)
        # bench/outputs_bench.py: the six run outputs jobspec's JobRun adds, with values of their size
        run_id, now = uuid.uuid4().hex[:16], "2026-12-07T00:00:00+00:00"
        outs.update(arn=f"arn:aws:emr-serverless:us-east-1:123456789012:/applications/{props.get('applicationId')}"
                        f"/jobruns/{run_id}", jobRunId=run_id, state="RUNNING", stateDetails="",
                    createdAt=now, updatedAt=now)
        return CreateResult(run_id, outs)

    def update(self, _id, olds, news):
        return UpdateResult(_inputs(news))

    def read(self, id_, props):
        return ReadResult(id_, props)

    def delete(self, _id, _props):
        pass
