"""The JSON API at /api/v1/: one router per app, session or token auth, JSON errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from gongzhi.accounts.apiauth import SessionUser, TokenAuth

api = NinjaAPI(
    title="gongzhi 共治 API",
    version="1",
    urls_namespace="api",
    auth=[SessionUser(), TokenAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> Any:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> Any:
    return _error(request, 404, "not_found", _("记录不存在或不在您的管辖范围内"))


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: Exception) -> Any:
    return _error(request, 403, "permission_denied", str(exc) or _("无权执行此操作"))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> Any:
    return _error(request, 401, "unauthenticated", _("请先登录或提供有效的令牌"))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "payload")),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return _error(request, 422, "validation_error", _("提交的数据有误"), errors=errors)


@api.exception_handler(DjangoValidationError)
def _domain_invalid(request: HttpRequest, exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": " ".join(m)} for f, m in exc.message_dict.items()]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return _error(
        request, 422, "validation_error", "; ".join(e["message"] for e in errors), errors=errors
    )


def _mount() -> None:
    from gongzhi.accounts.api import router as accounts_router
    from gongzhi.areas.api import router as areas_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/areas/", areas_router)
    for app in ("orgs", "party", "volunteers", "metrics"):
        module = __import__(f"gongzhi.{app}.api", fromlist=["router"])
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(f"/{app}/", router)


_mount()
__all__ = ["api"]


def nested_urls(urls: tuple[list[Any], str, str]) -> tuple[list[Any], str, str]:
    """The API's URL patterns grouped by their first segment (`volunteers/`, `orgs/`, ...).

    Ninja lists every operation's path at one level, and Django tries patterns in order:
    a check-in walked past ~55 patterns on each call (~5% of its Python). Grouped, it tries
    one pattern per app, then that app's own. Within a group the order is kept, and groups
    have disjoint prefixes, so every path resolves to the same view; names and the
    namespace are unchanged, so `reverse()` is too.
    """
    from django.urls import URLPattern, include, path
    from django.urls.resolvers import RoutePattern

    patterns, app_name, namespace = urls
    out: list[Any] = []
    groups: dict[str, list[Any]] = {}
    for p in patterns:
        route = str(p.pattern)
        head, sep, rest = route.partition("/")
        if not sep or not isinstance(p.pattern, RoutePattern) or "<" in head:
            out.append(p)
            continue
        if head not in groups:
            groups[head] = []
            out.append(path(f"{head}/", include(groups[head])))
        inner = RoutePattern(rest, name=p.name, is_endpoint=True)
        groups[head].append(URLPattern(inner, p.callback, p.default_args, p.name))
    return out, app_name, namespace
