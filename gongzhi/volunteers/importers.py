"""Spreadsheet imports: volunteers (keyed by the ID number's blind index) and hours.

Written for 100,000 rows in well under 30 s: look-ups are batched in `prepare`, writes
are `bulk_create`/`bulk_update` in chunks, derived fields are computed by
`keys.prepare_batch`, and one audit event covers the import (core/imports.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from gongzhi.areas.models import Area
from gongzhi.core import pii, registry
from gongzhi.core.imports import (
    CellError,
    Column,
    Counts,
    Importer,
    RowInvalid,
    iter_chunks,
    p_choice,
    p_date,
    p_decimal,
    p_int,
    p_str,
)
from gongzhi.core.scope import restrict, scope_of
from gongzhi.volunteers import rules_config, stars
from gongzhi.volunteers.keys import (
    allocate_many,
    encrypt_phone,
    insert_rows,
    name_keys,
    number_prefix,
    recompute_totals,
    volunteer_number,
)
from gongzhi.volunteers.models import (
    EntrySource,
    EntryStatus,
    Gender,
    HoursEntry,
    Team,
    Volunteer,
    VolunteerStatus,
)

BATCH = 2000
CHUNK = 5000  # rows per look-up and write round: memory stays flat whatever the file size
ID_RE = re.compile(r"^\d{17}[\dX]$")


@lru_cache(maxsize=50_000)
def _place_valid(code: str, year: int) -> bool:
    """Whether a division code was in use in a birth year (GB 11643; stdnum's database).

    stdnum's own check of this dominates an import's time, and only ~3,000 codes x 100
    years occur, so the answer is cached per (code, year).
    """
    body = f"{code}{year}0101001"
    return bool(ric.is_valid(body + ric.calc_check_digit(body + "0")))


@lru_cache(maxsize=1)
def _today(_key: int) -> dt.date:
    return timezone.localdate()


def _bad_id() -> CellError:
    return CellError(_("不是有效的居民身份证号码"))


def p_id_number(value: Any) -> str:
    """GB 11643: format, check character (ISO 7064 MOD 11-2), birth date, a code valid then."""
    text = pii.normalise_id_number(p_str(value))
    if not text:
        return ""
    if not ID_RE.match(text):
        raise _bad_id()
    if ric.calc_check_digit(text) != text[17]:
        raise _bad_id()
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise _bad_id() from None
    # The date changes at midnight; asking the clock once a minute is enough for this check.
    if birth > _today(int(time.time()) // 60) or not _place_valid(text[:6], birth.year):
        raise _bad_id()
    return text


def p_phone(value: Any) -> str:
    text = pii.normalise_phone(p_str(value))
    if text and not (len(text) == 11 and text.isdigit() and text.startswith("1")):
        raise CellError(_("手机号码应为以 1 开头的 11 位数字"))
    return text


def _covers(actor: Any, code: str) -> bool:
    if isinstance(actor, str):  # the command line acts for the whole system
        return True
    return scope_of(actor).covers_area(code)


def _skills(text: str | None) -> list[str]:
    return [s.strip() for s in (text or "").replace("，", ",").split(",") if s.strip()]


@lru_cache(maxsize=10_000)
def _skills_json(text: str | None) -> str:
    """The stored JSON of a skills cell: a few hundred combinations recur, so once each."""
    return json.dumps(_skills(text), ensure_ascii=False)


# Columns written for a new volunteer, in the order `_new_row` gives them.
NEW_COLUMNS = [
    "number",
    "name",
    "name_simplified",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_number",
    "id_number_bidx",
    "phone",
    "phone_bidx",
    "phone_last4",
    "area_id",
    "area_code",
    "skills",
    "registered_on",
    "status",
    "consent_on",
    "consent_version",
]
# What an existing volunteer is compared on (the ID number is the key; the rest is derived).
COMPARED = ["pk", "id_number_bidx", "name", "phone_bidx", "area_code", "skills", "status"]


@registry.register_importer
class VolunteerImporter(Importer):
    """Volunteers keyed by the ID number's blind index (DOMAIN.md § Volunteers).

    The file is validated and written `CHUNK` rows at a time in the import's one
    transaction (`core.imports`, rolled back if any row is bad). Per chunk: one query finds
    the existing volunteers by blind index, the new ones' numbers are reserved in one
    counter round and they are written as plain value rows (COPY on PostgreSQL), changed
    ones are updated. No model instance is built for a new volunteer and no chunk outlives
    its turn, so 100,000 rows take seconds and little memory (issue 5).
    """

    kind = "volunteers"
    label = gettext_lazy("志愿者")
    permission = "volunteers.import_volunteers"
    key = ("id_number",)
    chunk_size = CHUNK
    columns: ClassVar[list[Column]] = [
        Column("name", "姓名", required=True),
        Column(
            "id_number",
            "身份证号码",
            parse=p_id_number,
            required=True,
            pii="id_number",
            aliases=("公民身份号码", "证件号码"),
        ),
        Column("phone", "手机号码", parse=p_phone, required=True, pii="phone", aliases=("手机",)),
        Column(
            "area_code", "居住地区划代码", required=True, help=gettext_lazy("社区或小区的区划代码")
        ),
        Column("registered_on", "注册日期", parse=p_date, help=gettext_lazy("空白为今天")),
        Column("skills", "特长技能", help=gettext_lazy("多项用逗号分隔")),
        Column("status", "状态", parse=p_choice(VolunteerStatus)),
    ]

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        """Called per chunk: area codes not met in an earlier chunk are looked up."""
        if not hasattr(self, "areas"):
            self.areas: dict[str, int] = {}
            self.in_scope: dict[str, bool] = {}
            self.looked_up: set[str] = set()
            self.today = timezone.localdate()
        codes = {r["area_code"] for r in rows if r.get("area_code")} - self.looked_up
        for chunk in iter_chunks(sorted(codes), BATCH):
            self.areas.update(Area.objects.filter(code__in=chunk).values_list("code", "pk"))
        self.looked_up |= codes
        self.in_scope.update({c: _covers(self.actor, c) for c in codes if c in self.areas})

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        code = data["area_code"]
        if code not in self.areas:
            raise RowInvalid("area_code", _("没有这个区划代码"))
        if not self.in_scope[code]:
            raise RowInvalid("area_code", _("不在您的管辖范围内"))
        reg = data.get("registered_on") or self.today
        if reg > self.today:
            raise RowInvalid("registered_on", _("注册日期不能晚于今天"))
        data["registered_on"] = reg
        data["bidx"] = pii.blind_index(data["id_number"], kind="id_number")
        return data

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        """One chunk: its existing volunteers in one query, numbers in one counter round."""
        counts = Counts()
        existing = {
            found[1]: found
            for found in Volunteer.objects.exclude(id_number_bidx="")  # the index's condition
            .filter(id_number_bidx__in=[r["bidx"] for r in rows])
            .values_list(*COMPARED)
        }
        wanted: dict[str, int] = {}
        for r in rows:
            if r["bidx"] not in existing:
                prefix = number_prefix(r["area_code"], r["registered_on"])
                wanted[prefix] = wanted.get(prefix, 0) + 1
        next_seq = allocate_many(wanted)
        consent = (timezone.localdate(), rules_config.current().consent_version)
        new: list[tuple[Any, ...]] = []
        # Updates grouped by the fields they change: each group is one bulk UPDATE of exactly
        # those fields, so nothing unchanged is overwritten.
        changed: dict[tuple[str, ...], list[Volunteer]] = {}
        moved: dict[int, tuple[str, str]] = {}  # home area changes: star steps follow
        for r in rows:
            found = existing.get(r["bidx"])
            if found is None:
                prefix = number_prefix(r["area_code"], r["registered_on"])
                seq = next_seq[prefix]
                next_seq[prefix] = seq + 1
                new.append(self._new_row(r, volunteer_number(prefix, seq), consent))
                continue
            diff = self._changes(found, r)
            if not diff:
                counts.unchanged += 1
                continue
            changed.setdefault(tuple(sorted(diff)), []).append(Volunteer(pk=found[0], **diff))
            counts.updated += 1
            if "area_code" in diff:
                moved[found[0]] = (found[4], diff["area_code"])
        counts.inserted = insert_rows(Volunteer, NEW_COLUMNS, new)
        for fields, group in changed.items():
            Volunteer.objects.bulk_update(group, list(fields), batch_size=BATCH)
        stars.move_homes(moved)
        return counts

    def _new_row(
        self, r: dict[str, Any], number: str, consent: tuple[dt.date, str]
    ) -> tuple[Any, ...]:
        idn = r["id_number"]
        phone, phone_bidx, last4 = encrypt_phone(r["phone"])
        simplified, pinyin, initials = name_keys(r["name"])
        return (
            number,
            r["name"],
            simplified,
            pinyin,
            initials,
            Gender.MALE if int(idn[16]) % 2 else Gender.FEMALE,
            dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14])),
            pii.encrypt(idn),
            r["bidx"],
            phone,
            phone_bidx,
            last4,
            self.areas[r["area_code"]],
            r["area_code"],
            _skills_json(r.get("skills")),
            r["registered_on"],
            r.get("status") or VolunteerStatus.ACTIVE,
            # Paper registration forms carry the signed consent of the day.
            *consent,
        )

    def _changes(self, found: tuple[Any, ...], r: dict[str, Any]) -> dict[str, Any]:
        """The fields to write for an existing volunteer (empty if the row changes nothing).

        A blank skills or status cell keeps what is recorded (a partial sheet updates only
        what it fills in); the name, phone and area are required and always compared.
        """
        _pk, _bidx, name, phone_bidx, area_code, skills, status = found
        diff: dict[str, Any] = {}
        if name != r["name"]:
            diff["name"] = r["name"]
            diff["name_simplified"], diff["name_pinyin"], diff["name_initials"] = name_keys(
                r["name"]
            )
        if phone_bidx != pii.blind_index(r["phone"], kind="phone"):
            diff["phone"], diff["phone_bidx"], diff["phone_last4"] = encrypt_phone(r["phone"])
        if area_code != r["area_code"]:
            diff["area_code"], diff["area_id"] = r["area_code"], self.areas[r["area_code"]]
        new_skills = _skills(r.get("skills"))
        if new_skills and skills != new_skills:
            diff["skills"] = new_skills
        if r.get("status") and status != r["status"]:
            diff["status"] = r["status"]
        return diff


def _p_hours(value: Any) -> Decimal | None:
    d = p_decimal(value)
    if d is not None and (d <= 0 or d > 24):
        raise CellError(_("服务时长应大于 0 且不超过 24 小时"))
    return d


@registry.register_importer
class HoursImporter(Importer):
    """Service hours from another system or paper records (source: import)."""

    kind = "hours"
    label = gettext_lazy("服务时长")
    permission = "volunteers.import_hours"
    key = ("import_key",)
    columns: ClassVar[list[Column]] = [
        Column("number", "志愿者编号", help=gettext_lazy("与身份证号码二选一")),
        Column("id_number", "身份证号码", parse=p_id_number, pii="id_number"),
        Column("team_code", "队伍编号", required=True),
        Column("service_date", "服务日期", parse=p_date, required=True),
        Column(
            "hours",
            "服务时长（小时）",
            parse=_p_hours,
            required=True,
            help=gettext_lazy("不含往返路程时间"),
        ),
        Column("content", "服务内容", required=True),
        Column("category", "服务类别", parse=p_choice(rules_config.category_choices())),
        Column("travel_minutes", "往返路程（分钟）", parse=p_int),
        Column("status", "审核状态", parse=p_choice(EntryStatus)),
    ]

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        numbers = {r["number"] for r in rows if r.get("number")}
        bidxs = {
            pii.blind_index(r["id_number"], kind="id_number") for r in rows if r.get("id_number")
        }
        self.by_number: dict[str, int] = {}
        self.by_bidx: dict[str, tuple[int, str]] = {}
        for chunk in iter_chunks(sorted(numbers), BATCH):
            for pk, number in Volunteer.objects.filter(number__in=chunk).values_list(
                "pk", "number"
            ):
                self.by_number[number] = pk
        for chunk in iter_chunks(sorted(bidxs), BATCH):
            for pk, bidx, number in (
                Volunteer.objects.exclude(id_number_bidx="")  # the index's condition
                .filter(id_number_bidx__in=chunk)
                .values_list("pk", "id_number_bidx", "number")
            ):
                self.by_bidx[bidx] = (pk, number)
        codes = {r["team_code"] for r in rows}
        teams = Team.objects.filter(code__in=codes)
        if not isinstance(self.actor, str):
            teams = restrict(teams, self.actor)
        self.teams = {t.code: t for t in teams}

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        vid = None
        if data.get("number"):
            vid = self.by_number.get(data["number"])
            if vid is None:
                raise RowInvalid("number", _("没有这个志愿者编号"))
        elif data.get("id_number"):
            found = self.by_bidx.get(pii.blind_index(data["id_number"], kind="id_number"))
            if found is None:
                raise RowInvalid("id_number", _("该身份证号码未注册为志愿者"))
            vid, data["number"] = found
        else:
            raise RowInvalid("number", _("志愿者编号和身份证号码至少填写一项"))
        team = self.teams.get(data["team_code"])
        if team is None:
            raise RowInvalid("team_code", _("没有这个队伍编号，或不在您的管辖范围内"))
        if data["service_date"] > timezone.localdate():
            raise RowInvalid("service_date", _("服务日期不能晚于今天"))
        if (data.get("travel_minutes") or 0) < 0:
            raise RowInvalid("travel_minutes", _("往返路程时间不能为负数"))
        data["volunteer_id"], data["team"] = vid, team
        data["minutes"] = int((data["hours"] * 60).to_integral_value())
        raw = f"{data['number']}|{team.code}|{data['service_date']}|{data['minutes']}|{data['content']}"
        data["import_key"] = hashlib.sha256(raw.encode()).hexdigest()[:40]
        return data

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        from gongzhi.volunteers.services.hours import _lock

        counts = Counts()
        known: set[str] = set()
        for chunk in iter_chunks([r["import_key"] for r in rows], BATCH):
            known.update(
                HoursEntry.objects.filter(import_key__in=chunk).values_list("import_key", flat=True)
            )
        now = timezone.now()
        user = actor if getattr(actor, "is_authenticated", False) else None
        new = []
        for r in rows:
            if r["import_key"] in known:
                counts.unchanged += 1
                continue
            team = r["team"]
            status = r.get("status") or EntryStatus.PENDING
            new.append(
                HoursEntry(
                    volunteer_id=r["volunteer_id"],
                    team=team,
                    source=EntrySource.IMPORT,
                    status=status,
                    minutes=r["minutes"],
                    travel_minutes=r.get("travel_minutes") or 0,
                    service_date=r["service_date"],
                    category=r.get("category") or "",
                    content=r["content"][:200],
                    area_code=team.area_code,
                    owner_org_id=team.owner_org_id,
                    import_key=r["import_key"],
                    recorded_at=now,
                    recorded_by=user,
                    decided_at=now if status != EntryStatus.PENDING else None,
                    decided_by=user if status != EntryStatus.PENDING else None,
                )
            )
        approved = sorted({e.volunteer_id for e in new if e.status == EntryStatus.APPROVED})
        _lock(approved)
        for chunk in iter_chunks(new, BATCH):
            HoursEntry.objects.bulk_create(chunk, batch_size=BATCH)
        recompute_totals(approved)
        counts.inserted = len(new)
        return counts
