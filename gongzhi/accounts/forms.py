from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts import services
from gongzhi.accounts.middleware import client_ip
from gongzhi.accounts.models import User


class LoginForm(AuthenticationForm):
    """Password login that locks an account after N failures for M minutes (config)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("用户名或密码不正确。"),
        "locked": gettext_lazy("登录失败次数过多，账户已锁定，请于 %(until)s 后再试。"),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        candidate = User.objects.filter(username=username).first()
        ip = client_ip(self.request) if self.request else ""
        if candidate is not None and services.is_locked(candidate):
            until = timezone.localtime(candidate.locked_until).strftime("%H:%M")
            raise forms.ValidationError(
                self.error_messages["locked"] % {"until": until}, code="locked"
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            if candidate is not None and services.login_failed(user=candidate, client_ip=ip):
                candidate.refresh_from_db()
                until = timezone.localtime(candidate.locked_until).strftime("%H:%M")
                raise forms.ValidationError(
                    self.error_messages["locked"] % {"until": until}, code="locked"
                )
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        services.login_succeeded(user=self.user_cache, client_ip=ip)
        return self.cleaned_data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, device: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("验证码不正确或已过期。"))
        return token
