"""Finding the specs under the paths lint is given: every one, once, in sorted order, never blocking.

A path lint cannot read is never skipped in silence: a folder it cannot list, a link
to nothing, a loop of links, a path longer than the system allows are E0009 at
``path:1:1`` with what the OS said; a FIFO, device or socket named like a spec is
E0012 and is never opened (opening a FIFO for reading waits for a writer, forever).

What is read, as before: under a folder, every ``*.yaml``/``*.yml`` file whose name
starts with neither ``_`` (``_defaults.yaml`` is found by ``document.defaults_files``
for the specs it applies to) nor ``.``; hidden folders are not entered. A path given
directly is read whatever its name.

Links. A linked file or folder is read only while its target stays in the repository
(``document.containment_root`` of the path as given: a spec reached through a link
belongs to the repository it was named in); else E0009. A linked folder is followed,
and its specs are named through the link (``jobspecs/shared/a.yaml``). Each real folder
is read once: a link to a folder that contains it (a loop) is E0009; a link to a
folder that is read anyway (a folder of the tree being linted, or one another link
reached first) is not followed, with a ``Note``. A link that cannot be followed is
E0009 whatever its name (it may have been a folder of specs), unless the name starts
with ``.`` or ``_``.

Paths are spelled as the user gave them (relative stays relative), and the walk is
depth first with each folder's entries sorted by name, which is the order of sorting
the paths themselves. It is lazy: a folder is listed when the walk reaches it.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Union

from compiler import loader
from compiler.document import SPEC_SUFFIXES, containment_root
from compiler.findings import Finding


@dataclass(frozen=True)
class Note:
    """Something the user may want to know that is not wrong: ``file`` and what about it."""

    file: str
    message: str

    def text(self) -> str:
        return f"{self.file} {self.message}"


class ListedFile(type(Path())):  # type: ignore[misc]  # PosixPath or WindowsPath, as Path() makes
    """A spec the walk found as a regular file in a folder listing, so known not to be a link.

    The listing says so for nothing (``d_type``); asking again costs a system call per spec
    (``lint.Linter.defaults_for`` must know: a linked spec takes the defaults of its target).
    """


Found = Union[Path, Finding, Note]


def specs(paths: Iterable[str | Path]) -> Iterator[Found]:
    """Each spec file under ``paths`` (a ``Path``), and a Finding or a Note where one is due."""
    for raw in paths:
        path = Path(raw)
        shown = str(path)
        root = str(containment_root(path))
        try:
            mode = os.stat(shown).st_mode
        except OSError as exc:
            yield _cannot_follow(shown, exc)
            continue
        if stat.S_ISDIR(mode):
            yield from _Walk(shown, root).top()
        elif not stat.S_ISREG(mode):
            yield loader.not_regular(shown, mode)
        else:
            real = os.path.realpath(shown)
            yield path if _within(real, root) else _outside(shown, real, root)


def is_spec_name(name: str) -> bool:
    """Whether a file found in a folder is a spec (``_defaults.yaml`` and hidden files are not)."""
    return name.endswith(SPEC_SUFFIXES) and not name.startswith(("_", "."))


class _Walk:
    """One folder given to lint, and the folders its links lead to."""

    def __init__(self, shown: str, root: str) -> None:
        self.shown, self.root = shown, root
        self.chain: list[str] = []  # real paths of the folders being listed, outermost first
        self.followed: dict[str, str] = {}  # real path of the top and of each folder followed → path as shown

    def top(self) -> Iterator[Found]:
        real = os.path.realpath(self.shown)
        if not _within(real, self.root):
            yield _outside(self.shown, real, self.root)
            return
        self.followed[real] = self.shown
        yield from self._folder(self.shown, real)

    def _folder(self, shown: str, real: str) -> Iterator[Found]:
        try:
            with os.scandir(shown) as listing:
                entries = sorted(listing, key=_name)
        except OSError as exc:
            yield loader.unreadable(shown, exc, folder=True)
            return
        self.chain.append(real)
        prefix = "" if shown == "." else shown if shown.endswith(os.sep) else shown + os.sep
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            child = prefix + name
            try:
                if entry.is_file(follow_symlinks=False):  # the common case: no system call (d_type)
                    if is_spec_name(name):
                        yield ListedFile(child)
                elif entry.is_dir(follow_symlinks=False):
                    yield from self._subfolder(child, os.path.join(real, name))
                elif entry.is_symlink():
                    yield from self._link(child, name)
                elif is_spec_name(name):  # a FIFO, device or socket
                    yield loader.not_regular(child, entry.stat(follow_symlinks=False).st_mode)
            except OSError as exc:  # gone since the listing, or d_type unknown and lstat refused
                yield loader.unreadable(child, exc)
        self.chain.pop()

    def _subfolder(self, shown: str, real: str) -> Iterator[Found]:
        first = self.followed.get(real)
        if first is not None:  # reached again below a linked folder that contains it
            yield Note(shown, f"is {real}, which is read as {first}; not read again")
            return
        yield from self._folder(shown, real)

    def _link(self, shown: str, name: str) -> Iterator[Found]:
        try:
            mode = os.stat(shown).st_mode
        except OSError as exc:
            if not name.startswith("_"):
                yield _cannot_follow(shown, exc)
            return
        if stat.S_ISDIR(mode):
            yield from self._linked_folder(shown, os.path.realpath(shown))
        elif is_spec_name(name):
            if not stat.S_ISREG(mode):
                yield loader.not_regular(shown, mode)
                return
            real = os.path.realpath(shown)
            yield Path(shown) if _within(real, self.root) else _outside(shown, real, self.root)

    def _linked_folder(self, shown: str, real: str) -> Iterator[Found]:
        if not _within(real, self.root):
            yield _outside(shown, real, self.root)
        elif any(_within(open_folder, real) for open_folder in self.chain):
            yield Finding(shown, 1, 1, "E0009", "",
                          f"links to {real}, a folder that contains it (a loop); remove the link")
        else:
            first = self._read_as(real)
            if first is not None:
                yield Note(shown, f"links to {real}, which is read as {first}; the link is not followed")
                return
            self.followed[real] = shown
            yield from self._folder(shown, real)

    def _read_as(self, real: str) -> str | None:
        """How the walk names ``real`` where it reads it anyway (None if it would not)."""
        for top, shown in self.followed.items():
            if _within(real, top):
                rel = os.path.relpath(real, top)
                if rel == os.curdir:
                    return shown
                if not any(part.startswith(".") for part in rel.split(os.sep)):  # hidden: not read there
                    return rel if shown == "." else os.path.join(shown, rel)
        return None


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def _outside(shown: str, real: str, root: str) -> Finding:
    return Finding(shown, 1, 1, "E0009", "", f"links to {real}, outside {root}; specs must live in the repository")


def _cannot_follow(shown: str, exc: OSError) -> Finding:
    """E0009 for a path ``stat`` refused: a link to nothing says so, anything else says what the OS said."""
    if exc.errno == errno.ENOENT and os.path.islink(shown):
        return loader.dangling(shown)
    return loader.unreadable(shown, exc)
