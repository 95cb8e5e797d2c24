"""The proportional-odds model fitted on distinct rows with their counts gives the fit on every row: the
same coefficients, thresholds and standard errors (model-based and clustered by workplace) to 1e-6, on
answers drawn from a known model with workplaces that differ."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from chalkface.evidence.change.ordinal import OrdinalLogit


def _answers(seed: int, n: int = 3000, workplaces: int = 120) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    place = rng.integers(0, workplaces, n)
    after = rng.integers(0, 2, n)
    shift = rng.normal(0, 0.5, workplaces)[place]
    latent = 0.4 * after + shift + rng.logistic(size=n)
    answer = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1
    return pl.DataFrame({"answer": answer, "after": after, "workplace_id": place})


@pytest.mark.parametrize("cluster", [None, "workplace_id"])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_counted_fit_equals_the_fit_on_every_row(cluster: str | None, seed: int) -> None:
    frame = _answers(seed)
    full = OrdinalLogit("answer", ["after"], cluster=cluster, compress=False).fit(frame).result_
    counted = OrdinalLogit("answer", ["after"], cluster=cluster).fit(frame).result_
    assert counted.se_method == full.se_method == ("cluster" if cluster else "model")
    a, b = counted.coefficients["after"], full.coefficients["after"]
    assert a.estimate == pytest.approx(b.estimate, rel=1e-6)
    assert a.se == pytest.approx(b.se, rel=1e-5)
    assert a.p_value == pytest.approx(b.p_value, rel=1e-4, abs=1e-12)
    assert counted.thresholds == pytest.approx(full.thresholds, rel=1e-6)
    assert counted.n == full.n == frame.height
