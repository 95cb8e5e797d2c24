"""Opinion maps of conversations: who agrees with whom on which statements.

Two methods: :class:`PolisModel` computes the Pol.is map exactly as the Pol.is math does (made
deterministic); :class:`ChalkfaceModel` fits a low-rank model on the observed votes only and adds a
hierarchy of groups, bridging scores, bootstrap uncertainty and estimates for participants who did not vote.
"""

from chalkface.evidence.opinions._votes import VoteMatrix, read_polis_votes, vote_matrix, write_polis_votes
from chalkface.evidence.opinions.model import ChalkfaceModel
from chalkface.evidence.opinions.polis import PolisModel
from chalkface.evidence.opinions.result import (
    GroupShare,
    OpinionGroup,
    OpinionMap,
    ParticipantPosition,
    StatementResult,
)

__all__ = [
    "ChalkfaceModel",
    "GroupShare",
    "OpinionGroup",
    "OpinionMap",
    "ParticipantPosition",
    "PolisModel",
    "StatementResult",
    "VoteMatrix",
    "read_polis_votes",
    "vote_matrix",
    "write_polis_votes",
]
