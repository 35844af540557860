from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

AS_OF = dt.date(2020, 12, 31)
SCALE = 0.01


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    """The hengyang-2020 city at a hundredth of its size (figures exactly Targets.at(0.01))."""
    from gongzhi.metrics.demo_city import load_city

    return load_city(scale=SCALE, seed=7)
