"""Reading one YAML file into plain data while keeping every node's position.

PyYAML's C composer builds the node graph (with start marks); we construct the
Python values ourselves from those nodes instead of letting PyYAML do it, because
PyYAML silently keeps the last of two duplicate keys and loses positions. The
node graph is kept: ``node_at`` turns a path into the key and value nodes, so
positions cost nothing until a finding needs one (as cfn-lint's decoder does).
"""

from __future__ import annotations

import datetime
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compiler import suppress
from compiler.findings import Finding, dotted

#: Files larger than this are refused before parsing: a job spec is a few KB.
MAX_BYTES = 1 << 20
#: Nesting deeper than this is refused (the StartJobRun model nests 8 levels).
MAX_DEPTH = 64
#: Values constructed per file, aliases counted each time they are used.
MAX_NODES = 100_000

_safe = yaml.SafeLoader("")  # only its scalar constructors are used

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
MERGE = "tag:yaml.org,2002:merge"
_SCALARS = {
    "tag:yaml.org,2002:int": _safe.construct_yaml_int,
    "tag:yaml.org,2002:float": _safe.construct_yaml_float,
    "tag:yaml.org,2002:bool": _safe.construct_yaml_bool,
    "tag:yaml.org,2002:null": _safe.construct_yaml_null,
    "tag:yaml.org,2002:timestamp": _safe.construct_yaml_timestamp,
}
#: YAML's names for the types a plain scalar may silently become.
YAML_TYPE_NAMES = {bool: "a boolean", int: "a number", float: "a number", type(None): "null",
                   datetime.date: "a date", datetime.datetime: "a timestamp"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's C loader, answering the composer's "which tag?" with less work per node.

    The composer asks ``resolve`` for every node, and ``descend_resolver`` and
    ``ascend_resolver`` around it: about a fifth of the composing time. The answers
    are PyYAML's (its implicit resolvers, by first character); what is left out is
    what a safe loader never has: path resolvers and resolvers for any first character.
    """

    _implicit = yaml.SafeLoader.yaml_implicit_resolvers

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._implicit.get(value[:1], ()):  # value[:1]: "" for an empty scalar
                    if regexp.match(value):
                        return tag
            return STR
        return SEQ if kind is yaml.SequenceNode else MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # no path resolvers

    def ascend_resolver(self) -> None:
        pass


if _Loader.yaml_path_resolvers or None in _Loader._implicit:  # pragma: no cover - never so in PyYAML 5 or 6
    del _Loader.resolve, _Loader.descend_resolver, _Loader.ascend_resolver  # PyYAML's own, then


class LoadError(Exception):
    """A file that cannot be read as one YAML mapping; carries its finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@dataclass
class Source:
    """One YAML file: its data, its node graph and the problems found while reading it.

    The node graph is only needed for positions, i.e. for findings. ``release()``
    drops it once a file is known clean (10,000 specs' graphs are millions of objects
    the garbage collector would keep rescanning); ``node_root()`` parses the file
    again in the rare case a position is asked for afterwards.
    """

    file: str
    data: Any
    root: yaml.Node | None
    findings: list[Finding] = field(default_factory=list)
    released: bool = False
    #: Its ``# jobspec: disable`` comments (``compiler.suppress``).
    suppressions: list[suppress.Suppression] = field(default_factory=list)
    #: The text it was parsed from, until released (``compiler.secrets.could_hold`` reads it).
    text: str | None = field(default=None, repr=False)

    def release(self) -> None:
        self.root, self.text, self.released = None, None, True

    def node_root(self) -> yaml.Node | None:
        if self.released:
            try:
                self.root = load(self.file).root
            except LoadError:
                self.root = None
            self.released = False
        return self.root


def _finding(file: str, rule: str, mark: Any, message: str, path: tuple = ()) -> Finding:
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Finding(file, line, col, rule, dotted(path), message)


class _Builder:
    """Constructs plain values from nodes, reporting duplicates, bad tags and bombs."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []
        self.count = 0

    def build(self, node: yaml.Node, path: tuple, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            what = f"more than {MAX_NODES} values (alias expansion?)" if self.count > MAX_NODES else f"nesting deeper than {MAX_DEPTH} levels"
            raise LoadError(_finding(self.file, "E0007", node.start_mark, f"refused: {what}", path))
        tag = node.tag
        if tag == STR:
            return node.value
        if tag == MAP:
            return self._mapping(node, path, depth)
        if tag == SEQ:
            return self._sequence(node, path, depth)
        construct = _SCALARS.get(tag)
        if construct is not None and isinstance(node, yaml.ScalarNode):
            try:
                return construct(node)
            except (ValueError, yaml.YAMLError):
                return node.value
        raise LoadError(_finding(self.file, "E0008", node.start_mark,
                                 f"tag {tag} is not supported in job specs", path))

    def _sequence(self, node: yaml.SequenceNode, path: tuple, depth: int) -> list:
        out = []
        for i, item in enumerate(node.value):
            if item.tag == STR and self.count < MAX_NODES and depth < MAX_DEPTH:  # as in _mapping
                self.count += 1
                out.append(item.value)
            else:
                out.append(self.build(item, path + (i,), depth + 1))
        return out

    def _mapping(self, node: yaml.MappingNode, path: tuple, depth: int) -> dict:
        out: dict = {}
        seen: dict = {}
        for key_node, value_node in node.value:
            # A string key or value is built here, not by a call to build (same count, same
            # limits): most nodes are strings, and the call (and the value's path) cost more.
            key_tag = key_node.tag
            if key_tag == STR and self.count < MAX_NODES and depth < MAX_DEPTH:
                self.count += 1
                key = key_node.value
            elif key_tag == MERGE:
                self._merge(out, value_node, path, depth)
                continue
            else:
                key = self.build(key_node, path, depth + 1)
            if isinstance(key, (dict, list)):
                raise LoadError(_finding(self.file, "E0001", key_node.start_mark,
                                         "a mapping key must be a plain value", path))
            if not isinstance(key, str):
                # Every key in a job spec is a string; `on:` or `1:` would reach AWS as
                # "True" or "1". Report it here, once, and go on with the text as written.
                text = key_node.value
                self.findings.append(_finding(
                    self.file, "E1004", key_node.start_mark,
                    f"key {text or '(empty)'} is read by YAML as {YAML_TYPE_NAMES.get(type(key), 'a non-string')}; "
                    f"keys are strings: quote it: \"{text}\"", path + (text,)))
                key = text
            if key in seen:
                first = seen[key]
                self.findings.append(_finding(
                    self.file, "E0002", key_node.start_mark,
                    f"duplicate key '{key}' (first at line {first.line + 1}); YAML would silently keep this one",
                    path + (key,)))
            seen[key] = key_node.start_mark
            if value_node.tag == STR and self.count < MAX_NODES and depth < MAX_DEPTH:
                self.count += 1
                out[key] = value_node.value
            else:
                out[key] = self.build(value_node, path + (key,), depth + 1)
        return out

    def _merge(self, out: dict, value_node: yaml.Node, path: tuple, depth: int) -> None:
        """``<<: *anchor``: keys of the merged mappings, unless given explicitly."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for src in sources:
            merged = self.build(src, path, depth + 1)
            if not isinstance(merged, dict):
                raise LoadError(_finding(self.file, "E0001", src.start_mark,
                                         "'<<' must merge a mapping or a list of mappings", path))
            for key, value in merged.items():
                out.setdefault(key, value)


def decode(file: str, raw: bytes) -> tuple[str, list[Finding]]:
    """UTF-8 text of a file's bytes (a leading BOM dropped with W0010); raises LoadError otherwise."""
    findings: list[Finding] = []
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        raise LoadError(Finding(file, line, 1, "E0003", "", "binary file (NUL byte); a job spec is UTF-8 text"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        findings.append(Finding(file, 1, 1, "W0010", "", "UTF-8 byte order mark; remove it, YAML tools disagree on it"))
    try:
        return raw.decode("utf-8"), findings
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(Finding(file, line, col, "E0003", "",
                                f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8")) from None


def _yaml_error(file: str, exc: yaml.YAMLError, text: str) -> LoadError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if "expected a single document" in str(exc):
        return LoadError(_finding(file, "E0006", mark, "more than one YAML document ('---'); put each job in its own file"))
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        problem += ": a tab (YAML indentation must use spaces, not tabs)"
    context = getattr(exc, "context", None)
    text = f"{context}, {problem}" if context else problem
    return LoadError(_finding(file, "E0001", mark, text))


def parse(file: str, text: str) -> Source:
    """Parse YAML text; raises LoadError for anything that is not one usable document."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _yaml_error(file, exc, text) from None
    except RecursionError:
        raise LoadError(Finding(file, 1, 1, "E0007", "", f"refused: nesting deeper than {MAX_DEPTH} levels")) from None
    finally:
        loader.dispose()
    if root is None:
        return Source(file, None, None)
    builder = _Builder(file)
    data = builder.build(root, (), 0)
    return Source(file, data, root, builder.findings, text=text)


def load(path: str | Path) -> Source:
    """Read and parse one file; every failure is a LoadError carrying a positioned finding."""
    file = str(path)
    raw = read_bytes(file, MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise LoadError(Finding(file, 1, 1, "E0004", "", f"larger than {MAX_BYTES // 1024} KiB; a job spec is a few KB"))
    text, findings = decode(file, raw)
    source = parse(file, text)
    source.findings[:0] = findings
    if suppress.MARK in text:  # the only cost of suppressions for a file that has none
        source.suppressions, problems = suppress.read(file, text)
        source.findings += problems
    return source


# -- reading a file safely, and saying why one cannot be read ---------------------------------------

#: O_NONBLOCK: opening a FIFO for reading would wait for a writer, forever; with it the open
#: returns at once and fstat says what the file is before any read. O_NOCTTY: a terminal
#: device named like a spec must not become lint's controlling terminal.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)

#: What the user can do about each error the OS gives for a path lint must read.
_ADVICE = {
    errno.EACCES: "make it readable for the user running lint, or move it out of the specs",
    errno.EPERM: "make it readable for the user running lint, or move it out of the specs",
    errno.ENOENT: "it was removed or renamed while lint ran: lint again",
    errno.ENAMETOOLONG: "the path is longer than the system allows: shorten the folder or file names",
    errno.ELOOP: "a loop of links: point the link at a real file or folder",
    errno.EISDIR: "a file is expected here, not a folder",
}
_OTHER_ADVICE = "fix what the system reports, then lint again"
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def unreadable(file: str, exc: OSError, folder: bool = False) -> Finding:
    """E0009 for a file (or folder) the OS would not let lint read: what it said, and what to do."""
    what = "cannot list this folder" if folder else "cannot read"
    reason = exc.strerror or str(exc)
    return Finding(file, 1, 1, "E0009", "", f"{what}: {reason}; {_ADVICE.get(exc.errno, _OTHER_ADVICE)}")


def dangling(file: str) -> Finding:
    """E0009 for a link whose target does not exist."""
    return Finding(file, 1, 1, "E0009", "",
                   f"links to {os.path.realpath(file)}, which does not exist; fix or remove the link")


def not_regular(file: str, mode: int) -> Finding:
    """E0012 for a FIFO, device or socket where a spec (or ``_defaults.yaml``) is expected."""
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return Finding(file, 1, 1, "E0012", "",
                   f"{kind}, not a regular file; lint reads only regular files: replace it with a file, or remove it")


def read_bytes(file: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; never blocks (a FIFO or device is refused, not read)."""
    try:
        fd = os.open(file, _OPEN_FLAGS)
    except OSError as exc:
        raise LoadError(_refused(file, exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise LoadError(unreadable(file, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))))
        if not stat.S_ISREG(mode):
            raise LoadError(not_regular(file, mode))
        chunks, size = [], 0
        while size < limit:
            chunk = os.read(fd, limit - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        raise LoadError(unreadable(file, exc)) from None
    finally:
        os.close(fd)


def _refused(file: str, exc: OSError) -> Finding:
    """The finding for a file open() refused: a socket (ENXIO) or a link to nothing says what it is."""
    try:
        mode = os.stat(file).st_mode
    except OSError:
        return dangling(file) if exc.errno == errno.ENOENT and os.path.islink(file) else unreadable(file, exc)
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return not_regular(file, mode)
    return unreadable(file, exc)


def node_at(root: yaml.Node | None, path: tuple) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) at ``path`` below ``root``; (None, None) when absent."""
    key_node, node = None, root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == part:  # keys are loaded as their text
                    found = (k, v)  # the last one wins, as in the loaded data
            if found is None:
                return None, None
            key_node, node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            return None, None
    return key_node, node
