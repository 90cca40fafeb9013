"""Pulumi entry point (named by Pulumi.yaml): jobspec's program, from the jobspec package in .venv."""

from providers.program import main

main()
