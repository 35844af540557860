"""Session limits, required two-factor login and password expiry (MLPS 2.0 level 3)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import current_ip

# Paths a half-logged-in user (2FA pending, password expired) may still reach.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/accounts/", "/api/", "/verify/")


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and "gz_login_at" in request.session:
                now = time.time()
                idle = now - request.session.get("gz_seen_at", now)
                age = now - request.session["gz_login_at"]
                if (
                    idle > settings.GONGZHI_IDLE_TIMEOUT_MINUTES * 60
                    or age > settings.GONGZHI_SESSION_MAX_HOURS * 3600
                ):
                    logout(request)
                    messages.info(request, _("会话已超时，请重新登录。"))
                    if request.path.startswith("/api/"):
                        return self.get_response(request)
                    return redirect(f"{reverse('accounts:login')}?next={request.path}")
                # Write at most once a minute so idle tracking does not save every request.
                if now - request.session.get("gz_seen_at", 0) > 60:
                    request.session["gz_seen_at"] = now
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from gongzhi.accounts.services import needs_two_factor

        user: Any = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()
            and needs_two_factor(user)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        max_age = settings.GONGZHI_PASSWORD_MAX_AGE_DAYS
        if (
            max_age
            and user is not None
            and user.is_authenticated
            and user.has_usable_password()
            and not request.path.startswith(_OPEN_PREFIXES)
            and (
                user.password_changed_at is None
                or timezone.now() - user.password_changed_at > dt.timedelta(days=max_age)
            )
        ):
            messages.warning(
                request, _("密码已超过 %(days)d 天未修改，请先修改密码。") % {"days": max_age}
            )
            return redirect("accounts:password_change")
        return self.get_response(request)
