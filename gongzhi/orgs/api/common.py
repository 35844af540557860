"""The one router of `/api/v1/orgs/` and what its handlers share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from gongzhi.areas.models import Area
from gongzhi.orgs import selectors
from gongzhi.orgs.models import SocialOrg

router = Router(tags=["orgs"])


def org_ref(request: HttpRequest, ref: str) -> SocialOrg:
    """An organisation by id, or by its 18-character credit code."""
    if len(ref) == 18:
        return selectors.org_get(user=request.user, credit_code=ref)
    if not ref.isdecimal():
        raise Http404
    return selectors.org_get(user=request.user, pk=int(ref))


def area_by_code(code: str, field: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ValidationError({field: _("区划代码不存在")})
    return area
