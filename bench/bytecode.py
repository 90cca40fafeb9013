"""Byte-compile the modules the benchmarked processes import, as an installed package has them.

Every ``pulumi`` command starts new Python processes (the program, the provider, the
preflight worker) that import jobspec from this checkout. Python normally writes each
module's bytecode on first import and reads it afterwards, but not where
``PYTHONDONTWRITEBYTECODE`` is set (some containers and CI images set it): every process
would then compile jobspec's modules from source again, ~25 ms each, a cost no user of
an installed jobspec pays (pip writes the bytecode at install). The benchmarks call
``compile_modules`` first, so both providers are timed as installed, whatever the
environment says.
"""

from __future__ import annotations

import compileall

from tools.engine import REPO

#: The folders whose modules the benchmarked processes import: jobspec's and the do-nothing provider's.
FOLDERS = ("compiler", "providers", "tools", "bench")


def compile_modules() -> None:
    for folder in FOLDERS:
        if not compileall.compile_dir(str(REPO / folder), quiet=1):
            raise RuntimeError(f"byte-compiling {folder}/ failed")
