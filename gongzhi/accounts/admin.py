from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from gongzhi.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("area",)


@admin.register(User)
class GongzhiUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "is_active", "locked_until", "last_login")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("gongzhi", {"fields": ("display_name", "totp_required", "locked_until", "failed_logins")}),
    )


admin.site.register(ApiToken)
