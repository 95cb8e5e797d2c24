"""Realistic synthetic data with planted truths, for demos, tests and checking the analysis.

Pure Python (numpy and polars; no Django). ``generate`` builds the tables from a ``SynthConfig``; ``write``
writes them as Parquet and CSV with ``truth.json`` and ``manifest.json``. See docs/synthetic-data.md.
"""

from chalkface.synth.generate import TABLES, SynthConfig, SynthData, generate
from chalkface.synth.output import FORMATS, write
from chalkface.synth.truths import SCHEMA_VERSION

__all__ = ["FORMATS", "SCHEMA_VERSION", "TABLES", "SynthConfig", "SynthData", "generate", "write"]
