"""Finding the specs: nothing under the specs folder is skipped without a word, nothing hangs.

Every path lint cannot read (an unreadable file or folder, one removed while lint
reads it, a path longer than the system allows, a loop of links, a link to nothing)
is E0009 at ``path:1:1`` with what the OS said and what to do; a FIFO, device or
socket named like a spec is E0012 and is never opened for reading. Linked folders
are followed while they stay in the repository; a link loop ends with a finding.

Run as root, permission bits do not stop reads, so the tests about unreadable paths
run the CLI without the two capabilities that bypass them (``setpriv``): the same
check an ordinary user meets.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from compiler import loader, walk
from compiler.cli import main
from compiler.findings import Finding
from compiler.formatters.text import line

VALID = (
    "applicationId: 00fabc\n"
    "executionRoleArn: arn:aws:iam::123456789012:role/emr-job\n"
    "jobDriver:\n"
    "  sparkSubmit:\n"
    "    entryPoint: s3://bucket/job.py\n"
)
REPO = Path(__file__).resolve().parents[1]
#: Bound on any lint run that could hang (a FIFO opened for reading blocks without a writer).
NO_HANG = 60

E0012 = "not a regular file; lint reads only regular files: replace it with a file, or remove it"
DENIED = "Permission denied; make it readable for the user running lint, or move it out of the specs"
GONE = "No such file or directory; it was removed or renamed while lint ran: lint again"
TOO_LONG = "File name too long; the path is longer than the system allows: shorten the folder or file names"
LOOP = "Too many levels of symbolic links; a loop of links: point the link at a real file or folder"


def spec(name: str) -> str:
    return f"name: {name}\n{VALID}"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with ``jobspecs/a.yaml`` (valid); the tests run from its top, so paths are relative."""
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "jobspecs").mkdir()
    (top / "jobspecs" / "a.yaml").write_text(spec("a"))
    monkeypatch.chdir(top)
    return top


def lint(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


def lint_process(cwd: Path, *args: str, restricted: bool = False) -> subprocess.CompletedProcess:
    """``python -m compiler lint ARGS`` in its own process, bounded in time.

    ``restricted``: as root, without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (and out of
    the bounding set, so the interpreter cannot get them back), so file modes apply to it.
    """
    command = [sys.executable, "-m", "compiler", "lint", *args]
    if restricted and os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=NO_HANG)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


def summary(errors: int, warnings: int = 0) -> str:
    return f"{errors} error(s), {warnings} warning(s)\n"


# -- FIFOs, devices and sockets named like a spec -------------------------------------------------------


def test_a_fifo_named_like_a_spec_in_the_folder_is_e0012_not_skipped(repo, capsys):
    os.mkfifo("jobspecs/b.yaml")
    assert lint(capsys, "jobspecs") == (1, f"jobspecs/b.yaml:1:1: error E0012 a FIFO (named pipe), {E0012}\n"
                                           + summary(1), "")


def test_a_fifo_given_as_the_path_is_e0012_and_lint_does_not_block(repo):
    os.mkfifo("jobspecs/b.yaml")
    proc = lint_process(repo, "jobspecs/b.yaml")
    assert (proc.returncode, proc.stdout) == (1, f"jobspecs/b.yaml:1:1: error E0012 a FIFO (named pipe), {E0012}\n"
                                                 + summary(1))


def test_a_fifo_given_by_absolute_path_is_named_by_that_path(repo):
    os.mkfifo("jobspecs/b.yaml")
    path = str(repo / "jobspecs" / "b.yaml")
    proc = lint_process(repo, path)
    assert (proc.returncode, proc.stdout) == (1, f"{path}:1:1: error E0012 a FIFO (named pipe), {E0012}\n" + summary(1))


def test_a_device_file_given_as_the_path_is_e0012(repo, capsys):
    # /dev/null itself: any user can name it (making a device needs root); the folder walk's
    # test of the file kind is the same one the FIFO and socket cases above and below go through.
    expected = f"/dev/null:1:1: error E0012 a character device, {E0012}\n" + summary(1)
    assert lint(capsys, "/dev/null") == (1, expected, "")


