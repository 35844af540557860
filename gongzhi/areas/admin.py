from django.contrib import admin

from gongzhi.areas.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "synthetic")
    list_filter = ("kind", "synthetic")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
