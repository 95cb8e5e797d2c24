"""Free-text comments on check-ins, drawn from templated sentences in eight themes.

The theme of each comment follows the respondent's own answers (someone who reports more workload tends to
write about workload, someone with IT friction about IT), so that theme-finding methods have a ground truth
(``comment_theme``) that agrees with the numbers. Slots (the tool's name, a task it is used for, hours, a
detail from a theme-specific list) and optional closing sentences vary the wording. No personal names appear.

Strings are built with polars, one ``concat_str`` per template over all rows using it, never row by row.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from chalkface.synth.catalogue import TOOLS


@dataclass(frozen=True)
class Theme:
    code: str
    label: str
    templates: tuple[str, ...]
    details: tuple[str, ...] = ("",)
    closers: tuple[str, ...] = ()


THEMES: tuple[Theme, ...] = (
    Theme(
        "time_saved",
        "Time saved",
        (
            "{tool} saves me about {hours} a week on {task}.",
            "I get back roughly {hours} a week now that {tool} does the first draft of my {task}.",
            "Honestly it has been a help with {task}, probably {hours} a week.",
            "Since we started using {tool} I spend far less time on {task}: around {hours} a week.",
            "It takes the grind out of {task}; I would say {hours} saved most weeks.",
        ),
        (
            "planning properly",
            "time with pupils",
            "getting home earlier",
            "catching up on marking",
            "my own CPD",
        ),
        ("I use the time for {detail}.", "The time goes on {detail}.", "It means more time for {detail}."),
    ),
    Theme(
        "workload",
        "Workload",
        (
            "Everything {tool} produces has to be checked, so {task} takes longer than before.",
            "We were told {tool} would reduce workload but it is one more system to keep up with.",
            "Checking and correcting its output for {task} adds time I do not have.",
            "It has created extra work: {detail}.",
            "Any time it saves on {task} is eaten up by {detail}.",
        ),
        (
            "logging in to yet another platform",
            "reformatting everything it writes",
            "filling in the usage reports leaders ask for",
            "fixing mistakes before anything goes out",
            "extra meetings about how to use it",
        ),
        ("Something needs to change.", "Please raise this with leaders.", "Workload was not assessed first."),
    ),
    Theme(
        "accuracy",
        "Accuracy and errors",
        (
            "{tool} {detail}, which I only caught because I checked.",
            "I do not trust what it gives me for {task}; last week it {detail}.",
            "Too many errors: it {detail}.",
            "It sounds confident but it {detail}.",
            "The output for {task} is often plainly wrong.",
        ),
        (
            "made up a reference that does not exist",
            "got basic facts wrong",
            "gave the wrong date for an event",
            "mixed up two year groups",
            "invented a quotation",
            "left out something important",
            "contradicted itself in the same answer",
        ),
        ("Everything needs a human check.", "I would not let it near anything important."),
    ),
    Theme(
        "data_surveillance",
        "Data and surveillance",
        (
            "I am not clear what data {tool} collects about staff or where it goes.",
            "It feels like {tool} is being used to monitor us rather than help us.",
            "Nobody has explained who can see {detail}.",
            "I worry that {detail} will end up being used in appraisal.",
            "We were never shown a data protection impact assessment for {tool}.",
        ),
        (
            "how often we log in",
            "what we type into it",
            "recordings of our meetings",
            "the pupil data we put in",
            "our usage statistics",
        ),
        (
            "This needs to be in the AI agreement.",
            "Staff should have been consulted.",
            "It feels like surveillance.",
        ),
    ),
    Theme(
        "deskilling",
        "Deskilling",
        (
            "I can feel myself losing confidence with {task} when {tool} does it for me.",
            "Newer colleagues are not learning how to do {task} properly.",
            "It does the thinking for us, and for {task} I just copy and paste.",
            "I worry that relying on {tool} for {task} is deskilling the profession.",
        ),
        closers=("Professional judgement matters.", "We need to keep these skills."),
    ),
    Theme(
        "training",
        "Training",
        (
            "We were given a login for {tool} and no training.",
            "I had to teach myself {tool} in my own time.",
            "Training on {tool} was one twilight session, which is not enough for {task}.",
            "I would use it more if someone showed me how to use it for {task}.",
            "Support staff were not included in the {tool} training.",
        ),
        closers=("Training should be in directed time.", "Proper training would make a real difference."),
    ),
    Theme(
        "pupil_benefit",
        "Benefit to pupils",
        (
            "Pupils respond well to {tool}, especially for {task}.",
            "It has helped some of my pupils with {detail}.",
            "{tool} gives pupils quicker feedback than I could on my own.",
            "I have seen real progress with {detail} since we started.",
        ),
        (
            "reading confidence",
            "revision for exams",
            "learning English as an additional language",
            "asking for help when they are stuck",
            "homework completion",
        ),
        ("It is worth keeping.", "The pupils like it."),
    ),
    Theme(
        "equity_access",
        "Equity, access and IT",
        (
            "Our laptops are too old to run {tool} properly.",
            "The wifi drops out so {tool} is unusable in half the classrooms.",
            "Colleagues without a decent laptop at home cannot use {tool} for {task}, so it is not fair.",
            "We do not have the IT support to make {tool} work: {detail}.",
            "It does not work well with screen readers, so colleagues who rely on them are left out.",
        ),
        (
            "logins fail most mornings",
            "it takes minutes to load",
            "nobody knows who to ask when it breaks",
            "the licences keep running out",
        ),
        ("Better-funded schools do not have these problems.", "We need investment in basic IT first."),
    ),
)
THEME_CODES: tuple[str, ...] = tuple(t.code for t in THEMES)


def fill(templates: Sequence[str], which: npt.NDArray[np.int64], slots: Mapping[str, pl.Series]) -> pl.Series:
    """Row i is ``templates[which[i]]`` with each ``{slot}`` replaced by ``slots[slot][i]``.

    One polars ``concat_str`` per template over the rows using it; rows come back in their original order.
    """
    n = int(which.size)
    if n == 0:
        return pl.Series("text", [], dtype=pl.String)
    frame = pl.DataFrame(dict(slots)).with_columns(
        pl.Series("_row", np.arange(n)), pl.Series("_template", which)
    )
    pieces: list[pl.DataFrame] = []
    for k, template in enumerate(templates):
        rows = frame.filter(pl.col("_template") == k)
        if rows.height == 0:
            continue
        parts: list[pl.Expr] = []
        for literal, slot, _, _ in string.Formatter().parse(template):
            if literal:
                parts.append(pl.lit(literal))
            if slot:
                parts.append(pl.col(slot))
        pieces.append(rows.select("_row", pl.concat_str(parts or [pl.lit("")]).alias("text")))
    return pl.concat(pieces).sort("_row")["text"]


def _hours_text(hours: npt.NDArray[np.float64]) -> pl.Series:
    halves = np.clip(np.rint(np.abs(hours) * 2), 0, 20).astype(np.int64)
    table = ["a little time", "half an hour", "an hour", "an hour and a half"] + [
        f"{k / 2:g} hours" for k in range(4, 21)
    ]
    return pl.Series(table, dtype=pl.String).gather(halves)


def _flat(groups: Sequence[Sequence[str]]) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Concatenate per-theme lists; return the flat list, each theme's offset and each theme's length."""
    lengths = np.array([len(g) for g in groups], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return [item for g in groups for item in g], offsets, lengths


def choose_themes(
    rng: np.random.Generator,
    *,
    time_saved: npt.NDArray[np.float64],
    items: Mapping[str, npt.NDArray[np.int8]],
    untrained: npt.NDArray[np.bool_],
    pupil_tool: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    """The theme of each comment (index into THEMES), weighted by what the respondent reported."""

    def lean(item: str, scale: float = 0.9) -> npt.NDArray[np.float64]:
        return np.exp(scale * (items[item].astype(np.float64) - 3.0))

    weights = np.column_stack(
        [
            np.where(time_saved >= 1.0, 0.6 + 0.35 * time_saved, 0.0),
            lean("workload") * np.where(time_saved < 0, 2.5, 1.0),
            np.exp(0.9 * (3.0 - items["trust"].astype(np.float64))),
            lean("data_concern", 1.0),
            lean("skills") * 0.8,
            np.where(untrained, 1.4, 0.35),
            np.where(pupil_tool, 1.1 * lean("quality", 0.6), 0.0),
            lean("it_friction", 1.0) * 0.9,
        ]
    )
    cumulative = np.cumsum(weights, axis=1)
    point = rng.random(time_saved.size) * cumulative[:, -1]
    theme: npt.NDArray[np.int64] = (cumulative <= point[:, None]).sum(axis=1).astype(np.int64)
    return theme


def write_comments(
    rng: np.random.Generator,
    theme: npt.NDArray[np.int64],
    tool: npt.NDArray[np.int64],
    time_saved: npt.NDArray[np.float64],
) -> pl.Series:
    """The text of each comment, given its theme, tool (index into TOOLS) and reported time saved."""
    n = theme.size
    templates, t_offsets, t_lengths = _flat([t.templates for t in THEMES])
    details, d_offsets, d_lengths = _flat([t.details for t in THEMES])
    closers, c_offsets, c_lengths = _flat([t.closers or ("",) for t in THEMES])
    tasks, k_offsets, k_lengths = _flat([t.tasks for t in TOOLS])

    def pick(
        offsets: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64], group: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        return offsets[group] + np.floor(rng.random(n) * lengths[group]).astype(np.int64)

    template = pick(t_offsets, t_lengths, theme)
    detail = pl.Series(details, dtype=pl.String).gather(pick(d_offsets, d_lengths, theme))
    slots = {
        "tool": pl.Series([t.name for t in TOOLS], dtype=pl.String).gather(tool),
        "task": pl.Series(tasks, dtype=pl.String).gather(pick(k_offsets, k_lengths, tool)),
        "hours": _hours_text(time_saved),
        "detail": detail,
    }
    body = fill(templates, template, slots)
    # A closing sentence on about a third of comments (themes without closers get none).
    has_closer = (rng.random(n) < 0.35) & (np.array([len(t.closers) for t in THEMES])[theme] > 0)
    closer = fill(closers, pick(c_offsets, c_lengths, theme), {"detail": detail})
    return (
        pl.DataFrame({"body": body, "closer": closer, "has": has_closer})
        .select(
            pl.when(pl.col("has"))
            .then(pl.concat_str([pl.col("body"), pl.lit(" "), pl.col("closer")]))
            .otherwise(pl.col("body"))
            .alias("comment")
        )
        .to_series()
    )