def test_a_socket_named_like_a_spec_is_e0012(repo, capsys):
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("jobspecs/agent.yaml")
        expected = f"jobspecs/agent.yaml:1:1: error E0012 a socket, {E0012}\n" + summary(1)
        assert lint(capsys, "jobspecs") == (1, expected, "")
        assert lint(capsys, "jobspecs/agent.yaml") == (1, expected, "")


def test_a_link_to_a_fifo_is_e0012_at_the_link(repo, capsys):
    os.mkfifo("pipe")
    os.symlink("../pipe", "jobspecs/b.yaml")
    assert lint(capsys, "jobspecs") == (1, f"jobspecs/b.yaml:1:1: error E0012 a FIFO (named pipe), {E0012}\n"
                                           + summary(1), "")


def test_a_fifo_defaults_file_is_e0012_and_its_specs_still_lint(repo):
    os.mkfifo("jobspecs/_defaults.yaml")
    proc = lint_process(repo, "jobspecs")
    assert (proc.returncode, proc.stdout) == (
        1, f"jobspecs/_defaults.yaml:1:1: error E0012 a FIFO (named pipe), {E0012}\n" + summary(1))


def test_fifos_named_as_ignored_files_or_in_hidden_folders_stay_ignored(repo, capsys):
    os.mkfifo("jobspecs/_notes.yaml")
    os.mkfifo("jobspecs/.draft.yaml")
    os.mkdir("jobspecs/.cache")
    os.mkfifo("jobspecs/.cache/c.yaml")
    os.mkfifo("jobspecs/pipe")  # not named like a spec
    assert lint(capsys, "jobspecs") == (0, summary(0), "")


def test_compile_and_import_of_a_fifo_say_e0012_and_do_not_block(repo):
    os.mkfifo("jobspecs/b.yaml")
    os.mkfifo("body.json")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args, name in ((["compile", "jobspecs/b.yaml"], "jobspecs/b.yaml"), (["import", "body.json"], "body.json")):
        proc = subprocess.run([sys.executable, "-m", "compiler", *args], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=NO_HANG)
        assert (proc.returncode, proc.stdout, proc.stderr) == (
            1, "", f"{name}:1:1: error E0012 a FIFO (named pipe), {E0012}\n" + summary(1))


# -- paths that cannot be read ---------------------------------------------------------------------------


