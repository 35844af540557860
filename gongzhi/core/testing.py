"""The scope-rule test registry: apps register a case per scoped model or endpoint.

`gongzhi/core/tests/test_scope_rule.py` runs every registered case for two districts:
a user of district A cannot list, count, open, export, or reach through the API a
record of district B. An app adds its case in `gongzhi/<app>/tests/scope_cases.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class ScopeCase:
    name: str
    # make(area_code_of_a_community, make_user) -> a record inside that community's district
    make: Callable[[str], Any]
    # selector(user) -> queryset the pages use
    selector: Callable[[Any], Any]
    detail_url: Callable[[Any], str] | None = None
    api_detail_url: Callable[[Any], str] | None = None
    api_list_url: str | None = None
    list_url: str | None = None
    export_kind: str | None = None
    # what identifies the record in list/API/export output (e.g. its name)
    marker: Callable[[Any], str] = lambda obj: str(obj)


CASES: list[ScopeCase] = []


def register(case: ScopeCase) -> ScopeCase:
    CASES.append(case)
    return case
