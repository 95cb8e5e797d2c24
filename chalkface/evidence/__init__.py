"""The evidence layer: Polars frames in, result objects out.

This package never imports Django; ``tests/evidence/test_purity.py`` enforces it.
"""

from chalkface.evidence.cellkey import CellKey
from chalkface.evidence.change import (
    IncidentRateChange,
    InterruptedTimeSeries,
    ITSResult,
    OrdinalLogit,
    OrdinalLogitResult,
    Signal,
    SignalList,
    VersionComparison,
    compare_versions,
    incident_rate_change,
    segmented_regression,
    signal_list,
    version_order,
)
from chalkface.evidence.deduction import attacker_intervals
from chalkface.evidence.disclosure import (
    DisclosurePolicy,
    ProtectedTable,
    PublishedCount,
    TableCell,
    protect_partition,
    protect_table,
    publish_counts,
)
from chalkface.evidence.equity import EquityGapResult, Gap, equity_gap
from chalkface.evidence.errors import (
    BudgetExhausted,
    ColumnError,
    ConvergenceError,
    EvidenceError,
    MarginError,
)
from chalkface.evidence.estimate import EstimateRow, EstimateTable, estimate, estimate_many
from chalkface.evidence.history import HistoryGate, HistoryStore, Members, ReleaseHistory, conditions_of
from chalkface.evidence.intervals import (
    DesignMean,
    design_effect,
    design_mean,
    kish_effective_n,
    korn_graubard_interval,
    proportion_interval,
    t_interval,
)
from chalkface.evidence.notes import Note, format_p
from chalkface.evidence.privacy import DPRelease, DPValue, PrivacyBudget, release_counts, release_means
from chalkface.evidence.release import Release, ReleasedFigure, ReleaseGate, ReleaseRefused
from chalkface.evidence.tool_figures import ToolFigures, tool_figures
from chalkface.evidence.weighting import Raker, RakingResult, rake

__all__ = [
    "HistoryGate",
    "HistoryStore",
    "Members",
    "ReleaseHistory",
    "conditions_of",
    "BudgetExhausted",
    "CellKey",
    "ColumnError",
    "ConvergenceError",
    "DPRelease",
    "DPValue",
    "DesignMean",
    "DisclosurePolicy",
    "EquityGapResult",
    "EstimateRow",
    "EstimateTable",
    "EvidenceError",
    "Gap",
    "ITSResult",
    "IncidentRateChange",
    "InterruptedTimeSeries",
    "MarginError",
    "Note",
    "OrdinalLogit",
    "OrdinalLogitResult",
    "PrivacyBudget",
    "ProtectedTable",
    "PublishedCount",
    "Raker",
    "Release",
    "ReleaseGate",
    "ReleaseRefused",
    "ReleasedFigure",
    "RakingResult",
    "Signal",
    "SignalList",
    "TableCell",
    "ToolFigures",
    "VersionComparison",
    "attacker_intervals",
    "compare_versions",
    "design_effect",
    "design_mean",
    "equity_gap",
    "estimate",
    "estimate_many",
    "format_p",
    "incident_rate_change",
    "kish_effective_n",
    "korn_graubard_interval",
    "proportion_interval",
    "protect_partition",
    "protect_table",
    "publish_counts",
    "rake",
    "release_counts",
    "release_means",
    "segmented_regression",
    "signal_list",
    "t_interval",
    "tool_figures",
    "version_order",
]
