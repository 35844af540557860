from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "gongzhi.metrics"
    label = "metrics"
    verbose_name = _("统计与评价")

    def ready(self) -> None:
        from gongzhi.core import registry
        from gongzhi.metrics import signals
        from gongzhi.metrics.dashboards import ALL

        for board in ALL.values():
            registry.register_dashboard(
                key=board.key, label=board.label, url_name=board.url_name, order=board.order
            )
        registry.register_dashboard(
            key="index", label=_("评价指数"), url_name="metrics:index_scores", order=40
        )
        registry.register_nav(label=_("统计"), url_name="metrics:index", order=60, roles=None)
        signals.connect()
