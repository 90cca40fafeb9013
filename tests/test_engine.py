"""How jobspec runs the Pulumi CLI: the environment each command gets (no engine started here)."""

from pathlib import Path

from tools.engine import PulumiWorkspace


def workspace(tmp_path: Path, **extra_env: str) -> PulumiWorkspace:
    return PulumiWorkspace(tmp_path, tmp_path / "state", "dev", extra_env, bin_dir=tmp_path / "bin")


def test_a_preview_skips_the_checkpoints_it_would_throw_away(tmp_path, monkeypatch):
    monkeypatch.delenv("PULUMI_SKIP_CHECKPOINTS", raising=False)
    assert workspace(tmp_path).command_env("preview")["PULUMI_SKIP_CHECKPOINTS"] == "true"


def test_up_destroy_and_refresh_keep_their_checkpoints(tmp_path, monkeypatch):
    monkeypatch.delenv("PULUMI_SKIP_CHECKPOINTS", raising=False)
    for command in ("up", "destroy", "refresh", "cancel"):
        assert "PULUMI_SKIP_CHECKPOINTS" not in workspace(tmp_path).command_env(command)


def test_a_workspace_can_preview_with_the_engine_default(tmp_path, monkeypatch):
    monkeypatch.delenv("PULUMI_SKIP_CHECKPOINTS", raising=False)
    ws = workspace(tmp_path, PULUMI_SKIP_CHECKPOINTS="false")
    assert ws.command_env("preview")["PULUMI_SKIP_CHECKPOINTS"] == "false"
