"""The scenario registry: a scenario is a few lines naming its contract, target and steps.

A contract is what an app must provide for a scenario to run (bench/README.md lists them):
  "module:attr"        a function or value an app exports (e.g. "gongzhi.volunteers.benchkit:x")
  "url:/path"          a URL the product answers (resolved, never requested, in the parent)
  "importer:KIND" / "exporter:KIND"   registered with gongzhi.core.registry
  "dashboards"         at least one dashboard registered with gongzhi.core.registry
  "city"               at least one app's gongzhi.<app>.demo.load_city (the demo-city contract)
A scenario whose contract is missing is reported "skipped (not built)", never failed.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_NAMES = {"p50_ms": "p50", "p95_ms": "p95", "p99_ms": "p99", "seconds": "", "req_per_s": ""}
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Check:
    """One target: `figure[key] op limit`; `scaled` limits grow with --scale (loads are linear)."""

    key: str
    op: str
    limit: float
    unit: str = ""
    scaled: bool = False
    on: str = "figure"  # "figure", "ratio" or "peak_rss_mb"

    def limit_at(self, scale: float) -> float:
        return self.limit * scale if self.scaled else self.limit

    def text(self, scale: float) -> str:
        limit = self.limit_at(scale)
        shown = f"{limit:g}" if limit >= 1 or limit == 0 else f"{limit:.3g}"
        if self.key == "errors" and self.op == "==":
            return f"{shown:s} errors"
        name = {"ratio": "ratio", "peak_rss_mb": "RSS"}.get(self.on, _NAMES.get(self.key, self.key))
        text = f"{name} {self.op} {shown}{self.unit}".strip()
        if self.scaled and scale != 1:
            text += f" ({self.limit:g}{self.unit} x {scale:g})"
        return text

    def holds(self, value: float | None, scale: float) -> bool | None:
        if value is None:
            return None
        return _OPS[self.op](value, self.limit_at(scale))


Step = Callable[[Any], dict[str, Any]]


@dataclass
class Scenario:
    name: str
    title: str
    measure: Step
    requires: tuple[str, ...] = ()
    floor: Step | None = None
    floor_title: str = ""
    floor_requires: tuple[str, ...] = ()
    prepare: Step | None = None
    needs_city: bool = False
    ratio_key: str | None = None  # figure key divided by the floor's same key
    checks: tuple[Check, ...] = ()
    rss: str = "child"  # "child": the step process's peak; "server": gunicorn's (from the figure)
    note: str = ""
    order: int = 50
    rounds: int = 3  # measure/floor pairs, alternated; 1 for steps that change the data
    meta: dict[str, Any] = field(default_factory=dict)


_scenarios: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    if scenario.name in _scenarios:
        raise ValueError(f"scenario {scenario.name!r} registered twice")
    _scenarios[scenario.name] = scenario
    return scenario


def scenarios() -> list[Scenario]:
    import bench.scenarios  # noqa: F401  (registers the catalogue)

    return sorted(_scenarios.values(), key=lambda s: (s.order, s.name))


def get(name: str) -> Scenario:
    for s in scenarios():
        if s.name == name:
            return s
    raise KeyError(name)


# --- contracts ------------------------------------------------------------------------------


def resolve(target: str) -> Any:
    """Import "module:attr"; ModuleNotFoundError/AttributeError mean "not built yet"."""
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module


def _module_missing(exc: ModuleNotFoundError, module_name: str) -> bool:
    # Only the contract's own module (or a parent package) missing means "not built";
    # a missing import *inside* an app's module is a real error and must show.
    name = exc.name or ""
    return bool(name) and (module_name == name or module_name.startswith(name + "."))


def missing(contract: str) -> str | None:
    """None if the contract is met, else why not (the "not built" reason)."""
    kind, _, arg = contract.partition(":")
    if kind == "url":
        return None if url_variant(arg) else f"no URL {arg}"
    if kind in ("importer", "exporter"):
        from gongzhi.core import registry as core_registry

        kinds = (
            core_registry.importer_kinds() if kind == "importer" else core_registry.exporter_kinds()
        )
        return None if arg in kinds else f"no {kind} {arg!r} registered"
    if contract == "dashboards":
        from gongzhi.core import registry as core_registry

        return None if core_registry.dashboards() else "no dashboard registered"
    if contract == "city":
        return None if city_loaders() else "no app provides demo.load_city"
    module_name = contract.partition(":")[0]
    try:
        resolve(contract)
    except ModuleNotFoundError as exc:
        if _module_missing(exc, module_name):
            return f"no {contract}"
        raise
    except AttributeError:
        return f"no {contract}"
    return None


def url_variant(path: str) -> str | None:
    """`path` or `path/` (whichever the product answers), or None if neither resolves."""
    from django.urls import Resolver404
    from django.urls import resolve as url_resolve

    for candidate in (path, path.rstrip("/") + "/", path.rstrip("/")):
        try:
            url_resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return None


def city_loaders() -> list[str]:
    """The apps whose demo module provides load_city (gongzhi/demo.py's contract)."""
    from gongzhi.demo import APP_ORDER

    found = []
    for app in APP_ORDER:
        if missing(f"gongzhi.{app}.demo:load_city") is None:
            found.append(app)
    return found


def first_missing(contracts: tuple[str, ...]) -> str | None:
    for c in contracts:
        reason = missing(c)
        if reason:
            return reason
    return None
