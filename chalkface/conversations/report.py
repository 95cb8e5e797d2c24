"""The opinion report of a conversation: computed by the evidence layer, published through the release gate.

The report is made from the votes of accepted statements by
:class:`~chalkface.evidence.opinions.ChalkfaceModel`
(seeded by the conversation's seed) and reduced to what may be shown by
:func:`~chalkface.evidence.opinions.publish.publish_opinion_map` under the campaign's threshold ``k`` and the
insight layer's cell-key perturbation. Only that published form is kept (``Conversation.report``).

Against differencing: a new report is made only once at least ``k`` more participants have voted than the
last one was made from, so two reports anyone can see never differ by fewer than ``k`` new people; within
one report every figure carries cell-key noise fixed by exactly the people behind it.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django_tasks import task

from chalkface.conversations.actions import keep_report, queue_report, record_key
from chalkface.conversations.models import Conversation, StatementStatus, Vote
from chalkface.evidence import EvidenceError
from chalkface.evidence.opinions import ChalkfaceModel
from chalkface.evidence.opinions.publish import (
    PublishedOpinionMap,
    from_dict,
    hold_back,
    publish_opinion_map,
    to_dict,
    voters_per_statement,
)
from chalkface.insights.frames import policy_for
from chalkface.insights.release import publish


def votes_frame(conversation: Conversation) -> pl.DataFrame:
    rows = list(
        Vote.objects.filter(conversation=conversation, statement__status=StatementStatus.ACCEPTED)
        .order_by("participant", "statement__number")
        .values_list("participant", "statement__number", "value")
    )
    return pl.DataFrame(
        {
            "participant": [r[0] for r in rows],
            "statement": [r[1] for r in rows],
            "vote": [r[2] for r in rows],
        },
        schema={"participant": pl.String, "statement": pl.Int64, "vote": pl.Int64},
    )


def participants(conversation: Conversation) -> int:
    return Vote.objects.filter(conversation=conversation).values("participant").distinct().count()


def kept(conversation: Conversation) -> tuple[PublishedOpinionMap | None, dict[int, int] | None]:
    """The report last released (published figures only) and its basis, or (None, None)."""
    data = conversation.report
    if not data:
        return None, None
    return from_dict(data["published"]), {int(s): int(n) for s, n in data["basis"].items()}


def compute(
    conversation: Conversation,
    frame: pl.DataFrame,
    previous: PublishedOpinionMap | None = None,
    previous_basis: dict[int, int] | None = None,
) -> tuple[PublishedOpinionMap, dict[int, int]]:
    """A new release from ``frame``, judged against the previous one (see
    :func:`~chalkface.evidence.opinions.publish.hold_back`), and its basis."""
    k = conversation.campaign.threshold
    policy = policy_for(k)
    n = max(frame["participant"].n_unique(), 1)
    # groups of fewer than k could never be shown: ask the model for groups of at least k to begin with
    model = ChalkfaceModel(seed=conversation.seed, n_jobs=1, min_group_share=min(0.5, max(0.05, k / n)))
    model.fit(frame)
    keys = {p: record_key(p) for p in model.votes_.participants}
    published = publish_opinion_map(model.result_, model.votes_, policy, keys)
    return hold_back(published, voters_per_statement(model.votes_), previous, previous_basis)


#: Conversations with more votes than this get their new report from the task worker; the page meanwhile
#: shows the last one (or says one is being made). Fitting 20,000 votes takes about a second.
IN_REQUEST_VOTES = 20_000


def due(conversation: Conversation, n: int) -> bool:
    """Is a new report due, with ``n`` participants so far?"""
    k = conversation.campaign.threshold
    previous, _basis = kept(conversation)
    if previous is not None and n < conversation.report_participants + k:
        return False
    return n >= k


def refresh(conversation: Conversation) -> PublishedOpinionMap | None:
    """Make and keep a new report if one is due; the report to show (new, or the kept one)."""
    frame = votes_frame(conversation)
    n = frame["participant"].n_unique() if frame.height else 0
    previous, basis = kept(conversation)
    if not due(conversation, n):
        return previous
    try:
        published, new_basis = compute(conversation, frame, previous, basis)
    except EvidenceError:
        return previous
    data = {"published": to_dict(published), "basis": {str(s): c for s, c in new_basis.items()}}
    keep_report(conversation, data, n)
    return published


def current(conversation: Conversation) -> PublishedOpinionMap | None:
    """The report anyone allowed may see now: the kept one, or a new one once ``k`` more participants have
    voted; ``None`` while fewer than ``k`` have. A large conversation's new report is queued for the task
    worker (:attr:`Conversation.report_queued_at` says so) and the kept one is shown meanwhile."""
    votes = Vote.objects.filter(conversation=conversation, statement__status=StatementStatus.ACCEPTED)
    if votes.count() > IN_REQUEST_VOTES:
        previous, _basis = kept(conversation)
        if due(conversation, votes.values("participant").distinct().count()):
            queue_report(conversation, make_report)
        return previous
    return refresh(conversation)


@task()
def make_report(conversation_id: int) -> None:
    """The task: make the conversation's new report, if it is still due, and keep it."""
    conversation = Conversation.objects.select_related("campaign").filter(pk=conversation_id).first()
    if conversation is not None:
        refresh(conversation)


