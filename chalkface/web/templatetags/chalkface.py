"""Template helpers: accessible form fields, translated vocabulary labels, navigation state.

What a user may do is asked in templates through the ``permissions`` library of the accounts app."""

from __future__ import annotations

import re
from typing import Any

from django import forms, template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from chalkface.redaction.spans import KINDS
from chalkface.web import labels as vocab_labels
from chalkface.web.forms import field_anchor

register = template.Library()


@register.inclusion_tag("includes/field.html")
def field(bound: forms.BoundField, css_class: str = "") -> dict[str, Any]:
    """A labelled field with its hint and error, tied to the input with ``aria-describedby``."""
    widget = bound.field.widget
    hint_id = f"{bound.auto_id}-hint"
    error_id = f"{bound.auto_id}-error"
    described = [hint_id] if bound.help_text else []
    if bound.errors:
        described.append(error_id)
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        kind = "choices"
    elif isinstance(widget, forms.CheckboxInput):
        kind = "checkbox"
    else:
        kind = "input"
    attrs: dict[str, Any] = {}
    if described and kind != "choices":
        attrs["aria-describedby"] = " ".join(described)
    if css_class:
        attrs["class"] = css_class
    return {
        "field": bound,
        "kind": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "describedby": " ".join(described),
        "anchor": field_anchor(bound),
        "widget": bound.as_widget(attrs=attrs) if kind != "choices" else "",
    }


@register.filter
def label(code: str, vocabulary: str) -> str:
    """``{{ organisation.phase|label:"phases" }}``: the translated label of a vocabulary code."""
    return vocab_labels.label(vocabulary, code)


@register.filter
def labels(codes: list[str], vocabulary: str) -> list[str]:
    """``{{ tool.capabilities|labels:"capabilities" }}``: translated labels of a list of codes."""
    return vocab_labels.labels(vocabulary, codes)


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, url_name: str, text: str, exact: bool = False) -> str:
    """A navigation link marked ``aria-current="page"`` on its own page, ``"true"`` on pages below it."""
    request: HttpRequest | None = context.get("request")
    url = reverse(url_name)
    current = ""
    if request is not None:
        if request.path == url:
            current = "page"
        elif not exact and request.path.startswith(url):
            current = "true"
    if current:
        return format_html('<a href="{}" aria-current="{}">{}</a>', url, current, text)
    return format_html('<a href="{}">{}</a>', url, text)


@register.filter
def describe_change(value: Any) -> str:
    """An audit-log change in words: "old → new" for a pair (see :mod:`chalkface.web.audit_words`)."""
    from chalkface.web.audit_words import change_words

    return change_words(value)


@register.filter
def audit_action(action: str) -> str:
    """An audit action (``codes.generated``) as a plain sentence."""
    from chalkface.web.audit_words import action_sentence

    return action_sentence(action)


@register.filter
def audit_summary(event: Any) -> str:
    """An audit entry's summary in the viewer's language, read back from what its action wrote."""
    from chalkface.web.audit_words import summary_words

    return summary_words(event.action, event.summary)


@register.filter
def audit_field(name: str) -> str:
    """A changed field's name in the users' words."""
    from chalkface.web.audit_words import field_label

    return field_label(name)


@register.filter
def web_address(url: str) -> str:
    """``url`` if it is an http(s) address, else "" (imported data never puts a script in a link)."""
    return url if url.lower().startswith(("https://", "http://")) else ""


# The markers the redactor writes in place of identifying text, as a reader of the page's language reads
# them. Stored text and exports keep the markers of :data:`chalkface.redaction.spans.KINDS`; pages show these.
MARKER_WORDS = {
    "[email]": gettext_lazy("[email]"),
    "[link]": gettext_lazy("[link]"),
    "[phone]": gettext_lazy("[phone]"),
    "[postcode]": gettext_lazy("[postcode]"),
    "[number]": gettext_lazy("[number]"),
    "[workplace]": gettext_lazy("[workplace]"),
    "[name]": gettext_lazy("[name]"),
}
assert set(MARKER_WORDS) == set(KINDS.values()), "every marker the redactor writes has words here"
_MARKER = re.compile("|".join(re.escape(m) for m in MARKER_WORDS))


@register.filter
def markers(text: Any) -> str:
    """Redacted text with its markers (``[name]``) in the page's language; the text is escaped as usual."""
    return _MARKER.sub(lambda m: str(MARKER_WORDS[m.group(0)]), "" if text is None else str(text))
