"""Django admin stays for system administrators; audit events are read-only there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from gongzhi.core.models import AuditEvent, Holiday, ImportRun, Job


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "result",
        "client_ip",
    )
    list_filter = ("result", "action")
    search_fields = ("actor_label", "action", "object_id")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.register(Job)
admin.site.register(ImportRun)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Where a system administrator corrects a day of the loaded holiday notice; every edit is
    audited because it moves statutory deadlines (gongzhi.core.calendar)."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        from django.db import transaction

        from gongzhi.core import audit

        before = (
            dict(Holiday.objects.filter(pk=obj.pk).values("date", "kind", "name").first() or {})
            if change
            else None
        )
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                action="core.holiday_change" if change else "core.holiday_add",
                obj=obj,
                before=before,
                after={"date": obj.date, "kind": obj.kind, "name": obj.name},
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        from django.db import transaction

        from gongzhi.core import audit

        with transaction.atomic():
            audit.record(
                actor=request.user,
                action="core.holiday_delete",
                obj=obj,
                before={"date": obj.date, "kind": obj.kind, "name": obj.name},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in list(queryset):
            self.delete_model(request, obj)
