"""jobspec as a user installs it: the wheel built from this checkout, in a fresh virtualenv.

Tests that must run the *installed* jobspec, never the source tree, use this module
(tests/test_install.py; an engine test with ``jobspec[pulumi]``):

    from installkit import jobspec_venv, jobspec_wheel  # noqa: F401  (pytest fixtures)

    def test_x(jobspec_venv, tmp_path):
        venv = jobspec_venv("pulumi")           # one venv per set of extras per session
        proc = venv.run("jobspec", "lint", "jobspecs", cwd=tmp_path)
        venv.size()                             # bytes the install added to site-packages
        venv.distributions()                    # {"botocore": "1.44.8", ...}

- ``build_wheel(dest)`` copies the files git would commit (tracked and new, not ignored)
  to a scratch folder and runs ``pip wheel --no-deps`` there: the checkout gets no
  ``build/`` or ``*.egg-info``, and a module missing from pyproject's package list is
  missing from the wheel, as it would be on PyPI.
- ``Venv.create(root, wheel, extras)`` makes ``python -m venv ROOT`` and pip-installs
  ``WHEEL[extras]`` into it (from the package index, as a user would).
- ``Venv.run`` runs a program of the venv with the venv's ``bin`` first on PATH and
  without PYTHONPATH/PYTHONHOME/VIRTUAL_ENV, so nothing is imported from the checkout;
  give it a ``cwd`` outside the source tree.
- ``Venv.size()`` counts the bytes of the files in site-packages (``st_size``, symlinks
  not followed) except what ``python -m venv`` itself put there (pip, setuptools and
  their helpers, which every venv has): what ``pip install`` added.

Every subprocess is bounded (``TIMEOUT``). Run by hand, it prints the three sizes the
README quotes: ``.venv/bin/python tests/installkit.py`` (``-- pulumi`` for one form).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Bound on each step, in seconds: building the wheel, making a venv, one pip install (pulumi-aws is ~100 MB to fetch).
TIMEOUT = {"build": 300, "venv": 120, "install": 900, "run": 120}
MB = 1_000_000


def clean_env(path_first: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for an installed program: nothing that points Python at the checkout or another venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def source_files(repo: Path = REPO) -> list[str]:
    """The files a commit of the working tree would hold (tracked and new, not ignored), as relative paths."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=repo,
                         capture_output=True, text=True, check=True, timeout=TIMEOUT["run"]).stdout
    return sorted(name for name in set(out.split("\0")) if name and (repo / name).is_file())  # a deleted file stays cached


def copy_source(dest: Path, repo: Path = REPO) -> Path:
    """A copy of the working tree's source files in ``dest`` (created), for a build or a hook repository."""
    for name in source_files(repo):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    return dest


