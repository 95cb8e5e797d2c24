"""The core check-in, version 1, in English and Welsh: loaded by migration ``0002_core_checkin``.

Plain data, no Django import. This is version 1 as shipped and is frozen: a change to the wording is a
new version, made by a new migration (or by ``actions.edit_question_set``), never an edit here.

Question codes are the column names of the synthetic data and the evidence layer (``workload``,
``time_saved_hours``, ...). Agreement items are stored 1 (strongly disagree) to 5 (strongly agree);
``reverse_coded`` marks the ones where agreeing is the unfavourable answer.
"""

from __future__ import annotations

from typing import Any

SLUG = "core-checkin"
NAME = "Core check-in"
NAME_CY = "Holiadur craidd"


def _options(*pairs: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label, "label_cy": label_cy} for value, label, label_cy in pairs]


def _agree(code: str, prompt: str, prompt_cy: str, reverse: bool = False, module: str = "") -> dict[str, Any]:
    return {
        "code": code,
        "construct": code.removeprefix("pupil_ai_") if module else code,
        "kind": "agreement",
        "prompt": prompt,
        "prompt_cy": prompt_cy,
        "reverse_coded": reverse,
        "module": module,
    }


QUESTIONS: list[dict[str, Any]] = [
    {
        "code": "role",
        "construct": "role",
        "kind": "single",
        "prompt": "What is your role?",
        "prompt_cy": "Beth yw eich rôl?",
        "help": "Leave it out if it would make you easy to recognise.",
        "help_cy": "Gadewch hwn allan os byddai'n ei gwneud yn hawdd eich adnabod.",
        "options": _options(
            ("teacher", "Teacher", "Athro neu athrawes"),
            ("teaching_assistant", "Teaching assistant", "Cynorthwy-ydd addysgu"),
            ("support_staff", "Support staff", "Staff cymorth"),
            ("admin_staff", "Administrative staff", "Staff gweinyddol"),
            ("leader", "School leader", "Arweinydd ysgol"),
        ),
    },
    {
        "code": "frequency",
        "construct": "use_frequency",
        "kind": "single",
        "prompt": "How often do you use this tool?",
        "prompt_cy": "Pa mor aml ydych chi'n defnyddio'r offeryn hwn?",
        "options": _options(
            ("daily", "Every day or almost every day", "Bob dydd neu bron bob dydd"),
            ("weekly", "Every week", "Bob wythnos"),
            ("monthly", "Every month", "Bob mis"),
            ("rarely", "Less often than that", "Yn llai aml na hynny"),
        ),
    },
    {
        "code": "time_saved_hours",
        "construct": "time",
        "kind": "number",
        "prompt": "In a typical week, how much time does this tool save you, or add to your work?",
        "prompt_cy": (
            "Mewn wythnos arferol, faint o amser y mae'r offeryn hwn yn ei arbed i "
            "chi, neu'n ei ychwanegu at eich gwaith?"
        ),
        "unit": "hours a week",
        "unit_cy": "awr yr wythnos",
        "unit_one": "hour a week",
        "unit_one_cy": "awr yr wythnos",
        "positive_label": "saved",
        "positive_label_cy": "wedi'u harbed",
        "negative_label": "added",
        "negative_label_cy": "wedi'u hychwanegu",
        "min_value": -10,
        "max_value": 10,
        "step": 1,
    },
    _agree(
        "workload",
        "Using this tool has increased my workload.",
        "Mae defnyddio'r offeryn hwn wedi cynyddu fy llwyth gwaith.",
        reverse=True,
    ),
    _agree(
        "quality",
        "Using this tool has improved the quality of my work.",
        "Mae defnyddio'r offeryn hwn wedi gwella ansawdd fy ngwaith.",
    ),
    _agree(
        "relationships",
        "Using this tool has been good for my relationships with pupils and colleagues.",
        "Mae defnyddio'r offeryn hwn wedi bod yn dda i'm perthynas â disgyblion a chydweithwyr.",
    ),
    _agree(
        "autonomy",
        "I keep control of my professional judgement when I use this tool.",
        "Rwy'n cadw rheolaeth ar fy marn broffesiynol pan fyddaf yn defnyddio'r offeryn hwn.",
    ),
    _agree(
        "skills",
        "I am losing skills because this tool does the work for me.",
        "Rwy'n colli sgiliau oherwydd bod yr offeryn hwn yn gwneud y gwaith drosof.",
        reverse=True,
    ),
    _agree(
        "wellbeing",
        "Using this tool has been good for my wellbeing at work.",
        "Mae defnyddio'r offeryn hwn wedi bod yn dda i'm llesiant yn y gwaith.",
    ),
    _agree(
        "trust",
        "I trust what this tool produces.",
        "Rwy'n ymddiried yn yr hyn y mae'r offeryn hwn yn ei gynhyrchu.",
    ),
    _agree(
        "data_concern",
        "I am concerned about the data this tool collects about me or about pupils.",
        "Rwy'n pryderu am y data y mae'r offeryn hwn yn ei gasglu amdanaf i neu am ddisgyblion.",
        reverse=True,
    ),
    _agree(
        "it_friction",
        "Our IT (devices, connection, log-ins) gets in the way when I use this tool.",
        "Mae ein TG (dyfeisiau, cysylltiad, mewngofnodi) yn rhwystro pan fyddaf yn defnyddio'r offeryn hwn.",
        reverse=True,
    ),
    {
        "code": "use",
        "construct": "optional_use",
        "kind": "single",
        "prompt": "Is using this tool your choice?",
        "prompt_cy": "Ai eich dewis chi yw defnyddio'r offeryn hwn?",
        "options": _options(
            ("optional", "Yes, it is optional", "Ie, mae'n ddewisol"),
            ("mandatory", "No, I am expected to use it", "Na, mae disgwyl i mi ei ddefnyddio"),
            ("dont_know", "I don't know", "Dydw i ddim yn gwybod"),
        ),
    },
    {
        "code": "training",
        "construct": "training",
        "kind": "single",
        "prompt": "What training have you had on this tool?",
        "prompt_cy": "Pa hyfforddiant ydych chi wedi'i gael ar yr offeryn hwn?",
        "options": _options(
            ("none", "None", "Dim"),
            ("self_taught", "I taught myself", "Dysgais fy hun"),
            ("some", "Some", "Rhywfaint"),
            ("enough", "Enough", "Digon"),
        ),
    },
    {
        "code": "stance",
        "construct": "stance",
        "kind": "single",
        "prompt": "Which best describes your stance on AI at work?",
        "prompt_cy": "Pa un sy'n disgrifio orau eich safbwynt ar AI yn y gwaith?",
        "options": _options(
            ("enthusiast", "Enthusiastic early user", "Defnyddiwr cynnar brwdfrydig"),
            ("willing", "Willing, with support", "Parod, gyda chefnogaeth"),
            ("sceptical", "Sceptical", "Amheus"),
            ("opposed", "Opposed", "Yn ei wrthwynebu"),
        ),
    },
    {
        "code": "comment",
        "construct": "comment",
        "kind": "text",
        "prompt": "What should the people who decide know?",
        "prompt_cy": "Beth ddylai'r bobl sy'n penderfynu ei wybod?",
        "help": "Please do not name anyone, or your school. We check before anything is saved.",
        "help_cy": "Peidiwch ag enwi neb, na'ch ysgol. Rydym yn gwirio cyn i ddim gael ei gadw.",
        "max_length": 1000,
    },
    _agree(
        "pupil_ai_integrity",
        "Pupils' use of AI outside school makes it harder to know whether their work is their own.",
        (
            "Mae defnydd disgyblion o AI y tu allan i'r ysgol yn ei gwneud yn "
            "anoddach gwybod ai eu gwaith eu hunain yw eu gwaith."
        ),
        reverse=True,
        module="pupil_ai",
    ),
    _agree(
        "pupil_ai_complaints",
        "Complaints or letters written with AI by parents or pupils are adding to my work.",
        (
            "Mae cwynion neu lythyrau a ysgrifennwyd gydag AI gan rieni neu "
            "ddisgyblion yn ychwanegu at fy ngwaith."
        ),
        reverse=True,
        module="pupil_ai",
    ),
    _agree(
        "pupil_ai_wellbeing",
        "Pupils' use of AI outside school is harming their wellbeing.",
        "Mae defnydd disgyblion o AI y tu allan i'r ysgol yn niweidio eu llesiant.",
        reverse=True,
        module="pupil_ai",
    ),
    _agree(
        "pupil_ai_misinformation",
        "I spend more time correcting misinformation that pupils or parents got from AI.",
        "Rwy'n treulio mwy o amser yn cywiro camwybodaeth a gafodd disgyblion neu rieni gan AI.",
        reverse=True,
        module="pupil_ai",
    ),
]
