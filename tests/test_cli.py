"""The chalkface command: our commands, Django's commands, and a reference kept current."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from chalkface.cli import cli, reference_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_it_explains_itself() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "synth", "load", "import", "analyze"):
        assert f"  {command}" in result.output


def test_it_hands_other_names_to_django() -> None:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output


def test_an_unknown_command_fails_clearly() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code != 0


def test_the_command_reference_is_current() -> None:
    documented = (ROOT / "docs" / "cli.md").read_text()
    assert documented == reference_markdown(), "run: chalkface cli-reference > docs/cli.md"
