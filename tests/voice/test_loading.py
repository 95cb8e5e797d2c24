"""Loading synthetic check-ins and incidents into the voice models."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from django.test import TestCase

from chalkface.demo.actions import LoadError, load_synth
from chalkface.demo.actions.checkins import load_responses
from chalkface.voice.models import IncidentReport, Response


class LoadingTests(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        from chalkface.synth.generate import SynthConfig, generate
        from chalkface.synth.output import write

        cls.folder = Path(tempfile.mkdtemp(prefix="chalkface-voice-synth-"))
        write(generate(SynthConfig(workplaces=12, months=3, seed=7)), cls.folder)

    def test_it_loads_every_checkin_and_incident_with_week_version_and_answers(self) -> None:
        counts = load_synth(self.folder)
        source = pl.read_parquet(self.folder / "responses.parquet")
        incidents = pl.read_parquet(self.folder / "incidents.parquet")
        self.assertEqual(counts["responses"], source.height)
        self.assertEqual(counts["incidents"], incidents.height)
        self.assertEqual(Response.objects.count(), source.height)
        self.assertEqual(IncidentReport.objects.count(), incidents.height)
        first = source.row(0, named=True)
        saved = Response.objects.get(
            answers__workload=first["workload"],
            answers__trust=first["trust"],
            answers__quality=first["quality"],
            role=first["role"],
            workplace__urn__isnull=False,
            tool__slug=first["tool_id"],
            answers__time_saved_hours=first["time_saved_hours"],
            answers__autonomy=first["autonomy"],
            answers__skills=first["skills"],
        )
        self.assertEqual(saved.week.weekday(), 0)
        self.assertLessEqual(saved.week, first["submitted_on"])
        if first["version_label"] == "dont_know":
            self.assertIsNone(saved.tool_version)
        else:
            self.assertEqual(saved.tool_version.label, first["version_label"])  # type: ignore[union-attr]
        self.assertNotIn(None, saved.answers.values())
        dont_know = source.filter(pl.col("version_label") == "dont_know").height
        self.assertEqual(Response.objects.filter(tool_version__isnull=True).count(), dont_know)

    def test_it_refuses_to_load_twice(self) -> None:
        load_synth(self.folder)
        with self.assertRaises(LoadError):
            load_responses(self.folder)
