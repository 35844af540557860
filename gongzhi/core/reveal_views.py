"""Reveal one personal field of one record: scoped, permission-checked, audited (PIPL)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import pii
from gongzhi.core.scope import get_or_404


@require_POST
@login_required
def reveal(request: HttpRequest, model: str, pk: int, field: str) -> HttpResponse:
    try:
        model_cls = apps.get_model(model)
        model_field = model_cls._meta.get_field(field)
    except (LookupError, ValueError):
        raise Http404 from None
    # Only encrypted personal fields are revealed here; anything else is not a reveal.
    if not isinstance(model_field, pii.EncryptedCharField):
        raise Http404
    obj = get_or_404(model_cls._default_manager.all(), request.user, pk=pk)
    try:
        value = pii.reveal(actor=request.user, obj=obj, field=field)
    except PermissionDenied:
        return HttpResponse(
            format_html('<span class="text-danger">{}</span>', _("无权查看")), status=403
        )
    return HttpResponse(
        format_html('<span class="font-monospace" data-revealed="1">{}</span>', value)
    )
