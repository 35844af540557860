from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "gongzhi.metrics"
    label = "metrics"
    verbose_name = _("统计与评价")
