"""What every jobspec dynamic provider does when the engine configures it: plain error sentences, the region."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import ResourceProvider

from providers import errors


class RegionalProvider(ResourceProvider):
    """A provider that reads ``aws:region`` from the stack in ``configure`` (its own process only)."""

    # The providers capture no secrets; keep them readable (and diff-able) in state.
    serialize_as_secret_always = False
    #: Set by ``configure`` in the provider's process. A class attribute, not instance state:
    #: an instance with a ``__dict__`` makes the SDK's ``serialize_provider`` go through one more
    #: of its own sorting wrappers for every provider pickled before it in the program (the
    #: wrapper it installs on ``pickle._Pickler`` is never removed), quadratic in the job count.
    region: str | None = None

    def configure(self, req: Any) -> None:
        # Runs in the provider's own process only: its failures then read as sentences.
        errors.plain_messages()
        try:
            self.region = req.config.get("aws:region")
        except Exception:  # noqa: BLE001 - config shape differs across SDK versions; botocore resolves anyway
            self.region = None
