"""State changes of the insight layer: the record of what was released, privacy-budget releases, alert
subscriptions and the alerts they raise. Each function owns its transaction."""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chalkface.accounts import audit
from chalkface.evidence import (
    BudgetExhausted,
    PrivacyBudget,
    Release,
    ReleaseHistory,
    release_counts,
    release_means,
)
from chalkface.insights.models import (
    Alert,
    PrivacyLedger,
    ReleasedGroup,
    ReleaseIsolation,
    ReleaseRecord,
    Subscription,
    ThemeRun,
    ThemeRunStatus,
    WorkforceMargins,
)
from chalkface.insights.wording import MEASURES, budget_refusal
from chalkface.register.models import Tool
from chalkface.voice.models import Campaign
from chalkface.workplaces.models import Organisation

DP_EPSILON_COUNTS = 0.5
DP_EPSILON_MEAN = 0.25
DP_BUDGET = 3.0

# --- What was released ------------------------------------------------------------------------------------


def record_release(
    viewer: Any,
    audience: str,
    release: Release,
    histories: list[ReleaseHistory] | None = None,
    *,
    audit_as: str = "",
) -> ReleaseRecord:
    """Record a release that passed the gate: one row for the release; and, from ``histories``, every group
    it released or hid for the first time and every isolation it made, for later releases to be judged
    against (in the same transaction, so the history never lags the figures). With ``audit_as`` (an audit
    action), also an audit entry: who saw or took which figures, through which channel, about whom. It holds
    no respondent-side time (no week or date of any answer), only when the release was made."""
    user = viewer if getattr(viewer, "pk", None) is not None and viewer.is_authenticated else None
    with transaction.atomic():
        record = ReleaseRecord.objects.create(
            channel=release.channel[:40],
            viewer=user,
            audience=audience[:300],
            figures=len(release.figures),
            shown=sum(1 for f in release.figures if f.n is not None),
            digest=release.digest,
        )
        for history in histories or []:
            save_history(history)
        if audit_as:
            audit.record(
                user,
                audit_as,
                record,
                "",  # the audit page says it in the reader's language from the fields below
                {
                    "channel": release.channel,
                    "audience": audience,
                    "figures": record.figures,
                    "shown": record.shown,
                    "digest": release.digest,
                },
            )
    return record


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def save_history(history: ReleaseHistory) -> None:
    """Store what ``history`` decided (released groups, hidden groups, isolations) and clear it."""
    groups = [
        ReleasedGroup(label_hash=_digest(g.label), label=g.label, counts=[list(c) for c in g.counts])
        for g in history.pending
    ]
    groups += [
        ReleasedGroup(label_hash=_digest(label), label=label, counts=[], refused=True)
        for label in history.pending_refused
    ]
    ReleasedGroup.objects.bulk_create(groups, ignore_conflicts=True, batch_size=500)
    ReleaseIsolation.objects.bulk_create(
        [ReleaseIsolation(fingerprint=i.fingerprint, pair_hash=i.pair) for i in history.pending_isolations],
        ignore_conflicts=True,
        batch_size=500,
    )
    history.pending.clear()
    history.pending_refused.clear()
    history.pending_isolations.clear()


# --- Differentially private releases ---------------------------------------------------------------------


def _budget(campaign: Campaign) -> tuple[PrivacyLedger, PrivacyBudget]:
    ledger, _created = PrivacyLedger.objects.get_or_create(
        campaign=campaign, defaults={"data": PrivacyBudget(campaign.slug, epsilon=DP_BUDGET).to_dict()}
    )
    return ledger, PrivacyBudget.from_dict(ledger.data)


