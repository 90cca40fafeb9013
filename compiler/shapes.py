"""A light, read-only view of botocore's model files (emr-serverless, and scheduler for schedules).

``botocore.session`` and ``botocore.model`` cost ~60 ms to import, paid by every
``jobspec`` command and every Pulumi provider process; the linter only needs the
shapes. This reads the very file botocore ships (``botocore/data/emr-serverless/
<api-version>/service-2.json[.gz]``, newest API version, as botocore's loader
picks it) and offers the part of ``botocore.model.Shape``'s interface the compiler
uses. tests/test_shapes.py holds it equal to botocore's own view.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
from pathlib import Path
from typing import Any

SERVICE = "emr-serverless"
_SHAPE_TRAITS = ("min", "max", "pattern", "enum", "sensitive", "union")


@functools.lru_cache(maxsize=None)
def model_file(service: str = SERVICE) -> Path:
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:  # pragma: no cover - botocore is a dependency
        raise RuntimeError("botocore is not installed")
    service_dir = Path(spec.origin).parent / "data" / service
    versions = sorted(p for p in service_dir.iterdir() if p.is_dir())
    for name in ("service-2.json", "service-2.json.gz"):
        candidate = versions[-1] / name
        if candidate.exists():
            return candidate
    raise RuntimeError(f"no service model for {service} under {service_dir}")  # pragma: no cover


@functools.lru_cache(maxsize=None)
def raw_model(service: str = SERVICE) -> dict[str, Any]:
    path = model_file(service)
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return json.loads(data)


class Shape:
    """What the compiler reads of a botocore Shape: name, type_name, metadata, members, …"""

    def __init__(self, name: str, member_traits: dict[str, Any] | None = None, service: str = SERVICE) -> None:
        self.name = name
        self.service = service
        self._definition = raw_model(service)["shapes"][name]
        self.type_name: str = self._definition["type"]
        self.metadata = {k: self._definition[k] for k in _SHAPE_TRAITS if k in self._definition}
        if "required" in self._definition:
            self.metadata["required"] = self._definition["required"]
        self.serialization = {k: v for k, v in (member_traits or {}).items() if k in ("location", "locationName")}

    @functools.cached_property
    def members(self) -> dict[str, "Shape"]:
        return {name: _shape(ref["shape"], _hashable(ref), self.service) for name, ref in self._definition.get("members", {}).items()}

    @property
    def documentation(self) -> str:
        """The shape's own documentation (HTML, as the model writes it); empty when it has none."""
        return self._definition.get("documentation", "")

    @functools.cached_property
    def member_documentation(self) -> dict[str, str]:
        """Each member's documentation where the structure gives one (HTML; the member's own words)."""
        return {name: ref["documentation"] for name, ref in self._definition.get("members", {}).items()
                if ref.get("documentation")}

    @property
    def required_members(self) -> list[str]:
        return list(self._definition.get("required", []))

    @functools.cached_property
    def member(self) -> "Shape":
        return _shape(self._definition["member"]["shape"], (), self.service)

    @functools.cached_property
    def key(self) -> "Shape":
        return _shape(self._definition["key"]["shape"], (), self.service)

    @functools.cached_property
    def value(self) -> "Shape":
        return _shape(self._definition["value"]["shape"], (), self.service)


def _hashable(ref: dict[str, Any]) -> tuple:
    return tuple(sorted((k, v) for k, v in ref.items() if k in ("location", "locationName")))


@functools.lru_cache(maxsize=None)
def _shape(name: str, traits: tuple = (), service: str = SERVICE) -> Shape:
    return Shape(name, dict(traits), service)


@functools.lru_cache(maxsize=None)
def input_shape(operation: str = "StartJobRun", service: str = SERVICE) -> Shape:
    """The request shape of ``operation`` of ``service``."""
    return _shape(raw_model(service)["operations"][operation]["input"]["shape"], (), service)
