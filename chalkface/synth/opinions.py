"""A workplace AI policy conversation: statements, participants in two planted opinion groups, their votes.

About five participants for every ten workplaces (at least 200), drawn from workplaces in proportion to their
staff. Each participant votes on a random ~60% of the statements; their vote follows their group's planted
chances of agreeing, disagreeing or passing (statements.STATEMENTS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from chalkface.synth import truths
from chalkface.synth.statements import STATEMENTS
from chalkface.synth.vocabulary import ROLE_SHARES, ROLES
from chalkface.synth.workplaces import Workplaces

PARTICIPANTS_PER_WORKPLACE = 0.5
MIN_PARTICIPANTS = 200
VOTE_SHARE = 0.6
GROUPS = ("A", "B")


@dataclass
class Opinions:
    statements: pl.DataFrame
    participants: pl.DataFrame
    votes: pl.DataFrame


def generate_opinions(rng: np.random.Generator, workplaces: Workplaces) -> Opinions:
    n = max(MIN_PARTICIPANTS, round(PARTICIPANTS_PER_WORKPLACE * len(workplaces)))
    staff = workplaces.staff.astype(np.float64)
    workplace = np.sort(rng.choice(len(workplaces), size=n, p=staff / staff.sum()))
    role = rng.choice(len(ROLES), size=n, p=np.array(ROLE_SHARES))
    b_share = np.array([truths.GROUP_B_SHARE[r] for r in ROLES])[role]
    group_b = rng.random(n) < b_share

    n_statements = len(STATEMENTS)
    voted = rng.random((n, n_statements)) < VOTE_SHARE
    chances = np.array([[s.a for s in STATEMENTS], [s.b for s in STATEMENTS]])  # group x statement x outcome
    cumulative = np.cumsum(chances, axis=2)[group_b.astype(np.int64)]  # participant x statement x outcome
    point = rng.random((n, n_statements))
    outcome = np.minimum((cumulative <= point[:, :, None]).sum(axis=2), 2)  # 0 agree, 1 disagree, 2 pass
    vote_value = np.array([1, -1, 0], dtype=np.int8)[outcome]

    who, which = np.nonzero(voted)  # ordered by participant, then statement
    statements = pl.DataFrame(
        {
            "statement_id": [s.statement_id for s in STATEMENTS],
            "text": [s.text for s in STATEMENTS],
            "topic": [s.topic for s in STATEMENTS],
        },
        schema={"statement_id": pl.Int64, "text": pl.String, "topic": pl.String},
    )
    participants = pl.DataFrame(
        {
            "participant_id": np.arange(1, n + 1, dtype=np.int64),
            "workplace_id": workplaces.frame["workplace_id"].gather(workplace),
            "role": pl.Series(ROLES, dtype=pl.String).gather(role),
            "opinion_group": pl.Series(GROUPS, dtype=pl.String).gather(group_b.astype(np.int64)),
        }
    )
    statement_ids = np.array([s.statement_id for s in STATEMENTS], dtype=np.int64)
    votes = pl.DataFrame(
        {
            "participant_id": (who + 1).astype(np.int64),
            "statement_id": statement_ids[which],
            "vote": vote_value[who, which],
        },
        schema={"participant_id": pl.Int64, "statement_id": pl.Int64, "vote": pl.Int8},
    )
    return Opinions(statements=statements, participants=participants, votes=votes)
