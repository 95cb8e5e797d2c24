"""`chalkface load` puts synth output into the register, atomically, once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import TestCase

from chalkface.accounts.models import AuditEvent
from chalkface.demo.actions import LoadError, load_synth
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.synth import SynthConfig, generate, write
from chalkface.workplaces.models import Organisation


class LoadSynthTestCase(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        import tempfile

        cls._tmp = tempfile.TemporaryDirectory()
        cls.out = Path(cls._tmp.name) / "synth"
        cls.data = generate(SynthConfig(workplaces=40, months=4, seed=7))
        write(cls.data, cls.out)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._tmp.cleanup()
        super().tearDownClass()

    def test_it_loads_every_register_table(self) -> None:
        counts = load_synth(self.out)
        assert counts["workplaces"] == Organisation.objects.workplaces().count() == 40
        assert Supplier.objects.count() == self.data.suppliers.height
        assert Tool.objects.count() == self.data.tools.height
        assert ToolVersion.objects.count() == self.data.tool_versions.height
        assert Deployment.objects.count() == self.data.deployments.height

    def test_loaded_workplaces_keep_their_context_and_trust(self) -> None:
        load_synth(self.out)
        row = self.data.workplaces.row(0, named=True)
        school = Organisation.objects.get(urn=row["urn"])
        assert school.phase == row["phase"]
        assert school.region == row["region"]
        assert school.deprivation_quintile == row["deprivation_quintile"]
        assert school.it_rating == row["it_rating"]
        if row["trust"]:
            assert school.parent is not None and school.parent.kind == "trust"
            assert school.parent.name == row["trust"]

    def test_the_loaded_timeline_answers_which_version_was_live(self) -> None:
        load_synth(self.out)
        versions = self.data.tool_versions.sort("release_date")
        row = versions.row(versions.height - 1, named=True)
        tool = Tool.objects.get(slug=row["tool_id"])
        live = tool.version_on(row["release_date"] + dt.timedelta(days=1))
        assert live is not None and live.label == row["label"]

    def test_it_reads_csv_when_there_is_no_parquet(self) -> None:
        import shutil

        csv_only = Path(self._tmp.name) / "csv-only"
        shutil.copytree(self.out, csv_only)
        for parquet in csv_only.glob("*.parquet"):
            parquet.unlink()
        counts = load_synth(csv_only)
        assert counts["deployments"] == self.data.deployments.height

    def test_it_refuses_to_load_the_same_data_twice(self) -> None:
        load_synth(self.out)
        with pytest.raises(LoadError, match="already"):
            load_synth(self.out)
        assert Organisation.objects.workplaces().count() == 40

    def test_it_refuses_a_folder_that_is_not_synth_output(self) -> None:
        with pytest.raises(LoadError, match="no suppliers"):
            load_synth(Path(self._tmp.name))
        assert not Organisation.objects.exists()

    def test_it_writes_one_audit_event(self) -> None:
        load_synth(self.out)
        event = AuditEvent.objects.get(action="synth.loaded")
        assert event.changes["seed"] == 7
