"""Single-use access codes: generating, normalising and hashing them.

A code is 12 Crockford base32 characters (60 random bits) shown in three groups, e.g. ``7KQ2-M9XD-3RTA``.
Crockford's alphabet has no I, L, O or U, so what people mistype is mapped back (I and L to 1, O to 0).
Only an HMAC-SHA256 of the normalised code is stored. The key is ``CHALKFACE_CODE_KEY`` when set, otherwise
one derived from ``SECRET_KEY``; a dedicated key lets ``SECRET_KEY`` rotate without voiding printed codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
_TYPOS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
_ALLOWED = frozenset(ALPHABET)


def generate() -> str:
    """A new random code, grouped for reading aloud and typing: ``XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return group(raw)


def group(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise(typed: str) -> str | None:
    """The canonical form of what someone typed, or None if it cannot be a code.

    Case, spaces and hyphens do not matter; I, L, O and U are read as 1, 1, 0 and V.
    """
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n").translate(_TYPOS)
    if len(cleaned) != LENGTH or not set(cleaned) <= _ALLOWED:
        return None
    return cleaned


def _key() -> bytes:
    if settings.CHALKFACE_CODE_KEY:
        return str(settings.CHALKFACE_CODE_KEY).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"chalkface.voice.access-code.v1", hashlib.sha256).digest()


def digest(typed: str) -> str | None:
    """The stored form of a code (hex HMAC-SHA256 of its canonical form), or None if it is malformed."""
    canonical = normalise(typed)
    if canonical is None:
        return None
    return hmac.new(_key(), canonical.encode(), hashlib.sha256).hexdigest()
