"""Weighting to the workforce: weights rake to the margins, small and unknown classes keep weight 1, and a
group's weighted figure is shown beside the unweighted one only where the pair cannot single anyone out.

The attack: in a region where 20 teachers and one member of support staff answered, the weighted and the
unweighted mean of the region are two equations in two unknowns (the teachers' total and the lone answer),
so releasing both gives the lone answer exactly. The naive release (every group weighted) is the control."""

from __future__ import annotations

import polars as pl
import pytest

from chalkface.evidence import DisclosurePolicy, estimate_many
from chalkface.evidence.workforce import (
    UNWEIGHTED_CLASS,
    estimate_many_weighted,
    weight_classes,
    weight_to_workforce,
)

K = 10
MARGINS = {
    "role": {"teacher": 600, "support_staff": 400},
    "phase": {"primary": 1000},
    "region": {"north": 500, "south": 500},
}


def _rows(region: str, role: str, answers: list[int], first_workplace: int) -> list[dict[str, object]]:
    return [
        {
            "region": region,
            "role": role,
            "phase": "primary",
            "wellbeing": a,
            "workplace_id": first_workplace + i % 5,
        }
        for i, a in enumerate(answers)
    ]


def _frame(lone_answer: int = 5) -> pl.DataFrame:
    north = _rows("north", "teacher", [1, 2, 3, 2, 1, 2, 3, 2, 1, 2] * 2, 1)
    north += _rows("north", "support_staff", [lone_answer], 1)
    south = _rows("south", "teacher", [2, 3, 4, 3] * 8, 10) + _rows(
        "south", "support_staff", [4, 5, 4] * 10, 10
    )
    return pl.DataFrame(north + south)


def _lone_answer(
    weighted_mean: float, plain_mean: float, teachers: int, w_teacher: float, w_lone: float
) -> float:
    """Solve  plain*(t+1) = T + y  and  weighted*(t*w_t + w_l) = w_t*T + w_l*y  for y."""
    total_plain = plain_mean * (teachers + 1)
    total_weighted = weighted_mean * (teachers * w_teacher + w_lone)
    return (total_weighted - w_teacher * total_plain) / (w_lone - w_teacher)


def _north(table: object) -> object:
    return _row(table, "north")


def _row(table: object, region: str) -> object:
    """The mean (not the share agreeing) of ``region`` in a table by region."""
    return next(
        r
        for r in table.rows  # type: ignore[attr-defined]
        if dict(r.group)["region"] == region and r.statistic == "mean"
    )


def test_it_rakes_every_classes_weight_to_the_margins() -> None:
    weighted, summary = weight_to_workforce(_frame(), MARGINS, k=K)
    raked = weighted.filter(pl.col("weight_class") != UNWEIGHTED_CLASS)
    share = raked.group_by("role").agg(pl.col("weight").sum()).sort("role")
    total = raked["weight"].sum()
    assert dict(zip(share["role"], share["weight"] / total, strict=True)) == pytest.approx(
        {"support_staff": 0.4, "teacher": 0.6}, abs=1e-6
    )
    # the lone support-staff member in the north is a class of one: weight 1, the shared unweighted class
    lone = weighted.filter((pl.col("region") == "north") & (pl.col("role") == "support_staff"))
    assert lone["weight"].to_list() == [1.0] and lone["weight_class"].to_list() == [UNWEIGHTED_CLASS]
    assert summary.kept_at_one == 1 and summary.raked == weighted.height - 1
    assert summary.design_effect > 1


def test_unknown_categories_keep_weight_one_and_every_check_in_stays() -> None:
    frame = _frame().with_columns(
        pl.when(pl.col("wellbeing") == 4).then(pl.lit(None)).otherwise(pl.col("role")).alias("role")
    )
    weighted, summary = weight_to_workforce(frame, MARGINS, k=K)
    assert weighted.height == frame.height
    unknown = weighted.filter(pl.col("role").is_null())
    assert unknown.height and set(unknown["weight"].to_list()) == {1.0}
    assert summary.kept_at_one == unknown.height + 1


def test_a_margin_category_nobody_answered_for_is_dropped_and_said() -> None:
    margins = {**MARGINS, "region": {**MARGINS["region"], "east": 300}}
    _weighted, summary = weight_to_workforce(_frame(), margins, k=K)
    assert ("region", "east") in summary.dropped


def test_the_naive_release_gives_away_a_lone_answer_and_the_guarded_one_does_not() -> None:
    policy = DisclosurePolicy(k=K)
    for lone in (1, 5):
        frame = _frame(lone)
        # The naive control: fixed weights in which the lone answer carries its own weight (as raking by role
        # gives it, were small classes not kept at one), every group released weighted and unweighted.
        naive = frame.with_columns(
            pl.when(pl.col("role") == "support_staff").then(2.5).otherwise(0.8).alias("weight")
        )
        weighted = _north(estimate_many(naive, ["wellbeing"], ["region"], weight="weight", policy=policy)[0])
        plain = _north(estimate_many(naive, ["wellbeing"], ["region"], policy=policy)[0])
        assert weighted.estimate != plain.estimate
        assert _lone_answer(weighted.estimate, plain.estimate, 20, 0.8, 2.5) == pytest.approx(lone, abs=1e-3)

        # Guarded: the same attack on what is released finds nothing, because the north's figure is the
        # unweighted one in both releases; the south, whose classes are big enough, is weighted.
        guarded_frame, _summary = weight_to_workforce(frame, MARGINS, k=K)
        guarded = estimate_many_weighted(guarded_frame, ["wellbeing"], ["region"], policy=policy)[0]
        north = _north(guarded)
        assert north.weighted is False
        assert north.estimate == plain.estimate
        south = _row(guarded, "south")
        south_plain = _row(estimate_many(frame, ["wellbeing"], ["region"], policy=policy)[0], "south")
        assert south.weighted is True and south.estimate != south_plain.estimate


def test_a_weighted_row_keeps_n_and_its_effective_n_allows_for_the_weights_kish() -> None:
    frame, _summary = weight_to_workforce(_frame(), MARGINS, k=K)
    policy = DisclosurePolicy(k=K)
    guarded = estimate_many_weighted(frame, ["wellbeing"], ["region"], policy=policy)[0]
    plain = estimate_many(frame, ["wellbeing"], ["region"], policy=policy)[0]
    south, south_plain = _row(guarded, "south"), _row(plain, "south")
    assert south.n == south_plain.n == 62
    assert south.n_eff is not None and south.n_eff < south.n
    assert guarded.weighted is True


def test_a_breakdown_that_cuts_across_weight_classes_is_never_weighted() -> None:
    frame, _summary = weight_to_workforce(
        _frame().with_columns((pl.col("wellbeing") % 2).alias("version")), MARGINS, k=K
    )
    tables = estimate_many_weighted(frame, ["wellbeing"], ["version"], policy=DisclosurePolicy(k=K))
    assert tables[0].rows and all(r.weighted is False for r in tables[0].rows)


def test_each_weight_class_is_a_group_with_its_count_and_key_sum() -> None:
    frame = _frame().with_row_index("record_key").with_columns(pl.col("record_key").cast(pl.Int64))
    weighted, _summary = weight_to_workforce(frame, MARGINS, k=K)
    classes = {dict(c)["region"] + "/" + dict(c)["role"]: (n, key) for c, n, key in weight_classes(weighted)}
    # the lone member of support staff in the north keeps weight 1 and is not a class of its own
    assert set(classes) == {"north/teacher", "south/teacher", "south/support_staff"}
    assert classes["north/teacher"] == (20, sum(range(20)))
