"""Login, two-factor enrolment and verification, password change, logout."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from gongzhi.accounts import services
from gongzhi.accounts.forms import LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=self.request.user)  # type: ignore[arg-type]
        messages.success(self.request, _("密码已修改。"))
        return response


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; a user without a confirmed device enrols first (QR code)."""
    user: Any = request.user
    device, enrolling = services.totp_device_for(user=user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        services.two_factor_passed(user=user, device=device, enrolling=enrolling)
        otp_login(request, device)
        return redirect(_next(request))
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": _next(request)}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = device.key  # hex; apps accept the QR code
    return render(request, "accounts/two_factor.html", context)
