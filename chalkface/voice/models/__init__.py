"""How staff speak: question sets, campaigns, access, anonymous check-ins and incident reports.

Protecting the respondent shapes every model here (see docs/privacy.md):

- a :class:`Response` or :class:`IncidentReport` has a random primary key, no time (only the Monday of the
  week it arrived), no IP address, user agent, session, cookie or account, and no link to the access code
  that unlocked it;
- an :class:`AccessCode` is stored only as a keyed hash, and records only *whether* it was used, not when;
- a submission is first kept, acknowledged and durable, as a :class:`PendingSubmission`, and moved into the
  results with others in a shuffled batch (:mod:`chalkface.voice.actions.mixing`), so that no system
  column, row order or transaction ties a response to the code that unlocked it or to when it came.
"""

from chalkface.voice.models.campaigns import AccessCode, Campaign, CampaignShare, CodeBatch, OpenLink, Share
from chalkface.voice.models.common import (
    AGREEMENT_MEASURES,
    DEFAULT_THRESHOLD,
    MEASURE_COLUMNS,
    MIN_THRESHOLD,
    RECORD_KEY_RANGE,
    new_record_key,
    typed_measures,
    week_of,
    welsh,
)
from chalkface.voice.models.questions import (
    AGREEMENT_POINTS,
    Question,
    QuestionKind,
    QuestionSet,
    QuestionSetVersion,
)
from chalkface.voice.models.submissions import (
    Affected,
    HarmType,
    IncidentCategory,
    IncidentReport,
    IncidentStatus,
    PendingKind,
    PendingSubmission,
    Response,
    ResponseImport,
    Severity,
    Source,
)

__all__ = [
    "AGREEMENT_MEASURES",
    "AGREEMENT_POINTS",
    "DEFAULT_THRESHOLD",
    "MEASURE_COLUMNS",
    "MIN_THRESHOLD",
    "RECORD_KEY_RANGE",
    "AccessCode",
    "Affected",
    "Campaign",
    "CampaignShare",
    "CodeBatch",
    "HarmType",
    "IncidentCategory",
    "IncidentReport",
    "IncidentStatus",
    "OpenLink",
    "PendingKind",
    "PendingSubmission",
    "Question",
    "QuestionKind",
    "QuestionSet",
    "QuestionSetVersion",
    "Response",
    "ResponseImport",
    "Severity",
    "Share",
    "Source",
    "new_record_key",
    "typed_measures",
    "week_of",
    "welsh",
]
