from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gongzhi.orgs"
    label = "orgs"
    verbose_name = _("社会组织")

    def ready(self) -> None:
        from gongzhi.core import registry
        from gongzhi.orgs import (  # noqa: F401  (registration)
            exporters,
            importers,
            importers_reports,
            rules,
        )

        registry.register_nav(label=_("社会组织"), url_name="orgs:index", order=20)
        registry.register_home_card(home_cards)


def home_cards(user: Any) -> list[dict[str, Any]]:
    """Real, scoped counts for the home page."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from gongzhi.core.scope import restrict
    from gongzhi.orgs.models import CreditListing, OrgStatus, SocialOrg

    qs = restrict(SocialOrg.objects.all(), user)
    figures = qs.aggregate(
        active=Count("id", filter=Q(status=OrgStatus.NORMAL)),
        registered_this_year=Count("id", filter=Q(registered_on__year=timezone.localdate().year)),
    )
    if not figures["active"] and not qs.exists():
        return []
    listed = (
        restrict(CreditListing.objects.all(), user)
        .filter(state="confirmed", removed_on__isnull=True)
        .values("org")
        .distinct()
        .count()
    )
    url = reverse("orgs:index")
    return [
        {
            "key": "orgs_active",
            "label": _("正常状态的社会组织"),
            "value": figures["active"],
            "url": url + "?status=normal",
        },
        {
            "key": "orgs_new",
            "label": _("今年新登记（备案）"),
            "value": figures["registered_this_year"],
            "url": url + "?sort=-registered_on",
        },
        {
            "key": "orgs_listed",
            "label": _("列入信用名单的组织"),
            "value": listed,
            "url": url + "?listing=any",
        },
    ]
