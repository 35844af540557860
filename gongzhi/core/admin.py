"""Django admin stays for system administrators; audit events are read-only there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from gongzhi.core.models import AuditEvent, ImportRun, Job


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
