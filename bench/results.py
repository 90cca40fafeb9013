"""Writing a benchmark's table into a file between its markers, leaving every other section as it is."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, start: str, end: str, body: str, create: bool = True) -> None:
    """Replace what lies between ``start`` and ``end`` in ``path`` with ``body`` (markers kept).

    Without the markers the section is appended when ``create``, else SystemExit says so.
    """
    block = f"{start}\n{body}\n{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        current = head + block + rest.split(end, 1)[1]
    elif create:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    else:
        raise SystemExit(f"{path} has no {start} marker: nothing written there")
    path.write_text(current, encoding="utf-8")
