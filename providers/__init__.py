"""Applying compiled job specs: a Pulumi dynamic provider for EMR Serverless job runs.

``jobrun.JobRunProvider`` talks to the service; ``resource.JobRun`` is the resource a
Pulumi program declares; ``program.declare_jobs`` turns a folder of specs into them, and
``component.JobSpecs`` does it as one component resource inside a team's own program.
"""
