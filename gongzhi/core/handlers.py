"""The WSGI entry point: calls with a bearer token skip the browser-session middleware.

A phone client's API call (`Authorization: Bearer gz_...`, no cookie) uses none of the
middleware that serves a browser: sessions, CSRF for cookie-borne writes, messages, the
two-factor and password-expiry redirects (which skip /api/ anyway), htmx, clickjacking
headers, static files. Running it cost ~20% of a check-in's Python (docs/performance.md), so
such calls go through a second handler built from the same MIDDLEWARE list without them.
Everything else (security headers, NUL rejection, language, the client address for the
audit trail, the replica pin) runs as for any request. A call that carries a cookie takes
the full chain, so a browser session is always checked as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse

BROWSER_ONLY = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "gongzhi.accounts.middleware.TwoFactorRequiredMiddleware",
        "gongzhi.accounts.middleware.PasswordExpiryMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
    }
)
ANONYMOUS = "gongzhi.core.handlers.AnonymousUntilTokenMiddleware"


def is_bearer_api_call(environ: dict[str, Any]) -> bool:
    return (
        environ.get("PATH_INFO", "").startswith("/api/")
        and environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
        and not environ.get("HTTP_COOKIE")
    )


def lean_middleware(middleware: Iterable[str]) -> list[str]:
    """MIDDLEWARE without the browser-only entries; the user is anonymous until the API's
    token auth sets it (where AuthenticationMiddleware was)."""
    out = []
    for path in middleware:
        if path == "django.contrib.auth.middleware.AuthenticationMiddleware":
            out.append(ANONYMOUS)
        elif path not in BROWSER_ONLY:
            out.append(path)
    return out


class AnonymousUntilTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()
        return self.get_response(request)


class _LeanHandler(WSGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE; this runs once, at start-up, before any
        # request is served.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = lean_middleware(full)
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class GongzhiWSGIHandler(WSGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self.lean = _LeanHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if is_bearer_api_call(environ):
            return self.lean(environ, start_response)
        return super().__call__(environ, start_response)
