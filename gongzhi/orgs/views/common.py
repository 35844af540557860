"""What the registry's pages share: the form page, the organisation a user manages, and the
one shape of a page that posts a form to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from gongzhi.orgs import selectors
from gongzhi.orgs.models import SocialOrg


def form_page(
    request: HttpRequest, form: Any, title: str, org: SocialOrg | None = None, **extra: Any
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": title, "org": org, **extra},
        status=status,
    )


def managed(request: HttpRequest, pk: int, perm: str) -> SocialOrg:
    """The organisation, if in the user's scope (else 404) and theirs to act on (else 403)."""
    org = selectors.org_get(user=request.user, pk=pk)
    if not request.user.has_perm(perm, org):
        raise PermissionDenied
    return org


def service_form(
    request: HttpRequest,
    org: SocialOrg,
    form: Any,
    title: str,
    write: Callable[[dict[str, Any]], Any],
    done: str | Callable[[dict[str, Any]], str],
    aliases: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A valid POST goes to `write` (a service call, given a copy of the cleaned data); the
    service's ValidationError lands on the form's fields (`aliases` maps the service's field
    names to the form's); success says `done` (or `done(cleaned_data)`) on the organisation's
    page."""
    if request.method == "POST" and form.is_valid():
        try:
            write(dict(form.cleaned_data))
        except ValidationError as exc:
            form.add_service_error(exc, aliases)
        else:
            messages.success(request, done(form.cleaned_data) if callable(done) else done)
            return redirect("orgs:detail", pk=org.pk)
    return form_page(request, form, title, org, **extra)
