"""Annual reports, Party organisations, coverage, members and instructors of the city.

On 2020-12-31 exactly `orgs_with_party_org` active organisations are covered by exactly
`party_orgs` Party organisations (single branches, and joint branches of 2-5 neighbouring
organisations), with exactly `party_members` members; history around the date (branches
and members gone before it, new ones after it) keeps the as-of arithmetic honest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.core.pii import bidx_for
from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city.orgs_stage import rand_date, report_submitted_on
from gongzhi.metrics.demo_city.people import People, id_number
from gongzhi.metrics.demo_city.writer import TableWriter, next_id, reset_sequences

REPORT_FIELDS = [
    "org",
    "year",
    "submitted_on",
    "result",
    "employees",
    "social_workers",
    "other_professionals",
    "volunteers",
    "income",
    "spending",
    "has_party_org",
    "no_party_org_reason",
    "party_instructor",
    "party_members",
    "party_activists",
    "has_union",
    "union_on",
    "has_youth_league",
    "youth_league_on",
    "has_women_federation",
    "women_federation_on",
    "filed_by",
    "created_at",
    "updated_at",
]


def plan_party(ctx: Any) -> None:
    """Choose the covered organisations and group them into Party organisations (in memory)."""
    rng, tg = ctx.rng, ctx.tg
    active = [o for o in ctx.orgs if o.active_on(T.AS_OF) and o.registered_on < T.AS_OF]
    # Older organisations are likelier to have a Party organisation; keep neighbours together.
    chosen = sorted(
        sorted(active, key=lambda o: (o.registered_on, o.id))[: max(tg.orgs_with_party_org * 2, 1)],
        key=lambda o: rng.random(),
    )[: tg.orgs_with_party_org]
    chosen.sort(key=lambda o: (o.area_code, o.id))
    extras = tg.orgs_with_party_org - tg.party_orgs
    sizes = [1] * tg.party_orgs
    i = 0
    while extras > 0:
        add = min(extras, rng.randint(1, 4), 5 - sizes[i % len(sizes)])
        sizes[i % len(sizes)] += add
        extras -= add
        i += 1
    groups, k = [], 0
    for size in sizes:
        groups.append(chosen[k : k + size])
        k += size
    ctx.party_groups = groups
    ctx.covered = {o.id for g in groups for o in g}


def write_reports(ctx: Any) -> None:
    from gongzhi.orgs.models import AnnualReport

    rng, now = ctx.rng, timezone.now()
    covered: set[int] = getattr(ctx, "covered", set())
    total = sum(len(o.employees) for o in ctx.orgs)
    w = TableWriter(
        AnnualReport, REPORT_FIELDS, progress=ctx.progress, stage="年度报告", total=total
    )
    builds: dict[int, dict[str, dt.date | None]] = {}
    for org in ctx.orgs:
        party = org.id in covered
        b = builds.setdefault(org.id, {})
        for key in ("union", "youth_league", "women_federation"):
            if party and rng.random() < 0.55:
                b[key] = rand_date(rng, org.registered_on, T.LIVING_UNTIL)
            else:
                b[key] = None
        for year, employees in sorted(org.employees.items()):
            end = dt.date(year, 12, 31)
            sw = min(employees, int(employees * rng.uniform(0, 0.25)))
            other = min(employees - sw, int(employees * rng.uniform(0, 0.2)))
            has_party = party and year >= 2015
            dated = {k: (d if d and d <= end else None) for k, d in b.items()}
            w.add(
                (
                    org.id,
                    year,
                    report_submitted_on(year, org.id),
                    "qualified" if rng.random() < 0.92 else "basic",
                    employees,
                    sw,
                    other,
                    rng.randint(0, 60),
                    None,
                    None,
                    has_party,
                    "" if has_party else "党员人数不足三人",
                    "",
                    0,
                    0,
                    dated["union"] is not None,
                    dated["union"],
                    dated["youth_league"] is not None,
                    dated["youth_league"],
                    dated["women_federation"] is not None,
                    dated["women_federation"],
                    "演示数据",
                    now,
                    now,
                )
            )
    ctx.counts["annual_reports"] = w.close()
    reset_sequences(AnnualReport)


PARTY_ORG_FIELDS = [
    "id",
    "name",
    "kind",
    "built_by",
    "regional_kind",
    "parent",
    "area",
    "area_code",
    "served_area",
    "village_or_community",
    "party_groups",
    "established_on",
    "dissolved_on",
    "term_started_on",
    "term_years",
    "term_extension_months",
    "election_due_on",
    "synthetic",
    "created_at",
    "updated_at",
]
COVERAGE_FIELDS = ["party_org", "org", "started_on", "ended_on"]
MEMBER_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "id_number_bidx",
    "phone",
    "phone_bidx",
    "status",
    "applied_on",
    "activist_on",
    "candidate_on",
    "admitted_on",
    "probation_extension_months",
    "probation_ends_on",
    "became_formal_on",
    "party_org",
    "area_code",
    "employer",
    "joined_on",
    "joined_org_on",
    "left_on",
    "left_reason",
    "dues_category",
    "synthetic",
    "created_at",
    "updated_at",
]


def write_party(ctx: Any) -> None:
    from gongzhi.party.dates import add_months, add_years
    from gongzhi.party.models import PartyMember, PartyOrg, PartyOrgCoverage
    from gongzhi.party.rules_config import current

    rules = current()
    rng, tg, now = ctx.rng, ctx.tg, timezone.now()
    people = People(rng)
    po_w = TableWriter(
        PartyOrg, PARTY_ORG_FIELDS, progress=ctx.progress, stage="党组织", total=tg.party_orgs
    )
    cov_w = TableWriter(PartyOrgCoverage, COVERAGE_FIELDS)
    first = next_id(PartyOrg)
    po_spans: list[tuple[int, str, dt.date, dt.date | None, list[Any]]] = []

    def add_org(
        name: str, kind: str, built: str, members: list[Any], est: dt.date, dis: dt.date | None
    ) -> int:
        pid = first + len(po_spans)
        area_code = members[0].area_code
        term_years = rules.term_years
        due = add_years(est, term_years)
        while due <= T.LIVING_UNTIL and (dis is None or due < dis):
            due = add_years(due, term_years)  # re-elected on time: the current term's end
        po_w.add(
            (
                pid,
                name,
                kind,
                built,
                "",
                None,
                ctx.area_id(area_code),
                area_code,
                None,
                False,
                0,
                est,
                dis,
                add_years(due, -term_years),
                term_years,
                0,
                due,
                True,
                now,
                now,
            )
        )
        for o in members:
            cov_w.add((pid, o.id, est, dis))
        po_spans.append((pid, area_code, est, dis, members))
        return pid

    for group in ctx.party_groups:
        latest = max(o.registered_on for o in group)
        est = rand_date(ctx.rng, latest, min(T.AS_OF, latest + dt.timedelta(days=1500)))
        ends = [o.deregistered_on for o in group if o.deregistered_on]
        dis = min(ends) if len(ends) == len(group) else None
        if len(group) == 1:
            add_org(f"{group[0].name}党支部", "branch", "single", group, est, dis)
        else:
            add_org(
                f"{group[0].name}等{len(group)}家社会组织联合党支部",
                "joint_branch",
                "joint",
                group,
                est,
                dis,
            )
    # History: branches of organisations gone before the date; new branches after it.
    gone = [o for o in ctx.orgs if o.deregistered_on and o.deregistered_on <= T.AS_OF]
    for o in gone[: max(1, len(gone) // 3)]:
        add_org(f"{o.name}党支部", "branch", "single", [o], o.registered_on, o.deregistered_on)
    later = [o for o in ctx.orgs if o.registered_on > T.AS_OF and o.id not in ctx.covered]
    for o in later[: max(1, len(later) // 4)]:
        est = rand_date(rng, o.registered_on, max(o.registered_on, T.LIVING_UNTIL))
        if o.deregistered_on is None or est < o.deregistered_on:
            add_org(f"{o.name}党支部", "branch", "single", [o], est, o.deregistered_on)
    ctx.counts["party_orgs"] = po_w.close()
    cov_w.close()
    reset_sequences(PartyOrg, PartyOrgCoverage)

    # Members: exactly tg.party_members in the 2020 branches on the date, at least 3 each.
    counted = po_spans[: tg.party_orgs]
    per = [3] * len(counted)
    for _i in range(tg.party_members - 3 * len(counted)):
        per[rng.randrange(len(per))] += 1
    m_w = TableWriter(
        PartyMember, MEMBER_FIELDS, progress=ctx.progress, stage="党员", total=tg.party_members
    )

    def member(pid: int, code: str, employer: int, joined: dt.date, left: dt.date | None) -> None:
        male = rng.random() < 0.55
        birth = people.birth(1955, min(2000, joined.year - 19))
        serial = people.serial(birth, male)
        admitted = rand_date(rng, dt.date(max(birth.year + 19, 1975), 1, 1), joined)
        formal = add_months(admitted, rules.probation_months)
        status = "formal" if formal <= T.LIVING_UNTIL else "probationary"
        idn, phone = id_number(birth, serial, male), people.phone()
        m_w.add(
            (
                people.name(),
                "male" if male else "female",
                "汉族",
                birth,
                idn,
                bidx_for(idn, "id_number"),
                phone,
                bidx_for(phone, "phone"),
                status,
                add_months(admitted, -30),
                add_months(admitted, -18),
                add_months(admitted, -3),
                admitted,
                0,
                formal,
                formal if status == "formal" else None,
                pid,
                code,
                employer,
                joined,
                joined,
                left,
                "调离本领域" if left else "",
                "employed",
                True,
                now,
                now,
            )
        )

    for (pid, code, est, dis, orgs), n in zip(counted, per, strict=True):
        for _i in range(n):
            org = rng.choice(orgs)
            left = None
            if rng.random() < 0.08:  # some leave after the date
                left = rand_date(rng, T.AS_OF + dt.timedelta(days=1), T.LIVING_UNTIL)
            if dis and (left is None or left > dis):
                left = dis
            member(pid, code, org.id, rand_date(rng, est, T.AS_OF), left)
    # Members who left before the date, and members of the branches gone or formed later.
    for pid, code, est, _dis, orgs in counted[: max(1, len(counted) // 5)]:
        if est < T.AS_OF - dt.timedelta(days=2):
            joined = rand_date(rng, est, T.AS_OF - dt.timedelta(days=2))
            member(
                pid,
                code,
                orgs[0].id,
                joined,
                rand_date(rng, joined + dt.timedelta(days=1), T.AS_OF),
            )
    for pid, code, est, dis, orgs in po_spans[tg.party_orgs :]:
        for _i in range(3):
            member(pid, code, orgs[0].id, est, dis)
    ctx.counts["party_members"] = m_w.close()
    reset_sequences(PartyMember)
    # Member figures "as of" a date read the dated membership history (party app).
    from gongzhi.party.services import bulk_history_for

    bulk_history_for(PartyMember.objects.filter(synthetic=True))
    write_transfers(ctx, counted)
    write_instructors(ctx, people)


def write_transfers(ctx: Any, counted: list[tuple[int, str, dt.date, dt.date | None, Any]]) -> None:
    """About 1% of the 2020 branches' members move to a branch in another district after
    the date: the history (`MembershipPeriod`) ends the old period on the move and opens one
    in the new branch, as the transfer receipt does (party.services.move_membership), so
    member figures as of a date count each in the district of that date — the 2020 figures
    are unchanged. The transfers' paperwork (Transfer rows) is not generated.
    """
    import random

    from gongzhi.party.models import MembershipPeriod, PartyMember

    # A stream of its own: the stages after this one draw the same values as before.
    rng = random.Random(f"transfers-{ctx.tg.party_members}-{len(ctx.orgs)}")
    open_branches = [p for p in counted if p[3] is None]
    movers = list(
        PartyMember.objects.filter(
            synthetic=True, left_on__isnull=True, party_org_id__in=[p[0] for p in open_branches]
        )
        .order_by("id")
        .values_list("id", "area_code")
    )
    periods = []
    for member_id, code in rng.sample(movers, min(len(movers), max(1, len(movers) // 100))):
        targets = [p for p in open_branches if p[1][:6] != code[:6]]
        if not targets:
            continue
        pid, to_code, _est, _dis, orgs = rng.choice(targets)
        on = rand_date(rng, T.AS_OF + dt.timedelta(days=1), T.LIVING_UNTIL)
        MembershipPeriod.objects.filter(member_id=member_id, ended_on__isnull=True).update(
            ended_on=on
        )
        periods.append(
            MembershipPeriod(
                member_id=member_id, party_org_id=pid, area_code=to_code, started_on=on
            )
        )
        PartyMember.objects.filter(pk=member_id).update(
            party_org_id=pid, area_code=to_code, employer_id=rng.choice(orgs).id, joined_org_on=on
        )
    MembershipPeriod.objects.bulk_create(periods)
    ctx.counts["party_transfers"] = len(periods)


def write_instructors(ctx: Any, people: People) -> None:
    """Party-building instructors for part of the organisations without a Party organisation."""
    from gongzhi.party.models import Instructor, InstructorAssignment

    rng = ctx.rng
    uncovered = [o for o in ctx.orgs if o.id not in ctx.covered and o.active_on(T.AS_OF)]
    rng.shuffle(uncovered)
    uncovered = uncovered[: len(uncovered) * 3 // 10]
    first = next_id(Instructor)
    i_w = TableWriter(
        Instructor,
        ["id", "name", "phone", "phone_bidx", "work_unit", "area", "area_code", "synthetic"],
    )
    a_w = TableWriter(
        InstructorAssignment, ["instructor", "org", "area_code", "started_on", "ended_on"]
    )
    for n in range(0, len(uncovered), 4):  # one instructor for up to four organisations
        iid = first + n // 4
        org0 = uncovered[n]
        unit = org0.area_code[:6] + "000000"
        phone = people.phone()
        i_w.add(
            (
                iid,
                people.name(),
                phone,
                bidx_for(phone, "phone"),
                "区委两新工委（演示）",
                ctx.area_id(unit),
                unit,
                True,
            )
        )
        for o in uncovered[n : n + 4]:
            a_w.add((iid, o.id, o.area_code, rand_date(rng, o.registered_on, T.AS_OF), None))
    ctx.counts["instructors"] = i_w.close()
    a_w.close()
    reset_sequences(Instructor, InstructorAssignment)
