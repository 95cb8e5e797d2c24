"""The one shape of every form page, shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from chalkface.errors import ChalkfaceError
from chalkface.web.forms import ChalkfaceForm

M = TypeVar("M", bound=Model)


def handle_form(
    request: HttpRequest,
    form: ChalkfaceForm,
    save: Callable[[dict[str, Any]], M],
    *,
    template: str,
    context: dict[str, Any],
    done: Callable[[M], tuple[str, str]],
    invalid_status: int = 200,
) -> HttpResponse:
    """The one shape of every form page: validate, call the action, confirm and redirect.

    ``save`` calls an action with the cleaned data; a ``ValidationError`` it raises is shown on the
    fields it names, and a refusal (:class:`~chalkface.errors.ChalkfaceError`) at the top. ``done`` gives
    the confirmation message and the address to go to next. A form that fails keeps what was typed and
    shows an error summary, with ``invalid_status``.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except (ValidationError, ChalkfaceError) as error:
            form.add_action_errors(error)
        else:
            message, url = done(saved)
            messages.success(request, message)
            return redirect(url)
    status = invalid_status if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


def paginate(request: HttpRequest, items: Any) -> Page:
    """The page of ``items`` named by ``?page=`` (the last page if it is past the end)."""
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST (even an empty one, so that it is checked), else None."""
    return request.POST if request.method == "POST" else None
