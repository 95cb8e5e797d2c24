"""API tokens: one per script or notebook, held by a person and acting with that person's roles.

The token itself is shown once, when it is made. The database keeps only its SHA-256 digest (the token is
32 random bytes, so a plain digest cannot be reversed or guessed) and a short prefix to recognise it by.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "cf_"  # noqa: S105 — the visible start of every token, not a secret
# How many characters of the token are kept to tell tokens apart on the tokens page ("cf_" and 8 more).
DISPLAY_LENGTH = 11


def digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What it is for, e.g. branch notebook"))
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=DISPLAY_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
