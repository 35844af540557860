from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from gongzhi.core import calendar, registry  # noqa: F401  (calendar registers `holidays`)

        registry.register_nav(
            label=_("审计记录"), url_name="audit_list", order=90, roles={"audit_admin"}
        )
