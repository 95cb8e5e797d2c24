"""Themes in free-text answers, found offline, with verbatim quotes (see :mod:`.model`)."""

from chalkface.evidence.themes.model import ThemeModel
from chalkface.evidence.themes.publish import (
    FittedTheme,
    PublishedThemes,
    publish_themes,
)
from chalkface.evidence.themes.results import (
    Note,
    Quote,
    Theme,
    ThemeGroup,
    ThemeResult,
    ThemeShare,
    ThemeShares,
)

__all__ = [
    "FittedTheme",
    "PublishedThemes",
    "publish_themes",
    "Note",
    "Quote",
    "Theme",
    "ThemeGroup",
    "ThemeModel",
    "ThemeResult",
    "ThemeShare",
    "ThemeShares",
]
