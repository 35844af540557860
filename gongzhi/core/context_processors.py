from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from gongzhi.core import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navigation by role: each app registers its entries; a user sees those of their roles."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    roles = user.roles() if hasattr(user, "roles") else set()
    items = []
    for item in registry.nav_items():
        if item["roles"] is not None and not (roles & item["roles"]) and not user.is_superuser:
            continue
        try:
            url = reverse(item["url_name"])
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": item["label"],
                "url": url,
                "active": request.path.startswith(url) and url != "/",
            }
        )
    return {"nav": items}
