from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from gongzhi.accounts import importers, signals  # noqa: F401
