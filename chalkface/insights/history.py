"""The release history as stored, for every computation of figures to be judged against.

:mod:`chalkface.evidence.history` decides; this module loads what was decided before (every group released
or hidden, every isolation, for everyone: :class:`~chalkface.insights.models.ReleasedGroup` and
:class:`~chalkface.insights.models.ReleaseIsolation`) and describes a computation's groups by their
conditions: the tool, the campaigns (and workplaces) the viewer may see, the filters. A computation gets a
fresh :class:`~chalkface.evidence.ReleaseHistory` over the stored one (kept in memory per process and topped
up from the database, which only grows); :func:`chalkface.insights.release.publish` stores its decisions
with the release.
"""

from __future__ import annotations

import threading
from typing import Any

from chalkface.evidence import HistoryGate, HistoryStore, Members, ReleaseHistory
from chalkface.evidence.history import Isolation, parse_label
from chalkface.insights.models import ReleasedGroup, ReleaseIsolation
from chalkface.voice.access import Scopes

#: How many different pairs of released groups may single out the same few people (docs/methods.md).
RELEASE_LIMIT = 3

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {"store": HistoryStore(), "group": 0, "isolation": 0, "rows": (0, 0)}


def forget() -> None:
    """Drop the in-memory copy (the tests do, between databases)."""
    with _LOCK:
        _STATE.update(store=HistoryStore(), group=0, isolation=0, rows=(0, 0))


def stored(k: int) -> HistoryStore:
    """The stored history, topped up from the database and indexed for threshold ``k``."""
    with _LOCK:
        rows = (ReleasedGroup.objects.count(), ReleaseIsolation.objects.count())
        if rows[0] < _STATE["rows"][0] or rows[1] < _STATE["rows"][1]:
            _STATE.update(store=HistoryStore(), group=0, isolation=0)  # the database was replaced
        store: HistoryStore = _STATE["store"]
        for pk, label, counts, refused in (
            ReleasedGroup.objects.filter(pk__gt=_STATE["group"])
            .order_by("pk")
            .values_list("pk", "label", "counts", "refused")
            .iterator(chunk_size=2000)
        ):
            if refused:
                store.refused.add(label)
            else:
                store.add_released(
                    Members(parse_label(label), tuple((str(m), int(n), int(key)) for m, n, key in counts))
                )
            _STATE["group"] = pk
        for pk, fingerprint, pair in (
            ReleaseIsolation.objects.filter(pk__gt=_STATE["isolation"])
            .order_by("pk")
            .values_list("pk", "fingerprint", "pair_hash")
            .iterator(chunk_size=2000)
        ):
            store.add_isolation(Isolation(int(fingerprint), pair))
            _STATE["isolation"] = pk
        _STATE["rows"] = rows
        store.near((), k)  # index for k now, under the lock, so readers never change it
        return store


def scope_conditions(scopes: Scopes) -> dict[str, Any]:
    """The conditions that describe everything a viewer with ``scopes`` may see."""
    campaigns = {str(c) for c in scopes}
    places = {c: p for c, p in scopes.items()}
    narrowed = [p for p in places.values() if p is not None]
    if not narrowed:
        return {"campaign_id": campaigns}
    if len(narrowed) == len(places) and all(set(p) == set(narrowed[0]) for p in narrowed):
        return {"campaign_id": campaigns, "workplace_id": {str(p) for p in narrowed[0]}}
    # Some campaigns narrowed to some workplaces, others not: no column-by-column description is exact,
    # so groups of this scope are compared only with each other and with groups that contain them.
    from chalkface.insights.release import audience_of

    return {"campaign_id": campaigns, "scope": audience_of(scopes)}


def gate_for(k: int, scopes: Scopes, **conditions: Any) -> HistoryGate:
    """A gate for a computation of figures within ``scopes`` and ``conditions`` (``tool_id``, filters)."""
    history = ReleaseHistory(k=k, limit=RELEASE_LIMIT, stored=stored(k))
    base = {**scope_conditions(scopes), **{c: v for c, v in conditions.items() if v is not None}}
    return HistoryGate(history, base)
