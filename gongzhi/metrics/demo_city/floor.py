"""The overview's floor for the benchmark: the six figures by hand-written SQL over base tables.

Issue 7: "one hand-written SQL over the base tables giving the same six figures". It takes
no user (the whole city) and follows the apps' definitions: an organisation counts from its
registration day until the day before its deregistration; employees are those of each
active organisation's latest submitted annual report whose year speaks for the date (a
report on year Y speaks from 31 December of Y); coverage and Party organisations
count while their own dates and their Party organisation's dates include the day; members
from the membership history (a period covering the day, in that period's Party organisation,
admitted by then), so a member transferred since counts where they were.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

SQL = """
SELECT
 (SELECT COUNT(*) FROM orgs_socialorg o
   WHERE o.registered_on <= %(d)s AND (o.deregistered_on IS NULL OR o.deregistered_on > %(d)s)),
 (SELECT COALESCE(SUM(r.employees), 0) FROM orgs_socialorg o JOIN orgs_annualreport r ON r.org_id = o.id
   WHERE o.registered_on <= %(d)s AND (o.deregistered_on IS NULL OR o.deregistered_on > %(d)s)
     AND r.year = (SELECT MAX(r2.year) FROM orgs_annualreport r2 WHERE r2.org_id = o.id
                   AND r2.year <= %(y)s AND r2.submitted_on IS NOT NULL AND r2.result <> 'not_submitted')),
 (SELECT COUNT(*) FROM volunteers_volunteer v
   WHERE v.registered_on <= %(d)s AND (v.withdrawn_on IS NULL OR v.withdrawn_on > %(d)s)),
 (SELECT COUNT(*) FROM orgs_socialorg o
   WHERE o.registered_on <= %(d)s AND (o.deregistered_on IS NULL OR o.deregistered_on > %(d)s)
     AND EXISTS (SELECT 1 FROM party_partyorgcoverage c JOIN party_partyorg p ON p.id = c.party_org_id
                 WHERE c.org_id = o.id AND c.started_on <= %(d)s AND (c.ended_on IS NULL OR c.ended_on > %(d)s)
                   AND p.established_on <= %(d)s AND (p.dissolved_on IS NULL OR p.dissolved_on > %(d)s))),
 (SELECT COUNT(*) FROM party_partyorg p
   WHERE p.established_on <= %(d)s AND (p.dissolved_on IS NULL OR p.dissolved_on > %(d)s)),
 (SELECT COUNT(DISTINCT h.member_id) FROM party_membershipperiod h
   JOIN party_partymember m ON m.id = h.member_id JOIN party_partyorg p ON p.id = h.party_org_id
   WHERE h.started_on <= %(d)s AND (h.ended_on IS NULL OR h.ended_on > %(d)s) AND m.admitted_on <= %(d)s
     AND p.established_on <= %(d)s AND (p.dissolved_on IS NULL OR p.dissolved_on > %(d)s))
"""
KEYS = (
    "social_orgs",
    "employees",
    "volunteers",
    "orgs_with_party_org",
    "party_orgs",
    "party_members",
)


def six_figures_sql(day: dt.date) -> dict[str, int]:
    from gongzhi.metrics.benchkit import overview_floor_sql

    sql, params = overview_floor_sql(day)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return {k: int(v or 0) for k, v in zip(KEYS, row, strict=True)}
