"""Slugs: the short names in addresses (``/register/tools/lessonspark/``), free of clashes."""

from __future__ import annotations

from collections.abc import Callable, Container

from django.utils.text import slugify


def free_slug(
    base: str, taken: Callable[[str], bool] | Container[str], *, fallback: str = "item", max_length: int = 200
) -> str:
    """``base`` made into a slug, or ``base-2``, ``base-3``... whichever is not taken.

    ``taken`` is a set of slugs already in use (for bulk work, where the caller adds each new slug to it)
    or a function that asks the database (``lambda s: Tool.objects.filter(slug=s).exists()``).
    """
    is_taken: Callable[[str], bool] = taken if callable(taken) else taken.__contains__
    base = slugify(base)[:max_length] or fallback
    slug, n = base, 2
    while is_taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug
