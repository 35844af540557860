"""What both Party imports share: splitting lists of codes, and the importer's scope."""

from __future__ import annotations

import re
from typing import Any

from gongzhi.core.imports import p_str
from gongzhi.core.scope import scope_of

_SPLIT = re.compile(r"[;；,，、\s]+")


def codes(value: Any) -> list[str]:
    return [c for c in _SPLIT.split(p_str(value).upper()) if c]


def in_scope(actor: Any, code: str) -> bool:
    # The command line acts for the whole city; a signed-in user only inside their units.
    if not getattr(actor, "is_authenticated", False):
        return True
    return scope_of(actor).covers_area(code)