def release_dp_tables(campaign: Campaign, frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Noisy counts and means by tool (differential privacy), charged to the campaign's privacy budget,
    which is stored; asking again returns the stored release.

    Raises :class:`~chalkface.evidence.BudgetExhausted`."""
    try:
        return _release_dp_tables(campaign, frame)
    except BudgetExhausted as exc:
        exc.reason = budget_refusal(campaign.name)
        exc.args = (exc.reason,)
        raise


def _release_dp_tables(campaign: Campaign, frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    tables: dict[str, pl.DataFrame] = {}
    tools = sorted(campaign.tools.values_list("slug", flat=True))
    with transaction.atomic():
        ledger, budget = _budget(campaign)
        counts = release_counts(
            frame,
            "tool_id",
            budget,
            categories=tools,
            epsilon=DP_EPSILON_COUNTS,
            threshold=campaign.threshold,
        )
        tables["dp_counts"] = pl.DataFrame(
            [
                {"group": str(v.group), "count": v.count, "accuracy": v.count_accuracy, "note": v.note}
                for v in counts.values
            ],
            schema={"group": pl.String, "count": pl.Int64, "accuracy": pl.Float64, "note": pl.String},
        )
        rows = []
        for measure in MEASURES:
            answered = frame.filter(pl.col(measure).is_not_null())
            bounds = (-10.0, 10.0) if measure == "time_saved_hours" else (1.0, 5.0)
            release = release_means(
                answered,
                measure,
                budget,
                bounds=bounds,
                by="tool_id",
                categories=tools,
                epsilon=DP_EPSILON_MEAN,
                k=campaign.threshold,
            )
            for v in release.values:
                rows.append(
                    {
                        "measure": measure,
                        "group": str(v.group),
                        "mean": v.mean,
                        "accuracy": v.mean_accuracy,
                        "note": v.note,
                    }
                )
        tables["dp_means"] = pl.DataFrame(
            rows,
            schema={
                "measure": pl.String,
                "group": pl.String,
                "mean": pl.Float64,
                "accuracy": pl.Float64,
                "note": pl.String,
            },
        )
        ledger.data = budget.to_dict()
        ledger.updated_at = timezone.now()
        ledger.save(update_fields=["data", "updated_at"])
    return tables


# --- Alerts ----------------------------------------------------------------------------------------------


def set_subscription(
    user: Any, *, tool: Tool | None = None, workplace: Organisation | None = None, on: bool = True
) -> Subscription | None:
    """Subscribe the user to a tool or a workplace (or, with ``on=False``, stop), with an audit entry."""
    if (tool is None) == (workplace is None):
        raise ValueError("subscribe to a tool or to a workplace")
    subject = tool if tool is not None else workplace
    with transaction.atomic():
        found = Subscription.objects.filter(user=user, tool=tool, workplace=workplace).first()
        if not on:
            if found:
                found.delete()
                audit.record(user, "alerts.unsubscribed", subject, f"Stopped alerts about {subject}")
            return None
        if found:
            return found
        created = Subscription.objects.create(user=user, tool=tool, workplace=workplace)
        audit.record(user, "alerts.subscribed", subject, f"Alerts about {subject}")
        return created


def raise_alert(
    user: Any, subscription: Subscription | None, key: str, title: str, body: str, url: str
) -> bool:
    """An in-app alert and an e-mail, unless this signal was raised for this person before."""
    try:
        with transaction.atomic():
            Alert.objects.create(
                user=user,
                subscription=subscription,
                key=key[:300],
                title=title[:300],
                body=body,
                url=url[:500],
            )
    except IntegrityError:
        return False
    site = getattr(settings, "SITE_URL", "")
    send_mail(
        f"Chalkface: {title}"[:200],
        f"{body}\n\n{_('See the evidence:')} {site}{url}\n",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=True,
    )
    return True


def mark_alert_read(alert: Alert) -> Alert:
    alert.read = True
    alert.save(update_fields=["read"])
    return alert


# --- Themes in what staff wrote ---------------------------------------------------------------------------


@transaction.atomic
def queue_theme_run(
    tool: Tool | None,
    audience: str,
    job: Any,
    n_texts: int,
    kind: str = "comments",
    *,
    asked_by: Any = None,
    campaign: Any = None,
) -> ThemeRun:
    """A run of theme discovery for ``audience``'s comments about ``tool`` (or, ``kind="incidents"``, the
    incident reports ``audience`` names), waiting for its job; ``asked_by`` (in ``campaign``) asked for it."""
    return ThemeRun.objects.create(
        kind=kind,
        tool=tool,
        audience=audience[:300],
        job=job,
        n_texts=n_texts,
        fingerprint="",
        asked_by=asked_by,
        campaign=campaign,
    )


def save_theme_run(run_id: int, fingerprint: str, result: dict[str, Any]) -> None:
    """Store what a run found; call inside the transaction that ends its job (``jobs.finish_within``)."""
    ThemeRun.objects.filter(pk=run_id).update(
        status=ThemeRunStatus.DONE,
        fingerprint=fingerprint,
        result=result,
        n_texts=len(result.get("rows", [])),
        finished_at=timezone.now(),
    )


def finish_theme_job(
    run_id: int | None, fingerprint: str, result: dict[str, Any], job_id: str, message: str, url: str
) -> None:
    """Store what a run found and end its job, together (or, if the sweep failed the job, neither)."""
    from chalkface.jobs import actions as jobs

    with transaction.atomic():
        if run_id is not None:
            save_theme_run(run_id, fingerprint, result)
        jobs.finish_within(job_id, message, url)


def fail_theme_run(run_id: int) -> None:
    ThemeRun.objects.filter(pk=run_id, status=ThemeRunStatus.RUNNING).update(
        status=ThemeRunStatus.FAILED, finished_at=timezone.now()
    )


# --- Workforce margins ------------------------------------------------------------------------------------


def add_margins(
    user: Any, *, name: str, source: str, licence: str, margins: dict[str, dict[str, float]]
) -> WorkforceMargins:
    """Keep a new set of workforce margins (checked by :func:`chalkface.insights.margins.parse_margins`); from
    now on national and regional figures are weighted to it."""
    with transaction.atomic():
        kept = WorkforceMargins.objects.create(
            name=name.strip(), source=source.strip(), licence=licence.strip(), margins=margins, added_by=user
        )
        audit.record(
            user,
            "insights.margins_added",
            kept,
            f"Workforce margins added: {kept.name}",
            {"margins": {m: len(c) for m, c in margins.items()}},
        )
    return kept
