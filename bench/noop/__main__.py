"""Baseline for bench/preview_bench.py: the same resources with a do-nothing dynamic provider.

Reads request bodies precomputed by the benchmark (no lint, no compile) and declares
one dynamic resource each, so a preview of this program is the engine's and the
dynamic-provider protocol's own cost. With JOBSPEC_BENCH_SECRETS=1 it marks the same
members secret that jobspec does (paths precomputed too), to show what secrets alone cost.
The benchmark puts the repository on PYTHONPATH so ``bench.noop.provider`` imports here
and in the dynamic provider's process.
"""

import json
import os

import pulumi
from pulumi.dynamic import Resource

from bench.noop.provider import NoopProvider


class Noop(Resource, module="bench", name="Noop"):
    def __init__(self, name, props):
        super().__init__(NoopProvider(), name, props)


def secret_at(body, path):
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = pulumi.Output.secret(parent[path[-1]])


with open(os.environ["JOBSPEC_BENCH_BODIES"]) as fh:
    data = json.load(fh)
#: bench/outputs_bench.py: the state jobspec's JobRun keeps, in shape (jobspec's own keys are one string).
RUN_OUTPUTS = os.environ.get("JOBSPEC_BENCH_RUN_OUTPUTS") == "1"

for name, body in data["bodies"].items():
    if os.environ.get("JOBSPEC_BENCH_SECRETS") == "1":
        for path in data["secrets"][name]:
            secret_at(body, path)
    if RUN_OUTPUTS:
        body["jobspec"] = json.dumps({"jobName": name, "specFile": f"jobspecs/{name}.yaml", "padding": "x" * 380})
    Noop(name, body)
