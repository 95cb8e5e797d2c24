"""The evidence layer: Polars frames in, result objects out.

This package never imports Django; ``tests/evidence/test_purity.py`` enforces it.
"""
