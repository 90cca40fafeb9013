"""jobspec's compiler: YAML job specs → lint findings → StartJobRun request bodies.

The data flows through one module per step: ``loader`` (YAML with positions) →
``document`` (defaults and stack layers merged) → ``lint`` (cerberus, via
``schema``/``validator``) → ``compile`` (the exact request body).
"""

__version__ = "0.1.0"
