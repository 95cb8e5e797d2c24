"""What changed when a tool changed version, one model a module.

- :mod:`~chalkface.evidence.change.versions`: :func:`compare_versions`, one measure before and after;
- :mod:`~chalkface.evidence.change.ordinal`: :class:`OrdinalLogit`, the proportional-odds model;
- :mod:`~chalkface.evidence.change.its`: :class:`InterruptedTimeSeries` and :func:`segmented_regression`;
- :mod:`~chalkface.evidence.change.incidents`: :func:`incident_rate_change`;
- :mod:`~chalkface.evidence.change.signals`: :func:`signal_list`, everything at once with FDR control.

The estimators follow one convention (as scikit-learn's): the columns and options go to ``__init__``, which
only stores them; ``fit(frame)`` validates, fits and returns ``self``, with the result in ``result_``.
"""

from chalkface.evidence.change.incidents import IncidentRateChange, incident_rate_change
from chalkface.evidence.change.its import InterruptedTimeSeries, ITSResult, segmented_regression
from chalkface.evidence.change.ordinal import OrdinalLogit, OrdinalLogitResult, separation
from chalkface.evidence.change.signals import Signal, SignalList, signal_list, version_order
from chalkface.evidence.change.versions import VersionComparison, compare_versions, rank_biserial

__all__ = [
    "ITSResult",
    "IncidentRateChange",
    "InterruptedTimeSeries",
    "OrdinalLogit",
    "OrdinalLogitResult",
    "Signal",
    "SignalList",
    "VersionComparison",
    "compare_versions",
    "incident_rate_change",
    "rank_biserial",
    "segmented_regression",
    "separation",
    "signal_list",
    "version_order",
]
