"""Apps register their importers, exporters and dashboards here (core knows no domain)."""

from __future__ import annotations

from typing import Any

_importers: dict[str, Any] = {}
_exporters: dict[str, Any] = {}


def register_importer(importer: Any) -> Any:
    _importers[importer.kind] = importer
    return importer


def register_exporter(exporter: Any) -> Any:
    _exporters[exporter.kind] = exporter
    return exporter


def importer(kind: str) -> Any:
    return _importers[kind]


def exporter(kind: str) -> Any:
    return _exporters[kind]


def importer_kinds() -> list[str]:
    return sorted(_importers)


def exporter_kinds() -> list[str]:
    return sorted(_exporters)


# --- navigation and home cards ------------------------------------------------------------
# Apps add entries in AppConfig.ready(); `roles` None means every signed-in user.

_nav: list[dict[str, Any]] = []
_home_cards: list[Any] = []
_dashboards: list[dict[str, Any]] = []


def register_nav(
    *, label: Any, url_name: str, order: int = 50, roles: set[str] | None = None, icon: str = ""
) -> None:
    _nav.append(
        {"label": label, "url_name": url_name, "order": order, "roles": roles, "icon": icon}
    )
    _nav.sort(key=lambda item: item["order"])


def nav_items() -> list[dict[str, Any]]:
    return list(_nav)


def register_home_card(provider: Any) -> Any:
    """provider(user) -> list of {"label", "value", "url"} with real counts from scoped selectors."""
    _home_cards.append(provider)
    return provider


def home_cards() -> list[Any]:
    return list(_home_cards)


def register_dashboard(*, key: str, label: Any, url_name: str, order: int = 50) -> None:
    """Dashboards of later apps (governance: cases, compounds) join the metrics menu here."""
    _dashboards.append({"key": key, "label": label, "url_name": url_name, "order": order})
    _dashboards.sort(key=lambda item: item["order"])


def dashboards() -> list[dict[str, Any]]:
    return list(_dashboards)
