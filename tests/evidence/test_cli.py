"""``chalkface analyze`` from the command line (click's CliRunner)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from chalkface.evidence.cli import analyze


@pytest.fixture
def responses_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(8)
    n = 1200
    after = rng.random(n) < 0.5
    start = dt.date(2025, 9, 1)
    days = np.where(after, rng.integers(70, 140, n), rng.integers(0, 70, n))
    frame = pl.DataFrame(
        {
            "workplace_id": rng.integers(0, 60, n),
            "tool_id": "planner",
            "version_label": np.where(after, "3.0", "2.4"),
            "submitted_on": [start + dt.timedelta(days=int(d)) for d in days],
            "role": rng.choice(["teacher", "ta", "admin", "leader"], n, p=[0.6, 0.3, 0.094, 0.006]),
            "phase": rng.choice(["Primary", "Secondary"], n, p=[0.8, 0.2]),
            "time_saved_hours": 1.0 - 1.5 * after + rng.normal(0, 2, n),
            "wellbeing": rng.integers(1, 6, n),
        }
    )
    path = tmp_path / "responses.csv"
    frame.write_csv(path)
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(analyze, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_the_help_explains_each_command() -> None:
    code, out = run("--help")
    assert code == 0
    for name in ("rake", "estimate", "table", "change"):
        assert name in out
        sub_code, sub_out = run(name, "--help")
        assert sub_code == 0 and "Example" in sub_out


def test_it_rakes_and_prints_diagnostics(responses_csv: Path, tmp_path: Path) -> None:
    margins = tmp_path / "margins.json"
    margins.write_text(json.dumps({"phase": {"Primary": 21000, "Secondary": 3400}}))
    out_csv = tmp_path / "weighted.csv"
    code, out = run(
        "rake", str(responses_csv), "--margins", str(margins), "--trim", "5", "--out", str(out_csv)
    )
    assert code == 0
    diagnostics = json.loads(out)
    assert diagnostics["converged"] is True
    assert {"iterations", "effective_n", "design_effect"} <= set(diagnostics)
    weighted = pl.read_csv(out_csv)
    assert weighted["weight"].sum() == pytest.approx(24400)
    assert weighted.columns[-1] == "weight"


def test_it_names_the_bad_margin(responses_csv: Path, tmp_path: Path) -> None:
    margins = tmp_path / "margins.json"
    margins.write_text(json.dumps({"phase": {"Primary": 21000, "Secondary": 3400, "Special": 10}}))
    result = CliRunner().invoke(
        analyze, ["rake", str(responses_csv), "--margins", str(margins), "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 1
    assert "margin 'phase', category 'Special' has no respondents" in result.output


def test_it_estimates_with_suppression_as_json_and_csv(responses_csv: Path) -> None:
    code, out = run("estimate", str(responses_csv), "--measure", "wellbeing", "--by", "role", "--k", "10")
    assert code == 0
    data = json.loads(out)
    leader = [r for r in data["rows"] if r["role"] == "leader"]
    assert leader and all(r["suppressed"] and r["n"] is None for r in leader)
    assert leader[0]["reason"] == "fewer than k=10 responses"
    code, out = run(
        "estimate",
        str(responses_csv),
        "--measure",
        "time_saved_hours",
        "--by",
        "phase",
        "--cluster",
        "workplace_id",
        "--format",
        "csv",
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("phase,statistic,n,n_eff,estimate,lower,upper,suppressed,reason")
    assert len(lines) == 3


def test_it_makes_a_protected_table(responses_csv: Path) -> None:
    code, out = run("table", str(responses_csv), "--rows", "role", "--cols", "phase")
    assert code == 0
    data = json.loads(out)
    assert data["rows"] == ["admin", "leader", "ta", "teacher"] and data["cols"] == ["Primary", "Secondary"]
    statuses = {c["suppressed"] for row in data["cells"] for c in row}
    assert "primary" in statuses and "secondary" in statuses
    for row in data["cells"]:
        for c in row:
            assert (c["value"] is None) == (c["suppressed"] is not None)
    assert data["total"] == 1200
    code, out = run("table", str(responses_csv), "--rows", "role", "--cols", "phase", "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "role,phase,value,suppressed"


def test_it_compares_versions(responses_csv: Path) -> None:
    code, out = run(
        "change",
        str(responses_csv),
        "--measure",
        "time_saved_hours",
        "--version",
        "version_label",
        "--date",
        "submitted_on",
        "--tool",
        "tool_id",
    )
    assert code == 0
    data = json.loads(out)
    (cmp,) = data["comparisons"]
    assert cmp["before"] == "2.4" and cmp["after"] == "3.0"
    assert cmp["lower"] < -1.5 < cmp["upper"]
    assert "sentence" in cmp and "level_change" in data["segmented_regression"][0]
    code, out = run(
        "change",
        str(responses_csv),
        "--measure",
        "wellbeing",
        "--version",
        "version_label",
        "--date",
        "submitted_on",
        "--format",
        "csv",
    )
    assert code == 0 and "odds_ratio" in out.splitlines()[0]


def test_it_reports_a_missing_column_cleanly(responses_csv: Path) -> None:
    result = CliRunner().invoke(analyze, ["estimate", str(responses_csv), "--measure", "nope"])
    assert result.exit_code == 1 and "no column 'nope'" in result.output


def test_it_rounds_counts_on_request(responses_csv: Path) -> None:
    code, out = run(
        "estimate", str(responses_csv), "--measure", "time_saved_hours", "--by", "phase", "--round-to", "5"
    )
    assert code == 0
    assert all(r["n"] % 5 == 0 for r in json.loads(out)["rows"] if r["n"] is not None)
