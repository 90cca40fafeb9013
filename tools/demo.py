"""``make demo``: the example jobspecs/ applied by the real Pulumi engine to a local endpoint.

Starts a moto EMR Serverless endpoint on 127.0.0.1, creates in it the applications the
example specs name (a Spark and a Hive one, with the examples' ids), runs ``pulumi preview --diff`` and ``pulumi up --yes`` for the ``dev`` stack in a
copy of the project with state in ``.state/demo`` (a local file backend), prints each job's ``arn``,
``jobRunId`` and the state the endpoint reports, and each scheduled job's schedule ARN, expression
and state (EventBridge Scheduler, served by the same endpoint), then stops the endpoint. Each
run starts from empty state, because the endpoint starts empty too.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time

from rich.console import Console
from rich.table import Table

from tools.engine import REPO, EngineError, PulumiWorkspace, pulumi_bin_dir, scratch_project
from tools.local_endpoint import LocalEndpoint

#: The applications the example specs name for the dev stack (jobspecs/), by id.
APPLICATIONS = {"00fkt3q8n4s5ab09": "SPARK", "00fhv5r2n8c1d7a3": "HIVE"}

# Wide enough for an ARN on one line when the output is a log, not a terminal.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args(argv)
    started = time.monotonic()

    console.rule("[bold]1. Pulumi engine")
    bin_dir = pulumi_bin_dir()
    console.print(f"pulumi from {bin_dir}")

    state = REPO / ".state" / "demo"
    shutil.rmtree(state, ignore_errors=True)
    with LocalEndpoint() as endpoint:
        console.rule("[bold]2. Local EMR Serverless endpoint")
        for app, kind in APPLICATIONS.items():
            endpoint.create_application(f"jobspec-demo-{kind.lower()}", type=kind, application_id=app)
        console.print(f"moto server at {endpoint.url}, applications "
                      + ", ".join(f"{app} ({kind})" for app, kind in APPLICATIONS.items()))
        project = scratch_project(state / "project", specs=REPO / "jobspecs")
        ws = PulumiWorkspace(project, state, args.stack, endpoint.env(), bin_dir)
        try:
            ws.init()

            console.rule("[bold]3. pulumi preview --diff")
            sys.stdout.write(ws.run("preview", "--diff").stdout)
            console.rule("[bold]4. pulumi up --yes")
            sys.stdout.write(ws.run("up", "--yes", "--skip-preview").stdout)
        except EngineError as exc:
            console.print(str(exc), markup=False)
            return 1

        console.rule("[bold]5. Outputs")
        jobs = ws.outputs().get("jobs", {})
        client = endpoint.client()
        table = Table("job", "jobRunId", "state (endpoint)", "arn")
        for column in table.columns:
            column.overflow = "fold"
        for name, job in sorted(jobs.items()):
            app = job["arn"].split("/applications/")[1].split("/")[0]
            run = client.get_job_run(applicationId=app, jobRunId=job["jobRunId"])["jobRun"]
            table.add_row(name, job["jobRunId"], run["state"], job["arn"])
        console.print(table)
        schedules = ws.outputs().get("schedules", {})
        scheduler = endpoint.scheduler()
        table = Table("scheduled job", "expression (time zone)", "state (endpoint)", "schedule arn")
        for column in table.columns:
            column.overflow = "fold"
        for name, schedule in sorted(schedules.items()):
            got = scheduler.get_schedule(Name=schedule["arn"].rsplit("/", 1)[1], GroupName=schedule["arn"].split("/")[-2])
            table.add_row(name, f"{got['ScheduleExpression']} ({got['ScheduleExpressionTimezone']})", got["State"],
                          schedule["arn"])
        console.print(table)
    console.print(f"demo finished in {time.monotonic() - started:.1f}s; state kept in {state.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