def release(
    viewer: Any,
    conversation: Conversation,
    published: PublishedOpinionMap,
    channel: str = "page.conversation",
) -> None:
    """Pass the report through the release gate for ``channel`` and record it (raises if it may not leave)."""
    campaign = conversation.campaign
    publish(
        viewer,
        channel,
        {campaign.pk: None},
        campaign.threshold,
        [published],
        {"campaign": campaign.pk, "conversation": conversation.pk},
    )


MAP_SIZE = 300
MAP_MARGIN = 40


def view_of(published: PublishedOpinionMap, texts: dict[int, str]) -> dict[str, Any]:
    """What the report page shows, from the published figures only: statements that are still accepted
    (``texts``: number -> protected text), groups that are shown, and the map's circles (group centres,
    area by published size, scaled into a square; no participant appears on it)."""
    shown = [s for s in published.statements if s.shown and s.id in texts]

    def item(s: Any) -> dict[str, Any]:
        return {"s": s, "text": texts[s.id]}

    groups = [g for g in published.groups if not g.withheld]
    circles = []
    if groups:
        xs = [g.x or 0.0 for g in groups]
        ys = [g.y or 0.0 for g in groups]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        biggest = max(g.size or 1 for g in groups)
        inner = MAP_SIZE - 2 * MAP_MARGIN
        for g, x, y in zip(groups, xs, ys, strict=True):
            circles.append(
                {
                    "id": g.id,
                    "label": chr(ord("A") + g.id) if 0 <= g.id < 26 else str(g.id),
                    "cx": round(MAP_MARGIN + (x - min(xs)) / span * inner, 1)
                    if len(groups) > 1
                    else MAP_SIZE / 2,
                    "cy": round(MAP_MARGIN + (y - min(ys)) / span * inner, 1)
                    if len(groups) > 1
                    else MAP_SIZE / 2,
                    "r": round(8 + 22 * ((g.size or 1) / biggest) ** 0.5, 1),
                    "size": g.size,
                }
            )
    by_id = {s.id: s for s in published.statements}
    return {
        "groups": [
            {
                "g": g,
                "label": chr(ord("A") + g.id) if 0 <= g.id < 26 else str(g.id),
                "reps": [
                    {"r": r, "text": texts[r.statement], "s": by_id.get(r.statement)}
                    for r in g.representative
                    if r.statement in texts
                ],
            }
            for g in groups
        ],
        "withheld": sum(1 for g in published.groups if g.withheld),
        "consensus": [item(s) for s in published.consensus(limit=50) if s.id in texts][:5],
        "bridging": [item(s) for s in published.bridging(limit=50) if s.id in texts][:5],
        "divisive": [item(s) for s in published.divisive(limit=50) if s.id in texts][:5],
        "statements": [item(s) for s in shown],
        "hidden_statements": sum(1 for s in published.statements if not s.shown and s.id in texts),
        "circles": circles,
        "map_size": MAP_SIZE,
    }
