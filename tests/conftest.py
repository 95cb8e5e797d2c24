"""Shared test set-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_release_history() -> Iterator[None]:
    """Each test starts with no remembered release history: the database it had is rolled back."""
    from chalkface.insights import history

    history.forget()
    yield


@pytest.fixture(autouse=True)
def _fresh_extract() -> Iterator[None]:
    """Each test starts with no copy of the check-ins: fixtures use fixed record keys, so two tests' check-ins
    can share a fingerprint while differing in what the copy holds."""
    from pathlib import Path

    from django.conf import settings

    # without its manifest the copy is rebuilt on first use (the folder stays, for any writer still at work)
    (Path(settings.DATA_DIR) / "extract" / "manifest.json").unlink(missing_ok=True)
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that switches to Welsh does not leave Welsh on for the next test in the same process."""
    from django.utils import translation

    yield
    translation.deactivate()  # back to LANGUAGE_CODE


@pytest.fixture(autouse=True)
def _no_kept_figures() -> Iterator[None]:
    """Each test computes its figures: figures kept by an earlier test's database must not be served."""
    from chalkface.insights import precomputed, themes

    precomputed.forget_all()
    themes._LOADED.clear()
    yield
