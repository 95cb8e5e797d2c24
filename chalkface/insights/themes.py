"""What staff wrote about a tool, as themes: found on the task worker, shown through the release gate.

The comments a viewer may read are those of the campaigns whose owner lets them (they run it, or it shared
its protected comments with them), narrowed to a rep's own workplace as their results are. Finding themes
(embedding every comment and clustering: :class:`~chalkface.evidence.themes.ThemeModel`) takes seconds to
minutes, so it runs as a job (:func:`chalkface.insights.tasks.start_themes`) and is stored as a
:class:`~chalkface.insights.models.ThemeRun` for that audience; a page shows the latest one, says when it was
found and how many comments came since, and never fits on a page view.

Every page view publishes from the stored run with
:func:`~chalkface.evidence.themes.publish_themes` under the campaign's policy and the release history, for
the page's slice: nothing below ``k``, perturbed sizes, quotes only from cells of at least ``k`` people and
from writers who let themselves be quoted, each quote redacted again as it is shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.db.models.fields.json import KT

from chalkface import redaction
from chalkface.evidence.themes import FittedTheme, PublishedThemes, ThemeModel, publish_themes
from chalkface.insights.filters import FILTERS
from chalkface.insights.frames import policy_for, workplace_context
from chalkface.insights.history import gate_for
from chalkface.insights.models import ThemeRun, ThemeRunStatus
from chalkface.insights.release import audience_of
from chalkface.insights.wording import label_for
from chalkface.register.models import Tool, ToolVersion
from chalkface.voice.access import Scopes, can_manage, narrow, result_scopes, shared_with, threshold_for
from chalkface.voice.models import Campaign, Question, Response, Share
from chalkface.workplaces.models import Organisation

#: The answer that holds a comment, and the answer by which a writer says whether it may be quoted.
COMMENT = "comment"
MAY_QUOTE = "may_quote"
#: The columns of a comment's cell: every attribute a viewer can filter the tool page by.
CELL_COLUMNS = tuple(FILTERS.values())
MAX_TEXTS = 20_000  # the most comments one run reads (the newest first)
MAX_QUOTE_CHARS = 400
N_QUOTES = 3  # quotes shown per theme
CANDIDATES = 12  # quotable comments kept per theme, best first: quotes come from the first that may be shown
SEED = 0


def comment_scopes(user: Any, campaign: Campaign | None = None) -> Scopes:
    """The campaigns (each with all its workplaces, or a rep's own) whose comments ``user`` may read."""
    scopes = narrow(result_scopes(user), campaign, None)
    allowed: Scopes = {}
    campaigns = Campaign.objects.select_related("owner").in_bulk([c for c in scopes if c is not None])
    for campaign_id, places in scopes.items():
        found = campaigns.get(campaign_id) if campaign_id is not None else None
        if found is None:
            continue
        if can_manage(user, found) or shared_with(user, found, Share.COMMENTS):
            allowed[campaign_id] = places
    return allowed


@dataclass
class Comments:
    """The comments of one audience about one tool, in a fixed order, with everything publishing needs."""

    ids: list[str]
    texts: list[str]
    keys: np.ndarray
    workplaces: list[int]
    may_quote: np.ndarray
    frame: pl.DataFrame  # one row per comment: the filter columns

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for rid, text in sorted(zip(self.ids, self.texts, strict=True)):
            digest.update(f"{rid}\x1f{hashlib.sha256(text.encode()).hexdigest()}\x1e".encode())
        return digest.hexdigest()

    def __len__(self) -> int:
        return len(self.ids)


def _asks_to_quote(version_ids: set[int]) -> set[int]:
    """The question-set versions that ask whether a comment may be quoted."""
    return set(
        Question.objects.filter(version_id__in=version_ids, code=MAY_QUOTE).values_list(
            "version_id", flat=True
        )
    )


#: Comments loaded lately, by audience, tool and the check-ins' change token: a tool page viewed again
#: reads its comments once, not on every view (20,000 comments take a quarter of a second to read out of
#: the answers). Kept in this process only, a minute at most (the workplaces' details can change too).
_LOADED: OrderedDict[tuple[str, int, str], tuple[float, Comments]] = OrderedDict()
LOADED_MAX = 4
LOADED_SECONDS = 60.0


def load_comments(scopes: Scopes, tool: Tool) -> Comments:
    """The comments about ``tool`` in ``scopes``, oldest first (at most :data:`MAX_TEXTS`, the newest)."""
    from chalkface.insights.extract import change_state

    state = change_state()
    if state is None:
        return _load_comments(scopes, tool)
    key = (audience_of(scopes), tool.pk, state)
    found = _LOADED.get(key)
    if found is not None and time.monotonic() - found[0] < LOADED_SECONDS:
        _LOADED.move_to_end(key)
        return found[1]
    comments = _load_comments(scopes, tool)
    _LOADED[key] = (time.monotonic(), comments)
    while len(_LOADED) > LOADED_MAX:
        _LOADED.popitem(last=False)
    return comments


def _load_comments(scopes: Scopes, tool: Tool) -> Comments:
    from chalkface.voice.access import scope_q

    rows = list(
        Response.objects.filter(scope_q(scopes), tool=tool, answers__has_key=COMMENT)
        .order_by("-week", "id")
        .annotate(comment_text=KT(f"answers__{COMMENT}"), consent=KT(f"answers__{MAY_QUOTE}"))
        .values_list(
            "id",
            "comment_text",
            "record_key",
            "workplace_id",
            "role",
            "tool_version_id",
            "week",
            "question_set_version_id",
            "campaign_id",
            "consent",
        )[:MAX_TEXTS]
    )
    rows.reverse()
    asks = _asks_to_quote({r[7] for r in rows})
    labels = dict(ToolVersion.objects.filter(tool=tool).values_list("pk", "label"))
    kept = []
    # Only the two answers needed are read out of each check-in's JSON, by the database.
    for rid, comment, key, place, role, version, week, qsv, campaign_id, consent in rows:
        text = str(comment or "").strip()
        if not text:
            continue
        may = str(consent).lower() in ("yes", "true", "1") if qsv in asks or consent is not None else True
        period = f"{week.year} Q{(week.month - 1) // 3 + 1}"
        kept.append(
            (
                str(rid),
                text,
                int(key),
                int(place),
                role or "",
                labels.get(version, "dont_know"),
                period,
                may,
                campaign_id,
            )
        )
    frame = pl.DataFrame(
        {
            "workplace_id": [r[3] for r in kept],
            "role": [r[4] for r in kept],
            "version_label": [r[5] for r in kept],
            "period": [r[6] for r in kept],
            "campaign_id": [r[8] for r in kept],
        },
        schema={
            "workplace_id": pl.Int64,
            "role": pl.String,
            "version_label": pl.String,
            "period": pl.String,
            "campaign_id": pl.Int64,
        },
    ).join(workplace_context(), on="workplace_id", how="left", maintain_order="left")
    return Comments(
        ids=[r[0] for r in kept],
        texts=[r[1] for r in kept],
        keys=np.array([r[2] for r in kept], dtype=np.float64),
        workplaces=[r[3] for r in kept],
        may_quote=np.array([r[7] for r in kept], dtype=bool),
        frame=frame,
    )


class Redactor:
    """Redacts a comment as it is shown, with its workplace's names (and those above it) as identifying and
    the tools' names as allowed; the same module redacted it before it was stored. A keyword (``row`` -1) is
    refused when the redactor would change it or when it is a word of the name of any workplace the comments
    come from ("oakfield" would point at Oakfield Primary School), or of a tool's name (every comment is about
    the tool)."""

    def __init__(self, workplaces: list[int]) -> None:
        self.workplaces = workplaces
        self.allow = list(Tool.objects.values_list("name", flat=True))
        self._names: dict[int, list[str]] = {}
        self._place_words: set[str] | None = None
        self._tool_words: set[str] | None = None

    def names(self, place: int) -> list[str]:
        if place not in self._names:
            self._load([place, *self.workplaces])
        return self._names.get(place, [])

    def _load(self, places: list[int]) -> None:
        """The names of ``places`` and of the organisations above them, a few queries for all (one per
        level of the tree), not one per workplace."""
        wanted = {p for p in places if p not in self._names}
        known: dict[int, tuple[str, int | None]] = {}
        level = wanted
        while level:
            rows = Organisation.objects.filter(pk__in=level).values_list("pk", "name", "parent_id")
            known.update({pk: (name, parent) for pk, name, parent in rows})
            level = {parent for _name, parent in known.values() if parent is not None} - set(known)
        for place in wanted:
            chain, node = [], known.get(place)
            while node is not None and len(chain) < 21:
                chain.append(node[0])
                node = known.get(node[1]) if node[1] is not None else None
            self._names[place] = chain

    def place_words(self) -> set[str]:
        if self._place_words is None:
            words: set[str] = set()
            for place in set(self.workplaces):
                for name in self.names(place):
                    words.update(w.casefold() for w in re.findall(r"\w+", name) if len(w) > 1)
            self._place_words = words
        return self._place_words

    def tool_words(self) -> set[str]:
        """Words of the tools' names: every comment is about the tool, so its name sets no theme apart."""
        if self._tool_words is None:
            self._tool_words = {w.casefold() for n in self.allow for w in re.findall(r"\w+", n) if len(w) > 1}
        return self._tool_words

    def __call__(self, row: int, text: str) -> str:
        if row < 0:
            if text.casefold() in self.place_words() or text.casefold() in self.tool_words():
                return ""
            return redaction.protect(text, allow=self.allow)
        names = self.names(self.workplaces[row])
        return redaction.protect(text, workplace_names=names, allow=self.allow)[:MAX_QUOTE_CHARS]


def fit_themes(
    comments: Comments, k: int, *, progress: Callable[[int, int], None] | None = None, seed: int = SEED
) -> dict[str, Any]:
    """Find the themes of ``comments`` (themes of at least ``k``); the stored form of a :class:`ThemeRun`."""
    from chalkface.evidence.embeddings import embed_texts

    batch = 256
    parts = []
    for start in range(0, len(comments), batch):
        parts.append(embed_texts(comments.texts[start : start + batch]))
        if progress:
            progress(min(start + batch, len(comments)), len(comments))
    x = np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)
    frame = pl.DataFrame(
        {"text": comments.texts, "may_quote": comments.may_quote.tolist()},
        schema={"text": pl.String, "may_quote": pl.Boolean},
    )
    redactor = Redactor(comments.workplaces)
    model = ThemeModel(
        min_size=max(k, 2),
        seed=seed,
        n_quotes=max(N_QUOTES, CANDIDATES),
        min_keyword_texts=3,
        redact=lambda t: redactor(-1, t),
    )
    result = model.fit(frame, "text", may_quote="may_quote", embeddings=x).result_
    top = len(result.levels) - 1
    themes = [
        {
            "id": t.id,
            "keywords": list(t.keywords),
            "candidates": [q.row for q in t.candidates],
            "parent": t.parents[top] if top >= 0 and t.parents else None,
        }
        for t in result.themes
    ]
    groups = {g.id: list(g.keywords) for g in result.levels[top]} if top >= 0 else {}
    return {
        "groups": [{"id": gid, "keywords": words} for gid, words in groups.items()],
        "rows": comments.ids,
        "assignment": [-1 if a is None else int(a) for a in result.assignments],
        "themes": themes,
        "n_other": result.n_other,
    }


