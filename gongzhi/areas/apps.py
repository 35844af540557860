from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "gongzhi.areas"
    label = "areas"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from gongzhi.areas import exporters, importers  # noqa: F401  (registers them)
        from gongzhi.areas.cards import area_cards
        from gongzhi.core import registry

        registry.register_home_card(area_cards)
