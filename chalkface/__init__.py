"""Chalkface: evidence from the chalkface about AI tools in schools."""

__version__ = "0.1.0"
