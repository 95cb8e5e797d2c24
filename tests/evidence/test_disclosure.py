"""Primary and complementary suppression, checked by a linear-programming attacker."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from chalkface.evidence import (
    DisclosurePolicy,
    EvidenceError,
    attacker_intervals,
    protect_partition,
    protect_table,
)
from chalkface.evidence.disclosure import flow_intervals


def with_totals(table: npt.ArrayLike) -> npt.NDArray[np.int64]:
    t = np.asarray(table, dtype=np.int64)
    r, c = t.shape
    full = np.zeros((r + 1, c + 1), dtype=np.int64)
    full[:r, :c] = t
    full[:r, c] = t.sum(axis=1)
    full[r, :c] = t.sum(axis=0)
    full[r, c] = t.sum()
    return full


def pinned(full: npt.NDArray[np.int64], status: npt.NDArray[np.int8], k: int) -> list[tuple[int, int]]:
    """Primary cells the LP attacker can narrow: it must not rule out 0 or k."""
    cells = [(int(i), int(j)) for i, j in np.argwhere(status == 1)]
    intervals = attacker_intervals(full, status > 0, cells)
    return [rc for rc, (lo, hi) in intervals.items() if lo > 1e-6 or hi < k - 1e-6]


def test_it_reproduces_the_sdctable_reference_pattern() -> None:
    # sdcTable tests/testthat/test-protectTable.r: microdata1, 4 regions x 2 sexes with totals, (A, female)
    # primary; OPT, HITAS, HYPERCUBE and SIMPLEHEURISTIC all hide cells 5, 6, 11, 12, which in sdcTable's
    # order (region-major, totals first) are (A, male), (A, female), (C, male), (C, female).
    counts = [[18, 2], [14, 19], [12, 10], [11, 14]]
    table = protect_table(counts, DisclosurePolicy(k=10), rows=list("ABCD"), cols=["male", "female"])
    hidden = {(table.rows[i], table.cols[j]) for i, j in np.argwhere(table.status[:4, :2] > 0)}
    assert hidden == {("A", "male"), ("A", "female"), ("C", "male"), ("C", "female")}
    assert table.n_primary == 1 and table.n_secondary == 3
    assert table.cells[0][1].suppressed == "primary"
    assert table.cells[0][0].suppressed == "secondary"
    assert table.row_totals[0].value == 20 and table.total.value == 100
    assert pinned(with_totals(counts), table.status, 10) == []
    # the attacker's interval for (A, female) is 0 to 12, wide open
    assert attacker_intervals(with_totals(counts), table.status > 0, [(0, 1)])[(0, 1)] == pytest.approx(
        (0, 12)
    )


def test_it_has_the_cli_json_shape() -> None:
    d = protect_table([[18, 2], [14, 19]], DisclosurePolicy(k=10), rows=["a", "b"], cols=["x", "y"]).to_dict()
    assert set(d) >= {"rows", "cols", "cells", "row_totals", "col_totals", "total"}
    assert d["cells"][0][1] == {"value": None, "suppressed": "primary"}
    assert all(isinstance(c["value"], int) or c["value"] is None for row in d["cells"] for c in row)


def test_it_hides_small_totals_too() -> None:
    table = protect_table([[3, 2], [40, 50]], DisclosurePolicy(k=10))
    assert table.row_totals[0].suppressed == "primary"
    assert pinned(with_totals([[3, 2], [40, 50]]), table.status, 10) == []


def test_it_rounds_published_counts() -> None:
    policy = DisclosurePolicy(k=10, round_to=5)
    assert [policy.publish_count(n) for n in (10, 12, 13, 17, 0)] == [10, 10, 15, 15, 0]
    table = protect_table([[12, 13], [27, 31]], policy)
    assert table.cells[0][0].value == 10 and table.cells[0][1].value == 15


def test_it_can_treat_zeros_as_disclosive() -> None:
    assert not DisclosurePolicy().is_small(0)
    assert DisclosurePolicy(zeros_disclosive=True).is_small(0)
    table = protect_table([[0, 20], [30, 40]], DisclosurePolicy(zeros_disclosive=True))
    assert table.cells[0][0].suppressed == "primary"


def test_it_rejects_bad_input() -> None:
    with pytest.raises(EvidenceError):
        DisclosurePolicy(k=0)
    with pytest.raises(EvidenceError, match="negative"):
        protect_table([[-1, 2]])


def test_the_flow_attacker_agrees_with_the_lp_attacker() -> None:
    rng = np.random.default_rng(7)
    for _ in range(60):
        full = with_totals(rng.poisson(rng.choice([2, 6, 20]), size=(rng.integers(2, 5), rng.integers(2, 5))))
        hidden = rng.random(full.shape) < 0.45
        cells = [(int(i), int(j)) for i, j in np.argwhere(hidden)]
        lp = attacker_intervals(full, hidden, cells)
        flow = flow_intervals(full, hidden, cells)
        for rc in cells:
            assert flow[rc][0] == pytest.approx(lp[rc][0], abs=1e-6)
            assert flow[rc][1] == pytest.approx(lp[rc][1], abs=1e-6) or flow[rc][1] == lp[rc][1] == np.inf


def test_the_lp_attacker_pins_no_suppressed_cell_in_1000_random_tables() -> None:
    rng = np.random.default_rng(2024)
    attacked = 0
    for _ in range(1000):
        k = int(rng.choice([3, 5, 10]))
        shape = (int(rng.integers(2, 6)), int(rng.integers(2, 6)))
        counts = rng.poisson(rng.choice([2, 5, 10, 25, 60]), size=shape)
        table = protect_table(counts, DisclosurePolicy(k=k))
        full = with_totals(counts)
        # every small cell or total is hidden as primary, and only those
        small = np.vectorize(DisclosurePolicy(k=k).is_small)(full)
        assert np.array_equal(table.status == 1, small)
        if table.n_primary:
            attacked += 1
            assert pinned(full, table.status, k) == [], counts
    assert attacked > 400  # the test really exercised suppression


def test_the_partition_rule_survives_the_lp_attacker() -> None:
    rng = np.random.default_rng(11)
    policy = DisclosurePolicy(k=10)
    for _ in range(300):
        counts = rng.poisson(rng.choice([3, 8, 20]), size=int(rng.integers(2, 7)))
        status = protect_partition(list(counts), policy)
        if sum(counts) < 10:
            assert all(s is not None for s in status)
            continue
        # a one-column table: the group counts and the published total
        full = np.append(counts, counts.sum()).reshape(-1, 1)
        full = np.hstack([full, full])
        hidden = np.array([s is not None for s in status] + [False])
        mask = np.column_stack([hidden, hidden])
        for i, s in enumerate(status):
            if s == "primary":
                lo, hi = attacker_intervals(full, mask, [(i, 0)])[(i, 0)]
                assert lo <= 1e-6 and hi >= 10 - 1e-6
