"""The service-hours ledger: append-only; a correction is a reversing entry with a reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scope import ScopeSpec


class EntrySource(models.TextChoices):
    ATTENDANCE = "attendance", _("签到签退")
    ORGANISER = "organiser", _("组织者录入")
    SELF_REPORT = "self_report", _("志愿者自报")
    IMPORT = "import", _("批量导入")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已认定")
    DECLINED = "declined", _("未认定")


class EntryKind(models.TextChoices):
    ENTRY = "entry", _("记录")
    REVERSAL = "reversal", _("冲正")


# Only these may change after an entry is written: its decision. Everything else is history.
DECISION_FIELDS = frozenset({"status", "decided_at", "decided_by", "decision_note"})


class LedgerQuerySet(models.QuerySet):
    def delete(self):  # type: ignore[override]
        raise PermissionError("the hours ledger is append-only: write a reversing entry")

    def update(self, **kwargs):  # type: ignore[override]
        extra = set(kwargs) - DECISION_FIELDS
        if extra:
            raise PermissionError(f"ledger entries are immutable: {sorted(extra)}")
        return super().update(**kwargs)


class HoursEntry(models.Model):
    """One line of the ledger (民政部令67号: service time, content and hours are recorded).

    `minutes` is service time only; travel time (`travel_minutes`) is kept for the record but
    never counted (DOMAIN.md: travel time is not service time). A reversal carries negative
    minutes, the reversed entry and a reason; it is approved when written. `service_date`
    and `area_code` are the partition and scope keys (monthly partitions, issue 7).
    """

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="hours",
        db_index=False,  # hours_vol_date leads with it
    )
    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("记录单位（队伍）"),
        on_delete=models.PROTECT,
        related_name="hours",
        db_index=False,  # hours_team_status leads with it
    )
    activity = models.ForeignKey(
        "volunteers.Activity",
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # No query selects entries by activity (they are by shift, volunteer, team or area)
        # and activities are never deleted: an index here is only a cost on every write.
        db_index=False,
    )
    shift = models.ForeignKey(
        "volunteers.Shift",
        verbose_name=_("班次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hours",
        db_index=False,  # hours_shift_vol leads with it
    )
    enrollment = models.ForeignKey(
        "volunteers.Enrollment",
        verbose_name=_("报名"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hours",
        # Only attendance entries have one, and they are looked up through the partial unique
        # index hours_one_attendance_per_enrollment (enrollments are never deleted).
        db_index=False,
    )
    kind = models.CharField(
        _("类型"), max_length=10, choices=EntryKind.choices, default=EntryKind.ENTRY
    )
    source = models.CharField(_("来源"), max_length=12, choices=EntrySource.choices)
    status = models.CharField(
        _("审核状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    minutes = models.IntegerField(_("服务时长（分钟）"))
    travel_minutes = models.PositiveIntegerField(_("往返路程（分钟，不计入）"), default=0)
    service_date = models.DateField(_("服务日期"))
    category = models.CharField(_("服务类别"), max_length=30, blank=True)
    content = models.CharField(_("服务内容"), max_length=200)
    area_code = models.CharField(_("区划代码"), max_length=18, editable=False)
    owner_org_id = models.PositiveBigIntegerField(
        _("组织单位（社会组织）编号"), null=True, blank=True, editable=False
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.CharField(_("冲正原因"), max_length=200, blank=True)
    # A stable key for imported rows, so importing the same file twice adds nothing.
    # Unique where set (Meta): a partial index, not one over millions of NULLs (nor
    # PostgreSQL's extra LIKE index of a unique CharField, never used for an equality key).
    import_key = models.CharField(_("导入键"), max_length=40, null=True, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index of the non-null ones (Meta)
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index of the non-null ones (Meta)
    )
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    objects = LedgerQuerySet.as_manager()

    scope = ScopeSpec(area="area_code", orgs={"orgs.socialorg": "owner_org_id"})

    class Meta:
        verbose_name = _("服务时长记录")
        verbose_name_plural = _("服务时长记录")
        ordering = ["-service_date", "-id"]
        constraints = [
            # Concurrent check-outs of one enrollment cannot both write an attendance entry.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(source="attendance", kind="entry"),
                name="hours_one_attendance_per_enrollment",
            ),
            models.UniqueConstraint(
                fields=["import_key"],
                condition=models.Q(import_key__isnull=False),
                name="hours_unique_import_key",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="entry", minutes__gt=0, reverses__isnull=True))
                | (
                    models.Q(kind="reversal", minutes__lt=0, reverses__isnull=False)
                    & ~models.Q(reason="")
                ),
                name="hours_entry_or_reasoned_reversal",
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "service_date"], name="hours_vol_date"),
            # Scope filter `area_code LIKE 'prefix%'`: pattern ops on PostgreSQL (see Volunteer).
            models.Index(
                fields=["area_code", "service_date"],
                name="hours_area_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["team", "status", "service_date"], name="hours_team_status"),
            models.Index(fields=["shift", "volunteer"], name="hours_shift_vol"),
            # figures.star_distribution(as_of=...) corrects the running totals by the approved
            # entries after the date: a range scan of this partial index, not the ledger.
            models.Index(
                fields=["service_date", "volunteer"],
                name="hours_approved_date",
                condition=models.Q(status="approved"),
            ),
            # Entries an organisation organised (its scope, `owner_org_id IN (...)`): its
            # ledger by status, and the evaluation index's hours per staff (metrics.index:
            # approved minutes in a year, read from the index alone, minutes is its last
            # column). Community teams' entries have none and are not in it.
            models.Index(
                fields=["owner_org_id", "status", "service_date", "minutes"],
                name="hours_org_status",
                condition=models.Q(owner_org_id__isnull=False),
            ),
            # Users are almost never recorded on bulk-loaded entries: index the ones that are,
            # so deleting a user (SET_NULL) is still an index look-up, not a ledger scan.
            models.Index(
                fields=["recorded_by"],
                name="hours_recorded_by",
                condition=models.Q(recorded_by__isnull=False),
            ),
            models.Index(
                fields=["decided_by"],
                name="hours_decided_by",
                condition=models.Q(decided_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.service_date} {self.minutes}min {self.status}"

    def save(self, *args, **kwargs):  # type: ignore[override]
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if not fields or set(fields) - DECISION_FIELDS:
                raise PermissionError("ledger entries are immutable; write a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[override]
        raise PermissionError("the hours ledger is append-only: write a reversing entry")

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)
