"""State changes in the voice app, one module a job. Each function owns its transaction.

Actions by signed-in people (campaigns, codes, links, triage) write the audit log. Submissions by
respondents do not: nothing that could link a person to what they said is ever logged, and using an
access code is not logged either (it would give the moment each code was used).
"""

from chalkface.voice.actions.campaigns import (
    EDITABLE_CAMPAIGN_FIELDS,
    create_campaign,
    edit_campaign,
    set_shares,
)
from chalkface.voice.actions.codes import (
    MAX_BATCH,
    close_open_link,
    create_open_link,
    generate_codes,
    revoke_batch,
)
from chalkface.voice.actions.incidents import (
    allowed_statuses,
    report_incident_for_someone,
    set_incident_status,
)
from chalkface.voice.actions.mixing import mix, mix_due, sweep
from chalkface.voice.actions.questions import edit_question_set
from chalkface.voice.actions.submissions import submit_checkin, submit_incident

__all__ = [
    "EDITABLE_CAMPAIGN_FIELDS",
    "MAX_BATCH",
    "allowed_statuses",
    "close_open_link",
    "create_campaign",
    "create_open_link",
    "edit_campaign",
    "edit_question_set",
    "generate_codes",
    "mix",
    "mix_due",
    "report_incident_for_someone",
    "revoke_batch",
    "set_incident_status",
    "set_shares",
    "submit_checkin",
    "submit_incident",
    "sweep",
]
