"""One error type for the evidence layer, with a few precise subclasses.

Every message names the column, margin or category at fault, so that the CLI and the web views can show it
to the user as it is.
"""

from __future__ import annotations


class EvidenceError(ValueError):
    """Base class of every error the evidence layer raises on purpose."""


class ColumnError(EvidenceError):
    """A column is missing, has the wrong type, or holds values the method cannot use."""


class MarginError(EvidenceError):
    """Population margins for weighting are inconsistent with each other or with the responses."""


class ConvergenceError(EvidenceError):
    """An iterative method did not converge and the caller asked for an error in that case."""


class SeparationError(EvidenceError):
    """A model's estimate does not exist because a covariate separates the outcomes (the likelihood keeps
    rising as the coefficient goes to infinity)."""


class BudgetExhausted(EvidenceError):
    """A differentially private release would spend more privacy budget than the campaign has left.
    ``remaining`` and ``needed`` (epsilon) let a caller word the refusal; ``reason`` is that wording."""

    remaining: float | None = None
    needed: float | None = None
    reason: str = ""