@pytest.fixture
def shared_tmp():
    """A folder under the system temp folder that modes alone guard (pytest's own is root's, 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="jobspec-walk-"))
    folder.chmod(0o755)
    yield folder
    for top, folders, _ in os.walk(folder):  # top-down: each folder opened before it is listed
        for path in (os.path.join(top, name) for name in folders):
            if not os.path.islink(path):
                os.chmod(path, 0o755)
    shutil.rmtree(folder)


def test_a_folder_nobody_can_read_is_e0009_not_skipped(shared_tmp):
    (shared_tmp / ".git").mkdir()
    (shared_tmp / "jobspecs" / "locked").mkdir(parents=True)
    (shared_tmp / "jobspecs" / "a.yaml").write_text(spec("a"))
    (shared_tmp / "jobspecs" / "locked" / "b.yaml").write_text(spec("b"))
    (shared_tmp / "jobspecs" / "locked").chmod(0)
    proc = lint_process(shared_tmp, "jobspecs", restricted=True)
    assert (proc.returncode, proc.stdout) == (
        1, f"jobspecs/locked:1:1: error E0009 cannot list this folder: {DENIED}\n" + summary(1))


def test_a_spec_in_a_folder_nobody_can_traverse_given_directly_is_e0009(shared_tmp):
    (shared_tmp / "locked").mkdir()
    (shared_tmp / "locked" / "b.yaml").write_text(spec("b"))
    (shared_tmp / "locked").chmod(0)
    proc = lint_process(shared_tmp, "locked/b.yaml", "locked", restricted=True)
    assert (proc.returncode, proc.stdout) == (
        1, f"locked:1:1: error E0009 cannot list this folder: {DENIED}\n"
           f"locked/b.yaml:1:1: error E0009 cannot read: {DENIED}\n" + summary(2))


def test_a_file_nobody_can_read_is_e0009(shared_tmp):
    (shared_tmp / "jobspecs").mkdir()
    (shared_tmp / "jobspecs" / "a.yaml").write_text(spec("a"))
    (shared_tmp / "jobspecs" / "a.yaml").chmod(0)
    proc = lint_process(shared_tmp, "jobspecs", restricted=True)
    assert (proc.returncode, proc.stdout) == (1, f"jobspecs/a.yaml:1:1: error E0009 cannot read: {DENIED}\n" + summary(1))


def test_a_folder_removed_while_the_walk_reaches_it_is_e0009(repo):
    (repo / "jobspecs" / "b").mkdir()
    (repo / "jobspecs" / "b" / "b.yaml").write_text(spec("b"))
    found = walk.specs(["jobspecs"])
    assert next(found) == Path("jobspecs/a.yaml")
    shutil.rmtree("jobspecs/b")  # between two steps of the walk: the folder was listed, not yet read
    assert [line(f) for f in found] == [f"jobspecs/b:1:1: error E0009 cannot list this folder: {GONE}"]


def test_a_spec_removed_after_the_walk_listed_it_is_e0009(repo):
    (repo / "jobspecs" / "b.yaml").write_text(spec("b"))
    found = list(walk.specs(["jobspecs"]))
    assert found == [Path("jobspecs/a.yaml"), Path("jobspecs/b.yaml")]
    os.unlink("jobspecs/b.yaml")
    with pytest.raises(loader.LoadError) as err:
        loader.load(found[1])
    assert line(err.value.finding) == f"jobspecs/b.yaml:1:1: error E0009 cannot read: {GONE}"


def _deep_folder(top: str, length: int) -> str:
    """Nested folders under ``top`` until their path is at least ``length`` characters, made
    through folder handles (mkdir cannot be given a path that long); returns that path."""
    part = "d" * 200
    fd = os.open(top, os.O_RDONLY)
    parts = [top]
    try:
        while len("/".join(parts)) < length:
            os.mkdir(part, dir_fd=fd)
            new = os.open(part, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
            parts.append(part)
    finally:
        os.close(fd)
    return "/".join(parts)


def test_a_folder_whose_path_is_too_long_is_e0009(repo, capsys):
    deep = _deep_folder("jobspecs", os.pathconf(".", "PC_PATH_MAX"))  # its parent's path is short enough
    code, out, _ = lint(capsys, "jobspecs")
    assert (code, out) == (1, f"{deep}:1:1: error E0009 cannot list this folder: {TOO_LONG}\n" + summary(1))


def test_a_path_too_long_given_directly_is_e0009(repo, capsys):
    path = "jobspecs/" + "x/" * 3000 + "a.yaml"
    assert lint(capsys, path) == (1, f"{path}:1:1: error E0009 cannot read: {TOO_LONG}\n" + summary(1), "")


def test_a_loop_of_links_named_like_a_spec_is_e0009(repo, capsys):
    os.symlink("b.yaml", "jobspecs/c.yaml")
    os.symlink("c.yaml", "jobspecs/b.yaml")
    expected = "".join(f"jobspecs/{n}.yaml:1:1: error E0009 cannot read: {LOOP}\n" for n in "bc") + summary(2)
    assert lint(capsys, "jobspecs") == (1, expected, "")
    assert lint(capsys, "jobspecs/b.yaml", "jobspecs/c.yaml") == (1, expected, "")


def test_a_link_to_nothing_is_e0009(repo, capsys):
    os.symlink("../gone.yaml", "jobspecs/b.yaml")
    os.symlink("../gone", "jobspecs/team")  # was a folder of specs, perhaps
    expected = (f"jobspecs/b.yaml:1:1: error E0009 links to {repo / 'gone.yaml'}, which does not exist; "
                "fix or remove the link\n"
                f"jobspecs/team:1:1: error E0009 links to {repo / 'gone'}, which does not exist; fix or remove the link\n"
                + summary(2))
    assert lint(capsys, "jobspecs") == (1, expected, "")


def test_a_defaults_file_linked_to_nothing_is_e0009_not_skipped(repo, capsys):
    os.symlink("../gone.yaml", "jobspecs/_defaults.yaml")
    assert lint(capsys, "jobspecs") == (
        1, f"jobspecs/_defaults.yaml:1:1: error E0009 links to {repo / 'gone.yaml'}, which does not exist; "
           "fix or remove the link\n" + summary(1), "")


def test_a_folder_named_like_the_defaults_file_is_e0009_not_skipped(repo, capsys):
    os.mkdir("jobspecs/_defaults.yaml")
    assert lint(capsys, "jobspecs") == (
        1, "jobspecs/_defaults.yaml:1:1: error E0009 cannot read: Is a directory; "
           "a file is expected here, not a folder\n" + summary(1), "")


# -- linked folders --------------------------------------------------------------------------------------


def test_a_linked_folder_inside_the_repository_is_read_in_sorted_order(repo, capsys):
    (repo / "shared").mkdir()
    (repo / "shared" / "s.yaml").write_text(spec("s"))
    (repo / "jobspecs" / "z.yaml").write_text(spec("z"))
    os.symlink("../shared", "jobspecs/m")
    assert lint(capsys, "jobspecs") == (0, summary(0), "")
    assert main(["compile", "jobspecs"]) == 0
    assert list(json.loads(capsys.readouterr().out)) == ["a", "s", "z"]


def test_a_finding_in_a_linked_folder_names_the_path_as_given(repo, capsys):
    (repo / "shared").mkdir()
    (repo / "shared" / "s.yaml").write_text("name: s\nmode: NIGHTLY\n" + VALID)
    os.symlink("../shared", "jobspecs/m")
    code, out, _ = lint(capsys, "jobspecs")
    assert (code, out.splitlines()[0]) == (1, "jobspecs/m/s.yaml:2:7: error E1014 mode: mode is 'NIGHTLY', "
                                              "not one of BATCH, STREAMING")


def test_a_linked_folder_out_of_the_repository_is_e0009_and_not_read(repo, capsys, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "s.yaml").write_text("not: [a spec\n")
    os.symlink(tmp_path / "elsewhere", "jobspecs/shared")
    assert lint(capsys, "jobspecs") == (1, f"jobspecs/shared:1:1: error E0009 links to {tmp_path / 'elsewhere'}, "
                                           f"outside {repo}; specs must live in the repository\n" + summary(1), "")


def test_a_link_to_a_folder_containing_it_is_a_loop_and_the_walk_ends(repo, capsys):
    os.mkdir("jobspecs/team")
    os.symlink("..", "jobspecs/team/up")  # jobspecs again
    os.symlink("..", "jobspecs/top")  # the repository, which holds jobspecs
    loop = "a folder that contains it (a loop); remove the link"
    assert lint(capsys, "jobspecs") == (1, f"jobspecs/team/up:1:1: error E0009 links to {repo / 'jobspecs'}, {loop}\n"
                                           f"jobspecs/top:1:1: error E0009 links to {repo}, {loop}\n" + summary(2), "")


def test_a_loop_through_two_linked_folders_ends_with_a_finding(repo, capsys):
    for name in ("p", "q"):
        (repo / name).mkdir()
        (repo / name / f"{name}.yaml").write_text(spec(name))
    os.symlink("../q", "p/to-q")
    os.symlink("../p", "q/to-p")
    os.symlink("../p", "jobspecs/p")
    loop = "a folder that contains it (a loop); remove the link"
    assert lint(capsys, "jobspecs") == (1, f"jobspecs/p/to-q/to-p:1:1: error E0009 links to {repo / 'p'}, {loop}\n"
                                           + summary(1), "")


def test_a_folder_linked_twice_is_read_once_with_a_note(repo, capsys):
    (repo / "shared").mkdir()
    (repo / "shared" / "s.yaml").write_text(spec("s"))
    os.symlink("../shared", "jobspecs/one")
    os.symlink("../shared", "jobspecs/two")
    os.mkdir("jobspecs/v3")
    os.symlink("v3", "jobspecs/latest")
    assert lint(capsys, "jobspecs") == (0, summary(0), (
        f"jobspec: note: jobspecs/latest links to {repo / 'jobspecs' / 'v3'}, which is read as jobspecs/v3; "
        "the link is not followed\n"
        f"jobspec: note: jobspecs/two links to {repo / 'shared'}, which is read as jobspecs/one; "
        "the link is not followed\n"))


def test_a_folder_reached_again_below_a_linked_folder_is_read_once_with_a_note(repo, capsys):
    (repo / "shared" / "sub").mkdir(parents=True)
    (repo / "shared" / "sub" / "s.yaml").write_text(spec("s"))
    os.symlink("../shared/sub", "jobspecs/a-sub")
    os.symlink("../shared", "jobspecs/b-all")
    assert lint(capsys, "jobspecs") == (0, summary(0), (
        f"jobspec: note: jobspecs/b-all/sub is {repo / 'shared' / 'sub'}, which is read as jobspecs/a-sub; "
        "not read again\n"))


def test_a_link_into_a_hidden_folder_of_the_specs_is_followed(repo, capsys):
    os.makedirs("jobspecs/.drafts/ready")
    (repo / "jobspecs" / ".drafts" / "ready" / "r.yaml").write_text(spec("r"))
    os.symlink(".drafts/ready", "jobspecs/ready")
    assert list(walk.specs(["jobspecs"])) == [Path("jobspecs/a.yaml"), Path("jobspecs/ready/r.yaml")]


def test_the_walk_yields_spec_paths_spelled_as_given(repo):
    os.mkdir("jobspecs/team")
    (repo / "jobspecs" / "team" / "t.yaml").write_text(spec("t"))
    assert list(walk.specs(["./jobspecs"])) == [Path("jobspecs/a.yaml"), Path("jobspecs/team/t.yaml")]
    assert list(walk.specs([repo / "jobspecs"])) == [repo / "jobspecs/a.yaml", repo / "jobspecs/team/t.yaml"]
    os.chdir("jobspecs")
    assert list(walk.specs(["."])) == [Path("a.yaml"), Path("team/t.yaml")]


def test_findings_of_the_walk_are_findings(repo):
    os.mkfifo("jobspecs/b.yaml")
    (finding,) = [f for f in walk.specs(["jobspecs"]) if isinstance(f, Finding)]
    assert (finding.file, finding.line, finding.column, finding.rule) == ("jobspecs/b.yaml", 1, 1, "E0012")


def test_a_linked_spec_takes_the_defaults_of_the_folder_it_links_into(repo, capsys):
    (repo / "shared").mkdir()
    (repo / "shared" / "_defaults.yaml").write_text("defaults:\n  tags: {from: shared}\n")
    (repo / "shared" / "s.yaml").write_text(spec("s"))
    (repo / "jobspecs" / "_defaults.yaml").write_text("defaults:\n  tags: {from: jobspecs}\n")
    os.symlink("../shared/s.yaml", "jobspecs/link.yaml")
    assert main(["compile", "jobspecs"]) == 0
    bodies = json.loads(capsys.readouterr().out)
    assert {name: body["tags"] for name, body in bodies.items()} == {"a": {"from": "jobspecs"}, "s": {"from": "shared"}}
