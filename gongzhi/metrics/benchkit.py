"""Contracts the benchmark harness (bench/, issue 7) calls."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from gongzhi.metrics.demo_city.floor import SQL


def overview_floor_sql(as_of: dt.date) -> tuple[str, list[Any]]:
    """ONE hand-written SQL over the base tables: social_orgs, employees, volunteers,
    orgs_with_party_org, party_orgs, party_members (in that order), with positional params."""
    year = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
    values = {"d": as_of, "y": year}
    params = [values[name] for name in re.findall(r"%\((\w+)\)s", SQL)]
    return re.sub(r"%\(\w+\)s", "%s", SQL), params