def build_wheel(dest: Path, repo: Path = REPO) -> Path:
    """Build jobspec's wheel from a copy of the working tree into ``dest``; returns the ``.whl`` path."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jobspec-src-") as scratch:
        source = copy_source(Path(scratch) / "jobspec", repo)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dest),
                        str(source)], cwd=scratch, env=clean_env(), check=True, capture_output=True, text=True,
                       timeout=TIMEOUT["build"])
    (wheel,) = dest.glob("jobspec-*.whl")
    return wheel


def _tree_size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_symlink() or p.is_file())


@dataclass
class Venv:
    root: Path
    #: What ``python -m venv`` put in site-packages before the install (pip, setuptools, ...).
    baseline: frozenset[str]

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / ("python.exe" if os.name == "nt" else "python")

    @property
    def site_packages(self) -> Path:
        out = subprocess.run([str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             env=clean_env(), capture_output=True, text=True, check=True, timeout=TIMEOUT["run"])
        return Path(out.stdout.strip())

    @classmethod
    def create(cls, root: Path, wheel: Path, extras: Sequence[str] = ()) -> "Venv":
        """A fresh venv at ``root`` with ``wheel[extras]`` installed by its own pip."""
        subprocess.run([sys.executable, "-m", "venv", str(root)], env=clean_env(), check=True, capture_output=True,
                       text=True, timeout=TIMEOUT["venv"])
        venv = cls(root, frozenset())
        venv.baseline = frozenset(p.name for p in venv.site_packages.iterdir())
        requirement = f"{wheel}[{','.join(extras)}]" if extras else str(wheel)
        venv.pip("install", "--quiet", requirement, timeout=TIMEOUT["install"])
        return venv

    def pip(self, *args: str, timeout: float = TIMEOUT["run"]) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(self.python), "-m", "pip", *args], env=clean_env(), capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode:
            raise RuntimeError(f"pip {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
        return proc

    def run(self, program: str, *args: str, cwd: Path, env: dict[str, str] | None = None,
            input: str | None = None, timeout: float = TIMEOUT["run"]) -> subprocess.CompletedProcess:
        """Run ``program`` (a script of the venv, e.g. ``jobspec`` or ``python``) in ``cwd``; text output."""
        return subprocess.run([str(self.bin / program), *args], cwd=cwd, input=input, capture_output=True, text=True,
                              env=clean_env(self.bin, **(env or {})), timeout=timeout)

    def distributions(self) -> dict[str, str]:
        """Installed distributions, by normalised name (``pulumi-aws``), with their versions."""
        code = ("import importlib.metadata as m, json, re; print(json.dumps({re.sub(r'[-_.]+', '-', "
                "d.metadata['Name']).lower(): d.version for d in m.distributions()}))")
        out = subprocess.run([str(self.python), "-c", code], env=clean_env(), capture_output=True, text=True,
                             check=True, timeout=TIMEOUT["run"])
        return json.loads(out.stdout)

    def size(self) -> int:
        """Bytes the install added to site-packages: every entry except the fresh venv's own."""
        return sum(_tree_size(p) for p in self.site_packages.iterdir() if p.name not in self.baseline)

    def sizes(self) -> dict[str, int]:
        """``size()`` by top-level entry of site-packages (a package, a module, a ``.dist-info``), largest first."""
        sizes = {p.name: _tree_size(p) for p in self.site_packages.iterdir() if p.name not in self.baseline}
        return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


# Built once per test session even when several test modules import the fixtures (pytest would give each
# importing module its own session-scoped instance): keyed by the session's temporary folder.
_WHEELS: dict[Path, Path] = {}
_VENVS: dict[tuple[Path, tuple[str, ...]], Venv] = {}


@pytest.fixture(scope="session")
def jobspec_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """jobspec's wheel, built once per test session from the working tree."""
    base = tmp_path_factory.getbasetemp()
    if base not in _WHEELS:
        _WHEELS[base] = build_wheel(tmp_path_factory.mktemp("wheel"))
    return _WHEELS[base]


@pytest.fixture(scope="session")
def jobspec_venv(tmp_path_factory: pytest.TempPathFactory, jobspec_wheel: Path) -> Iterator[Callable[..., Venv]]:
    """``jobspec_venv(*extras)``: a venv with ``jobspec[extras]`` installed, made once per session per extras.

    Removed at the end of the session (pytest keeps the last three sessions' temporary folders; a venv with
    ``[aws]`` is ~400 MB)."""
    base = tmp_path_factory.getbasetemp()

    def get(*extras: str) -> Venv:
        key = (base, tuple(sorted(extras)))
        if key not in _VENVS:
            folder = tmp_path_factory.mktemp("venv-" + ("-".join(key[1]) or "core"))
            _VENVS[key] = Venv.create(folder, jobspec_wheel, key[1])
        return _VENVS[key]

    yield get
    for key in [key for key in _VENVS if key[0] == base]:
        shutil.rmtree(_VENVS.pop(key).root, ignore_errors=True)


def _report(extras_sets: Sequence[Sequence[str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="jobspec-install-") as scratch:
        wheel = build_wheel(Path(scratch) / "wheel")
        for extras in extras_sets:
            venv = Venv.create(Path(scratch) / ("venv-" + ("-".join(extras) or "core")), wheel, extras)
            name = f"jobspec[{','.join(extras)}]" if extras else "jobspec"
            top = ", ".join(f"{k} {v / MB:.1f}" for k, v in list(venv.sizes().items())[:4])
            print(f"{name}: {venv.size() / MB:.1f} MB in site-packages besides pip/setuptools (largest: {top})",
                  flush=True)


if __name__ == "__main__":
    _report([sys.argv[1:]] if len(sys.argv) > 1 else [(), ("pulumi",), ("aws",)])
