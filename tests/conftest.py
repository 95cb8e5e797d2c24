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
def _english_after_each_test() -> Iterator[None]:
    """A test that switches to Welsh does not leave Welsh on for the next test in the same process."""
    from django.utils import translation

    yield
    translation.deactivate()  # back to LANGUAGE_CODE
