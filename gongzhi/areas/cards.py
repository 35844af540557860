"""Home-page figures of the areas app: the units in the user's scope, counted live."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from gongzhi.areas.models import Kind
from gongzhi.areas.selectors import area_list


def area_cards(user: Any) -> list[dict[str, Any]]:
    counts = dict(
        area_list(user=user)
        .filter(kind__in=[Kind.TOWNSHIP, Kind.COMMUNITY, Kind.COMPOUND])
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    if not counts:
        return []
    return [
        {
            "key": "townships",
            "label": _("街道/乡镇"),
            "value": counts.get(Kind.TOWNSHIP, 0),
            "url": "",
        },
        {
            "key": "communities",
            "label": _("社区/村"),
            "value": counts.get(Kind.COMMUNITY, 0),
            "url": "",
        },
        {"key": "compounds", "label": _("小区"), "value": counts.get(Kind.COMPOUND, 0), "url": ""},
    ]
