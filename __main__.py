"""Pulumi entry point (named by Pulumi.yaml): see providers/program.py."""

from providers.program import main

main()
