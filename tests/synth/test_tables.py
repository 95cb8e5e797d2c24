"""The synthetic tables: columns and types, consistency between tables, value ranges, files and determinism.

Small configurations, so this file runs in a few seconds. No Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from chalkface import vocab
from chalkface.synth import SCHEMA_VERSION, TABLES, SynthConfig, SynthData, generate, write

START = dt.date(2025, 9, 1)
SMALL = SynthConfig(workplaces=150, months=6, seed=7, start=START)

S, I8, I64, F64, D, B = pl.String, pl.Int8, pl.Int64, pl.Float64, pl.Date, pl.Boolean
LIKERT = ("workload", "quality", "relationships", "autonomy", "skills", "wellbeing", "trust", "data_concern",
          "it_friction")  # fmt: skip
PUPIL = ("pupil_ai_integrity", "pupil_ai_complaints", "pupil_ai_wellbeing", "pupil_ai_misinformation")
SCHEMAS: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    "workplaces": {
        "workplace_id": S, "urn": I64, "name": S, "kind": S, "phase": S, "region": S, "establishment_type": S,
        "pupils": I64, "fsm_share": F64, "deprivation_quintile": I8, "urban_rural": S, "it_rating": I8,
        "staff_headcount": I64, "trust": S, "local_authority": S,
    },
    "suppliers": {"supplier_id": S, "name": S, "companies_house_number": S, "website": S},
    "tools": {
        "tool_id": S, "name": S, "supplier_id": S, "description": S, "capabilities": S, "audiences": S,
        "min_age": I64, "max_age": I64, "website": S,
    },
    "tool_versions": {
        "tool_id": S, "label": S, "release_date": D, "change_notes": S, "underlying_models": S,
        "material_change": B,
    },
    "deployments": {
        "deployment_id": S, "tool_id": S, "workplace_id": S, "starts_on": D, "ends_on": D, "staff_roles": S,
        "purpose": S, "use": S,
    },
    "responses": {
        "response_id": S, "workplace_id": S, "tool_id": S, "version_label": S, "submitted_on": D, "week": D,
        "role": S, "frequency": S, "time_saved_hours": F64, **dict.fromkeys(LIKERT, I8), "use": S,
        "training": S, "stance": S, "pupil_ai_module": B, **dict.fromkeys(PUPIL, I8), "comment": S,
        "comment_theme": S,
    },
    "incidents": {
        "incident_id": S, "workplace_id": S, "tool_id": S, "version_label": S, "month": S, "category": S,
        "affected": S, "severity": S, "harm_type": S, "description": S,
    },
    "exposure": {"tool_id": S, "version_label": S, "month": S, "deployment_months": F64},
    "statements": {"statement_id": I64, "text": S, "topic": S},
    "participants": {"participant_id": I64, "workplace_id": S, "role": S, "opinion_group": S},
    "votes": {"participant_id": I64, "statement_id": I64, "vote": I8},
}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> SynthData:
    return generate(SMALL)


@pytest.fixture(scope="module")
def written(data: SynthData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    write(data, out)
    return out


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _add_month(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _period_end() -> dt.date:
    return dt.date(2026, 3, 1)  # START + 6 months


# Files and determinism


def test_it_writes_identical_bytes_for_the_same_seed(written: Path, tmp_path: Path) -> None:
    write(generate(SMALL), tmp_path)
    expected = {f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")} | {"truth.json", "manifest.json"}
    assert set(_digests(written)) == expected
    assert _digests(tmp_path) == _digests(written)


def test_a_different_seed_gives_different_data(data: SynthData) -> None:
    other = generate(SynthConfig(workplaces=150, months=6, seed=8, start=START))
    for table in ("workplaces", "deployments", "responses", "incidents", "votes"):
        assert not other.tables()[table].equals(data.tables()[table]), table
    # The fixed catalogue is the same whatever the seed.
    assert other.tools.equals(data.tools)


def test_it_returns_row_counts_and_writes_a_manifest(data: SynthData, tmp_path: Path) -> None:
    counts = write(data, tmp_path)
    assert counts == {name: frame.height for name, frame in data.tables().items()}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["schema_version"] == SCHEMA_VERSION == 1
    assert manifest["seed"] == 7
    assert manifest["rows"] == counts
    assert manifest["config"] == {
        "workplaces": 150, "months": 6, "seed": 7, "responses": None, "start": "2025-09-01",
        "response_bias": True, "total_responses": 3420,
    }  # fmt: skip
    assert [c for c, _ in manifest["columns"]["responses"]] == list(SCHEMAS["responses"])
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["schema_version"] == 1 and truth["seed"] == 7


def test_it_writes_only_the_formats_asked_for(data: SynthData, tmp_path: Path) -> None:
    write(data, tmp_path, formats=("parquet",))
    assert not list(tmp_path.glob("*.csv"))
    assert len(list(tmp_path.glob("*.parquet"))) == len(TABLES)
    with pytest.raises(ValueError, match="formats"):
        write(data, tmp_path / "other", formats=("xlsx",))


def test_parquet_and_csv_hold_the_same_tables(data: SynthData, written: Path) -> None:
    for name, frame in data.tables().items():
        assert pl.read_parquet(written / f"{name}.parquet").equals(frame), name
        from_csv = pl.read_csv(written / f"{name}.csv", schema=frame.schema)
        if name == "workplaces":  # CSV cannot tell an empty string from null; the trust column uses ""
            from_csv = from_csv.with_columns(pl.col("trust").fill_null(""))
        assert from_csv.equals(frame), name


def test_it_refuses_an_impossible_configuration() -> None:
    for bad in (
        {"workplaces": 0},
        {"months": 0},
        {"months": 61},
        {"seed": -1},
        {"responses": -5},
    ):
        with pytest.raises(ValueError):
            SynthConfig(**bad)  # type: ignore[arg-type]


def test_the_responses_option_sets_the_total_exactly() -> None:
    assert generate(SynthConfig(workplaces=40, months=3, seed=1, responses=1234)).responses.height == 1234
    assert SynthConfig(workplaces=22000, months=12).total_responses == 1_003_200  # ~3.8 a workplace-month


def test_it_copes_with_no_responses(tmp_path: Path) -> None:
    empty = generate(SynthConfig(workplaces=5, months=1, seed=1, responses=0))
    assert empty.responses.height == 0
    assert dict(empty.responses.schema) == SCHEMAS["responses"]
    assert write(empty, tmp_path)["responses"] == 0


def test_the_generator_does_not_import_django() -> None:
    code = (
        "import sys; from chalkface.synth import SynthConfig, generate; "
        "generate(SynthConfig(workplaces=5, months=1)); assert 'django' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


# Columns and types


def test_every_table_has_the_documented_columns_and_types(data: SynthData) -> None:
    assert list(data.tables()) == list(TABLES)
    for name, frame in data.tables().items():
        assert dict(frame.schema) == SCHEMAS[name], name


# The register: workplaces, tools, versions, deployments


def test_workplaces_are_consistent(data: SynthData) -> None:
    w = data.workplaces
    assert w["workplace_id"].to_list() == [f"W{i:06d}" for i in range(1, 151)]
    assert w["urn"].is_unique().all() and w["urn"].min() >= 100000 and w["urn"].max() <= 999999  # type: ignore[operator]
    assert set(w["phase"]) <= set(vocab.codes(vocab.PHASES))
    assert set(w["region"]) <= set(vocab.codes(vocab.REGIONS)) - {"wales"}
    assert set(w["urban_rural"]) <= {"urban", "rural"}
    assert set(w["kind"]) <= {"school", "college"}
    for fsm, quintile in w.select("fsm_share", "deprivation_quintile").iter_rows():
        assert quintile == vocab.deprivation_quintile(fsm)
        assert round(fsm, 1) == fsm
    assert w["it_rating"].is_between(1, 5).all()
    assert (w["staff_headcount"] >= 6).all() and (w["pupils"] > 0).all()
    maintained = w.filter(
        pl.col("establishment_type").str.contains("Community|Voluntary|Foundation|Pupil|Further")
    )
    assert (maintained["trust"] == "").all()
    assert (w.filter(pl.col("establishment_type").str.contains("Academy|Free"))["trust"] != "").all()
    assert (w["local_authority"] != "").all()


def test_the_catalogue_covers_every_capability_with_fictional_tools(data: SynthData) -> None:
    tools = data.tools
    assert tools.height == 11 and tools["tool_id"].is_unique().all() and tools["name"].is_unique().all()
    capabilities = {c for value in tools["capabilities"] for c in value.split(";")}
    assert capabilities == set(vocab.codes(vocab.CAPABILITIES))
    assert {a for value in tools["audiences"] for a in value.split(";")} <= set(vocab.codes(vocab.AUDIENCES))
    for row in tools.iter_rows(named=True):
        assert row["website"].startswith("https://") and ".example" in row["website"]
        assert row["supplier_id"] in set(data.suppliers["supplier_id"])
        if "pupils" in row["audiences"]:
            assert row["min_age"] is not None and row["max_age"] is not None
    assert data.suppliers["website"].str.ends_with(".example").all()
    assert data.suppliers["companies_house_number"].str.len_chars().eq(8).all()


def test_each_tool_has_a_timeline_with_releases_during_the_period(data: SynthData) -> None:
    versions = data.tool_versions
    for tool_id, group in versions.group_by("tool_id"):
        assert 2 <= group.height <= 5, tool_id
        assert group["label"].is_unique().all()
        dates = group["release_date"].to_list()
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        assert dates[0] < START
    inside = versions.filter(pl.col("release_date").is_between(START, _period_end(), closed="left"))
    assert inside.height >= 8
    assert {("lessonloom", "3.0"), ("tutor-owl", "3.0")} <= set(inside.select("tool_id", "label").iter_rows())


def test_deployments_are_consistent_with_workplaces_and_tools(data: SynthData) -> None:
    d = data.deployments
    per_workplace = d.group_by("workplace_id").len()["len"]
    assert per_workplace.min() >= 2 and per_workplace.max() <= 6  # type: ignore[operator]
    assert per_workplace.len() == data.workplaces.height
    assert d.select("workplace_id", "tool_id").is_unique().all()
    assert (d["ends_on"].is_null() | (d["ends_on"] >= d["starts_on"])).all()
    assert (d["starts_on"] < _period_end()).all() and (d["ends_on"].is_null() | (d["ends_on"] >= START)).all()
    first_release = data.tool_versions.group_by("tool_id").agg(pl.col("release_date").min().alias("first"))
    assert (
        d.join(first_release, on="tool_id").select(pl.col("starts_on") >= pl.col("first")).to_series()
    ).all()
    roles = set(vocab.codes(vocab.STAFF_ROLES))
    assert all(value and set(value.split(";")) <= roles for value in d["staff_roles"])
    assert set(d["use"]) <= set(vocab.codes(vocab.DEPLOYMENT_USE))


# Check-ins


def test_check_ins_fall_inside_their_deployment_and_the_period(data: SynthData) -> None:
    r = data.responses.join(data.deployments, on=["workplace_id", "tool_id"], how="left")
    assert r["deployment_id"].null_count() == 0
    assert (r["submitted_on"] >= r["starts_on"]).all()
    assert (r["ends_on"].is_null() | (r["submitted_on"] <= r["ends_on"])).all()
    assert r["submitted_on"].is_between(START, _period_end(), closed="left").all()
    assert (r["week"].dt.weekday() == 1).all() and ((r["submitted_on"] - r["week"]).dt.total_days() < 7).all()
    assert (r["submitted_on"].dt.weekday() <= 5).mean() > 0.9  # type: ignore[operator]


def test_check_ins_name_the_version_live_on_the_day(data: SynthData) -> None:
    r = data.responses
    dont_know = (r["version_label"] == "dont_know").mean()
    assert 0.04 < dont_know < 0.13  # type: ignore[operator]
    live = (
        r.filter(pl.col("version_label") != "dont_know")
        .sort("submitted_on")
        .join_asof(
            data.tool_versions.sort("release_date").select("tool_id", "label", "release_date"),
            left_on="submitted_on",
            right_on="release_date",
            by="tool_id",
            check_sortedness=False,  # sorted by date overall, hence within each tool
        )
    )
    assert live["label"].null_count() == 0
    assert (live["label"] == live["version_label"]).all()


def test_check_in_answers_are_in_range(data: SynthData) -> None:
    r = data.responses
    assert r["response_id"].str.contains("^[0-9a-f]{16}$").all() and r["response_id"].is_unique().all()
    for column in LIKERT:
        assert r[column].null_count() == 0 and r[column].is_between(1, 5).all(), column
    time = r["time_saved_hours"]
    assert time.is_between(-10, 10).all() and ((time * 2).round(0) == time * 2).all()
    assert (time < 0).any() and (time > 0).any()
    for column in PUPIL:
        assert (r[column].is_null() == ~r["pupil_ai_module"]).all(), column
        assert r[column].drop_nulls().is_between(1, 5).all()
    assert set(r["role"]) <= set(vocab.codes(vocab.STAFF_ROLES))
    assert set(r["use"]) <= {"optional", "mandatory"}
    assert set(r["frequency"]) <= {"daily", "weekly", "monthly", "rarely"}
    assert set(r["training"]) <= {"none", "self_taught", "some", "enough"}
    assert set(r["stance"]) <= {"enthusiast", "willing", "sceptical", "opposed"}
    # Check-ins mostly report their deployment's use.
    agree = r.join(data.deployments, on=["workplace_id", "tool_id"]).select(
        pl.col("use") == pl.col("use_right")
    )
    assert agree.to_series().mean() > 0.9  # type: ignore[operator]


def test_about_a_quarter_of_check_ins_have_a_varied_comment(data: SynthData) -> None:
    r = data.responses
    assert (r["comment"].is_null() == r["comment_theme"].is_null()).all()
    share = r["comment"].is_not_null().mean()
    assert 0.2 < share < 0.3  # type: ignore[operator]
    comments = r["comment"].drop_nulls()
    assert comments.n_unique() > 0.4 * comments.len()
    assert not comments.str.contains("[{}]").any()
    assert set(r["comment_theme"].drop_nulls()) == {
        "time_saved", "workload", "accuracy", "data_surveillance", "deskilling", "training", "pupil_benefit",
        "equity_access",
    }  # fmt: skip


# Incidents, exposure and opinions


def test_incidents_are_consistent_with_the_register_and_exposure(data: SynthData) -> None:
    i, e = data.incidents, data.exposure
    assert i.height > 0 and i["incident_id"].is_unique().all()
    assert i.join(data.tool_versions, left_on=["tool_id", "version_label"], right_on=["tool_id", "label"],
                  how="anti").height == 0  # fmt: skip
    assert i.join(e, on=["tool_id", "version_label", "month"], how="anti").height == 0
    assert set(i["month"]) <= {"2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"}
    assert set(i["severity"]) <= {"near_miss", "minor", "serious", "severe"}
    assert (i.filter(pl.col("severity") == "near_miss")["harm_type"] == "none").all()
    assert all(value and set(value.split(";")) <= {"pupils", "staff", "parents"} for value in i["affected"])
    assert (e["deployment_months"] > 0).all()
    # Exposure adds up to the deployments' active days in each month of the period (up to rounding).
    months = [_add_month(START, m) for m in range(7)]
    by_month = {f"{a:%Y-%m}": 0.0 for a in months[:-1]}
    for starts, ends in data.deployments.select("starts_on", "ends_on").iter_rows():
        for first, following in zip(months, months[1:], strict=False):
            last = min(following - dt.timedelta(days=1), ends or following)
            days = (last - max(first, starts)).days + 1
            by_month[f"{first:%Y-%m}"] += max(days, 0) / (following - first).days
    totals = e.group_by("month").agg(pl.col("deployment_months").sum())
    for month, total in totals.iter_rows():
        assert total == pytest.approx(by_month[month], abs=0.01), month
    # Roughly 0.02 incidents a deployment-month.
    assert 0.01 < i.height / e["deployment_months"].sum() < 0.04


def test_participants_vote_on_a_sparse_subset_of_statements(data: SynthData) -> None:
    s, p, v = data.statements, data.participants, data.votes
    assert s.height == 20 and s["statement_id"].to_list() == list(range(1, 21))
    assert p.height == 200  # the minimum; 150 workplaces would give 75
    assert set(p["opinion_group"]) == {"A", "B"}
    assert set(p["workplace_id"]) <= set(data.workplaces["workplace_id"])
    assert set(v["vote"]) <= {-1, 0, 1}
    assert v.select("participant_id", "statement_id").is_unique().all()
    assert 0.55 < v.height / (p.height * s.height) < 0.65
