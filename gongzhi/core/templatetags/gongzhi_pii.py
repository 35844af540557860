"""`{% pii obj "field" %}`: the masked value, and a reveal button for users who may see it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from gongzhi.core.pii import EncryptedCharField, mask

register = template.Library()


@register.simple_tag(takes_context=True)
def pii(context: dict[str, Any], obj: Any, field: str) -> str:
    model_field = obj._meta.get_field(field)
    kind = model_field.pii_kind if isinstance(model_field, EncryptedCharField) else "phone"
    value = getattr(obj, field) or ""
    if not value:
        return "—"
    masked = mask(value, kind)
    user = context.get("user")
    # The button is offered only where the reveal would be allowed; the server checks again.
    if user is None or not user.has_perm("core.reveal_pii", obj):
        return format_html('<span class="font-monospace">{}</span>', masked)
    url = reverse("pii_reveal", args=[obj._meta.label_lower, obj.pk, field])
    return format_html(
        '<span class="font-monospace" id="pii-{}-{}-{}">{}</span> '
        '<button type="button" class="btn btn-link btn-sm p-0 align-baseline" hx-post="{}" '
        'hx-target="#pii-{}-{}-{}" hx-swap="outerHTML">{}</button>',
        obj._meta.model_name,
        obj.pk,
        field,
        masked,
        url,
        obj._meta.model_name,
        obj.pk,
        field,
        _("显示完整号码"),
    )
