"""`gongzhi figures --as-of DATE [--unit CODE]`: the six figures, acting as the whole platform."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from django.http import Http404
from django.utils.translation import gettext as _


def figures(args: argparse.Namespace) -> int:
    from gongzhi.core.scope import SystemUser
    from gongzhi.metrics import figures as F
    from gongzhi.metrics import selectors

    try:
        day = dt.date.fromisoformat(args.as_of)
    except ValueError:
        print(_("错误：--as-of 须为 YYYY-MM-DD 格式的日期"), file=sys.stderr)
        return 2
    user = SystemUser()
    try:
        values = selectors.figures_as_of(user, day, args.unit or None)
    except Http404:
        print(_("错误：没有代码为 %(code)s 的单位") % {"code": args.unit}, file=sys.stderr)
        return 1
    if getattr(args, "json", False):
        print(
            json.dumps({"as_of": day.isoformat(), "unit": args.unit, **values}, ensure_ascii=False)
        )
        return 0
    print(f"as_of {day.isoformat()}" + (f"  unit {args.unit}" if args.unit else ""))
    for key in F.HEADLINE:
        print(f"{key:<22}{values[key]:>12,}  {F.get(key).label}")
    return 0