@dataclass
class ThemesSection:
    """What the "What staff wrote" part of a page shows: a state and, once found, the published themes."""

    state: str  # "not_shared", "too_few", "not_found", "running", "failed", "shown", "slice_too_small"
    k: int
    run: ThemeRun | None = None
    published: PublishedThemes | None = None
    new_since: int = 0  # exact, for the code; pages say only whether it has reached k

    @property
    def many_new(self) -> bool:
        """Have at least ``k`` comments come in since the themes were found? (An exact count of a few new
        comments would tell when one person wrote, so pages say only this.)"""
        return self.new_since >= self.k

    n_comments: int = 0
    base: dict[str, Any] = field(default_factory=dict)
    scopes: Scopes = field(default_factory=dict)
    gate: Any = None
    filtered: bool = False
    #: The broad themes (coarser groups of themes), when the themes were found with levels.
    groups: tuple[Any, ...] = ()

    @property
    def found_at(self) -> dt.datetime | None:
        return self.run.finished_at if self.run else None


def latest_run(tool: Tool | None, audience: str, kind: str = "comments") -> ThemeRun | None:
    runs = ThemeRun.objects.filter(kind=kind, tool=tool, audience=audience)
    return runs.order_by("-created_at", "-pk").first()


def latest_done(tool: Tool | None, audience: str, kind: str = "comments") -> ThemeRun | None:
    return (
        ThemeRun.objects.filter(kind=kind, tool=tool, audience=audience, status=ThemeRunStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def still_running(run: ThemeRun | None) -> bool:
    """A run waiting for or in its job (a job the worker gave up on counts as failed)."""
    if run is None or run.status != ThemeRunStatus.RUNNING:
        return False
    return run.job is None or not run.job.finished


def themes_section(
    user: Any,
    tool: Tool,
    *,
    campaign: Campaign | None = None,
    conditions: dict[str, Any] | None = None,
    channel: str = "page.tool",
    show: bool = True,
) -> ThemesSection:
    """The themes ``user`` may see about ``tool`` (in ``campaign``, within the page's ``conditions``),
    published through the release gate on ``channel``; ``show=False`` only works out the state (for a form
    that starts a run), publishing nothing."""
    from chalkface.insights.release import publish

    conditions = dict(conditions or {})
    scopes = comment_scopes(user, campaign)
    if not scopes:
        return ThemesSection("not_shared", 0)
    k = threshold_for(scopes)
    comments = load_comments(scopes, tool)
    audience = audience_of(scopes)
    latest = latest_run(tool, audience)
    done = latest_done(tool, audience)
    section = ThemesSection(
        "not_found", k, run=done, n_comments=len(comments), scopes=scopes, filtered=bool(conditions)
    )
    if len(comments) < max(2 * k, 2):
        section.state = "too_few"
        return section
    running = latest if still_running(latest) else None
    if done is None:
        if running is not None:
            section.state, section.run = "running", running
        elif latest is not None:
            section.state, section.run = "failed", latest
        return section
    if running is not None:
        section.state = "running"
    if not show:
        section.state = "running" if running is not None else "shown"
        return section
    stored_ids = set(done.result.get("rows", []))
    section.new_since = sum(1 for rid in comments.ids if rid not in stored_ids)
    section.published = publish_stored(done, comments, k, scopes, tool, conditions, section)
    publish(user, channel, scopes, k, [section.published], section.base, [section.gate])
    redactor = Redactor(comments.workplaces)
    words = {
        int(g["id"]): [w for w in g.get("keywords", ()) if redactor(-1, w) == w]
        for g in done.result.get("groups", [])
    }
    section.groups = section.published.hierarchy(words)
    if section.state != "running":
        section.state = "shown" if section.published.shown else "slice_too_small"
    return section


def quote_cells(frame: pl.DataFrame, scopes: Scopes, *, filtered: bool) -> list[tuple[Any, ...]]:
    """Each comment's cell: a quote is shown only from a cell of at least ``k`` comments.

    Every cell is within one campaign (and within a rep's workplace when the viewer's scope is narrowed to
    it), so no pair of audiences can place a quote in a smaller group. On the page for everyone the cell is
    also the writer's role (a teaching assistant's words are not quoted when fewer than ``k`` teaching
    assistants wrote); on a filtered page it is every attribute a viewer can filter by, so that however many
    filtered pages are put side by side, the writer of a quote they all show is one of at least ``k``."""
    narrowed = {c for c, places in scopes.items() if places is not None}
    place = (
        pl.when(pl.col("campaign_id").is_in(sorted(narrowed))).then(pl.col("workplace_id")).otherwise(None)
    )
    columns = list(CELL_COLUMNS) if filtered else ["role"]
    parts = [pl.col("campaign_id").cast(pl.String), place.cast(pl.String).alias("place")]
    parts += [pl.col(c).cast(pl.String) for c in columns if c in frame.columns]
    return list(frame.select(parts).rows())


def publish_stored(
    run: ThemeRun,
    comments: Comments,
    k: int,
    scopes: Scopes,
    tool: Tool,
    conditions: dict[str, Any],
    section: ThemesSection | None = None,
) -> PublishedThemes:
    """The stored run's themes for the comments still there, within ``conditions``, as they may be shown."""
    index = {rid: i for i, rid in enumerate(comments.ids)}
    stored = run.result
    rows = [index.get(rid) for rid in stored.get("rows", [])]
    present = [i for i, r in enumerate(rows) if r is not None]  # comments erased since are left out
    order = np.array([rows[i] for i in present], dtype=np.int64)
    remap = {old: new for new, old in enumerate(present)}
    assignment = np.array(stored.get("assignment", []), dtype=np.int64)[present] if present else np.zeros(0)
    themes = [
        FittedTheme(
            int(t["id"]),
            tuple(t.get("keywords", ())),
            tuple(remap[c] for c in t.get("candidates", ()) if c in remap),
            t.get("parent"),
        )
        for t in stored.get("themes", [])
    ]
    frame = comments.frame[order.tolist()] if present else comments.frame.clear()
    mask = np.ones(len(present), dtype=bool)
    for column, value in conditions.items():
        mask &= (frame[column].cast(pl.String) == str(value)).fill_null(False).to_numpy()
    cells = quote_cells(frame, scopes, filtered=bool(conditions))
    gate = gate_for(k, scopes, tool_id=tool.slug, themes=True, **conditions)
    workplaces = [comments.workplaces[i] for i in order]
    redactor = Redactor(workplaces)
    published = publish_themes(
        themes,
        assignment,
        policy=policy_for(k, gate),
        keys=comments.keys[order] if present else np.zeros(0),
        in_slice=mask,
        cells=cells,
        texts=[comments.texts[i] for i in order],
        redact=redactor,
        may_quote=comments.may_quote[order] if present else np.zeros(0, dtype=bool),
        groups=frame["version_label"].to_list() if "version_label" not in conditions else None,
        n_quotes=N_QUOTES,
    )
    if section is not None:
        section.base = {"tool_id": tool.slug, "themes": True, **conditions}
        section.gate = gate
    return published.labelled(lambda value: label_for("version_label", value))
