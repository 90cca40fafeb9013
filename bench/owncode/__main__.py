"""jobspec's program (providers/program.py) with its provider timed, and the CPU of ``main`` itself counted.

``main`` lints, compiles and declares every job (the SDK's resource construction
included); the registrations it queues are sent afterwards, by the SDK. Its process CPU
goes to ``$JOBSPEC_BENCH_OWN_CPU_DIR/program-<pid>.json``.
"""

import json
import os
import time

from bench.owncode.provider import TimedJobRunProvider
from providers import program, resource

# Every JobRun the program declares gets the timed provider (JobRun's __init__ reads this name).
resource.JobRunProvider = TimedJobRunProvider
start = time.process_time()
program.main()
with open(os.path.join(os.environ["JOBSPEC_BENCH_OWN_CPU_DIR"], f"program-{os.getpid()}.json"), "w") as fh:
    json.dump({"main": time.process_time() - start}, fh)
