from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from gongzhi.accounts import services
from gongzhi.accounts.models import ApiToken

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    area_code: str | None
    org_type: str | None
    org_id: int | None


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    memberships: list[MembershipOut]


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    key: str | None = None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    user: Any = request.user
    ms = [
        MembershipOut(
            role=m.role,
            area_code=m.area.code if m.area_id else None,
            org_type=f"{m.org_type.app_label}.{m.org_type.model}" if m.org_type_id else None,
            org_id=m.org_id,
        )
        for m in user.memberships.filter(active=True).select_related("area", "org_type")
    ]
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        roles=sorted(user.roles()),
        memberships=ms,
    )


@router.post("/tokens", response={201: TokenOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    token, key = services.token_create(actor=request.user, user=request.user, name=payload.name)  # type: ignore[arg-type]
    return Status(201, TokenOut(id=token.pk, name=token.name, prefix=token.prefix, key=key))


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    token = ApiToken.objects.filter(pk=token_id, user=request.user, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.token_revoke(actor=request.user, token=token)
    return Status(204, None)
