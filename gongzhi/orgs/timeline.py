"""An organisation's timeline: its own records, plus entries apps above it contribute.

Apps that depend on orgs (party: Party organisation set up; volunteers, procurement:
services) add entries with `register_timeline_provider(provider)` in their
`AppConfig.ready()`; `provider(org, user)` returns dicts with `date`, `title`,
`detail` and optional `url`, already scoped to `user`. orgs imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.orgs.models import OrgStatus, SocialOrg

Provider = Callable[[SocialOrg, Any], list[dict[str, Any]]]
_providers: list[Provider] = []


def register_timeline_provider(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def _fmt(values: dict[str, Any]) -> str:
    labels = {f.name: str(f.verbose_name) for f in SocialOrg._meta.fields}
    labels["area_code"] = str(_("住所地区划代码"))
    return "；".join(
        f"{labels.get(k, k)}：{v if v not in (None, '') else '—'}" for k, v in values.items()
    )


def timeline(org: SocialOrg, user: Any) -> list[dict[str, Any]]:
    """Newest first."""
    events: list[dict[str, Any]] = [
        {
            "date": org.registered_on,
            "kind": "register",
            "title": _("备案") if org.kind == "community" else _("登记成立"),
            "detail": org.authority.name,
        }
    ]
    for change in org.changes.all():
        if "status" in change.after:  # leaving the registry: the deregistration entry below
            continue
        events.append(
            {
                "date": change.effective_on,
                "kind": "change",
                "title": _("变更登记") + (f"（{change.reason}）" if change.reason else ""),
                "detail": _("变更前 %(b)s → 变更后 %(a)s")
                % {"b": _fmt(change.before), "a": _fmt(change.after)},
            }
        )
    for report in org.annual_reports.all():
        if report.submitted_on:
            events.append(
                {
                    "date": report.submitted_on,
                    "kind": "report",
                    "title": _("报送%(y)d年度工作报告") % {"y": report.year},
                    "detail": report.get_result_display() or _("待检查"),
                }
            )
    for ev in org.evaluations.all():
        events.append(
            {
                "date": ev.evaluated_on,
                "kind": "grade",
                "title": _("评估等级 %(g)s") % {"g": ev.grade_label},
                "detail": _("得分 %(s)d，有效期至 %(d)s")
                % {"s": ev.score, "d": ev.valid_until.isoformat()},
            }
        )
    for penalty in org.penalties.all():
        events.append(
            {
                "date": penalty.decided_on,
                "kind": "penalty",
                "title": _("行政处罚：%(k)s") % {"k": penalty.get_kind_display()},
                "detail": penalty.reason,
            }
        )
    for entry in org.listings.all():
        if entry.state == "confirmed":
            events.append(
                {
                    "date": entry.listed_on,
                    "kind": "listing",
                    "title": _("列入%(l)s") % {"l": entry.get_list_kind_display()},
                    "detail": entry.get_cause_display(),
                }
            )
        if entry.removed_on:
            events.append(
                {
                    "date": entry.removed_on,
                    "kind": "delisting",
                    "title": _("移出%(l)s") % {"l": entry.get_list_kind_display()},
                    "detail": entry.removal_reason,
                }
            )
    if org.deregistered_on:
        events.append(
            {
                "date": org.deregistered_on,
                "kind": "deregister",
                "title": _("撤销登记") if org.status == OrgStatus.REVOKED else _("注销"),
                "detail": org.deregistration_reason,
            }
        )
    for provider in _providers:
        events.extend(provider(org, user))
    return sorted(events, key=lambda e: e["date"] or dt.date.min, reverse=True)
