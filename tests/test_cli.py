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


def test_a_command_run_beside_the_demos_data_uses_the_demo_settings(tmp_path: Path) -> None:
    from chalkface.cli.base import is_demo_data_dir

    (tmp_path / "secret_key").write_text("k")
    (tmp_path / "demo-logins.json").write_text("[]")
    assert is_demo_data_dir({"CHALKFACE_DATA_DIR": str(tmp_path)})
    assert not is_demo_data_dir({"CHALKFACE_DATA_DIR": str(tmp_path), "SECRET_KEY": "set"})
    assert not is_demo_data_dir({"CHALKFACE_DATA_DIR": str(tmp_path), "CHALKFACE_DEMO": "0"})
    (tmp_path / "demo-logins.json").unlink()
    assert not is_demo_data_dir({"CHALKFACE_DATA_DIR": str(tmp_path)})


def test_a_missing_secret_key_is_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "CHALKFACE_DEMO", "CHALKFACE_DEBUG")
    }
    env |= {"CHALKFACE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "chalkface", "brief", "--tool", "x", "--out", str(tmp_path / "x.pdf")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "SECRET_KEY" in done.stderr and "chalkface demo" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_pdf_rendering_logs_only_its_errors() -> None:
    import logging

    from chalkface.cli.base import setup_django

    setup_django()
    for name in ("weasyprint", "fontTools", "weasyprint.progress"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.ERROR


def test_the_brief_help_promises_no_page_count_it_cannot_keep() -> None:
    result = CliRunner().invoke(cli, ["brief", "--help"])
    assert "4-8 pages" not in result.output
    assert "a few pages" in result.output
