"""The references for compiler.awscmd: bash, and the AWS CLI's own parser.

``bash_commands`` runs a command file's text in bash with an ``aws`` function that
prints the arguments it gets (globbing off: jobspec does not glob), so a test sees
the exact words the AWS CLI would be given.

``AwsCli`` runs AWS CLI v1 (the ``awscli`` package, a test dependency) in this
process on those words: its argparse parsers, ``file://`` loading, shorthand and
JSON parsing and ``--cli-input-json`` merge all run, and a handler on
``provide-client-params.emr-serverless.StartJobRun`` records the parameters the
client was called with and stops the call there, before anything is validated,
signed or sent. No network, no credentials: the environment is emptied of
``AWS_*``, and the config file holds one profile and no credentials.

awscli 1.46 ships its own copy of botocore and, once imported, puts a finder on
``sys.meta_path`` that makes a later ``import botocore`` load that copy (older, and
without ``flexExecution``), and adds its data folder to ``AWS_DATA_PATH``. Here the
installed botocore is imported first, so the CLI runs on it (the model jobspec reads,
too), and the finder and the variable are undone, so the rest of the test session
keeps the installed botocore and its environment. Import the CLI only through this module.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import sys

import botocore  # the installed botocore, before awscli: see the module doc
import botocore.session

_DATA_PATH = os.environ.get("AWS_DATA_PATH")
from awscli import clidriver, shorthand as cli_shorthand  # noqa: E402,F401 (cli_shorthand: for tests)

# awscli's import also adds its data folder to AWS_DATA_PATH, for every botocore session of the process after it
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "TopLevelImportAliasFinder"]
if _DATA_PATH is None:
    os.environ.pop("AWS_DATA_PATH", None)
else:
    os.environ["AWS_DATA_PATH"] = _DATA_PATH
_CLI_DATA = str(Path(clidriver.__file__).parent / "data")

_PRELUDE = 'set -f\naws() { for a in "$@"; do printf "%s\\0" "$a"; done; printf "\\1\\0"; }\n'


def bash_commands(text: str, env: dict[str, str] | None = None) -> list[list[str]]:
    """The arguments of each ``aws`` command in ``text``, as bash passes them."""
    done = subprocess.run(["bash", "-c", _PRELUDE + text], capture_output=True, check=False,
                          env={"PATH": os.defpath, **(env or {})})
    runs = done.stdout.split(b"\x01\x00")[:-1]
    return [[arg.decode() for arg in run.split(b"\x00")[:-1]] for run in runs]


class _Stop(Exception):
    """Raised by the recording handler: the call goes no further."""


@dataclass
class CliRun:
    params: dict[str, Any] | None  # what StartJobRun was called with; None when the CLI refused the command
    error: str  # what the CLI wrote on stderr when it refused


class AwsCli:
    """AWS CLI v1's parser over a command file, in a clean environment (see the module doc)."""

    def __init__(self, monkeypatch: Any, scratch: Path) -> None:
        self._monkeypatch = monkeypatch
        self._home = scratch / "home"
        self._home.mkdir(exist_ok=True)
        self._config = self._home / "config"  # one profile, so that `--profile prod` is a profile the CLI knows
        self._config.write_text("[profile prod]\nregion = eu-west-1\n")

    def run(self, argv: list[str], cwd: Path) -> CliRun:
        """The CLI run as ``aws ARGV`` from the folder ``cwd``."""
        mp = self._monkeypatch
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            mp.delenv(name)
        none = str(self._home / "none")
        for name, value in {"AWS_CONFIG_FILE": str(self._config), "AWS_SHARED_CREDENTIALS_FILE": none,
                            "HOME": str(self._home),
                            "AWS_DATA_PATH": _CLI_DATA,
                            "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                            "AWS_SECRET_ACCESS_KEY": "not-used"}.items():
            mp.setenv(name, value)
        mp.chdir(cwd)
        recorded: dict[str, Any] = {}

        def record(params: dict[str, Any], **_: Any) -> None:
            recorded["params"] = params
            raise _Stop("recorded")

        driver = clidriver.create_clidriver()
        driver.session.register("provide-client-params.emr-serverless.StartJobRun", record)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), _loggers_kept():
            try:
                driver.main(argv)
            except SystemExit:  # argparse's usage errors
                pass
        params = recorded.get("params")
        return CliRun(_plain(params) if params is not None else None, "" if params is not None else err.getvalue())

    def file(self, path: Path, env: dict[str, str] | None = None) -> CliRun:
        """The CLI run on the one ``aws`` command of the file ``path``, from the file's folder."""
        (argv,) = bash_commands(path.read_text(), env)
        return self.run(argv, path.parent)


@contextlib.contextmanager
def _loggers_kept() -> Iterator[None]:
    """The CLI sets the levels and handlers of these loggers (DEBUG on stderr under --debug); undo that after."""
    loggers = [logging.getLogger(name) for name in ("botocore", "awscli", "s3transfer", "urllib3")]
    saved = [(logger.level, list(logger.handlers)) for logger in loggers]
    try:
        yield
    finally:
        for logger, (level, handlers) in zip(loggers, saved):
            logger.setLevel(level)
            logger.handlers[:] = handlers


def _plain(value: Any) -> Any:
    """The CLI's OrderedDicts as dicts (order kept), so a difference reads plainly."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
