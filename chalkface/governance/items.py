"""The fixed lists of governance: the workplace AI agreement's 18 items, the DfE generative AI product safety
standards, the answers of a data-practice profile, and the declared uses the EU AI Act singles out.

Codes are stored; labels are shown, translated. Sources are in ``docs/governance.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# --- The workplace AI agreement (TUC AI Bill, NEU checklist, NASUWT, UNISON; see docs/governance.md) ------

AGREEMENT_ITEMS: list[tuple[str, object]] = [
    ("consultation_before_introduction", _("Staff and unions consulted before the tool was introduced")),
    ("reasons_explained", _("The reasons for using it explained")),
    ("on_ai_register", _("On the employer's AI register")),
    ("risk_equality_workload_assessments", _("Risk, equality and workload impact assessments done")),
    ("no_backfill_of_saved_time", _("Time saved is not filled with other work")),
    ("paid_training", _("Paid training in working time")),
    (
        "no_performance_surveillance_without_agreement",
        _("No monitoring of staff performance without agreement"),
    ),
    ("human_review_and_explanation", _("A person reviews and can explain decisions")),
    ("appeal_route", _("A route to appeal a decision")),
    ("no_emotion_recognition", _("No emotion recognition")),
    ("data_access_individual_and_union", _("Staff and the union can see the data held")),
    ("dpia_shared", _("The data protection impact assessment shared with the union")),
    (
        "no_training_replacement_systems_on_staff_data_or_materials",
        _("Staff data and materials not used to train systems that replace staff"),
    ),
    ("opt_out", _("Staff may opt out")),
    ("right_to_disconnect", _("Right to disconnect")),
    ("job_security", _("No job losses from the tool")),
    ("joint_review_12_monthly", _("Joint review at least every 12 months")),
    ("workers_informed_before_use", _("Staff told before it is used on them")),
]
AGREEMENT_CODES = [code for code, _label in AGREEMENT_ITEMS]

AGREED, PARTLY, REFUSED = "agreed", "partly", "refused"
NOT_APPLICABLE, NOT_DISCUSSED = "not_applicable", "not_discussed"
AGREEMENT_STATUSES: list[tuple[str, object]] = [
    (AGREED, _("Agreed")),
    (PARTLY, _("Partly agreed")),
    (REFUSED, _("Refused")),
    (NOT_APPLICABLE, _("Not applicable")),
    (NOT_DISCUSSED, _("Not discussed")),
]

UNION, EMPLOYER = "union", "employer"
SIDES: list[tuple[str, object]] = [(UNION, _("Union")), (EMPLOYER, _("Employer"))]

# The items whose promise is about workload: a drop in time saved after a version change contradicts them.
WORKLOAD_ITEMS = ("risk_equality_workload_assessments", "no_backfill_of_saved_time")


# --- DfE generative AI product safety standards (2025 expectations, 2026 standards) -------------------------


@dataclass(frozen=True)
class Expectation:
    code: str
    category: object
    label: object
    pupil_facing_only: bool = False
    added_2026: bool = False


FILTERING = _("Filtering")
MONITORING = _("Monitoring and reporting")
SECURITY = _("Security")
PRIVACY = _("Privacy")
IP = _("Intellectual property")
DESIGN = _("Design and testing")
GOVERNANCE = _("Governance")
DEVELOPMENT = _("Cognitive, emotional and social development, mental health and manipulation")

EXPECTATIONS: list[Expectation] = [
    Expectation(
        "filtering_harmful_content",
        FILTERING,
        _("Blocks harmful content reliably, through the whole conversation"),
        True,
    ),
    Expectation(
        "filtering_age_send", FILTERING, _("Filtering adjusts to age and special educational needs"), True
    ),
    Expectation(
        "filtering_multimodal", FILTERING, _("Filtering covers images, audio and other languages"), True
    ),
    Expectation(
        "filtering_all_devices", FILTERING, _("Filtering works on every device, including pupils' own"), True
    ),
    Expectation(
        "monitoring_alerts",
        MONITORING,
        _("Alerts supervisors and the safeguarding lead to harmful use and disclosures"),
        True,
    ),
    Expectation("monitoring_reports", MONITORING, _("Readable reports of trends, and logs")),
    Expectation("security_jailbreaks", SECURITY, _("Resists jailbreaks and unauthorised changes")),
    Expectation("security_testing", SECURITY, _("Each new version is safety-tested before release")),
    Expectation("security_authentication", SECURITY, _("Strong authentication and permission levels")),
    Expectation(
        "privacy_notice", PRIVACY, _("Age-appropriate privacy notice, DPIA and the ICO Children's code")
    ),
    Expectation(
        "privacy_no_commercial_use", PRIVACY, _("No commercial use or model training without a lawful basis")
    ),
    Expectation(
        "ip_no_training", IP, _("Inputs and outputs not used for training without the owner's permission")
    ),
    Expectation("design_safety", DESIGN, _("Safe by design, tested with diverse, realistic users")),
    Expectation(
        "governance_risk", GOVERNANCE, _("Risk assessment, complaints route and published safety policies")
    ),
    Expectation(
        "purpose_stated",
        GOVERNANCE,
        _("Stated purpose and users, without exaggerated claims"),
        added_2026=True,
    ),
    Expectation("cognitive_development", DEVELOPMENT, _("Does not give full answers by default"), True, True),
    Expectation(
        "emotional_development", DEVELOPMENT, _("Does not pretend to be a person or a friend"), True, True
    ),
    Expectation("mental_health", DEVELOPMENT, _("Protects mental health and signposts support"), True, True),
    Expectation("manipulation", DEVELOPMENT, _("Does not manipulate or exploit users"), added_2026=True),
]
EXPECTATION_CODES = [e.code for e in EXPECTATIONS]
FILTERING_CODES = [e.code for e in EXPECTATIONS if e.category is FILTERING]

MET, PARTLY_MET, NOT_MET, UNKNOWN = "met", "partly", "not_met", "unknown"
SAFETY_STATUSES: list[tuple[str, object]] = [
    (MET, _("Met")),
    (PARTLY_MET, _("Partly met")),
    (NOT_MET, _("Not met")),
    (NOT_APPLICABLE, _("Not applicable")),
    (UNKNOWN, _("Unknown")),
]


def expectations_for(pupil_facing: bool) -> list[Expectation]:
    """The expectations that apply to a tool: pupil-facing tools get them all."""
    return [e for e in EXPECTATIONS if pupil_facing or not e.pupil_facing_only]


# --- Data practices (Common Sense privacy criteria) -----------------------------------------------------

DOES, DOES_NOT, UNCLEAR = "does", "does_not", "unclear"
PRACTICE_ANSWERS: list[tuple[str, object]] = [
    (DOES, _("Does")),
    (DOES_NOT, _("Does not")),
    (UNCLEAR, _("Unclear or not stated")),
]
# The commitments a Common Sense "Pass" needs, each asked as "does the supplier ...".
PRACTICES: list[tuple[str, object]] = [
    ("trains_on_customer_data", _("Uses customer data to train its models")),
    ("sells_data", _("Sells data")),
    ("targeted_ads", _("Shows targeted advertising")),
    ("third_party_tracking", _("Lets third parties track users")),
    ("profiling", _("Builds commercial profiles of users")),
]
PASS, WARNING, FAIL = "pass", "warning", "fail"
RATINGS: list[tuple[str, object]] = [(PASS, _("Pass")), (WARNING, _("Warning")), (FAIL, _("Fail"))]


# --- Declared uses and the EU AI Act --------------------------------------------------------------------

INTENDED_USES: list[tuple[str, object]] = [
    ("lesson_preparation", _("Preparing lessons and materials")),
    ("admin", _("Administration and correspondence")),
    ("pupil_support", _("Supporting pupils' learning")),
    ("admission", _("Deciding admission or assigning pupils to schools or groups")),
    ("evaluating_learning", _("Evaluating pupils' learning outcomes")),
    ("assessing_level", _("Assessing the level of education a pupil should receive")),
    ("monitoring_cheating", _("Monitoring pupils for cheating in tests")),
    ("staff_decisions", _("Decisions about staff: recruitment, promotion, allocation of work, dismissal")),
    ("performance_monitoring", _("Monitoring or evaluating staff performance")),
    ("emotion_recognition", _("Recognising emotions of staff or pupils")),
]
ANNEX_III_POINT_3 = ("admission", "evaluating_learning", "assessing_level", "monitoring_cheating")
ANNEX_III_POINT_4 = ("staff_decisions", "performance_monitoring")
PROHIBITED = ("emotion_recognition",)

ATRS_PHASES: list[tuple[str, object]] = [
    ("pre-deployment", _("Before use")),
    ("beta-pilot", _("Pilot")),
    ("production", _("In use")),
    ("retired", _("Retired")),
]


def label(choices: list[tuple[str, object]], code: str) -> str:
    return str(dict(choices).get(code, code))
