"""Themes in free-text answers, found offline, with verbatim quotes (see :mod:`.model`)."""

from chalkface.evidence.themes.model import ThemeModel
from chalkface.evidence.themes.results import (
    Note,
    Quote,
    Theme,
    ThemeGroup,
    ThemeResult,
    ThemeShare,
    ThemeShares,
)

__all__ = ["Note", "Quote", "Theme", "ThemeGroup", "ThemeModel", "ThemeResult", "ThemeShare", "ThemeShares"]
