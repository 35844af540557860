from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _home_cards(user: Any) -> list[dict[str, Any]]:
    from django.urls import reverse

    from gongzhi.volunteers import selectors
    from gongzhi.volunteers.models import EntryStatus

    cards: list[dict[str, Any]] = []
    me = selectors.volunteer_of(user)
    if me is not None:
        cards.append(
            {
                "key": "my_hours",
                "label": _("我的志愿服务时长（小时）"),
                "value": me.approved_hours,
                "url": reverse("volunteers:me"),
            }
        )
        cards.append(
            {
                "key": "my_stars",
                "label": _("我的星级"),
                "value": me.stars,
                "url": reverse("volunteers:me"),
            }
        )
    if user.has_perm("volunteers.organise"):
        cards.append(
            {
                "key": "volunteers",
                "label": _("注册志愿者"),
                "value": selectors.volunteer_list(user=user).order_by().count(),
                "url": reverse("volunteers:volunteer_list"),
            }
        )
        cards.append(
            {
                "key": "pending_hours",
                "label": _("待审核服务时长"),
                "value": selectors.hours_list(user=user, status=EntryStatus.PENDING)
                .order_by()
                .count(),
                "url": reverse("volunteers:hours"),
            }
        )
    return cards


class VolunteersConfig(AppConfig):
    name = "gongzhi.volunteers"
    label = "volunteers"
    verbose_name = _("志愿服务")

    def ready(self) -> None:
        from gongzhi.core import registry
        from gongzhi.volunteers import exporters, importers  # noqa: F401  (they register)
        from gongzhi.volunteers.rules import ORGANISER_ROLES

        registry.register_nav(
            label=_("志愿服务"),
            url_name="volunteers:index",
            order=30,
            roles={str(r) for r in ORGANISER_ROLES},
        )
        registry.register_nav(
            label=_("我的志愿服务"), url_name="volunteers:me", order=31, roles={"volunteer"}
        )
        registry.register_nav(
            label=_("找活动"), url_name="volunteers:find", order=32, roles={"volunteer", "resident"}
        )
        registry.register_home_card(_home_cards)
