from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "gongzhi.party"
    label = "party"
    verbose_name = _("党组织")

    def ready(self) -> None:
        from gongzhi.core import registry
        from gongzhi.orgs.timeline import register_timeline_provider
        from gongzhi.party import exporters, importers  # noqa: F401  (register)
        from gongzhi.party.rules import VIEWERS
        from gongzhi.party.timeline import party_timeline

        roles = {r.value for r in VIEWERS}
        registry.register_nav(label=_("党建"), url_name="party:index", order=20, roles=roles)
        registry.register_home_card(_home_cards)
        # The Party organisations, instructors and yearly org life on the orgs page's timeline.
        register_timeline_provider(party_timeline)


def _home_cards(user: Any) -> list[dict[str, Any]]:
    from django.urls import reverse
    from django.utils import timezone

    from gongzhi.party import selectors
    from gongzhi.party.rules import VIEWERS

    if not user.has_role(*VIEWERS) and not user.is_superuser:
        return []
    today = timezone.localdate()
    counts = selectors.member_counts(user=user, as_of=today)
    return [
        {
            "key": "party_orgs",
            "label": _("党组织"),
            "value": selectors.party_orgs_as_of(user=user, as_of=today).count(),
            "url": reverse("party:index"),
        },
        {
            "key": "party_members",
            "label": _("党员"),
            "value": counts["total"],
            "url": reverse("party:member_list"),
        },
        {
            "key": "party_worklist",
            "label": _("党建待办事项"),
            "value": selectors.worklist_count(user=user, today=today),
            "url": reverse("party:worklist"),
        },
    ]
