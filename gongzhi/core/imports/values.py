"""Cell parsers: a raw spreadsheet value to a Python value, or CellError saying why not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from gongzhi.core.textkeys import to_simplified

# --- values -------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value is wrong; the message says why, in the user's language."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def p_str(value: Any) -> str:
    return _text(value)


def p_int(value: Any) -> int | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        return int(Decimal(text))
    except (InvalidOperation, ValueError):
        raise CellError(_("不是整数")) from None


def p_decimal(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(_("不是数字")) from None


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def p_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    m = _DATE_RE.match(text.split(" ")[0] if "年" not in text else text)
    if not m:
        raise CellError(_("日期格式应为 YYYY-MM-DD"))
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise CellError(_("不是有效日期")) from None


def p_bool(value: Any) -> bool | None:
    text = _text(value).lower()
    if not text:
        return None
    if text in {"是", "有", "y", "yes", "true", "1", "√"}:
        return True
    if text in {"否", "无", "n", "no", "false", "0", "×"}:
        return False
    raise CellError(_("应填“是”或“否”"))


def p_choice(choices: type[models.Choices] | Sequence[tuple[Any, Any]]) -> Callable[[Any], Any]:
    """Accept a choice by its value or by its label in any of the interface languages."""
    pairs = list(choices.choices) if hasattr(choices, "choices") else list(choices)  # type: ignore[union-attr]
    lookup: dict[str, Any] = {}
    for value, label in pairs:
        lookup[to_simplified(str(value)).lower()] = value
        lookup[to_simplified(str(label)).lower()] = value

    def parse(raw: Any) -> Any:
        text = _text(raw)
        if not text:
            return None
        try:
            return lookup[to_simplified(text).lower()]
        except KeyError:
            allowed = "、".join(str(label) for _v, label in pairs)
            raise CellError(_("不是可选值（可选：%(allowed)s）") % {"allowed": allowed}) from None

    return parse
