"""Developer tooling: the local EMR Serverless endpoint, the Pulumi engine setup, the demo."""
