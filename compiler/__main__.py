"""``python -m compiler``: the ``jobspec`` command."""

from compiler.cli import run

run()
